from __future__ import annotations

from uuid import UUID
from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from domain.events import qr_codes
from schema.enums import Channel, MessageEventType, MessageStatus, ProcessStatus
from schema.relay import Connection, Node, paginate
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]
CampaignRef = Annotated["Campaign", strawberry.lazy("schema.campaigns.types")]
TemplateRef = Annotated["Template", strawberry.lazy("schema.templates.types")]
EventRef = Annotated["Event", strawberry.lazy("schema.events.types")]
ListMemberRef = Annotated["ListMember", strawberry.lazy("schema.contacts.types")]
ContactRef = Annotated["Contact", strawberry.lazy("schema.contacts.types")]
WebhookDeliveryRef = Annotated["WebhookDelivery", strawberry.lazy("schema.webhooks.types")]


@strawberry.type(description="One step in a message's life: a status change, an open, a click.")
class MessageEvent:
    database_id: int = strawberry.field(description="Its numeric id (an Especial log id).")
    type: MessageEventType
    detail: JSON
    occurred_at: datetime


@strawberry.type
class Message(Node):
    model: strawberry.Private[models.Message]
    channel: Channel
    status: MessageStatus
    recipient: str
    sender: str | None
    subject: str | None = strawberry.field(description="As rendered and sent (null until the worker renders it).")
    html: str | None
    text: str | None
    data: JSON
    external_id: str | None
    idempotency_key: str | None
    provider_message_id: str | None
    attempts: int
    error_code: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    scheduled_at: datetime | None
    sent_at: datetime | None
    delivered_at: datetime | None

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field
    async def process(self, info: Info) -> Process | None:
        row = await info.context.loaders.load(models.Process, self.model.process_id)
        return row and Process.from_model(row)

    @strawberry.field
    async def campaign(self, info: Info) -> CampaignRef | None:
        from schema.campaigns.types import Campaign

        row = await info.context.loaders.load(models.Campaign, self.model.campaign_id)
        return row and Campaign.from_model(row)

    @strawberry.field(description="The contact it was sent to, when sent to one (a campaign's messages are).")
    async def contact(self, info: Info) -> ContactRef | None:
        from schema.contacts.types import Contact

        row = await info.context.loaders.load(models.Contact, self.model.contact_id)
        return row and Contact.from_model(row)

    @strawberry.field
    async def template(self, info: Info) -> TemplateRef | None:
        from schema.templates.types import Template

        row = await info.context.loaders.load(models.Template, self.model.template_id)
        return row and Template.from_model(row)

    @strawberry.field(description="Status history, opens and clicks, oldest first.")
    async def events(self, info: Info) -> list[MessageEvent]:
        rows = await info.context.loaders.children(models.MessageEvent.message_id, self.model.id)
        return [MessageEvent(database_id=r.id, type=r.type, detail=r.detail, occurred_at=r.occurred_at) for r in rows]


@strawberry.type(description="A Doxie QR code: it leads to `targetUrl` while `status` is `active`.")
class QrCode:
    uuid: UUID = strawberry.field(description="The code's uuid, which is its process's uuid.")
    target_url: str | None
    valid_until: datetime | None = strawberry.field(description="Null: valid for ever.")
    status: str = strawberry.field(description="`active`, or `expired` once `validUntil` has passed or the process is cancelled.")
    url: str = strawberry.field(description="Where the code leads: a visit is recorded (SCANNED), then redirected to `targetUrl` while active.")


@strawberry.type(description="One trigger (a Doxie mail, injection, survey, QR code, DOI) and the messages it sent.")
class Process(Node):
    model: strawberry.Private[models.Process]
    uuid: UUID
    kind: str
    status: ProcessStatus
    payload: JSON
    created_at: datetime
    cancelled_at: datetime | None

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field
    async def event(self, info: Info) -> EventRef | None:
        from schema.events.types import Event

        row = await info.context.loaders.load(models.Event, self.model.event_id)
        return row and Event.from_model(row)

    @strawberry.field(description="`channel`, `statuses` and `scheduled` (a send time set, or not) narrow the list; each one given must hold.")
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
        channel: Channel | None = None, statuses: list[MessageStatus] | None = None, scheduled: bool | None = None,
    ) -> Connection[Message]:
        m = models.Message
        query = select(m).where(m.process_id == self.model.id)
        if channel is not None:
            query = query.where(m.channel == channel)
        if statuses is not None:
            query = query.where(m.status.in_(statuses))
        if scheduled is not None:
            query = query.where(m.scheduled_at.is_not(None) if scheduled else m.scheduled_at.is_(None))
        return await paginate(info, query, model=models.Message, wrap=Message.from_model, first=first, after=after, last=last, before=before)

    @strawberry.field(description="The QR code this process made (a QR_CODE event trigger); null for other processes.")
    def qr_code(self, info: Info) -> QrCode | None:
        if self.model.kind != qr_codes.KIND:
            return None
        payload, settings = self.model.payload or {}, info.context.settings
        return QrCode(uuid=self.model.uuid, target_url=payload.get("target_url"), valid_until=qr_codes.valid_until(payload),
                      status=qr_codes.state(self.model), url=qr_codes.QrLinks(settings.secret_key, settings.public_url).url(self.model.id))

    @strawberry.field(description="The consent a DOI mail asks to confirm (a process of kind `doi`); null for other processes.")
    async def consent(self, info: Info) -> ListMemberRef | None:
        from schema.contacts.types import ListMember

        identifier = (self.model.payload or {}).get("identifier")
        if self.model.kind != "doi" or not isinstance(identifier, int):
            return None
        row = await info.context.loaders.load(models.ListMember, identifier)
        return row and ListMember.from_model(row)

    @strawberry.field(description="Every webhook delivery attempt about this process (Doxie's webhook interactions), newest first.")
    async def webhook_deliveries(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None) -> Connection[WebhookDeliveryRef]:
        from schema.webhooks.types import WebhookDelivery

        query = select(models.WebhookDelivery).where(models.WebhookDelivery.process_id == self.model.id)
        return await paginate(info, query, model=models.WebhookDelivery, wrap=WebhookDelivery.from_model, first=first, after=after, last=last, before=before, descending=True)
