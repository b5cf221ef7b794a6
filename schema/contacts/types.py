from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from schema.enums import SubscriptionStatus
from schema.relay import Connection, Node, paginate
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]


@strawberry.type
class Contact(Node):
    model: strawberry.Private[models.Contact]
    email: str | None
    phone: str | None
    external_id: str | None = strawberry.field(description="Contactflow customer_id, Marigold userPk.")
    clab_uuid: str | None
    first_name: str | None
    last_name: str | None
    language: str | None
    attributes: JSON
    tags: JSON
    interests: JSON
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)


@strawberry.type
class ListMember(Node):
    model: strawberry.Private[models.ListMember]
    status: SubscriptionStatus
    subscribed_at: datetime
    unsubscribed_at: datetime | None

    @strawberry.field
    async def contact(self, info: Info) -> Contact | None:
        contact = await info.context.loaders.load(models.Contact, self.model.contact_id)
        return contact and Contact.from_model(contact)


@strawberry.type
class ContactList(Node):
    model: strawberry.Private[models.ContactList]
    name: str
    description: str | None
    double_opt_in: bool
    created_at: datetime

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field
    async def members(
        self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
        before: str | None = None, status: SubscriptionStatus | None = None,
    ) -> Connection[ListMember]:
        query = select(models.ListMember).where(models.ListMember.list_id == self.model.id)
        if status is not None:
            query = query.where(models.ListMember.status == status)
        return await paginate(info, query, model=models.ListMember, wrap=ListMember.from_model, first=first, after=after, last=last, before=before)


@strawberry.type
class Segment(Node):
    model: strawberry.Private[models.Segment]
    name: str
    rules: JSON
    expression: str | None = strawberry.field(description="The dialect's own segment expression, kept verbatim.")
    created_at: datetime

    @strawberry.field
    async def list(self, info: Info) -> ContactList | None:
        row = await info.context.loaders.load(models.ContactList, self.model.list_id)
        return row and ContactList.from_model(row)

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)
