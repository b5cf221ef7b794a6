"""Root queries: the viewer, tenants by any handle, and Relay's node lookups."""
from __future__ import annotations

from uuid import UUID

import strawberry
from graphql import GraphQLError
from sqlalchemy import select
from strawberry.types import Info

from domain import models
from domain.errors import DomainError
from domain.tenants import service as tenants
from schema.brands.dkim import DkimKey
from schema.brands.types import Brand, Sender
from schema.campaigns.enrollment_types import Enrollment
from schema.campaigns.types import Campaign
from schema.contacts.types import Contact, ContactList, ListMember, Segment, Suppression
from schema.enums import Role
from schema.events.types import Event, MessagingSchedule
from schema.exports.types import Export
from schema.identity.types import User
from schema.messaging.types import Message, Process
from schema.permissions import IsAuthenticated
from schema.relay import Connection, Node, from_global_id, paginate
from schema.templates.types import Dictionary, EditorAsset, Template
from schema.tenants.types import Tenant
from schema.webhooks.types import WebhookDelivery, WebhookEndpoint

NODE_TYPES = {
    cls.__strawberry_definition__.name: (cls, model)
    for cls, model in (
        (Tenant, models.Tenant), (Contact, models.Contact), (ContactList, models.ContactList), (ListMember, models.ListMember),
        (Segment, models.Segment), (Template, models.Template), (Event, models.Event), (Campaign, models.Campaign),
        (Process, models.Process), (Message, models.Message), (WebhookEndpoint, models.WebhookEndpoint), (Sender, models.Sender), (Brand, models.Brand),
        (WebhookDelivery, models.WebhookDelivery), (Suppression, models.Suppression), (Enrollment, models.Enrollment),
        (MessagingSchedule, models.MessagingSchedule), (Dictionary, models.Dictionary), (EditorAsset, models.EditorAsset), (Export, models.Export), (DkimKey, models.DkimKey),
    )
}


async def resolve_node(info: Info, global_id: str) -> Node | None:
    """Unknown, malformed and other tenants' ids all resolve to null."""
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] not in NODE_TYPES:
        return None
    cls, model = NODE_TYPES[decoded[0]]
    row = await info.context.loaders.load(model, decoded[1])
    return row and cls.from_model(row)


@strawberry.type
class Membership:
    tenant: Tenant
    role: Role


@strawberry.type(description="Who is calling, and on which tenants.")
class Viewer:
    kind: str
    subject: str
    memberships: list[Membership]
    user_id: strawberry.Private[int | None] = None

    @strawberry.field(description="The user calling with its access token; null for other credentials.")
    async def user(self, info: Info) -> User | None:
        row = await info.context.loaders.load(models.User, self.user_id) if self.user_id else None
        return row and User(model=row)


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[IsAuthenticated])
    async def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        memberships = []
        for tenant_id, role in sorted(principal.memberships.items()):
            row = await info.context.loaders.load(models.Tenant, tenant_id)
            if row is not None:
                memberships.append(Membership(tenant=Tenant.from_model(row), role=role))
        return Viewer(kind=principal.kind, subject=principal.subject, memberships=memberships, user_id=principal.user_id)

    @strawberry.field(permission_classes=[IsAuthenticated], description="By exactly one handle: Doxie/Marigold slug, Contactflow uuid, Especial accountId.")
    async def tenant(self, info: Info, slug: str | None = None, uuid: UUID | None = None, account_id: int | None = None) -> Tenant | None:
        try:
            return Tenant.from_model(await tenants.find(info.context.session, id=account_id, slug=slug, uuid=uuid))
        except DomainError as error:
            if error.code == "TENANT_NOT_FOUND":
                return None
            raise GraphQLError(error.message, extensions={"code": error.code}) from error

    @strawberry.field(permission_classes=[IsAuthenticated], description="Every tenant this credential may read, sub-accounts included; `workspaceUuid` and `portfolioUuid` narrow them, `offset` skips that many first.")
    async def tenants(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
                      workspace_uuid: UUID | None = None, portfolio_uuid: UUID | None = None, offset: int | None = None) -> Connection[Tenant]:
        t = models.Tenant
        query = select(t)
        if workspace_uuid is not None:
            query = query.where(t.workspace_uuid == workspace_uuid)
        if portfolio_uuid is not None:
            query = query.where(t.portfolio_uuid == portfolio_uuid)
        return await paginate(info, query, model=t, wrap=Tenant.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field(permission_classes=[IsAuthenticated])
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(permission_classes=[IsAuthenticated])
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return [await resolve_node(info, i) for i in ids]
