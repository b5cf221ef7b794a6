"""What automations can use (Contactflow definitions and actions), read from the domain: `domain.campaigns.definitions`."""
from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.campaigns import definitions
from schema.campaigns.reports import read_locked


@strawberry.type(description="What a tenant's automations can use, derived from the domain (step kinds, message events, contact fields).")
class AutomationDefinitions:
    tenant: strawberry.Private[Any]

    @strawberry.field(description="Step operations a running automation executes here (a send step only while its channel is on).")
    def actions(self) -> list[str]:
        return definitions.actions(self.tenant)

    @strawberry.field(description="The categories its automations use.")
    async def categories(self, info: Info) -> list[str]:
        return await read_locked(info.context.session, lambda: definitions.categories(info.context.session, tenant_id=self.tenant.id))

    @strawberry.field(description="Every message event type, with the attributes (name -> type) such an event carries.")
    def trigger_events(self) -> JSON:
        return definitions.trigger_events()

    @strawberry.field(description="The contexts behind a trigger (message, event), each with its attributes and types.")
    def events_context(self) -> JSON:
        return definitions.events_context()

    @strawberry.field(description="A customer's fields and the custom attributes its contacts really have, with their types.")
    async def customers(self, info: Info) -> JSON:
        return await read_locked(info.context.session, lambda: definitions.customer_fields(info.context.session, tenant_id=self.tenant.id))


def automation_definitions(root: Any) -> AutomationDefinitions:
    return AutomationDefinitions(tenant=root.model)
