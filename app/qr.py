"""Doxie QR codes, as a phone's camera opens them: `GET /q/{token}` records the scan and redirects
to the code's target while it is active; an expired code shows a page saying so (410).
The rules live in domain.events.qr_codes; a token that does not verify is a 404 page."""
from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.doi import page, system_sessions
from app.settings import Settings
from domain.events import qr_codes

log = logging.getLogger("sendgraph.qr")


def routes(settings: Settings) -> list[Route]:
    async def visit(request: Request) -> Response:
        process_id = qr_codes.verify_token(settings.secret_key, request.path_params["token"])
        if process_id is None:
            return page("Link not valid", "<p>This QR code is not valid.</p>", 404)
        async with system_sessions(request)() as session:
            found = await qr_codes.visit(session, process_id=process_id, user_agent=request.headers.get("user-agent"))
            if found is None:
                return page("Link not valid", "<p>This QR code is not valid.</p>", 404)
            process, state = found
            target = (process.payload or {}).get("target_url")
            await session.commit()
        if state != qr_codes.ACTIVE or not target:
            return page("QR code expired", "<p>This QR code is no longer valid.</p>", 410)
        return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    return [Route("/q/{token}", visit, methods=["GET"])]
