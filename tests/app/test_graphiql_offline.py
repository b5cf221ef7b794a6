"""GraphiQL must work offline: the page only references assets sendgraph serves itself."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from app.graphiql import GRAPHIQL_STATIC_DIR, graphiql_html, static_files

PREFIX = "/static/graphiql"


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.inline_scripts = 0
        self.graphiql_root: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.stylesheets.append(a["href"] or "")
        elif a.get("id") == "graphiql":
            self.graphiql_root = a


def _parse(html: str) -> _AssetCollector:
    parser = _AssetCollector()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def client() -> TestClient:
    async def page(request):
        return HTMLResponse(graphiql_html())

    app = Starlette(
        routes=[
            Route("/graphiql", page),
            Mount(PREFIX, app=static_files(), name="graphiql-static"),
        ]
    )
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def page_html(client: TestClient) -> str:
    resp = client.get("/graphiql")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    return resp.text


def test_page_has_title_and_graphiql_root(page_html: str) -> None:
    assert "<title>sendgraph GraphiQL</title>" in page_html
    parsed = _parse(page_html)
    assert parsed.graphiql_root is not None
    assert parsed.graphiql_root.get("data-endpoint") == "/graphql"


def test_page_references_no_remote_urls(page_html: str) -> None:
    lowered = page_html.lower()
    assert "http://" not in lowered
    assert "https://" not in lowered
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", lowered)
    for cdn in ("unpkg", "jsdelivr", "cdnjs", "esm.sh"):
        assert cdn not in lowered


def test_page_has_no_inline_script(page_html: str) -> None:
    # Keeps the page compatible with a `script-src 'self'` CSP.
    assert _parse(page_html).inline_scripts == 0


def test_page_loads_react_graphiql_and_bootstrap_in_order(page_html: str) -> None:
    names = [src.rsplit("/", 1)[-1] for src in _parse(page_html).scripts]
    order = [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "sendgraph-graphiql.js",
    ]
    assert [n for n in names if n in order] == order
    assert names[-1] == "sendgraph-graphiql.js"


def test_every_referenced_asset_is_served(client: TestClient, page_html: str) -> None:
    parsed = _parse(page_html)
    assert parsed.scripts and parsed.stylesheets
    for url in parsed.scripts + parsed.stylesheets:
        assert url.startswith(PREFIX + "/"), url
        resp = client.get(url)
        assert resp.status_code == 200, url
        # Real builds, not stubs or git-lfs pointers.
        assert len(resp.content) > 1_000, (url, len(resp.content))
        ctype = resp.headers["content-type"]
        if url.endswith(".js"):
            assert "javascript" in ctype, (url, ctype)
        else:
            assert ctype.startswith("text/css"), (url, ctype)


def test_main_bundles_are_the_real_umd_builds(client: TestClient) -> None:
    graphiql = client.get(f"{PREFIX}/graphiql.min.js")
    assert len(graphiql.content) > 500_000
    assert b".GraphiQL=" in graphiql.content[:2_000]  # UMD global
    assert b"createFetcher" in graphiql.content
    assert len(client.get(f"{PREFIX}/graphiql.min.css").content) > 50_000
    react_dom = client.get(f"{PREFIX}/react-dom.production.min.js")
    assert b"createRoot" in react_dom.content


def test_stylesheets_pull_nothing_remote(client: TestClient, page_html: str) -> None:
    for url in _parse(page_html).stylesheets:
        css = client.get(url).text
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            assert ref.startswith("data:") or not re.match(r"(https?:)?//", ref), (url, ref)
        assert "@import" not in css, url


def test_license_files_are_vendored() -> None:
    for name in ("react", "react-dom", "graphiql", "plugin-explorer"):
        text = (GRAPHIQL_STATIC_DIR / f"{name}.LICENSE").read_text()
        assert "MIT License" in text or "Permission is hereby granted" in text


def test_custom_endpoint_and_prefix_are_escaped() -> None:
    html = graphiql_html(endpoint='/api/graphql?x="><script>', static_prefix="/assets/gq/")
    parsed = _parse(html)
    assert parsed.graphiql_root is not None
    assert parsed.graphiql_root["data-endpoint"] == '/api/graphql?x="><script>'
    assert parsed.inline_scripts == 0
    assert all(src.startswith("/assets/gq/") and "//" not in src for src in parsed.scripts)
    assert all(href.startswith("/assets/gq/") for href in parsed.stylesheets)
