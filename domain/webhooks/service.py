"""Outgoing webhooks: a tenant's endpoints, the events it emits to them, and every delivery attempt.

An event is cheap to emit: `emit` only defers one `emit_webhooks` job (so it can be called from
synchronous status changes such as `delivery.mark_sent`). That job runs `fan_out`, which finds
the tenant's active endpoints subscribed to the event, records a pending first attempt for each
and defers one `deliver_webhook` job per attempt. The worker POSTs, records the outcome with
`record`, and raises on failure so Dramatiq retries; each retry is a new attempt row.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import apply_changes, get_or_raise
from domain.db import utcnow
from domain.errors import Invalid
from domain.messaging.models import Message, Process
from domain.outbox import defer
from domain.tenants.models import Tenant
from domain.validation import check_length
from domain.webhooks import payloads, signing
from domain.webhooks.models import WebhookDelivery, WebhookEndpoint

ENDPOINT_FIELDS = {"url", "events", "description", "basic_auth_username", "basic_auth_password", "active"}
RESPONSE_BODY_LIMIT = 2_000  # characters of a receiver's answer kept on the attempt


def check_url(url: str | None) -> str:
    url = (url or "").strip()
    if not url:
        raise Invalid("url must not be empty", code="REQUIRED", field="url")
    check_length(url, field="url", max_length=2000)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise Invalid(f"{url!r} is not an http or https URL", code="INVALID_URL", field="url")
    return url


def check_events(events: list[str] | None) -> list[str]:
    """The events an endpoint subscribes to, without duplicates; empty means every event."""
    events = list(dict.fromkeys(events or []))
    unknown = [e for e in events if e not in payloads.EVENTS]
    if unknown:
        raise Invalid(
            f"Unknown webhook events: {', '.join(map(str, unknown))} (known: {', '.join(payloads.EVENTS)})",
            code="UNKNOWN_EVENT", field="events",
        )
    return events


def _note_activity(endpoint: WebhookEndpoint) -> None:
    """An inactive endpoint remembers since when (`settings.deactivated_at`, ISO 8601); an active one forgets it."""
    settings = dict(endpoint.settings or {})
    if endpoint.active:
        settings.pop("deactivated_at", None)
    elif "deactivated_at" not in settings:
        settings["deactivated_at"] = utcnow().isoformat()
    endpoint.settings = settings


def deactivated_at(endpoint: WebhookEndpoint) -> datetime | None:
    raw = (endpoint.settings or {}).get("deactivated_at")
    return datetime.fromisoformat(raw) if raw and not endpoint.active else None


def _check_endpoint(endpoint: WebhookEndpoint) -> None:
    check_length(endpoint.description, field="description", max_length=200)
    check_length(endpoint.basic_auth_username, field="basicAuthUsername", max_length=200)
    check_length(endpoint.basic_auth_password, field="basicAuthPassword", max_length=200)
    if bool(endpoint.basic_auth_username) != bool(endpoint.basic_auth_password):
        raise Invalid("Basic auth needs both a username and a password", code="INCOMPLETE_BASIC_AUTH",
                      field="basicAuthPassword" if endpoint.basic_auth_username else "basicAuthUsername")


async def create_endpoint(
    session: AsyncSession, *, tenant_id: int, url: str, events: list[str] | None = None, description: str | None = None,
    basic_auth_username: str | None = None, basic_auth_password: str | None = None, active: bool = True,
) -> WebhookEndpoint:
    """A new endpoint with a freshly generated `whsec_...` signing secret (on `endpoint.secret`)."""
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    endpoint = WebhookEndpoint(
        tenant_id=tenant_id, url=check_url(url), events=check_events(events), description=description,
        basic_auth_username=basic_auth_username or None, basic_auth_password=basic_auth_password or None,
        active=active, secret=signing.generate_secret(), settings={},
    )
    _check_endpoint(endpoint)
    _note_activity(endpoint)
    session.add(endpoint)
    await session.flush()
    return endpoint


async def update_endpoint(session: AsyncSession, *, endpoint_id: int, changes: dict) -> WebhookEndpoint:
    unknown = set(changes) - ENDPOINT_FIELDS
    if unknown:
        raise Invalid(f"Unknown webhook endpoint fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    endpoint = await get_or_raise(session, WebhookEndpoint, endpoint_id, what="Webhook endpoint")
    changes = dict(changes)
    if "url" in changes:
        changes["url"] = check_url(changes["url"])
    if "events" in changes:
        changes["events"] = check_events(changes["events"])
    if changes.get("active") is None:
        changes.pop("active", None)
    for name in ("basic_auth_username", "basic_auth_password"):
        if name in changes:
            changes[name] = changes[name] or None
    apply_changes(endpoint, changes)
    _check_endpoint(endpoint)
    _note_activity(endpoint)
    await session.flush()
    return endpoint


async def delete_endpoint(session: AsyncSession, *, endpoint_id: int) -> None:
    """The endpoint and its delivery history; jobs still queued for it find nothing and stop."""
    await session.delete(await get_or_raise(session, WebhookEndpoint, endpoint_id, what="Webhook endpoint"))
    await session.flush()


async def rotate_secret(session: AsyncSession, *, endpoint_id: int) -> WebhookEndpoint:
    """A new signing secret, used from the next attempt on; the old one stops being valid at once."""
    endpoint = await get_or_raise(session, WebhookEndpoint, endpoint_id, what="Webhook endpoint")
    endpoint.secret = signing.generate_secret()
    await session.flush()
    return endpoint


_SUBSCRIBERS = "webhook_subscribers"  # session.info key: tenant id -> has an active endpoint


async def note_subscribers(session: AsyncSession, tenant_ids: set[int]) -> None:
    """Look up, in one query, which of these tenants have an active endpoint; this session's emits for the
    others then add no job. A worker notes the tenants of a batch before recording its outcomes, so the
    common case (no endpoints at all) costs one query per batch instead of one job per message."""
    with_endpoints = set((await session.execute(
        select(WebhookEndpoint.tenant_id).where(WebhookEndpoint.tenant_id.in_(tenant_ids), WebhookEndpoint.active.is_(True)).distinct()
    )).scalars())
    session.info.setdefault(_SUBSCRIBERS, {}).update({t: t in with_endpoints for t in tenant_ids})


def emit(session: AsyncSession, *, tenant_id: int, event: str, payload: dict, process_id: int | None = None) -> None:
    """Notify the tenant's endpoints of `event` once this transaction commits. Adds one job, runs no query
    (and adds none when `note_subscribers` found the tenant has no active endpoint)."""
    if event not in payloads.EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    if session.info.get(_SUBSCRIBERS, {}).get(tenant_id) is False:
        return
    defer(session, "emit_webhooks", tenant_id=tenant_id, event=event, payload=payload, process_id=process_id)


def emit_message(session: AsyncSession, message: Message, event: str) -> None:
    """`message.sent` in Doxie's "message sent" shape; any other message event in its "status update" shape."""
    payload = payloads.message_sent(message) if event == payloads.MESSAGE_SENT else payloads.message_status(message)
    emit(session, tenant_id=message.tenant_id, event=event, payload=payload, process_id=message.process_id)


def emit_process_cancelled(session: AsyncSession, process: Process) -> None:
    emit(session, tenant_id=process.tenant_id, event=payloads.PROCESS_CANCELLED,
         payload=payloads.process_cancelled(process), process_id=process.id)


def subscribed(endpoint: WebhookEndpoint, event: str) -> bool:
    return endpoint.active and (not endpoint.events or event in endpoint.events)


async def fan_out(
    session: AsyncSession, *, tenant_id: int, event: str, payload: dict, process_id: int | None = None
) -> list[WebhookDelivery]:
    """A pending first attempt, and a `deliver_webhook` job, for every endpoint of the tenant subscribed to `event`."""
    endpoints = (
        await session.execute(
            select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.active.is_(True)).order_by(WebhookEndpoint.id)
        )
    ).scalars().all()
    endpoints = [e for e in endpoints if subscribed(e, event)]
    if not endpoints:
        return []
    payload = await payloads.complete(session, payload, tenant_id=tenant_id, process_id=process_id)
    deliveries = [
        WebhookDelivery(tenant_id=tenant_id, endpoint_id=e.id, process_id=process_id, event=event, payload=payload, attempt=1)
        for e in endpoints
    ]
    session.add_all(deliveries)
    await session.flush()
    for delivery in deliveries:
        delivery.first_attempt_id = delivery.id
        defer(session, "deliver_webhook", delivery_id=delivery.id)
    return deliveries


def is_pending(attempt: WebhookDelivery) -> bool:
    return attempt.response_status is None and attempt.error is None


def succeeded(attempt: WebhookDelivery) -> bool:
    return attempt.response_status is not None and 200 <= attempt.response_status < 300


async def next_attempt(session: AsyncSession, delivery_id: int) -> tuple[WebhookEndpoint, WebhookDelivery] | None:
    """The attempt to make now for the delivery whose first attempt is `delivery_id`: its pending
    attempt, else a new one numbered after the last. None when there is nothing left to do: the
    delivery (or its endpoint) is gone, the endpoint was deactivated meanwhile (no deliveries while inactive), or an
    attempt already succeeded (the job ran twice)."""
    attempts = (
        await session.execute(
            select(WebhookDelivery).where(WebhookDelivery.first_attempt_id == delivery_id).order_by(WebhookDelivery.attempt)
        )
    ).scalars().all()
    if not attempts or any(succeeded(a) for a in attempts):
        return None
    endpoint = await session.get(WebhookEndpoint, attempts[0].endpoint_id)
    if endpoint is None or not endpoint.active:
        return None
    pending = next((a for a in attempts if is_pending(a)), None)
    if pending is not None:
        return endpoint, pending
    last = attempts[-1]
    attempt = WebhookDelivery(
        tenant_id=last.tenant_id, first_attempt_id=delivery_id, endpoint_id=last.endpoint_id, process_id=last.process_id,
        event=last.event, payload=last.payload, attempt=last.attempt + 1,
    )
    session.add(attempt)
    await session.flush()
    return endpoint, attempt


def record(attempt: WebhookDelivery, *, status: int | None = None, body: str | None = None, error: str | None = None) -> None:
    """The outcome of one attempt: the receiver's status and (truncated) answer, or why there was none."""
    attempt.response_status = status
    attempt.response_body = body[:RESPONSE_BODY_LIMIT] if body is not None else None
    if error is None and status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    attempt.error = error[:RESPONSE_BODY_LIMIT] if error is not None else None
