"""Outgoing webhooks: fan an event out to the tenant's endpoints, then POST it to each, signed.

Every attempt is a `WebhookDelivery` row (status, truncated answer, error). A 2xx answer ends the
delivery; anything else raises, so Dramatiq retries with exponential backoff, and the retry
records a new attempt with the same `webhook-id`.
"""
from __future__ import annotations

import json
import logging

import dramatiq
import httpx

from domain.webhooks import service, signing
from workers.broker import broker  # noqa: F401  (the broker must exist before actors are declared)
from workers.runtime import system_session

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
USER_AGENT = "sendgraph-webhooks/1"


class WebhookDeliveryFailed(Exception):
    """The receiver did not answer 2xx; raised so Dramatiq retries the delivery."""


@dramatiq.actor(max_retries=8, min_backoff=1_000, max_backoff=300_000)
async def emit_webhooks(tenant_id: int, event: str, payload: dict, process_id: int | None = None) -> None:
    async with system_session() as session:
        await service.fan_out(session, tenant_id=tenant_id, event=event, payload=payload, process_id=process_id)
        await session.commit()


@dramatiq.actor(max_retries=8, min_backoff=1_000, max_backoff=300_000)
async def deliver_webhook(delivery_id: int) -> None:
    async with system_session() as session:
        found = await service.next_attempt(session, delivery_id)
        if found is None:
            return
        endpoint, attempt = found
        if not endpoint.active:
            service.record(attempt, error="The endpoint was deactivated before this attempt")
            await session.commit()
            return
        url, secret, event, payload = endpoint.url, endpoint.secret, attempt.event, attempt.payload
        auth = (endpoint.basic_auth_username, endpoint.basic_auth_password) if endpoint.basic_auth_username else None
        await session.commit()  # the attempt is recorded as pending; no transaction stays open during the POST
        status, body, error = await post(url, secret=secret, webhook_id=str(delivery_id), event=event, payload=payload, auth=auth)
        service.record(attempt, status=status, body=body, error=error)
        await session.commit()
    if attempt.error is not None:
        raise WebhookDeliveryFailed(f"webhook {delivery_id} attempt {attempt.attempt} to {url}: {attempt.error}")


async def post(
    url: str, *, secret: str, webhook_id: str, event: str, payload: dict, auth: tuple[str, str] | None
) -> tuple[int | None, str | None, str | None]:
    """(status, response body, error): one signed POST of `payload` as JSON."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-event": event,
        **signing.headers(secret, webhook_id=webhook_id, body=body),
    }
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
            response = await client.post(url, content=body, headers=headers, auth=auth)
    except httpx.HTTPError as exc:
        return None, None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return response.status_code, response.text, None
