from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from domain.brands.service import masked_settings
from schema.enums import Channel
from schema.relay import Node
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]


@strawberry.type(description="Who a message comes from: an email address (or SMS sender id) and its display name.")
class Sender(Node):
    model: strawberry.Private[models.Sender]
    channel: Channel
    name: str | None = strawberry.field(description="The display name.")
    address: str = strawberry.field(description="An email address (lower-cased), an SMS sender id or number.")
    reply_to: str | None
    provider: str | None = strawberry.field(description="The transport's name; null: the configured default.")
    verified: bool = strawberry.field(description="The address's owner confirmed it (Especial `confirmed`).")
    is_default: bool
    settings: JSON = strawberry.field(description="Language, confirmation times, provider options.")
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The slug of the brand the sender belongs to (Especial senders: `default`).")
    async def brand(self, info: Info) -> str | None:
        row = await info.context.loaders.load(models.Brand, self.model.brand_id)
        return row and row.slug

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)


@strawberry.type(description="A brand: its name and look, its provider configuration (secrets masked) and its senders.")
class Brand(Node):
    model: strawberry.Private[models.Brand]
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Provider configuration, logos, colours...; passwords, secrets, keys and tokens show as ********.")
    def settings(self) -> JSON:
        return masked_settings(self.model.settings)

    @strawberry.field(description="The brand's senders, oldest first.")
    async def senders(self, info: Info, channel: Channel | None = None) -> list[Sender]:
        rows = await info.context.loaders.children(models.Sender.brand_id, self.model.id)
        return [Sender.from_model(r) for r in sorted(rows, key=lambda r: r.id) if channel is None or r.channel is channel]

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)
