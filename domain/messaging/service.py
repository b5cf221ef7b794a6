"""Queuing messages (one transactional send, or an event trigger's process) and cancelling them.

Every send commits its Message rows as QUEUED and defers `deliver_messages`; a worker
renders and delivers them (see `domain.messaging.delivery`).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel, Sender
from domain.common import get_or_raise
from domain.db import utcnow
from domain.errors import Invalid, InvalidTransition, NotFound
from domain.events import qr_codes, schedules
from domain.events import service as events
from domain.events.models import EventType
from domain.outbox import defer
from domain.messaging.models import Message, MessageEvent, MessageEventType, MessageStatus, Process, ProcessStatus
from domain.rendering import check_syntax
from domain.templates.models import Template
from domain.tenants.models import Tenant
from domain.validation import check_length, normalize_email, normalize_phone
from domain.webhooks import service as webhooks

SENDABLE = (Channel.EMAIL, Channel.SMS, Channel.PUSH, Channel.RCS)


def normalize_recipient(channel: Channel, to: str, *, field: str = "to") -> str:
    """Email address, E.164 phone number (SMS, RCS), or an opaque device token (push)."""
    if channel is Channel.EMAIL:
        return normalize_email(to or "", field=field)
    if channel is Channel.PUSH:
        token = (to or "").strip()
        if not token or len(token) > 320:
            raise Invalid("A push recipient is a device token of 1-320 characters", code="INVALID_ADDRESS", field=field)
        return token
    return normalize_phone(to or "", field=field)


# Every transactional send reads its tenant with the default sender for the channel: one statement,
# built once (building it anew was as costly as running it).
_TENANT_WITH_DEFAULT_SENDER = (
    select(Tenant, Sender)
    .outerjoin(Sender, (Sender.tenant_id == Tenant.id) & (Sender.channel == bindparam("channel")))
    .where(Tenant.id == bindparam("tenant_id"))
    .order_by(Sender.is_default.desc(), Sender.id)
    .limit(1)
)


async def _sendable_tenant(session: AsyncSession, tenant_id: int, channel: Channel) -> tuple[Tenant, Sender | None]:
    """The tenant, checked that it may send on this channel, with its default sender for the channel."""
    row = (await session.execute(_TENANT_WITH_DEFAULT_SENDER, {"tenant_id": tenant_id, "channel": channel})).first()
    if row is None:
        raise NotFound(f"Tenant {tenant_id} not found", field="tenantId")
    tenant, sender = row
    if not tenant.active:
        raise Invalid(f"Tenant {tenant.slug} is not active", code="TENANT_INACTIVE", field="tenantId")
    if channel is Channel.EMAIL and not tenant.email_active:
        raise Invalid(f"Email is switched off for tenant {tenant.slug}", code="CHANNEL_INACTIVE", field="channel")
    if channel is Channel.SMS and not tenant.sms_active:
        raise Invalid(f"SMS is switched off for tenant {tenant.slug}", code="CHANNEL_INACTIVE", field="channel")
    return tenant, sender


_LOAD = object()  # default_sender: the tenant's default sender is not known yet


async def default_sender(session: AsyncSession, tenant: Tenant, channel: Channel, template: Template | None,
                         tenant_default: Sender | None | object = _LOAD) -> str | None:
    """The template's sender, else the tenant's default sender for the channel (`tenant_default`, when the
    caller has read it already), else the tenant's name at a local address."""
    sender = None
    if template is not None and template.sender_id is not None:
        sender = await session.get(Sender, template.sender_id)
    if sender is None:
        sender = tenant_default if tenant_default is not _LOAD else (
            await session.execute(
                select(Sender).where(Sender.tenant_id == tenant.id, Sender.channel == channel).order_by(Sender.is_default.desc(), Sender.id)
            )
        ).scalars().first()
    if sender is not None:
        return f"{sender.name} <{sender.address}>" if sender.name and channel is Channel.EMAIL else sender.address
    if channel is Channel.EMAIL:
        return f"{tenant.name} <noreply@{tenant.slug}.sendgraph.local>"
    return None


async def queue_message(
    session: AsyncSession, *, tenant_id: int, channel: Channel, to: str, subject: str | None = None,
    html: str | None = None, text: str | None = None, template_id: int | None = None, data: dict | None = None,
    idempotency_key: str | None = None, external_id: str | None = None, sender: str | None = None,
    language: str | None = None, process_id: int | None = None, contact_id: int | None = None, headers: dict | None = None,
    scheduled_at: datetime | None = None,
) -> Message:
    """One message to one recipient, inline content or a template rendered with `data`; `headers` are
    extra email headers (a `Reply-To` among them becomes the message's reply-to address). With
    `scheduled_at` it is delivered not before then (its delivery job is deferred until that time)."""
    if channel not in SENDABLE:
        raise Invalid(f"Sending {channel.value} messages is not supported yet", code="CHANNEL_UNSUPPORTED", field="channel")
    tenant, tenant_default_sender = await _sendable_tenant(session, tenant_id, channel)
    for field, value, limit in (("idempotencyKey", idempotency_key, 200), ("externalId", external_id, 200), ("language", language, 16), ("sender", sender, 400)):
        check_length(value, field=field, max_length=limit)
    if idempotency_key:
        existing = (
            await session.execute(select(Message).where(Message.tenant_id == tenant_id, Message.idempotency_key == idempotency_key))
        ).scalar_one_or_none()
        if existing is not None:
            return existing  # the same request again: same message, no second send
    recipient = normalize_recipient(channel, to)
    template = None
    if template_id is not None:
        template = await get_or_raise(session, Template, template_id, what="Template", field="templateId")
        if template.tenant_id != tenant_id:
            raise Invalid("A template of another tenant cannot be used", code="TENANT_MISMATCH", field="templateId")
        if template.channel is not channel:
            raise Invalid(f"Template {template.name!r} is a {template.channel.value} template", code="CHANNEL_MISMATCH", field="templateId")
    else:
        _check_inline(channel, subject=subject, html=html, text=text)
    if data is not None and not isinstance(data, dict):
        raise Invalid("data must be an object", field="data")
    if sender is not None and channel is Channel.EMAIL:
        normalize_email(sender.rsplit("<", 1)[-1].rstrip(">"), field="from")
    headers, reply_to = _extra_headers(headers)
    message = Message(
        tenant_id=tenant_id, channel=channel, recipient=recipient, template_id=template_id,
        source={} if template else {"subject": subject, "html": html, "text": text}, data=data or {}, idempotency_key=idempotency_key, external_id=external_id, language=language,
        sender=sender or await default_sender(session, tenant, channel, template, tenant_default_sender), process_id=process_id, contact_id=contact_id,
        headers=headers, reply_to=reply_to, scheduled_at=scheduled_at,
    )
    session.add(message)
    await session.flush()
    session.add(MessageEvent(tenant_id=tenant_id, message_id=message.id, type=MessageEventType.QUEUED))
    defer(session, "deliver_messages", message_ids=[message.id], at=scheduled_at)
    return message


# Headers the delivery sets itself (see workers/transports/base.py): a message may not carry its own.
RESERVED_HEADERS = frozenset({"from", "to", "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding"})


def _extra_headers(headers: dict | None) -> tuple[dict[str, str], str | None]:
    """Validated extra headers, and the reply-to address taken out of them."""
    if headers is None:
        return {}, None
    if not isinstance(headers, dict):
        raise Invalid("headers must be an object of header names to values", field="headers")
    kept, reply_to = {}, None
    for name, value in headers.items():
        field = f"headers.{name}"
        if not isinstance(value, str) or not name or not all(33 <= ord(c) <= 126 and c != ":" for c in name):
            raise Invalid(f"Header {name!r} needs a printable name and a text value", code="INVALID_HEADER", field=field)
        if "\r" in value or "\n" in value:
            raise Invalid(f"Header {name!r} cannot contain a line break", code="INVALID_HEADER", field=field)
        check_length(value, field=field, max_length=998)
        if name.lower() == "reply-to":
            normalize_email(value.rsplit("<", 1)[-1].rstrip(">"), field=field)
            reply_to = check_length(value.strip(), field=field, max_length=320)
        elif name.lower() in RESERVED_HEADERS:
            raise Invalid(f"Header {name!r} is set by the delivery itself", code="RESERVED_HEADER", field=field)
        else:
            kept[name] = value
    return kept, reply_to


def _check_inline(channel: Channel, *, subject: str | None, html: str | None, text: str | None) -> None:
    if channel is Channel.EMAIL:
        if not subject:
            raise Invalid("An email needs a subject (or a templateId)", code="REQUIRED", field="subject")
        if not (html or text):
            raise Invalid("An email needs html or text (or a templateId)", code="REQUIRED", field="html")
    elif not text:
        raise Invalid(f"A {channel.value} message needs text (or a templateId)", code="REQUIRED", field="text")
    for name, source in (("subject", subject), ("html", html), ("text", text)):
        check_syntax(source, field=name)


async def trigger_event(
    session: AsyncSession, *, tenant_id: int, event_slug: str, payload: dict, type: EventType = EventType.MAILER,
    kind: str | None = None, qr_links: qr_codes.QrLinks | None = None,
) -> tuple[Process, list[Message]]:
    """The Doxie mailer model: one trigger makes a process that sends each of the event's templates.

    A survey inquiry needs the respondent's email or phone; a QR code gets its target and validity,
    and its templates its `qr_code_url` (see `domain.events.qr_codes`). `kind` names the process when
    it is not the event's type (a DOI mail). The event's active messaging schedules queue their
    follow-ups in the same process, due later (`domain.events.schedules`); the messages returned are
    the ones sent now."""
    if not isinstance(payload, dict):
        raise Invalid("payload must be an object", field="payload")
    event = await events.find_active(session, tenant_id=tenant_id, slug=event_slug, type=type)
    if missing := events.missing_parameters(event, payload):
        raise Invalid(f"Missing event parameters: {', '.join(missing)}", code="MISSING_PARAMETERS", field="payload")
    if type is EventType.SURVEY and not (payload.get(event.recipient_field) or payload.get(event.phone_field)):
        raise Invalid(f"A survey inquiry needs payload.{event.recipient_field} or payload.{event.phone_field}",
                      code="RECIPIENT_REQUIRED", field=f"payload.{event.recipient_field}")
    if type is EventType.QR_CODE:
        payload = qr_codes.resolve(event, payload)
    if not event.templates:
        raise Invalid(f"Event {event_slug!r} has no templates to send", code="EVENT_HAS_NO_TEMPLATES", field="eventSlug")
    process = Process(tenant_id=tenant_id, event_id=event.id, kind=kind or type.value, payload=payload)
    session.add(process)
    await session.flush()
    data = payload
    if type is EventType.QR_CODE and qr_links is not None:
        data = {**payload, "qr_code_url": qr_links.url(process.id)}
    messages = []
    for template in event.templates:
        field = event.recipient_field if template.channel is Channel.EMAIL else event.phone_field
        if not payload.get(field):
            raise Invalid(f"payload.{field} is needed to send {template.name!r}", code="MISSING_PARAMETERS", field=f"payload.{field}")
        messages.append(
            await queue_message(
                session, tenant_id=tenant_id, channel=template.channel, to=str(payload[field]), template_id=template.id,
                data=data, language=payload.get("language"), process_id=process.id,
            )
        )
    await _queue_scheduled(session, tenant_id=tenant_id, event=event, payload=payload, data=data, process=process)
    return process, messages


async def _queue_scheduled(session: AsyncSession, *, tenant_id: int, event, payload: dict, data: dict, process: Process) -> None:
    """One message per active schedule of the event, due `delay_seconds` from now; a schedule whose
    channel has no recipient in the payload is skipped."""
    now = utcnow()
    for schedule, template in await schedules.active_for(session, event_id=event.id):
        to = payload.get(event.recipient_field if template.channel is Channel.EMAIL else event.phone_field)
        if not to:
            continue
        message = await queue_message(
            session, tenant_id=tenant_id, channel=template.channel, to=str(to), template_id=template.id, data=data,
            language=payload.get("language"), process_id=process.id, scheduled_at=now + timedelta(seconds=schedule.delay_seconds),
        )
        message.schedule_id, message.condition = schedule.id, schedule.condition


async def cancel_process(session: AsyncSession, *, process_id: int) -> Process:
    """Stop what has not gone out yet; messages already in flight finish."""
    process = await get_or_raise(session, Process, process_id, what="Process", field="processId")
    if process.status is ProcessStatus.CANCELLED:
        raise InvalidTransition("The process is already cancelled", code="PROCESS_ALREADY_CANCELLED", field="processId")
    process.status = ProcessStatus.CANCELLED
    process.cancelled_at = utcnow()
    await cancel_queued(session, Message.process_id == process.id)
    webhooks.emit_process_cancelled(session, process)
    return process


async def cancel_queued(session: AsyncSession, condition) -> int:
    result = await session.execute(
        update(Message)
        .where(condition, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.CANCELLED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
