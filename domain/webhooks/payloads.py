"""Event names and the JSON bodies sendgraph POSTs, in the shapes Doxie documents for its outgoing webhooks.

A builder runs where the event happens, often inside a synchronous status change, so it only
reads the row in hand. References that need a query (the process UUID, the tenant and event
slugs) are left `None` and filled by `complete` when the event is fanned out to endpoints.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from domain.events.models import Event
from domain.messaging.models import Message, Process
from domain.tenants.models import Tenant

MESSAGE_SENT = "message.sent"
MESSAGE_FAILED = "message.failed"
MESSAGE_STATUS_UPDATED = "message.status_updated"
PROCESS_CANCELLED = "process.cancelled"
DOI_CONFIRMED = "doi.confirmed"
QR_CODE_VISITED = "qr_code.visited"

EVENTS = (MESSAGE_SENT, MESSAGE_FAILED, MESSAGE_STATUS_UPDATED, PROCESS_CANCELLED, DOI_CONFIRMED, QR_CODE_VISITED)


def timestamp(value: datetime | None) -> str:
    """ISO 8601 in UTC with a `Z`, as Doxie's samples show ("2021-01-01T00:00:00Z")."""
    value = (value or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return value.isoformat().replace("+00:00", "Z")


def message_sent(message: Message) -> dict:
    """Doxie's "Message sent" webhook. sendgraph keeps one Message per recipient, so the message id
    and its only recipient-specific id are both `Message.id`."""
    return {
        "process_id": None,  # the process UUID; filled by `complete`
        "message_type": message.channel.value,
        "message_id": message.id,
        "recipient_specific_message_ids": [[message.recipient, message.id]],
        "recipient": message.recipient,
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "original_brand_slug": None,  # messages carry no brand yet
        "original_tenant_slug": None,
        "original_event_slug": None,
        "timestamp": timestamp(message.sent_at),
        "original_payload": message.data,
    }


def message_status(message: Message) -> dict:
    """Doxie's "Message status update" webhook, with the message's current status;
    a failure adds its `error_code` and `error`."""
    payload = {
        "process_id": None,
        "message_type": message.channel.value,
        "message_id": message.id,
        "recipient_specific_message_id": message.id,
        "recipient": message.recipient,
        "status": message.status.value,
        "timestamp": timestamp(None),
        "original_payload": message.data,
    }
    if message.error_code:
        payload.update(error_code=message.error_code, error=message.error)
    return payload


def process_cancelled(process: Process) -> dict:
    """Doxie's "Process cancelled" webhook."""
    return {
        "process_uuid": str(process.uuid),
        "cancellation_timestamp": timestamp(process.cancelled_at),
        "original_payload": process.payload,
    }


async def complete(session: AsyncSession, payload: dict, *, tenant_id: int, process_id: int | None) -> dict:
    """Fill the references a builder left `None`: `process_id` (the UUID), `original_tenant_slug`, `original_event_slug`."""
    payload = dict(payload)
    if "original_tenant_slug" in payload and payload["original_tenant_slug"] is None:
        tenant = await session.get(Tenant, tenant_id)
        payload["original_tenant_slug"] = tenant and tenant.slug
    process = await session.get(Process, process_id) if process_id is not None else None
    if process is not None:
        if "process_id" in payload and payload["process_id"] is None:
            payload["process_id"] = str(process.uuid)
        if "original_event_slug" in payload and payload["original_event_slug"] is None and process.event_id is not None:
            event = await session.get(Event, process.event_id)
            payload["original_event_slug"] = event and event.slug
    return payload
