"""Links recipients follow from the mail they received: no login, a signed token instead.

    GET  /u/{token}        a confirmation page whose button POSTs to the same URL
    POST /u/{token}        unsubscribe (RFC 8058 one-click: mail providers POST `List-Unsubscribe=One-Click`)
    GET  /o/{token}.gif    the open pixel: a 1x1 GIF, records OPENED
    GET  /c/{token}?u=URL  a click: records CLICKED and redirects (302) to URL, which the token signs

GET never unsubscribes: mail scanners and link previews fetch URLs by themselves. Tokens are
checked before anything else (see domain.messaging.links); a token that does not verify is a 404
page. The rules live in domain.contacts.suppression and domain.messaging.status.
"""
from __future__ import annotations

import html
import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.settings import Settings
from domain.contacts import suppression
from domain.db import session_factory
from domain.messaging import links as message_links
from domain.messaging import status
from domain.messaging.models import Message, MessageEventType
from domain.messaging.tracking import is_trackable

log = logging.getLogger("sendgraph.public")

# The smallest transparent GIF (1x1, 43 bytes).
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
NO_STORE = {"Cache-Control": "no-store, no-cache, must-revalidate, private", "Pragma": "no-cache"}
PAGE_HEADERS = {
    **NO_STORE,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
}


def system_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """Sessions acting for the system (the token, not a credential, authorizes the request)."""
    state = request.app.state
    if getattr(state, "system_sessions", None) is None:
        state.system_sessions = session_factory(state.engine)
    return state.system_sessions


def page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5">'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status_code, headers=PAGE_HEADERS)


def not_valid() -> HTMLResponse:
    return page("Link not valid", "<p>This link is not valid, or no longer is.</p>", 404)


def routes(settings: Settings) -> list[Route]:
    secret = settings.secret_key

    async def unsubscribe(request: Request) -> Response:
        token = request.path_params["token"]
        message_id = message_links.verify_token(secret, message_links.UNSUBSCRIBE, token)
        if message_id is None:
            return not_valid()
        if request.method != "POST":
            return page(
                "Unsubscribe",
                "<p>Do you want to stop receiving these emails?</p>"
                '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
                '<button type="submit" style="font-size:1rem;padding:.5rem 1rem">Unsubscribe</button></form>',
            )
        # The body (List-Unsubscribe=One-Click, form-urlencoded or multipart) is not needed: a POST
        # to a valid token is the request, and scanners do not POST.
        async with system_sessions(request)() as session:
            message = await session.get(Message, message_id)
            if message is None:
                return not_valid()
            try:
                await suppression.unsubscribe(session, message)
                await session.commit()
            except IntegrityError:  # a simultaneous POST of the same link got there first
                await session.rollback()
        return page("Unsubscribed", "<p>You are unsubscribed and will not receive these emails any more.</p>")

    async def open_pixel(request: Request) -> Response:
        message_id = message_links.verify_token(secret, message_links.OPEN, request.path_params["token"])
        if message_id is None:
            return Response(status_code=404, headers=NO_STORE)
        if request.method == "GET":
            await _record(request, message_id, MessageEventType.OPENED, {})
        return Response(PIXEL, media_type="image/gif", headers=NO_STORE)

    async def click(request: Request) -> Response:
        url = request.query_params.get("u", "")
        message_id = message_links.verify_token(secret, message_links.CLICK, request.path_params["token"], url=url)
        if message_id is None or not is_trackable(url):
            return not_valid()
        if request.method == "GET":
            await _record(request, message_id, MessageEventType.CLICKED, {"url": url})
        return RedirectResponse(url, status_code=302, headers=NO_STORE)

    return [
        Route("/u/{token}", unsubscribe, methods=["GET", "POST"]),
        Route("/o/{token}.gif", open_pixel, methods=["GET"]),
        Route("/c/{token}", click, methods=["GET"]),
    ]


async def _record(request: Request, message_id: int, event: MessageEventType, detail: dict) -> None:
    """Best effort: the recipient gets the image or the redirect even when recording fails."""
    user_agent = request.headers.get("user-agent")
    if user_agent:
        detail = {**detail, "user_agent": user_agent[:300]}
    try:
        async with system_sessions(request)() as session:
            await status.record_engagement(session, message_id, event, detail)
            await session.commit()
    except Exception:
        log.exception("could not record %s of message %s", event.value, message_id)
