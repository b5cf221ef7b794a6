"""Doxie QR codes: one per QR_CODE event trigger (the process's uuid is the code's uuid).

The code leads to a `target_url` until `valid_until` (none: forever). Both come from the trigger's
payload, else from the event's defaults in `Event.settings`; the resolved values are kept in the
process's payload, which is the one place a process keeps its data.
"""
from __future__ import annotations

from datetime import datetime, timezone

from domain.db import utcnow
from domain.errors import Invalid
from domain.events.models import Event
from domain.webhooks.service import check_url

ACTIVE = "active"
EXPIRED = "expired"


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
