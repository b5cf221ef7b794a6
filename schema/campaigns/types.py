from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from schema.brands.types import Sender
from schema.contacts.types import ContactList, Segment
from schema.enums import CampaignKind, CampaignStatus
from schema.campaigns import enrollment_types
from schema.campaigns.enrollment_types import Enrollment, EnrollmentStatusCount, MessageStatusCount
from schema.loaders import execute
from schema.relay import Connection, Node, paginate
from schema.templates.types import Template
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]


@strawberry.type(description="A Contactflow automation step, an Especial workflow action or a Marigold custom journey's entry point.")
class CampaignStep:
    position: int
    external_id: str | None = strawberry.field(description="The dialect's own id: Contactflow step UUID, Especial action id, custom journey entry point name.")
    type: str
    name: str | None
    delay_seconds: int
    condition: str | None
    template_id: int | None
    settings: JSON

    @classmethod
    def from_model(cls, s: models.CampaignStep) -> "CampaignStep":
        return cls(position=s.position, external_id=s.external_id, type=s.type, name=s.name, delay_seconds=s.delay_seconds,
                   condition=s.condition, template_id=s.template_id, settings=s.settings)


@strawberry.type(description="One saved version of a campaign's content (an Especial campaign revision).")
class CampaignRevision:
    database_id: int
    created_at: datetime
    content: JSON = strawberry.field(description="The snapshot: templateId (`template_id`), the template's `default_language`, `settings` and `parts`, and the campaign's `options.content` (`content`).")

    @classmethod
    def from_model(cls, r: models.CampaignRevision) -> "CampaignRevision":
        return cls(database_id=r.id, created_at=r.created_at, content=r.content)


@strawberry.type(description="An Especial campaign or workflow, a Marigold journey, a Contactflow automation.")
class Campaign(Node):
    model: strawberry.Private[models.Campaign]
    kind: CampaignKind
    name: str
    external_id: str | None = strawberry.field(description="The dialect's own id: Marigold apiName, Contactflow automation UUID, Especial workflow id.")
    status: CampaignStatus
    audience_filter: JSON
    scheduled_at: datetime | None
    launched_at: datetime | None
    finished_at: datetime | None
    recipients_count: int
    options: JSON
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    def steps(self) -> list[CampaignStep]:
        return [CampaignStep.from_model(s) for s in self.model.steps]

    enrollments: Connection[Enrollment] = strawberry.field(
        resolver=enrollment_types.campaign_enrollments, description="Its customers (Contactflow tokens), oldest first; `offset` skips that many first.")
    enrollment_counts: list[EnrollmentStatusCount] = strawberry.field(
        resolver=enrollment_types.enrollment_counts, description="How many customers are in each status (statuses with none are left out).")
    message_counts: list[MessageStatusCount] = strawberry.field(
        resolver=enrollment_types.message_counts, description="How many of its messages are in each status (statuses with none are left out).")

    @strawberry.field(description="The links clicked in its messages (CLICKED events by url; clicks in [since, until) when given), first clicked first; one statement.")
    async def link_clicks(self, info: Info, since: datetime | None = None,
                          until: datetime | None = None) -> list[Annotated["LinkClicks", strawberry.lazy("schema.campaigns.reports")]]:
        from schema.campaigns.reports import campaign_link_clicks

        return await campaign_link_clicks(self, info, since, until)

    @strawberry.field(description="The outcome of its messages per step, every step included (a Contactflow automation's feedbacks); `stepExternalId` keeps that step's only, none when it has no such step.")
    async def feedbacks(self, info: Info, step_external_id: str | None = None) -> list[Annotated["StepFeedback", strawberry.lazy("schema.campaigns.reports")]]:
        from schema.campaigns.reports import campaign_feedbacks

        return await campaign_feedbacks(self, info, step_external_id)

    @strawberry.field(description="Each saved version of its content, newest first; `offset` skips that many first.")
    async def revisions(self, info: Info, first: int | None = None, after: str | None = None, offset: int | None = None) -> Connection[CampaignRevision]:
        query = select(models.CampaignRevision).where(models.CampaignRevision.campaign_id == self.model.id)
        return await paginate(info, query, model=models.CampaignRevision, wrap=CampaignRevision.from_model, first=first, after=after,
                              last=None, before=None, descending=True, offset=offset)

    @strawberry.field(description="One of its revisions by databaseId; null when it has no such revision.")
    async def revision(self, info: Info, database_id: int) -> CampaignRevision | None:
        row = (await execute(info.context.session, select(models.CampaignRevision).where(
            models.CampaignRevision.campaign_id == self.model.id, models.CampaignRevision.id == database_id))).scalar_one_or_none()
        return row and CampaignRevision.from_model(row)

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field
    async def template(self, info: Info) -> Template | None:
        row = await info.context.loaders.load(models.Template, self.model.template_id)
        return row and Template.from_model(row)

    @strawberry.field(description="Who its messages come from; the tenant's default sender when null.")
    async def sender(self, info: Info) -> Sender | None:
        row = await info.context.loaders.load(models.Sender, self.model.sender_id)
        return row and Sender.from_model(row)

    @strawberry.field
    async def list(self, info: Info) -> ContactList | None:
        row = await info.context.loaders.load(models.ContactList, self.model.list_id)
        return row and ContactList.from_model(row)

    @strawberry.field
    async def segment(self, info: Info) -> Segment | None:
        row = await info.context.loaders.load(models.Segment, self.model.segment_id)
        return row and Segment.from_model(row)
