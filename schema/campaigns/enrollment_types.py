"""Enrollments in the graph: the type, and the fields that reach them from a campaign and a tenant."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy import exists, func, select
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from schema.contacts.types import Contact
from schema.enums import EnrollmentStatus, MessageStatus
from schema.loaders import execute
from schema.messaging.types import Message
from schema.relay import Connection, Node, paginate

CampaignRef = Annotated["Campaign", strawberry.lazy("schema.campaigns.types")]
CampaignStepRef = Annotated["CampaignStep", strawberry.lazy("schema.campaigns.types")]
FAILED = (models.MessageStatus.FAILED, models.MessageStatus.BOUNCED)


@strawberry.type(description="A customer travelling through a multi-step campaign: a Contactflow customer / token, an Especial workflow subscriber.")
class Enrollment(Node):
    model: strawberry.Private[models.Enrollment]
    status: EnrollmentStatus
    step_position: int = strawberry.field(description="The position of the step the customer is at (its last step once finished).")
    entered_at: datetime
    step_entered_at: datetime
    source: JSON = strawberry.field(description="Where it came from: its uuid, a batch's sourceUuid / sourceLabel / packet.")

    @strawberry.field(description="The enrollment's own UUID (the Contactflow customer / token uuid).")
    def uuid(self) -> str | None:
        return self.model.source.get("uuid")

    @strawberry.field
    async def campaign(self, info: Info) -> CampaignRef:
        from schema.campaigns.types import Campaign

        return Campaign.from_model(await info.context.loaders.load(models.Campaign, self.model.campaign_id))

    @strawberry.field(description="The step the customer is at; null when the campaign has no steps.")
    async def step(self, info: Info) -> CampaignStepRef | None:
        from schema.campaigns.types import CampaignStep

        campaign = await info.context.loaders.load(models.Campaign, self.model.campaign_id)
        step = next((s for s in campaign.steps if s.position == self.model.step_position), None) if campaign else None
        return CampaignStep.from_model(step) if step else None

    @strawberry.field
    async def contact(self, info: Info) -> Contact | None:
        row = await info.context.loaders.load(models.Contact, self.model.contact_id)
        return row and Contact.from_model(row)

    @strawberry.field(description="What the campaign sent this customer, oldest first.")
    async def messages(self, info: Info) -> list[Message]:
        return [Message.from_model(m) for m in await _messages(info, self.model)]

    @strawberry.field(description="Why the customer stopped (status ERROR), or why the newest failed message of its steps failed.")
    async def error(self, info: Info) -> str | None:
        if self.model.error:
            return self.model.error
        failed = await _last_failed(info, self.model)
        return failed and failed.error

    @strawberry.field(description="When that error happened.")
    async def error_at(self, info: Info) -> datetime | None:
        if self.model.error:
            stamp = self.model.source.get("errorAt")
            return datetime.fromisoformat(stamp) if stamp else None
        failed = await _last_failed(info, self.model)
        if failed is None:
            return None
        events = await info.context.loaders.children(models.MessageEvent.message_id, failed.id)
        failures = [e.occurred_at for e in events if e.type.name == failed.status.name]
        return failures[-1] if failures else failed.updated_at


async def _messages(info: Info, enrollment: models.Enrollment) -> list[models.Message]:
    """The contact's messages (one batched load per request), narrowed to the enrollment's campaign."""
    rows = await info.context.loaders.children(models.Message.contact_id, enrollment.contact_id)
    return [m for m in rows if m.campaign_id == enrollment.campaign_id]


async def _last_failed(info: Info, enrollment: models.Enrollment) -> models.Message | None:
    failed = [m for m in await _messages(info, enrollment) if m.status in FAILED]
    return failed[-1] if failed else None


@strawberry.type(description="How many of a campaign's customers are in one status.")
class EnrollmentStatusCount:
    status: EnrollmentStatus
    count: int


@strawberry.type(description="How many of a campaign's messages are in one status.")
class MessageStatusCount:
    status: MessageStatus
    count: int


@strawberry.input(description="Narrow a tenant's enrollments; every condition given must hold.")
class EnrollmentFilter:
    campaign_external_id: str | None = strawberry.field(default=None, description="The campaign's externalId (a Contactflow automation uuid).")
    step_external_id: str | None = strawberry.field(default=None, description="The externalId of the step the customer is at.")
    clab_uuid: str | None = None
    recipient: str | None = strawberry.field(default=None, description="The customer's email address.")
    statuses: list[EnrollmentStatus] | None = None


# Resolvers of the fields other types declare (Campaign.enrollments, Tenant.enrollments, ...): `root` is that type.

async def campaign_enrollments(
    root: Any, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    statuses: list[EnrollmentStatus] | None = None, offset: int | None = None,
) -> Connection[Enrollment]:
    e = models.Enrollment
    query = select(e).where(e.campaign_id == root.model.id)
    if statuses is not None:
        query = query.where(e.status.in_(statuses))
    return await paginate(info, query, model=e, wrap=Enrollment.from_model, first=first, after=after, last=last, before=before, offset=offset)


async def enrollment_counts(root: Any, info: Info) -> list[EnrollmentStatusCount]:
    e = models.Enrollment
    rows = await execute(info.context.session, select(e.status, func.count()).where(e.campaign_id == root.model.id).group_by(e.status))
    return [EnrollmentStatusCount(status=status, count=count) for status, count in sorted(rows.all(), key=lambda r: r[0].name)]


async def message_counts(root: Any, info: Info) -> list[MessageStatusCount]:
    m = models.Message
    rows = await execute(info.context.session, select(m.status, func.count()).where(m.campaign_id == root.model.id).group_by(m.status))
    return [MessageStatusCount(status=status, count=count) for status, count in sorted(rows.all(), key=lambda r: r[0].name)]


async def tenant_enrollments(
    root: Any, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    filter: EnrollmentFilter | None = None, offset: int | None = None,
) -> Connection[Enrollment]:
    e, c, s, contact = models.Enrollment, models.Campaign, models.CampaignStep, models.Contact
    query = select(e).where(e.tenant_id == root.model.id)
    if filter is not None:
        if filter.campaign_external_id is not None:
            query = query.where(e.campaign_id.in_(select(c.id).where(c.tenant_id == root.model.id, c.external_id == filter.campaign_external_id)))
        if filter.step_external_id is not None:
            query = query.where(exists().where(s.campaign_id == e.campaign_id, s.position == e.step_position, s.external_id == filter.step_external_id))
        if filter.clab_uuid is not None:
            query = query.where(e.contact_id.in_(select(contact.id).where(contact.tenant_id == root.model.id, contact.clab_uuid == filter.clab_uuid)))
        if filter.recipient is not None:
            email = filter.recipient.strip().lower()
            query = query.where(e.contact_id.in_(select(contact.id).where(contact.tenant_id == root.model.id, contact.email == email)))
        if filter.statuses is not None:
            query = query.where(e.status.in_(filter.statuses))
    return await paginate(info, query, model=e, wrap=Enrollment.from_model, first=first, after=after, last=last, before=before, offset=offset)


async def tenant_enrollment(root: Any, info: Info, uuid: str) -> Enrollment | None:
    from domain.campaigns import enrollment

    async with _serialized(info):
        row = await enrollment.find(info.context.session, tenant_id=root.model.id, uuid=uuid)
    return row and Enrollment.from_model(row)


def _serialized(info: Info):
    """The request's session lock (see `schema.loaders.execute`): one statement at a time."""
    import asyncio

    return info.context.session.info.setdefault("graphql_lock", asyncio.Lock())
