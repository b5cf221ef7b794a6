from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from domain.contacts.lists import is_archived
from schema.brands.types import Sender
from schema.contacts.bounces import ContactBounces, load_bounces
from schema.enums import SubscriptionStatus
from schema.loaders import execute
from schema.relay import Connection, Node, paginate
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]
ListReportRef = Annotated["ListReport", strawberry.lazy("schema.messaging.reports")]


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

    @strawberry.field(description="How many of the contact's messages bounced, and how the last one did.")
    async def bounces(self, info: Info) -> ContactBounces:
        return await load_bounces(info, self.model.id)


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

    @strawberry.field(name="list", description="The list (for Doxie: the consent purpose).")
    async def contact_list(self, info: Info) -> ContactList | None:
        row = await info.context.loaders.load(models.ContactList, self.model.list_id)
        return row and ContactList.from_model(row)


@strawberry.type
class ContactList(Node):
    model: strawberry.Private[models.ContactList]
    name: str
    description: str | None
    double_opt_in: bool
    settings: JSON = strawberry.field(description="Dialect options: language, redirections, status... (`default_sender_id` is set through `defaultSenderId`).")
    created_at: datetime

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field(description="Archived: it takes no new subscriber and no campaign launch (`archiveList`).")
    def archived(self) -> bool:
        return is_archived(self.model)

    @strawberry.field(description="Its policy was accepted (`acceptListPolicy`).")
    def policy_accepted(self) -> bool:
        return bool((self.model.settings or {}).get("policy_accepted"))

    @strawberry.field(description="Who the list's mail comes from unless a campaign says otherwise.")
    async def default_sender(self, info: Info) -> Sender | None:
        row = await info.context.loaders.load(models.Sender, (self.model.settings or {}).get("default_sender_id"))
        return row and Sender.from_model(row)

    @strawberry.field
    async def members(
        self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
        before: str | None = None, status: SubscriptionStatus | None = None, offset: int | None = None,
    ) -> Connection[ListMember]:
        query = select(models.ListMember).where(models.ListMember.list_id == self.model.id)
        if status is not None:
            query = query.where(models.ListMember.status == status)
        return await paginate(info, query, model=models.ListMember, wrap=ListMember.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field(description="The list's segments, oldest first.")
    async def segments(self, info: Info, first: int | None = None, after: str | None = None, offset: int | None = None) -> Connection[Segment]:
        query = select(models.Segment).where(models.Segment.list_id == self.model.id)
        return await paginate(info, query, model=models.Segment, wrap=Segment.from_model, first=first, after=after, last=None, before=None, offset=offset)

    @strawberry.field(description="Its members per status, and the outcome of the messages of the campaigns sent to it (batched over a page of lists).")
    async def report(self, info: Info) -> ListReportRef:
        from schema.messaging.reports import list_report

        return await list_report(self, info)

    @strawberry.field(description="The contact's place on this list; null when it is not on it.")
    async def member(self, info: Info, contact_id: strawberry.ID) -> ListMember | None:
        from schema.relay import from_global_id

        decoded = from_global_id(contact_id)
        if decoded is None or decoded[0] != "Contact":
            return None
        query = select(models.ListMember).where(models.ListMember.list_id == self.model.id, models.ListMember.contact_id == decoded[1])
        row = (await execute(info.context.session, query)).scalar_one_or_none()
        return row and ListMember.from_model(row)


async def _segment_usage(info: Info, segment_id: int) -> tuple[int, datetime | None]:
    """(campaigns count, last launch) of a segment, one batched query per request."""
    from aiodataloader import DataLoader

    from domain.contacts.segments import usage_query

    def make(session):
        async def batch(ids: list[int]) -> list[tuple[int, datetime | None]]:
            rows = {row[0]: (int(row[1]), row[2]) for row in await execute(session, usage_query(ids))}
            return [rows.get(i, (0, None)) for i in ids]

        return DataLoader(batch)

    return await info.context.loaders.get("segment_usage", make).load(segment_id)


@strawberry.enum(description="The language a segment expression is written in (Especial's query, fiql and json).")
class SegmentExpressionLanguage(enum.Enum):
    SQL = "sql"
    FIQL = "fiql"
    JSON = "json"


@strawberry.type(description="A segment's expression as it was written; its meaning is the segment's `rules`.")
class SegmentCondition:
    language: SegmentExpressionLanguage
    expression: str


@strawberry.type
class Segment(Node):
    model: strawberry.Private[models.Segment]
    name: str
    rules: JSON
    expression: str | None = strawberry.field(description="The dialect's own segment expression, kept verbatim.")
    created_at: datetime

    @strawberry.field(description="The expression the rules were translated from (createSegment's condition), or null.")
    def condition(self) -> SegmentCondition | None:
        from domain.contacts.segments import condition_of

        found = condition_of(self.model)
        return found and SegmentCondition(language=SegmentExpressionLanguage(found[0]), expression=found[1])

    @strawberry.field(description="How many campaigns send to this segment.")
    async def campaigns_count(self, info: Info) -> int:
        return (await _segment_usage(info, self.model.id))[0]

    @strawberry.field(description="When a campaign on this segment was last launched.")
    async def last_used_at(self, info: Info) -> datetime | None:
        return (await _segment_usage(info, self.model.id))[1]

    @strawberry.field(description="The list members a campaign on this segment sends to: subscribed, and matching its rules.")
    async def members(
        self, info: Info, first: int | None = None, after: str | None = None, offset: int | None = None,
    ) -> Connection[ListMember]:
        from domain.contacts.segments import members_query

        return await paginate(info, members_query(self.model), model=models.ListMember, wrap=ListMember.from_model, first=first, after=after,
                              last=None, before=None, offset=offset)

    @strawberry.field
    async def list(self, info: Info) -> ContactList | None:
        row = await info.context.loaders.load(models.ContactList, self.model.list_id)
        return row and ContactList.from_model(row)

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)


@strawberry.type(description="An address the tenant never sends to (hard bounce, complaint, unsubscribe without a list, or by hand).")
class Suppression(Node):
    model: strawberry.Private[models.Suppression]
    address: str = strawberry.field(description="A lower-cased email address or an E.164 phone number.")
    reason: str = strawberry.field(description="hard_bounce, complaint, unsubscribe or manual.")
    created_at: datetime

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)
