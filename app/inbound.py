"""Delivery reports from providers, turned into message events and statuses (domain.messaging.status).

    POST /inbound/email       {"message_id": "<msg-42.t7@…>", "event": "delivered" | "bounced" | "complained",
                               "bounce_type": "hard" | "soft", "detail": …}
    POST /inbound/sms/seven   seven.io status reports: the `dlr` webhook
                              {"webhook_event": "dlr", "data": {"msg_id": …, "status": "DELIVERED", …}},
                              or the flat form/JSON callback (msg_id, status, optionally foreign_id)

Both need the shared secret SENDGRAPH_INBOUND_SECRET, in the `X-Sendgraph-Inbound-Secret` header,
as `Authorization: Bearer <secret>`, or (for providers that cannot set headers, like seven.io) as
`?secret=` in the URL configured at the provider. Without SENDGRAPH_INBOUND_SECRET the endpoints
answer 503. Answers: 200 (recorded, or ignored: an intermediate SMS status), 400 (malformed),
401 (no or wrong secret), 404 (no such message; providers do not retry a 4xx).
"""
from __future__ import annotations

import hmac
import json
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.public import system_sessions
from app.settings import Settings
from domain.brands.models import Channel
from domain.errors import DomainError
from domain.messaging import status

SECRET_HEADER = "x-sendgraph-inbound-secret"
MAX_BODY = 64 * 1024


def _error(status_code: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status_code)


def _refused(request: Request, settings: Settings) -> Response | None:
    if not settings.inbound_secret:
        return _error(503, "INBOUND_DISABLED", "Inbound webhooks are off: set SENDGRAPH_INBOUND_SECRET")
    given = request.headers.get(SECRET_HEADER)
    authorization = request.headers.get("authorization", "")
    if given is None and authorization[:7].lower() == "bearer ":
        given = authorization[7:].strip()
    if given is None:
        given = request.query_params.get("secret")
    if not given or not hmac.compare_digest(given.encode(), settings.inbound_secret.encode()):
        return _error(401, "UNAUTHENTICATED", "A valid inbound secret is required")
    return None


async def _payload(request: Request) -> dict | None:
    """A JSON object, or form fields; None when the body is neither."""
    body = await request.body()
    if len(body) > MAX_BODY:
        return None
    if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
        try:
            return dict(parse_qsl(body.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            return None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def routes(settings: Settings) -> list[Route]:
    async def email_event(request: Request) -> Response:
        if refused := _refused(request, settings):
            return refused
        payload = await _payload(request)
        if payload is None:
            return _error(400, "INVALID_BODY", "The body must be a JSON object")
        message_id, event, bounce_type = payload.get("message_id"), payload.get("event"), payload.get("bounce_type")
        if not isinstance(message_id, str) or not message_id.strip():
            return _error(400, "REQUIRED", "message_id (the Message-ID header we sent) is required")
        if not isinstance(event, str) or (bounce_type is not None and not isinstance(bounce_type, str)):
            return _error(400, "UNKNOWN_EVENT", f"event must be one of {', '.join(status.REPORTS)}")
        event, bounce_type = event.strip().lower(), bounce_type and bounce_type.strip().lower()
        try:
            status.check_report(event, bounce_type)
        except DomainError as error:
            return _error(400, error.code, error.message)
        async with system_sessions(request)() as session:
            message = await status.find_by_message_id_header(session, message_id)
            if message is None:
                message = await status.find_by_provider_id(session, message_id.strip(), Channel.EMAIL)
            return await _apply(session, message, event, bounce_type, payload.get("detail"), source="email")

    async def seven_report(request: Request) -> Response:
        if refused := _refused(request, settings):
            return refused
        payload = await _payload(request)
        if payload is None:
            return _error(400, "INVALID_BODY", "The body must be a JSON object or form fields")
        data = payload.get("data") if isinstance(payload.get("data"), dict) else payload
        kind = payload.get("webhook_event", "dlr") if data is not payload else "dlr"
        if kind != "dlr":
            return JSONResponse({"ignored": f"webhook_event {kind}"})
        provider_status = str(data.get("status") or "").strip().upper()
        msg_id, foreign_id = data.get("msg_id"), data.get("foreign_id")
        if not provider_status or not (msg_id or foreign_id):
            return _error(400, "REQUIRED", "A status report needs status and msg_id (or foreign_id)")
        if provider_status not in status.SEVEN_STATUSES:
            return JSONResponse({"ignored": f"status {provider_status}"})
        event, bounce_type = status.SEVEN_STATUSES[provider_status]
        async with system_sessions(request)() as session:
            message = await status.find_by_message_id_header(session, str(foreign_id)) if foreign_id else None
            if message is None:
                message = await status.find_by_provider_id(session, str(msg_id) if msg_id else None, Channel.SMS)
            return await _apply(session, message, event, bounce_type, provider_status, source="seven")

    return [
        Route("/inbound/email", email_event, methods=["POST"]),
        Route("/inbound/sms/seven", seven_report, methods=["POST"]),
    ]


async def _apply(session, message, event: str, bounce_type: str | None, detail, *, source: str) -> Response:
    if message is None:
        return _error(404, "NOT_FOUND", "No message with that id")
    try:
        changed = await status.apply_report(session, message, event, bounce_type=bounce_type, detail=detail, source=source)
    except DomainError as error:
        await session.rollback()
        return _error(400, error.code, error.message)
    await session.commit()
    return JSONResponse({"message": message.id, "status": message.status.name, "changed": changed})
