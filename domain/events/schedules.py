"""Messaging schedules (Doxie MPM): follow-ups that an event's trigger queues for later.

A schedule belongs to one event (its owning event) and names one template. Each trigger of the
event (`domain.messaging.service.trigger_event`) queues, besides the event's own templates, one
message per active schedule to the same recipient (payload's `recipient_field` for email,
`phone_field` for SMS and RCS), with `Message.scheduled_at` = trigger time + `delay_seconds`; the
deferred delivery job sends it then. A schedule whose channel has no recipient in the payload is
skipped for that trigger. Changing, deactivating or deleting a schedule affects later triggers only:
messages it already queued stay due (cancelling their process cancels them).

`condition` is checked when the message is due (`unmet_conditions`, called by the delivery's
preparation): `unless_consented` sends only while the process's consent (a DOI mail's) is
unconfirmed; once it is confirmed (CONSENT_CONFIRMED) or revoked (CONSENT_REVOKED) the message
ends CANCELLED with that error code. A process without a consent has nothing confirmed: it sends.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.common import apply_changes
from domain.contacts.models import ListMember, SubscriptionStatus
from domain.errors import Invalid, NotFound
from domain.events.models import Event, EventType, MessagingSchedule
from domain.messaging.models import Message, Process, SendCondition
from domain.templates.models import Template
from domain.tenants.models import Tenant
from domain.validation import check_length

MAX_DELAY_SECONDS = 366 * 24 * 3600  # a year (and a day)
SCHEDULABLE = (Channel.EMAIL, Channel.SMS, Channel.RCS)
CONSENT_CONFIRMED = "CONSENT_CONFIRMED"
CONSENT_REVOKED = "CONSENT_REVOKED"


async def get(session: AsyncSession, *, schedule_id: int) -> MessagingSchedule:
    """Through the scoped session: another tenant's schedule is not found."""
    schedule = (await session.execute(select(MessagingSchedule).where(MessagingSchedule.id == schedule_id))).scalar_one_or_none()
    if schedule is None:
        raise NotFound(f"Messaging schedule {schedule_id} not found", code="SCHEDULE_NOT_FOUND", field="id")
    return schedule


async def create(
    session: AsyncSession, *, tenant_id: int, delay_seconds: int, event_id: int | None = None, event_slug: str | None = None,
    event_type: EventType = EventType.MAILER, template_id: int | None = None, template_api_name: str | None = None,
    channel: Channel | None = None, condition: SendCondition | None = None, active: bool = True, name: str | None = None,
) -> MessagingSchedule:
    """A schedule for the owning event (by id, or by slug and type) sending a template (by id or api name)."""
    if (await session.execute(select(Tenant.id).where(Tenant.id == tenant_id))).scalar_one_or_none() is None:
        raise NotFound(f"Tenant {tenant_id} not found", code="TENANT_NOT_FOUND", field="tenantId")
    event = await _event(session, tenant_id, event_id=event_id, slug=event_slug, type=event_type)
    template = await _template(session, tenant_id, template_id=template_id, api_name=template_api_name, channel=channel)
    schedule = MessagingSchedule(
        tenant_id=tenant_id, event_id=event.id, template_id=template.id, name=_name(name), delay_seconds=_delay(delay_seconds),
        condition=condition, active=active,
    )
    session.add(schedule)
    await session.flush()
    return schedule


async def update(session: AsyncSession, *, schedule_id: int, changes: dict) -> MessagingSchedule:
    """Change the given fields: `event_id` / `event_slug` (+ `event_type`) move it to another event of the
    tenant, `template_id` / `template_api_name` (+ `channel`) name another template."""
    schedule = await get(session, schedule_id=schedule_id)
    changes = dict(changes)
    event_type = changes.pop("event_type", None) or EventType.MAILER
    event_id, event_slug = changes.pop("event_id", None), changes.pop("event_slug", None)
    if event_id is not None or event_slug is not None:
        schedule.event_id = (await _event(session, schedule.tenant_id, event_id=event_id, slug=event_slug, type=event_type)).id
    template_id, api_name, channel = changes.pop("template_id", None), changes.pop("template_api_name", None), changes.pop("channel", None)
    if template_id is not None or api_name is not None:
        schedule.template_id = (await _template(session, schedule.tenant_id, template_id=template_id, api_name=api_name, channel=channel)).id
    elif channel is not None:
        await _template(session, schedule.tenant_id, template_id=schedule.template_id, api_name=None, channel=channel)
    if "delay_seconds" in changes:
        changes["delay_seconds"] = _delay(changes["delay_seconds"])
    if "name" in changes:
        changes["name"] = _name(changes["name"])
    if "active" in changes and changes["active"] is None:
        raise Invalid("active must be true or false", code="REQUIRED", field="active")
    unknown = set(changes) - {"delay_seconds", "name", "active", "condition"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    apply_changes(schedule, changes)
    await session.flush()
    return schedule


async def delete(session: AsyncSession, *, schedule_id: int) -> MessagingSchedule:
    schedule = await get(session, schedule_id=schedule_id)
    await session.delete(schedule)
    await session.flush()
    return schedule


def list_for_event(event_id: int, *, active: bool | None = None):
    """The query of an event's schedules (oldest first), for the graph's connection."""
    query = select(MessagingSchedule).where(MessagingSchedule.event_id == event_id)
    return query if active is None else query.where(MessagingSchedule.active.is_(active))


async def active_for(session: AsyncSession, *, event_id: int) -> list[tuple[MessagingSchedule, Template]]:
    """What a trigger of the event queues for later: its active schedules with their templates."""
    rows = await session.execute(
        select(MessagingSchedule, Template).join(Template, Template.id == MessagingSchedule.template_id)
        .where(MessagingSchedule.event_id == event_id, MessagingSchedule.active.is_(True)).order_by(MessagingSchedule.id)
    )
    return [(schedule, template) for schedule, template in rows.all()]


async def unmet_conditions(session: AsyncSession, messages: list[Message]) -> dict[int, tuple[str, str]]:
    """Message id -> (error code, reason) for the due messages whose condition no longer holds."""
    conditional = [m for m in messages if m.condition is SendCondition.UNLESS_CONSENTED and m.process_id is not None]
    if not conditional:
        return {}
    processes = (await session.execute(select(Process).where(Process.id.in_({m.process_id for m in conditional})))).scalars()
    consent_of = {p.id: (p.payload or {}).get("identifier") for p in processes if p.kind == "doi"}
    member_ids = {i for i in consent_of.values() if isinstance(i, int)}
    statuses = dict((await session.execute(select(ListMember.id, ListMember.status).where(ListMember.id.in_(member_ids)))).all()) if member_ids else {}
    unmet = {}
    for message in conditional:
        status = statuses.get(consent_of.get(message.process_id))
        if status is SubscriptionStatus.SUBSCRIBED:
            unmet[message.id] = (CONSENT_CONFIRMED, "Not sent: the consent this reminder asks for was confirmed")
        elif status is SubscriptionStatus.UNSUBSCRIBED:
            unmet[message.id] = (CONSENT_REVOKED, "Not sent: the consent this reminder asks for was revoked")
    return unmet


async def _event(session: AsyncSession, tenant_id: int, *, event_id: int | None, slug: str | None, type: EventType) -> Event:
    if event_id is None and not slug:
        raise Invalid("A messaging schedule needs its owning event: an event id or slug", code="EVENT_REQUIRED", field="eventId")
    query = select(Event).where(Event.tenant_id == tenant_id)
    query = query.where(Event.id == event_id) if event_id is not None else query.where(Event.slug == slug, Event.type == type)
    event = (await session.execute(query)).scalar_one_or_none()
    if event is None:
        what = event_id if event_id is not None else f"{type.value} {slug!r}"
        raise NotFound(f"Event {what} not found", code="EVENT_NOT_FOUND", field="eventId" if event_id is not None else "eventSlug")
    return event


async def _template(session: AsyncSession, tenant_id: int, *, template_id: int | None, api_name: str | None, channel: Channel | None) -> Template:
    if template_id is None and not api_name:
        raise Invalid("A messaging schedule needs a template: a template id or api name", code="TEMPLATE_REQUIRED", field="templateId")
    query = select(Template).where(Template.tenant_id == tenant_id)
    query = query.where(Template.id == template_id) if template_id is not None else query.where(Template.api_name == api_name)
    template = (await session.execute(query)).scalar_one_or_none()
    field = "templateId" if template_id is not None else "templateApiName"
    if template is None:
        raise NotFound(f"Template {template_id if template_id is not None else repr(api_name)} not found", code="TEMPLATE_NOT_FOUND", field=field)
    if template.channel not in SCHEDULABLE:
        raise Invalid(f"{template.channel.value} templates cannot be scheduled", code="CHANNEL_UNSUPPORTED", field=field)
    if channel is not None and template.channel is not channel:
        raise Invalid(f"Template {template.name!r} is a {template.channel.value} template, not {channel.value}", code="CHANNEL_MISMATCH", field="channel")
    return template


def _delay(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DELAY_SECONDS:
        raise Invalid(f"delaySeconds must be a whole number of seconds from 0 to {MAX_DELAY_SECONDS}", code="INVALID_DELAY", field="delaySeconds")
    return value


def _name(value: str | None) -> str:
    return check_length((value or "").strip(), field="name", max_length=200) or ""
