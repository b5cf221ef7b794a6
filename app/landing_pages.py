"""What published landing pages and their editor assets look like to a visitor, without a login:

    GET /lp/{tenant slug}/{page id}         the page as last published (domain.templates.pages.publish)
    GET /assets/{uuid}/{filename}           an editor asset, from the database (any API process serves it)

Tenants author these pages, and they are served from sendgraph's own origin: every answer carries a CSP
`sandbox`, so a page's scripts run in an opaque origin and cannot reach sendgraph's cookies or storage.
"""
from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app.doi import page, system_sessions
from app.settings import Settings
from domain.templates import assets, pages

PAGE_HEADERS = {
    "Content-Security-Policy": "sandbox allow-forms allow-popups allow-scripts",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cache-Control": "no-cache",  # a new publish shows at once
}
ASSET_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=86400",  # an asset never changes: a new upload has a new uuid
    "Access-Control-Allow-Origin": "*",  # fonts are fetched with CORS
}


def not_found() -> HTMLResponse:
    return page("Page not found", "<p>There is no such page, or it is not published.</p>", 404)


def routes(settings: Settings) -> list[Route]:
    async def landing_page(request: Request) -> Response:
        raw = request.path_params["page_id"]
        if not raw.isdigit() or len(raw) > 18:
            return not_found()
        async with system_sessions(request)() as session:
            document = await pages.published_html(session, tenant_slug=request.path_params["tenant"], page_id=int(raw))
        if document is None:
            return not_found()
        return HTMLResponse(document, headers=PAGE_HEADERS)

    async def asset(request: Request) -> Response:
        try:
            key = UUID(request.path_params["uuid"])
        except ValueError:
            return not_found()
        async with system_sessions(request)() as session:
            found = await assets.served(session, uuid=key)
        if found is None or found[0] != request.path_params["filename"]:
            return not_found()
        filename, content_type, data = found
        return Response(data, media_type=content_type, headers={**ASSET_HEADERS, "Content-Disposition": f'inline; filename="{filename}"'})

    return [Route("/lp/{tenant}/{page_id}", landing_page, methods=["GET"]), Route("/assets/{uuid}/{filename}", asset, methods=["GET"])]
