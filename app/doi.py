"""The double opt-in link recipients follow from a DOI mail: no login, a signed token instead.

    GET  /doi/{token}   a page whose button POSTs to the same URL (mail scanners fetch links by themselves)
    POST /doi/{token}   confirms the consent (domain.contacts.consents.confirm)

A token that does not verify, or names no consent, is a 404 page.
"""
from __future__ import annotations

import html

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app.settings import Settings
from domain.contacts import consents
from domain.db import session_factory
from domain.errors import DomainError, NotFound

HEADERS = {
    "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
}


def page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title></head>'
        '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5">'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status_code, headers=HEADERS)


def system_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """Sessions acting for the system: a signed token, not a credential, authorizes these requests."""
    state = request.app.state
    if getattr(state, "link_sessions", None) is None:
        state.link_sessions = session_factory(state.engine)
    return state.link_sessions


def routes(settings: Settings) -> list[Route]:
    async def confirm(request: Request) -> Response:
        member_id = consents.verify_token(settings.secret_key, request.path_params["token"])
        if member_id is None:
            return page("Link not valid", "<p>This link is not valid, or no longer is.</p>", 404)
        if request.method != "POST":
            return page("Confirm your consent", '<p>Please confirm with the button below.</p><form method="post">'
                         '<button type="submit" style="font-size:1rem;padding:.5rem 1rem">Confirm</button></form>')
        async with system_sessions(request)() as session:
            try:
                await consents.confirm(session, member_id=member_id, ip_address=request.client and request.client.host)
                await session.commit()
            except NotFound:
                return page("Link not valid", "<p>This link is not valid, or no longer is.</p>", 404)
            except DomainError as error:
                return page("Not confirmed", f"<p>{html.escape(error.message)}</p>", 409)
        return page("Thank you", "<p>Your consent is confirmed.</p>")

    return [Route("/doi/{token}", confirm, methods=["GET", "POST"])]
