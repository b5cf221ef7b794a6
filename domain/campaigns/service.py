"""Campaigns: authoring, the status machine, launch and cancellation, audience expansion."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns.models import TRANSITIONS, Campaign, CampaignKind, CampaignStatus, CampaignStep
from domain.common import apply_changes, get_or_raise
from domain.contacts import audience
from domain.contacts.models import ContactList, Segment
from domain.db import utcnow
from domain.errors import Invalid, InvalidTransition
from domain.jobs import defer
from domain.messaging.models import Message, MessageStatus
from domain.messaging.service import cancel_queued, default_sender
from domain.templates.models import Template
from domain.tenants.models import Tenant
from domain.validation import require_text

REFERENCES = {"template_id": (Template, "Template", "templateId"), "list_id": (ContactList, "List", "listId"),
              "segment_id": (Segment, "Segment", "segmentId")}


def transition(campaign: Campaign, to: CampaignStatus, *, code: str = "INVALID_TRANSITION") -> None:
    if to not in TRANSITIONS[campaign.status]:
        raise InvalidTransition(
            f"A {campaign.status.value} campaign cannot become {to.value}", code=code, field="campaignId"
        )
    campaign.status = to


async def _check_references(session: AsyncSession, tenant_id: int, fields: dict) -> None:
    for name, (model, what, field) in REFERENCES.items():
        if fields.get(name) is not None:
            row = await get_or_raise(session, model, fields[name], what=what, field=field)
            if row.tenant_id != tenant_id:
                raise Invalid(f"{what} belongs to another tenant", code="TENANT_MISMATCH", field=field)
    if "audience_filter" in fields:
        audience.check_rules(fields["audience_filter"] or [], field="audienceFilter")


def _steps(steps: list[dict]) -> list[CampaignStep]:
    return [CampaignStep(position=i, **step) for i, step in enumerate(steps)]


async def create(
    session: AsyncSession, *, tenant_id: int, name: str, kind: CampaignKind = CampaignKind.NEWSLETTER,
    steps: list[dict] = (), **fields,
) -> Campaign:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    await _check_references(session, tenant_id, fields)
    campaign = Campaign(tenant_id=tenant_id, name=require_text(name, field="name"), kind=kind, steps=_steps(list(steps)), **fields)
    session.add(campaign)
    await session.flush()
    return campaign


async def update(session: AsyncSession, *, campaign_id: int, changes: dict) -> Campaign:
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.SUSPENDED):
        raise InvalidTransition(f"A {campaign.status.value} campaign cannot be edited", code="CAMPAIGN_NOT_EDITABLE", field="campaignId")
    await _check_references(session, campaign.tenant_id, changes)
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name")
    if "steps" in changes:
        campaign.steps = _steps(changes.pop("steps"))
    apply_changes(campaign, changes)
    await session.flush()
    return campaign


async def delete(session: AsyncSession, *, campaign_id: int) -> None:
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.status in (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED):
        raise InvalidTransition("Cancel a running or scheduled campaign before deleting it", code="CAMPAIGN_ACTIVE", field="campaignId")
    await session.delete(campaign)
    await session.flush()


async def launch(session: AsyncSession, *, campaign_id: int, at: datetime | None = None) -> Campaign:
    """Now (RUNNING) or at a time (SCHEDULED); a worker expands the audience either way."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.kind is CampaignKind.TRANSACTIONAL:
        raise Invalid("A transactional campaign sends per call, not by launch", code="CAMPAIGN_NOT_LAUNCHABLE", field="campaignId")
    template = campaign.template_id and await get_or_raise(session, Template, campaign.template_id, what="Template", field="templateId")
    if not template:
        raise Invalid("The campaign has no content to send", code="CAMPAIGN_HAS_NO_CONTENT", field="templateId")
    if template.channel not in (Channel.EMAIL, Channel.SMS):
        raise Invalid(f"Launching {template.channel.value} campaigns is not supported yet", code="CHANNEL_UNSUPPORTED", field="templateId")
    if campaign.list_id is None and campaign.segment_id is None:
        raise Invalid("The campaign has no audience (list or segment)", code="CAMPAIGN_HAS_NO_AUDIENCE", field="listId")
    now = utcnow()
    if at is not None and at.tzinfo is None:
        raise Invalid("The launch time needs a time zone", code="INVALID_TIME", field="at")
    if at is not None and at > now + timedelta(seconds=1):
        transition(campaign, CampaignStatus.SCHEDULED, code="CAMPAIGN_NOT_LAUNCHABLE")
        campaign.scheduled_at = at
        defer(session, "launch_campaign", campaign_id=campaign.id, delay_ms=int((at - now).total_seconds() * 1000))
    else:
        transition(campaign, CampaignStatus.RUNNING, code="CAMPAIGN_NOT_LAUNCHABLE")
        campaign.launched_at = now
        defer(session, "launch_campaign", campaign_id=campaign.id)
    await session.flush()
    return campaign


async def cancel(session: AsyncSession, *, campaign_id: int) -> Campaign:
    """Queued messages are cancelled; a cancelled campaign can never send again."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    transition(campaign, CampaignStatus.CANCELLED, code="CAMPAIGN_NOT_CANCELLABLE")
    campaign.finished_at = utcnow()
    await cancel_queued(session, Message.campaign_id == campaign.id)
    await session.flush()
    return campaign


async def start_if_due(session: AsyncSession, *, campaign_id: int) -> Campaign | None:
    """Called by the launch job: a due SCHEDULED campaign starts; a RUNNING one resumes; anything else is left alone."""
    campaign = await session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        return None
    if campaign.status is CampaignStatus.SCHEDULED:
        if campaign.scheduled_at and campaign.scheduled_at > utcnow() + timedelta(seconds=1):
            return None  # rescheduled later: that launch job will come
        transition(campaign, CampaignStatus.RUNNING)
        campaign.launched_at = utcnow()
    return campaign if campaign.status is CampaignStatus.RUNNING else None


async def expand_next_chunk(session: AsyncSession, *, campaign: Campaign, size: int) -> list[int]:
    """Turn the next `size` audience members into QUEUED messages, in bulk, and move the checkpoint.

    Returns the new message ids; an empty list means the audience is exhausted and the campaign is SENT.
    """
    segment = campaign.segment_id and await session.get(Segment, campaign.segment_id)
    list_id = campaign.list_id or (segment.list_id if segment else None)
    rules = [*(segment.rules if segment else []), *campaign.audience_filter]
    query = audience.audience_query(tenant_id=campaign.tenant_id, list_id=list_id, rules=rules)
    contacts = await audience.next_chunk(session, query, after_contact_id=campaign.last_contact_id, size=size)
    template = await session.get(Template, campaign.template_id) if campaign.template_id else None
    if template is None:
        transition(campaign, CampaignStatus.CANCELLED)
        return []
    channel = template.channel
    address = "email" if channel is Channel.EMAIL else "phone"
    sender = await default_sender(session, await session.get(Tenant, campaign.tenant_id), channel, template)
    rows = [
        {
            "tenant_id": campaign.tenant_id, "channel": channel, "status": MessageStatus.QUEUED,
            "recipient": getattr(c, address), "campaign_id": campaign.id, "contact_id": c.id,
            "template_id": template.id, "language": c.language, "source": {}, "headers": {},
            "data": {**_contact_data(c), **c.attributes}, "sender": sender,
        }
        for c in contacts
        if getattr(c, address)
    ]
    ids = []
    if rows:
        ids = list((await session.execute(insert(Message).returning(Message.id), rows)).scalars())
        defer(session, "deliver_messages", message_ids=ids)
    if contacts:
        campaign.last_contact_id = contacts[-1].id
        campaign.recipients_count += len(rows)
    if len(contacts) < size:
        transition(campaign, CampaignStatus.SENT)
        campaign.finished_at = utcnow()
    await session.flush()
    return ids


def _contact_data(contact) -> dict:
    return {k: getattr(contact, k) for k in ("email", "phone", "first_name", "last_name", "language", "external_id")}

