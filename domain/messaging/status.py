"""What happens to a message after it was sent: delivery reports, bounces, complaints, opens, clicks.

Inbound reports (`apply_report`):
- `delivered`: a SENT message becomes DELIVERED (`delivered_at` set); a repeated report changes nothing.
- `bounced`: a SENT or DELIVERED message becomes BOUNCED with error code HARD_BOUNCE or SOFT_BOUNCE;
  a hard bounce also suppresses the recipient for the tenant (reason `hard_bounce`).
- `complained`: the recipient marked the mail as spam; the status stays, the address is suppressed
  (reason `complaint`).
Each report is a MessageEvent (DELIVERED, BOUNCED, COMPLAINED); a status change also emits the
`message.status_updated` webhook. Reports about a message in another state (still QUEUED, FAILED,
or a `delivered` after a bounce) are kept as events and change no status.

Engagement (`record_engagement`): opens and clicks are MessageEvents (OPENED, CLICKED) only.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.contacts import suppression
from domain.db import utcnow
from domain.errors import Invalid
from domain.messaging.models import Message, MessageEvent, MessageEventType, MessageStatus
from domain.webhooks import service as webhooks

DELIVERED, BOUNCED, COMPLAINED = "delivered", "bounced", "complained"
REPORTS = (DELIVERED, BOUNCED, COMPLAINED)
BOUNCE_TYPES = ("hard", "soft")

# seven.io SMS status reports (https://docs.seven.io/en/rest-api/endpoints/status-reports):
# final outcomes map to a report; intermediate ones (ACCEPTED, BUFFERED, TRANSMITTED) are ignored.
# An SMS that could not be delivered is a soft bounce: phone numbers are suppressed only by hand.
SEVEN_STATUSES = {
    "DELIVERED": (DELIVERED, None),
    "NOTDELIVERED": (BOUNCED, "soft"),
    "REJECTED": (BOUNCED, "soft"),
    "EXPIRED": (BOUNCED, "soft"),
    "FAILED": (BOUNCED, "soft"),
}

# delivery.message_id_header: "<msg-{id}.t{tenant_id}@{domain}>"; seven.io's foreign_id is the same without <>.
_OUR_MESSAGE_ID = re.compile(r"^<?msg-([1-9][0-9]{0,18})\.t([1-9][0-9]{0,18})@[^>]*>?$")


async def find_by_message_id_header(session: AsyncSession, value: str | None) -> Message | None:
    """The message a `Message-ID` header (or seven.io `foreign_id`) we generated names; else None."""
    match = _OUR_MESSAGE_ID.match((value or "").strip())
    if match is None:
        return None
    message_id, tenant_id = int(match.group(1)), int(match.group(2))
    return (
        await session.execute(select(Message).where(Message.id == message_id, Message.tenant_id == tenant_id).with_for_update())
    ).scalar_one_or_none()


async def find_by_provider_id(session: AsyncSession, provider_message_id: str | None, channel: Channel) -> Message | None:
    if not provider_message_id:
        return None
    return (
        await session.execute(
            select(Message).where(Message.provider_message_id == str(provider_message_id), Message.channel == channel)
            .order_by(Message.id.desc()).limit(1).with_for_update()
        )
    ).scalar_one_or_none()


def check_report(report: str, bounce_type: str | None) -> str | None:
    if report not in REPORTS:
        raise Invalid(f"event must be one of {', '.join(REPORTS)}", code="UNKNOWN_EVENT", field="event")
    if report != BOUNCED:
        return None
    bounce_type = bounce_type or "hard"
    if bounce_type not in BOUNCE_TYPES:
        raise Invalid("bounce_type must be hard or soft", code="INVALID_BOUNCE_TYPE", field="bounce_type")
    return bounce_type


async def apply_report(
    session: AsyncSession, message: Message, report: str, *, bounce_type: str | None = None, detail=None, source: str,
) -> bool:
    """Record one delivery report about `message`; True when its status changed."""
    bounce_type = check_report(report, bounce_type)
    event_detail = {"source": source}
    if detail not in (None, "", {}):
        event_detail["detail"] = detail
    changed = False
    if report == DELIVERED:
        if message.status is MessageStatus.DELIVERED:
            return False  # the same report again
        if message.status is MessageStatus.SENT:
            message.status = MessageStatus.DELIVERED
            message.delivered_at = utcnow()
            changed = True
        event = MessageEventType.DELIVERED
    elif report == BOUNCED:
        event_detail["bounce_type"] = bounce_type
        if message.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
            message.status = MessageStatus.BOUNCED
            message.error_code = f"{bounce_type.upper()}_BOUNCE"
            message.error = _text(detail) or f"{bounce_type} bounce"
            changed = True
        if bounce_type == "hard":
            await suppression.suppress(session, message.tenant_id, message.recipient, "hard_bounce")
        event = MessageEventType.BOUNCED
    else:
        await suppression.suppress(session, message.tenant_id, message.recipient, "complaint")
        event = MessageEventType.COMPLAINED
    session.add(MessageEvent(tenant_id=message.tenant_id, message_id=message.id, type=event, detail=event_detail))
    if changed:
        webhooks.emit_message(session, message, "message.status_updated")
    await session.flush()
    return changed


async def record_engagement(session: AsyncSession, message_id: int, event: MessageEventType, detail: dict) -> bool:
    """An open or a click on a message we sent; False when the message no longer exists."""
    if event not in (MessageEventType.OPENED, MessageEventType.CLICKED):
        raise ValueError(f"{event} is not an engagement event")
    tenant_id = (await session.execute(select(Message.tenant_id).where(Message.id == message_id))).scalar_one_or_none()
    if tenant_id is None:
        return False
    session.add(MessageEvent(tenant_id=tenant_id, message_id=message_id, type=event, detail=detail))
    await session.flush()
    return True


def _text(detail) -> str | None:
    if detail in (None, ""):
        return None
    return (detail if isinstance(detail, str) else str(detail))[:1000]
