from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.events import service
from schema.enums import EventType
from schema.errors import UserError, returns_user_errors
from schema.events.types import Event
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
