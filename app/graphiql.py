"""Offline GraphiQL: the page and the static assets it loads.

Strawberry's built-in GraphiQL template pulls React and GraphiQL from a CDN.
sendgraph serves its own copies instead (``app/static/graphiql/``, see
``VENDORED.txt`` there), so the IDE works on air-gapped hosts and under a
``script-src 'self'`` Content-Security-Policy (the page has no inline script).

Wiring (done by the ASGI app, not here)::

    from starlette.routing import Mount, Route
    from starlette.responses import HTMLResponse
    from app.graphiql import GRAPHIQL_STATIC_PREFIX, graphiql_html, static_files

    routes = [
        Mount(GRAPHIQL_STATIC_PREFIX, app=static_files(), name="graphiql-static"),
        Route("/graphql", ...),  # GET with Accept: text/html -> graphiql_html()
    ]

If the static files are mounted somewhere else, pass that path as
``static_prefix`` to :func:`graphiql_html`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.staticfiles import StaticFiles

__all__ = [
    "GRAPHIQL_STATIC_DIR",
    "GRAPHIQL_STATIC_PREFIX",
    "SCRIPTS",
    "STYLESHEETS",
    "graphiql_html",
    "static_files",
]

#: Directory holding the vendored GraphiQL/React builds and the bootstrap script.
GRAPHIQL_STATIC_DIR = Path(__file__).resolve().parent / "static" / "graphiql"

#: Where :func:`static_files` is expected to be mounted.
GRAPHIQL_STATIC_PREFIX = "/static/graphiql"

#: Scripts, in load order (all ``defer``, which preserves document order).
SCRIPTS: tuple[str, ...] = (
    "react.production.min.js",  # React 18.3.1 UMD -> window.React
    "react-dom.production.min.js",  # ReactDOM 18.3.1 UMD -> window.ReactDOM
    "graphiql.min.js",  # graphiql 3.9.0 UMD -> window.GraphiQL
    "plugin-explorer.umd.js",  # @graphiql/plugin-explorer 3.2.6 -> window.GraphiQLPluginExplorer
    "sendgraph-graphiql.js",  # first-party bootstrap, must come last
)

#: Stylesheets.
STYLESHEETS: tuple[str, ...] = (
    "graphiql.min.css",
    "plugin-explorer.css",
)

_PAGE = """\
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>sendgraph GraphiQL</title>
    <link rel="icon" href="data:,">
    <style>
      html, body {{ height: 100%; margin: 0; overflow: hidden; }}
      #graphiql {{ height: 100vh; }}
    </style>
{stylesheets}
{scripts}
  </head>
  <body>
    <div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL&hellip;</div>
    <noscript>GraphiQL needs JavaScript.</noscript>
  </body>
</html>
"""


def graphiql_html(
    endpoint: str = "/graphql",
    static_prefix: str = GRAPHIQL_STATIC_PREFIX,
) -> str:
    """Return the GraphiQL page.

    ``endpoint`` is the GraphQL URL the fetcher posts to (relative or absolute);
    ``static_prefix`` is where :func:`static_files` is mounted.  Every asset is
    loaded from ``static_prefix``; nothing comes from a CDN.  The header editor
    is enabled (users paste ``{"Authorization": "Bearer <token>"}``) and headers
    are not persisted to localStorage.
    """
    prefix = static_prefix.rstrip("/")

    def url(name: str) -> str:
        return escape(f"{prefix}/{name}", quote=True)

    stylesheets = "\n".join(
        f'    <link rel="stylesheet" href="{url(name)}">' for name in STYLESHEETS
    )
    scripts = "\n".join(f'    <script defer src="{url(name)}"></script>' for name in SCRIPTS)
    return _PAGE.format(
        stylesheets=stylesheets,
        scripts=scripts,
        endpoint=escape(endpoint, quote=True),
    )


def static_files() -> StaticFiles:
    """ASGI app serving the GraphiQL assets; mount it at ``/static/graphiql``."""
    return StaticFiles(directory=GRAPHIQL_STATIC_DIR)
