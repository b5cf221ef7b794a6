from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from domain.events import schedules
from schema.enums import Channel, EventType, SendCondition
from schema.relay import Connection, Node, paginate
from schema.templates.types import Template
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]


@strawberry.type(description="A Doxie event: triggering it with a payload sends its templates in one process.")
class Event(Node):
    model: strawberry.Private[models.Event]
    slug: str
    type: EventType
    name: str
    active: bool
    parameters: JSON
    recipient_field: str
    phone_field: str
    settings: JSON
    created_at: datetime

    @strawberry.field
    def templates(self) -> list[Template]:
        return [Template.from_model(t) for t in self.model.templates]

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field(description="The follow-ups each trigger of this event queues for later (Doxie messaging schedules), oldest first; `active` narrows them.")
    async def messaging_schedules(
        self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
        active: bool | None = None,
    ) -> Connection[MessagingSchedule]:
        query = schedules.list_for_event(self.model.id, active=active)
        return await paginate(info, query, model=models.MessagingSchedule, wrap=MessagingSchedule.from_model,
                              first=first, after=after, last=last, before=before)


@strawberry.type(description="A Doxie messaging schedule: every trigger of its owning event also queues its template for the same "
                             "recipient, due `delaySeconds` later; with a `condition` it is sent only if that still holds then.")
class MessagingSchedule(Node):
    model: strawberry.Private[models.MessagingSchedule]
    name: str
    delay_seconds: int = strawberry.field(description="How long after the trigger the message is due, in seconds.")
    condition: SendCondition | None
    active: bool
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The owning event.")
    async def event(self, info: Info) -> Event:
        return Event.from_model(await info.context.loaders.load(models.Event, self.model.event_id))

    @strawberry.field
    async def template(self, info: Info) -> Template:
        return Template.from_model(await info.context.loaders.load(models.Template, self.model.template_id))

    @strawberry.field(description="The template's channel: what the scheduled message is sent over.")
    async def channel(self, info: Info) -> Channel:
        return (await info.context.loaders.load(models.Template, self.model.template_id)).channel

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)
