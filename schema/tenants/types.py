from __future__ import annotations

from uuid import UUID
from datetime import datetime

import strawberry
from sqlalchemy import String, and_, cast, func, not_, or_, select
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from domain.errors import Invalid
from domain.contacts.forms import FORM
from domain.templates.models import CAMPAIGN_CONTENT
from schema.enums import CampaignKind, CampaignStatus, Channel, MessageStatus, Role
from schema.brands import brand_settings, dkim as dkim_schema
from schema.brands.types import Brand, Sender
from domain.tenancy import scope_of
from schema.campaigns import definitions as campaign_definitions, enrollment_types, filters as campaign_filters, reports as campaign_reports
from schema.campaigns.enrollment_types import Enrollment
from schema.campaigns.filters import CampaignFilter
from schema.campaigns.types import Campaign
from schema.contacts.types import Contact, ContactList, Segment, Suppression
from schema.events.types import Event
from schema.exports.types import Export, ExportKind, ExportStatus
from schema.identity.types import ApiCredential, CredentialKind, IsTenantAdmin, TenantMember, UserStatus, tenant_credential, tenant_credentials, tenant_member, tenant_members
from schema.messaging import reports as message_reports
from schema.messaging.types import Message, Process
from schema.ids import decode_id
from schema.loaders import execute
from schema.relay import Connection, Node, paginate
from schema.messaging import dashboard as messaging_dashboard
from schema.templates.types import Dictionary, EditorAsset, PageKind, Template
from schema.tenants import settings as tenant_settings
from schema.webhooks.types import WebhookEndpoint



@strawberry.input(description="Narrow a tenant's messages; every condition given must hold.")
class MessageFilter:
    status: MessageStatus | None = None
    channel: Channel | None = None
    recipient: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    external_ids: list[str] | None = strawberry.field(default=None, description="Any of these externalIds (a Marigold sg_external_id, ...).")
    campaign_id: strawberry.ID | None = strawberry.field(default=None, description="Messages of this campaign.")
    list_id: strawberry.ID | None = strawberry.field(default=None, description="Messages of the campaigns sent to this list.")
    step_external_id: str | None = strawberry.field(default=None, description="Messages of the step with this externalId (an Especial action); needs `campaignId`.")


def _step_campaign(filter: MessageFilter) -> int:
    if filter.campaign_id is None:
        raise Invalid("`stepExternalId` names a step of the campaign `campaignId`, which is missing", code="INVALID_FILTER", field="campaignId")
    return decode_id(filter.campaign_id, "Campaign", field="campaignId")


@strawberry.type(description="One account: a Doxie tenant (slug), a Contactflow node (uuid), a Marigold organization (slug), an Especial account (accountId).")
class Tenant(Node):
    model: strawberry.Private[models.Tenant]
    slug: str
    uuid: UUID
    name: str
    active: bool
    awaiting_confirmation: bool = strawberry.field(description="A new account not yet confirmed by its owner (`confirmTenant`); inactive until then.")
    email_active: bool
    sms_active: bool
    workspace_uuid: UUID | None
    workspace_name: str | None
    portfolio_uuid: UUID | None
    portfolio_name: str | None
    timezone: str
    default_language: str
    settings: JSON
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The Especial account_id.")
    def account_id(self) -> int:
        return self.model.id

    @strawberry.field(description="The role the caller holds on this tenant, inherited from a parent tenant included.")
    def viewer_role(self, info: Info) -> Role | None:
        scope = scope_of(info.context.session)
        return models.Role.ADMIN if scope.everything else scope.roles.get(self.model.id)

    @strawberry.field
    async def parent(self, info: Info) -> Tenant | None:
        parent = await info.context.loaders.load(models.Tenant, self.model.parent_id)
        return parent and Tenant.from_model(parent)

    @strawberry.field(description="Sub-accounts; `offset` skips that many first (paging by number).")
    async def children(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, offset: int | None = None) -> Connection[Tenant]:
        query = select(models.Tenant).where(models.Tenant.parent_id == self.model.id)
        return await paginate(info, query, model=models.Tenant, wrap=Tenant.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field
    async def contacts(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, email: str | None = None) -> Connection[Contact]:

        query = select(models.Contact).where(models.Contact.tenant_id == self.model.id)
        if email:
            query = query.where(models.Contact.email == email.strip().lower())
        return await paginate(info, query, model=models.Contact, wrap=Contact.from_model, first=first, after=after, last=last, before=before)

    @strawberry.field(description="`name` finds lists by exact name; `offset` skips that many first (paging by number).")
    async def lists(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, name: str | None = None, offset: int | None = None) -> Connection[ContactList]:

        query = select(models.ContactList).where(models.ContactList.tenant_id == self.model.id)
        if name is not None:
            query = query.where(models.ContactList.name == name)
        return await paginate(info, query, model=models.ContactList, wrap=ContactList.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field(description="Who this tenant's messages come from; `brand` (a slug) and `channel` narrow them, `offset` skips that many first.")
    async def senders(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, brand: str | None = None, channel: Channel | None = None, offset: int | None = None) -> Connection[Sender]:
        query = select(models.Sender).where(models.Sender.tenant_id == self.model.id)
        if brand is not None:
            query = query.join(models.Brand, models.Brand.id == models.Sender.brand_id).where(models.Brand.slug == brand)
        if channel is not None:
            query = query.where(models.Sender.channel == channel)
        return await paginate(info, query, model=models.Sender, wrap=Sender.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field(description="`name` finds segments by exact name (a Marigold segment apiName).")
    async def segments(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, name: str | None = None) -> Connection[Segment]:

        query = select(models.Segment).where(models.Segment.tenant_id == self.model.id)
        if name is not None:
            query = query.where(models.Segment.name == name)
        return await paginate(info, query, model=models.Segment, wrap=Segment.from_model, first=first, after=after, last=last, before=before)

    @strawberry.field(description="The template with this apiName (Marigold content apiName, Doxie template key), or null.")
    async def template(self, info: Info, api_name: str) -> Template | None:
        query = select(models.Template).where(models.Template.tenant_id == self.model.id, models.Template.api_name == api_name)
        row = (await execute(info.context.session, query)).scalar_one_or_none()
        return row and Template.from_model(row)

    @strawberry.field(description="The dictionary with this apiName (a Marigold dictionary api_name), or null.")
    async def dictionary(self, info: Info, api_name: str) -> Dictionary | None:
        d = models.Dictionary
        row = (await execute(info.context.session, select(d).where(d.tenant_id == self.model.id, d.api_name == api_name))).scalar_one_or_none()
        return row and Dictionary.from_model(row)

    @strawberry.field(description="Dictionaries of translated labels; `search` keeps those whose name, apiName, description or a tag contains it (case-insensitive); `offset` skips that many first.")
    async def dictionaries(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
                           search: str | None = None, offset: int | None = None) -> Connection[Dictionary]:
        d = models.Dictionary
        query = select(d).where(d.tenant_id == self.model.id)
        if search:
            pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            fields = (d.name, d.api_name, d.settings["description"].as_string(), cast(d.settings["tags"], String))
            query = query.where(or_(*(func.lower(f).like(pattern, escape="\\") for f in fields)))
        return await paginate(info, query, model=d, wrap=Dictionary.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field(description="The campaign with this externalId (Marigold journey apiName, ...), or null; `kind` must match when given.")
    async def campaign(self, info: Info, external_id: str, kind: CampaignKind | None = None) -> Campaign | None:
        c = models.Campaign
        query = select(c).where(c.tenant_id == self.model.id, c.external_id == external_id)
        if kind is not None:
            query = query.where(c.kind == kind)
        row = (await execute(info.context.session, query.order_by(c.id).limit(1))).scalar_one_or_none()
        return row and Campaign.from_model(row)

    @strawberry.field(description="`name` finds templates by exact name; `library: true` leaves out templates that are one campaign's own content (`settings.campaign_content`) and subscription forms, `false` keeps only a campaign's own content; `pageKind` keeps the landing pages or the layouts; `offset` skips that many first (paging by number).")
    async def templates(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, channel: Channel | None = None,
                        name: str | None = None, library: bool | None = None, offset: int | None = None, page_kind: PageKind | None = None) -> Connection[Template]:

        t = models.Template
        query = select(t).where(t.tenant_id == self.model.id)
        if channel is not None:
            query = query.where(t.channel == channel)
        if name is not None:
            query = query.where(t.name == name)
        if library is not None:
            campaign_content = t.settings[CAMPAIGN_CONTENT].as_boolean()
            query = query.where(campaign_content.is_not(True) if library else campaign_content.is_(True))
            if library:  # a list's subscription form is not a library template either
                query = query.where(t.settings[FORM].as_boolean().is_not(True))
        if page_kind is not None:
            query = query.where(t.channel == models.Channel.PAGE, t.settings["page_kind"].as_string() == page_kind.value)
        return await paginate(info, query, model=t, wrap=Template.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field(description="Its lists' subscription forms (PAGE templates), oldest first; `offset` skips that many first.")
    async def forms(self, info: Info, first: int | None = None, after: str | None = None, offset: int | None = None) -> Connection[Template]:
        t = models.Template
        query = select(t).where(t.tenant_id == self.model.id, t.channel == models.Channel.PAGE, t.settings[FORM].as_boolean().is_(True))
        return await paginate(info, query, model=t, wrap=Template.from_model, first=first, after=after, last=None, before=None, offset=offset)

    @strawberry.field
    async def events(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None) -> Connection[Event]:

        query = select(models.Event).where(models.Event.tenant_id == self.model.id)
        return await paginate(info, query, model=models.Event, wrap=Event.from_model, first=first, after=after, last=last, before=before)

    @strawberry.field(description="Each filter given must hold: `statuses`, `kinds`, exact `name`, `listId`; `ready`: has content and an audience (what launching needs), or not. `offset` skips that many first (paging by number).")
    async def campaigns(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, status: CampaignStatus | None = None,
                        statuses: list[CampaignStatus] | None = None, kinds: list[CampaignKind] | None = None, name: str | None = None,
                        list_id: strawberry.ID | None = None, ready: bool | None = None, offset: int | None = None,
                        filter: CampaignFilter | None = None) -> Connection[Campaign]:

        c = models.Campaign
        query = select(c).where(c.tenant_id == self.model.id)
        if status is not None:
            query = query.where(c.status == status)
        if statuses is not None:
            query = query.where(c.status.in_(statuses))
        if kinds is not None:
            query = query.where(c.kind.in_(kinds))
        if name is not None:
            query = query.where(c.name == name)
        if list_id is not None:
            query = query.where(c.list_id == decode_id(list_id, "ContactList", field="listId"))
        if ready is not None:
            has_content_and_audience = and_(c.template_id.is_not(None), or_(c.list_id.is_not(None), c.segment_id.is_not(None)))
            query = query.where(has_content_and_audience if ready else not_(has_content_and_audience))
        query = campaign_filters.apply(query, filter)
        return await paginate(info, query, model=c, wrap=Campaign.from_model, first=first, after=after, last=last, before=before, offset=offset)

    enrollments: Connection[Enrollment] = strawberry.field(
        resolver=enrollment_types.tenant_enrollments, description="Customers in its campaigns (Contactflow tokens), oldest first; `offset` skips that many first.")
    enrollment: Enrollment | None = strawberry.field(
        resolver=enrollment_types.tenant_enrollment, description="An enrollment by its uuid (a Contactflow customer / token uuid), or null.")

    campaign_counts: list[campaign_reports.CampaignStatusCount] = strawberry.field(
        resolver=campaign_reports.tenant_campaign_counts, description="How many of its campaigns are in each status (of these `kinds` when given; statuses with none left out), batched over a page of tenants.")
    automation_definitions: campaign_definitions.AutomationDefinitions = strawberry.field(
        resolver=campaign_definitions.automation_definitions, description="What its automations can use (Contactflow definitions and actions).")
    node_settings: list[tenant_settings.TenantSetting] = strawberry.field(
        resolver=tenant_settings.tenant_settings, description="Its node settings (Contactflow integrations); `category` and `type` narrow them.")
    node_setting: tenant_settings.TenantSetting | None = strawberry.field(
        resolver=tenant_settings.tenant_setting, description="A node setting by its uuid, or null.")
    dkim_keys: list[dkim_schema.DkimKey] = strawberry.field(
        resolver=dkim_schema.tenant_dkim_keys, description="Its brands' DKIM keys, oldest first.")
    brand_domains: brand_settings.BrandDomains = strawberry.field(
        resolver=brand_settings.tenant_brand_domains, description="A brand's (by slug) tracking and bounce domains.")
    system_emails: list[brand_settings.SystemEmail] = strawberry.field(
        resolver=brand_settings.tenant_system_emails, description="A brand's (by slug) system email templates and senders.")

    statistics: list[messaging_dashboard.StatisticsPeriod] = strawberry.field(
        resolver=messaging_dashboard.tenant_statistics,
        description="Processes, messages and message events per day or month from `start` to `end` (both included; `end` defaults to today in "
                    "the tenant's timezone, `start` to 28 days before or the first of the month); at most 366 days or 120 months.")

    @strawberry.field(description="Files uploaded for the page editor, newest first; `offset` skips that many first.")
    async def editor_assets(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
                            offset: int | None = None) -> Connection[EditorAsset]:
        query = select(models.EditorAsset).where(models.EditorAsset.tenant_id == self.model.id)
        return await paginate(info, query, model=models.EditorAsset, wrap=EditorAsset.from_model, first=first, after=after, last=last, before=before,
                              descending=True, offset=offset)

    @strawberry.field(description="An editor asset by its uuid; null when unknown or not a uuid.")
    async def editor_asset(self, info: Info, uuid: str) -> EditorAsset | None:
        try:
            key = UUID(uuid)
        except ValueError:
            return None
        query = select(models.EditorAsset).where(models.EditorAsset.tenant_id == self.model.id, models.EditorAsset.uuid == key)
        row = (await execute(info.context.session, query)).scalar_one_or_none()
        return row and EditorAsset.from_model(row)

    @strawberry.field(description="Newest first.")
    async def processes(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None) -> Connection[Process]:

        query = select(models.Process).where(models.Process.tenant_id == self.model.id)
        return await paginate(info, query, model=models.Process, wrap=Process.from_model, first=first, after=after, last=last, before=before, descending=True)

    @strawberry.field(description="A process by its uuid (Doxie's process_uuid); null when unknown or not a uuid.")
    async def process(self, info: Info, uuid: str) -> Process | None:
        try:
            key = UUID(uuid)
        except ValueError:
            return None
        row = (await info.context.session.execute(
            select(models.Process).where(models.Process.tenant_id == self.model.id, models.Process.uuid == key))).scalar_one_or_none()
        return row and Process.from_model(row)

    @strawberry.field(description="Newest first; `offset` skips that many first (paging by number).")
    async def messages(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, filter: MessageFilter | None = None,
                       offset: int | None = None) -> Connection[Message]:

        query = select(models.Message).where(models.Message.tenant_id == self.model.id)
        if filter is not None:
            m = models.Message
            conditions = [
                filter.status is not None and m.status == filter.status,
                filter.channel is not None and m.channel == filter.channel,
                filter.recipient is not None and func.lower(m.recipient) == filter.recipient.strip().lower(),
                filter.created_after is not None and m.created_at >= filter.created_after,
                filter.created_before is not None and m.created_at < filter.created_before,
                filter.external_ids is not None and m.external_id.in_(filter.external_ids),
                filter.campaign_id is not None and m.campaign_id == decode_id(filter.campaign_id, "Campaign", field="campaignId"),
                filter.list_id is not None and m.campaign_id.in_(select(models.Campaign.id).where(
                    models.Campaign.tenant_id == self.model.id, models.Campaign.list_id == decode_id(filter.list_id, "ContactList", field="listId"))),
                filter.step_external_id is not None and m.step_id.in_(select(models.CampaignStep.id).where(
                    models.CampaignStep.campaign_id == _step_campaign(filter), models.CampaignStep.external_id == filter.step_external_id)),
            ]
            query = query.where(*[c for c in conditions if c is not False])
        return await paginate(info, query, model=models.Message, wrap=Message.from_model, first=first, after=after, last=last, before=before, descending=True, offset=offset)

    message_report: list[message_reports.MessageReport] = strawberry.field(
        resolver=message_reports.tenant_message_report,
        description="What happened to its messages created in [since, until), per origin (and per UTC day with `byDay`), counted in one statement.")
    audience_counts: message_reports.AudienceCounts = strawberry.field(
        resolver=message_reports.tenant_audience_counts, description="How many lists it has and how many contacts are subscribed to one.")

    @strawberry.field(description="Its brands, oldest first.")
    async def brands(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None) -> Connection[Brand]:
        query = select(models.Brand).where(models.Brand.tenant_id == self.model.id)
        return await paginate(info, query, model=models.Brand, wrap=Brand.from_model, first=first, after=after, last=last, before=before)

    @strawberry.field(permission_classes=[IsTenantAdmin], description="API keys, API users and token records (admins only; secrets are never shown).")
    async def api_credentials(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, kind: CredentialKind | None = None) -> Connection[ApiCredential]:
        return await tenant_credentials(info, self.model.id, kind=kind, first=first, after=after, last=last, before=before)

    @strawberry.field(permission_classes=[IsTenantAdmin], description="One of its credentials by global id (admins only); null when not the tenant's.")
    async def api_credential(self, info: Info, id: strawberry.ID) -> ApiCredential | None:
        return await tenant_credential(info, self.model.id, id)

    @strawberry.field(description="Its users and their roles, oldest membership first; `email` and `status` narrow them, `offset` skips that many first.")
    async def members(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
                      offset: int | None = None, email: str | None = None, status: UserStatus | None = None) -> Connection[TenantMember]:
        return await tenant_members(info, self.model.id, first=first, after=after, last=last, before=before, offset=offset, email=email, status=status)

    @strawberry.field(description="One of its users by database id (an Especial user_id), or null.")
    async def member(self, info: Info, user_id: int) -> TenantMember | None:
        return await tenant_member(info, self.model.id, user_id)

    @strawberry.field(description="Addresses this tenant never sends to, newest first; `address` finds one, `offset` skips that many first.")
    async def suppressions(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, address: str | None = None,
                           offset: int | None = None) -> Connection[Suppression]:
        query = select(models.Suppression).where(models.Suppression.tenant_id == self.model.id)
        if address:
            query = query.where(models.Suppression.address == _address_key(address))
        return await paginate(info, query, model=models.Suppression, wrap=Suppression.from_model, first=first, after=after, last=last, before=before, descending=True, offset=offset)

    @strawberry.field(description="`active` narrows the list to active (true) or inactive (false) endpoints; `offset` skips that many first.")
    async def webhook_endpoints(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None, active: bool | None = None,
                                offset: int | None = None) -> Connection[WebhookEndpoint]:

        query = select(models.WebhookEndpoint).where(models.WebhookEndpoint.tenant_id == self.model.id)
        if active is not None:
            query = query.where(models.WebhookEndpoint.active.is_(active))
        return await paginate(info, query, model=models.WebhookEndpoint, wrap=WebhookEndpoint.from_model, first=first, after=after, last=last, before=before, offset=offset)

    @strawberry.field(description="The tenant's exports, newest first; `kind`, `listId`, `campaignId` and `statuses` narrow them.")
    async def exports(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
                      offset: int | None = None, kind: ExportKind | None = None, list_id: strawberry.ID | None = None,
                      campaign_id: strawberry.ID | None = None, statuses: list[ExportStatus] | None = None) -> Connection[Export]:
        e = models.Export
        query = select(e).where(e.tenant_id == self.model.id)
        if kind is not None:
            query = query.where(e.kind == kind)
        if list_id is not None:
            query = query.where(e.list_id == decode_id(list_id, "ContactList", field="listId"))
        if campaign_id is not None:
            query = query.where(e.campaign_id == decode_id(campaign_id, "Campaign", field="campaignId"))
        if statuses is not None:
            query = query.where(e.status.in_(statuses))
        return await paginate(info, query, model=e, wrap=Export.from_model, first=first, after=after, last=last, before=before,
                              offset=offset, descending=True)


def _address_key(address: str) -> str:
    """The form suppressions are stored in; anything unparsable is compared lower-cased (and matches nothing)."""
    from domain.contacts.suppression import normalize_address
    from domain.errors import DomainError

    try:
        return normalize_address(address)
    except DomainError:
        return address.strip().lower()
