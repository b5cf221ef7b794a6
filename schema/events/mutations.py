from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.events import schedules, service
from schema.enums import Channel, EventType, SendCondition
from schema.errors import UserError, returns_user_errors
from schema.events.types import Event, MessagingSchedule
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input
class CreateEventInput:
    tenant_id: strawberry.ID
    slug: str
    name: str
    type: EventType = EventType.MAILER
    template_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    parameters: JSON | None = strawberry.field(default=None, description='e.g. [{"name": "email", "required": true}]')
    recipient_field: str = "email"
    phone_field: str = "phone"
    active: bool = True
    settings: JSON | None = None


@strawberry.input
class UpdateEventInput:
    id: strawberry.ID
    slug: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    template_ids: list[strawberry.ID] | None = strawberry.UNSET
    parameters: JSON | None = strawberry.UNSET
    recipient_field: str | None = strawberry.UNSET
    phone_field: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET


@strawberry.type
class EventPayload:
    event: Event | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="The owning event by `eventId`, or by `eventSlug` and `eventType`; the template by `templateId` or "
                              "`templateApiName` (`channel`, when given, must be the template's).")
class CreateMessagingScheduleInput:
    tenant_id: strawberry.ID
    delay_seconds: int = strawberry.field(description="How long after each trigger the message is due, in seconds (0 to a year).")
    event_id: strawberry.ID | None = None
    event_slug: str | None = None
    event_type: EventType = EventType.MAILER
    template_id: strawberry.ID | None = None
    template_api_name: str | None = None
    channel: Channel | None = None
    condition: SendCondition | None = strawberry.field(default=None, description="UNLESS_CONSENTED: not sent once the process's consent is confirmed.")
    active: bool = True
    name: str | None = None


@strawberry.input
class UpdateMessagingScheduleInput:
    id: strawberry.ID
    delay_seconds: int | None = strawberry.UNSET
    event_id: strawberry.ID | None = strawberry.UNSET
    event_slug: str | None = strawberry.UNSET
    event_type: EventType | None = strawberry.UNSET
    template_id: strawberry.ID | None = strawberry.UNSET
    template_api_name: str | None = strawberry.UNSET
    channel: Channel | None = strawberry.UNSET
    condition: SendCondition | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    name: str | None = strawberry.UNSET


@strawberry.type
class MessagingSchedulePayload:
    messaging_schedule: MessagingSchedule | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _references(fields: dict) -> dict:
    """Global ids in a schedule input as database ids."""
    if fields.get("event_id") is not None:
        fields["event_id"] = decode_id(fields["event_id"], "Event", field="eventId")
    if fields.get("template_id") is not None:
        fields["template_id"] = decode_id(fields["template_id"], "Template", field="templateId")
    return fields


def _template_ids(ids: list[strawberry.ID] | None) -> list[int]:
    return [decode_id(i, "Template", field="templateIds") for i in ids or []]


@strawberry.type
class EventMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(EventPayload)
    async def create_event(self, info: Info, input: CreateEventInput) -> EventPayload:
        fields = given(input, exclude=("tenant_id", "template_ids"))
        fields["settings"] = fields.get("settings") or {}
        event = await service.create(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
            template_ids=_template_ids(input.template_ids), **fields,
        )
        await info.context.session.commit()
        return EventPayload(event=Event.from_model(event))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(EventPayload)
    async def update_event(self, info: Info, input: UpdateEventInput) -> EventPayload:
        changes = given(input, exclude=("id",))
        if "template_ids" in changes:
            changes["template_ids"] = _template_ids(changes["template_ids"])
        for name, empty in (("parameters", []), ("settings", {})):
            if name in changes and changes[name] is None:
                changes[name] = empty
        event = await service.update(info.context.session, event_id=decode_id(input.id, "Event", field="id"), changes=changes)
        await info.context.session.commit()
        return EventPayload(event=Event.from_model(event))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_event(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete(info.context.session, event_id=decode_id(input.id, "Event", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="A follow-up of an event: each trigger also queues the template, due later.")
    @returns_user_errors(MessagingSchedulePayload)
    async def create_messaging_schedule(self, info: Info, input: CreateMessagingScheduleInput) -> MessagingSchedulePayload:
        fields = _references(given(input, exclude=("tenant_id",)))
        schedule = await schedules.create(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), **fields)
        await info.context.session.commit()
        return MessagingSchedulePayload(messaging_schedule=MessagingSchedule.from_model(schedule))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Changes apply to later triggers; messages already queued keep their time.")
    @returns_user_errors(MessagingSchedulePayload)
    async def update_messaging_schedule(self, info: Info, input: UpdateMessagingScheduleInput) -> MessagingSchedulePayload:
        changes = _references(given(input, exclude=("id",)))
        schedule = await schedules.update(info.context.session, schedule_id=decode_id(input.id, "MessagingSchedule", field="id"), changes=changes)
        await info.context.session.commit()
        return MessagingSchedulePayload(messaging_schedule=MessagingSchedule.from_model(schedule))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Later triggers no longer queue it; messages it already queued stay due (cancelling their process cancels them).")
    @returns_user_errors(DeletePayload)
    async def delete_messaging_schedule(self, info: Info, input: DeleteInput) -> DeletePayload:
        await schedules.delete(info.context.session, schedule_id=decode_id(input.id, "MessagingSchedule", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
