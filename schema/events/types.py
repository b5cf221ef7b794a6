from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from schema.enums import EventType
from schema.relay import Node
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
