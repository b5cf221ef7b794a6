"""Doxie QR codes: one per QR_CODE event trigger (the process's uuid is the code's uuid).

The code leads to a `target_url` until `valid_until` (none: forever) or until its process is
cancelled. Both come from the trigger's payload, else from the event's defaults in `Event.settings`;
the resolved values are kept in the process's payload, which is the one place a process keeps its data.

The code's URL, `{SENDGRAPH_PUBLIC_URL}/q/{token}`, is given to the event's templates as
`qr_code_url`. A visit records a SCANNED event on the process's first message, notifies the
`qr_code.visited` webhook and, while the code is active, redirects to the target.
The token is `{process id}.{signature}` (HMAC-SHA256, a key derived from SECRET_KEY for this purpose).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Invalid
from domain.events.models import Event
from domain.messaging.models import Message, MessageEvent, MessageEventType, Process, ProcessStatus
from domain.webhooks import payloads
from domain.webhooks.service import check_url, emit

ACTIVE = "active"
EXPIRED = "expired"
KIND = "qr_code"  # Process.kind of a QR code
_ID = re.compile(r"[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class QrLinks:
    secret_key: str
    public_url: str

    def url(self, process_id: int) -> str:
        return f"{self.public_url.rstrip('/')}/q/{make_token(self.secret_key, process_id)}"


def _signature(secret_key: str, process_id: int) -> str:
    key = hmac.new(secret_key.encode(), b"sendgraph/qr-links/v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, str(process_id).encode(), hashlib.sha256).digest()[:18]).decode()


def make_token(secret_key: str, process_id: int) -> str:
    return f"{int(process_id)}.{_signature(secret_key, int(process_id))}"


def verify_token(secret_key: str, token: str) -> int | None:
    """The process a QR code token names, or None when we did not make it."""
    id_part, dot, signature = (token or "").partition(".")
    if not dot or not _ID.fullmatch(id_part):
        return None
    expected = _signature(secret_key, int(id_part))
    return int(id_part) if hmac.compare_digest(expected.encode(), signature.encode()) else None


def resolve(event: Event, payload: dict) -> dict:
    """The payload with its `target_url` and `valid_until` (ISO 8601, UTC) resolved and checked."""
    settings = event.settings or {}
    target = payload.get("target_url") or settings.get("target_url")
    if not target:
        raise Invalid("A QR code needs a target_url (in the payload, or as the event's default)", code="REQUIRED", field="payload.target_url")
    try:
        target = check_url(str(target))
    except Invalid as error:
        raise Invalid(error.message, code=error.code, field="payload.target_url") from error
    valid_until = payload.get("valid_until", settings.get("valid_until"))
    if valid_until not in (None, ""):
        valid_until = _parse_time(valid_until)
        if valid_until <= utcnow():
            raise Invalid("valid_until must be in the future", code="INVALID_TIME", field="payload.valid_until")
        valid_until = valid_until.isoformat().replace("+00:00", "Z")
    else:
        valid_until = None
    return {**payload, "target_url": target, "valid_until": valid_until}


def status(payload: dict, now: datetime | None = None) -> str:
    """`active` until `valid_until` has passed, then `expired`."""
    valid_until = payload.get("valid_until")
    if not valid_until:
        return ACTIVE
    return EXPIRED if _parse_time(valid_until) <= (now or utcnow()) else ACTIVE


def state(process: Process, now: datetime | None = None) -> str:
    """A code is expired once its process is cancelled or its validity has passed."""
    return EXPIRED if process.status is ProcessStatus.CANCELLED else status(process.payload or {}, now)


async def visit(session: AsyncSession, *, process_id: int, user_agent: str | None = None) -> tuple[Process, str] | None:
    """Record a scan; (the process, its state), or None when no QR code has that id."""
    process = await session.get(Process, process_id)
    if process is None or process.kind != KIND:
        return None
    payload, now = process.payload or {}, utcnow()
    current = state(process, now)
    detail = {"target_url": payload.get("target_url"), "valid_until": payload.get("valid_until"), "status": current}
    message_id = (await session.execute(select(Message.id).where(Message.process_id == process.id).order_by(Message.id).limit(1))).scalar_one_or_none()
    if message_id is not None:
        session.add(MessageEvent(tenant_id=process.tenant_id, message_id=message_id, type=MessageEventType.SCANNED,
                                 detail={**detail, "user_agent": (user_agent or "")[:300] or None}, occurred_at=now))
    emit(session, tenant_id=process.tenant_id, event=payloads.QR_CODE_VISITED, process_id=process.id, payload={
        "process_id": str(process.uuid), **detail, "qr_code_uuid": str(process.uuid), "timestamp": payloads.timestamp(now),
        "original_payload": payload})
    await session.flush()
    return process, current


def valid_until(payload: dict) -> datetime | None:
    value = payload.get("valid_until")
    return _parse_time(value) if value else None


def _parse_time(value) -> datetime:
    if not isinstance(value, str):
        raise Invalid("valid_until must be an ISO 8601 date-time", code="INVALID_TIME", field="payload.valid_until")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise Invalid(f"{value!r} is not an ISO 8601 date-time", code="INVALID_TIME", field="payload.valid_until") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
