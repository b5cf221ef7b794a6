"""Launching a campaign: launch now or later, suspend, resume, cancel; the launch job's expansion
of the audience into messages, in chunks with a checkpoint, honouring waves and sending limits."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel, Sender
from domain.campaigns.models import Campaign, CampaignKind, CampaignStatus
from domain.campaigns.service import transition
from domain.common import get_or_raise
from domain.contacts import audience
from domain.contacts.lists import check_open
from domain.contacts.models import ContactList, Segment
from domain.db import utcnow
from domain.errors import Invalid, InvalidTransition
from domain.messaging.models import Message, MessageStatus
from domain.messaging.service import cancel_queued, default_sender
from domain.outbox import defer
from domain.templates.models import Template
from domain.tenants.models import Tenant

DELIVERY_BATCH = 500


async def launch(session: AsyncSession, *, campaign_id: int, at: datetime | None = None) -> Campaign:
    """Now (RUNNING) or at a time (SCHEDULED); a worker expands the audience either way."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.kind in (CampaignKind.TRANSACTIONAL, CampaignKind.CUSTOM):
        raise Invalid(f"A {campaign.kind.value} campaign sends per call, not by launch", code="CAMPAIGN_NOT_LAUNCHABLE", field="campaignId")
    automation = campaign.kind in (CampaignKind.AUTOMATION, CampaignKind.WORKFLOW)  # its steps send to the customers enrolled in it
    template = campaign.template_id and await get_or_raise(session, Template, campaign.template_id, what="Template", field="templateId")
    if not template and not automation:
        raise Invalid("The campaign has no content to send", code="CAMPAIGN_HAS_NO_CONTENT", field="templateId")
    if template and template.channel not in (Channel.EMAIL, Channel.SMS):
        raise Invalid(f"Launching {template.channel.value} campaigns is not supported yet", code="CHANNEL_UNSUPPORTED", field="templateId")
    if campaign.list_id is None and campaign.segment_id is None and not automation:
        raise Invalid("The campaign has no audience (list or segment)", code="CAMPAIGN_HAS_NO_AUDIENCE", field="listId")
    segment = campaign.segment_id and await session.get(Segment, campaign.segment_id)
    list_id = campaign.list_id or (segment.list_id if segment else None)
    if list_id is not None:
        check_open(await get_or_raise(session, ContactList, list_id, what="List", field="listId"))  # no launch to an archived list
    _check_waves(campaign.options)
    now = utcnow()
    if at is not None and at.tzinfo is None:
        raise Invalid("The launch time needs a time zone", code="INVALID_TIME", field="at")
    if at is not None and at > now + timedelta(seconds=1):
        transition(campaign, CampaignStatus.SCHEDULED, code="CAMPAIGN_NOT_LAUNCHABLE")
        campaign.scheduled_at = at
        defer(session, "launch_campaign", campaign_id=campaign.id, at=at)
    else:
        transition(campaign, CampaignStatus.RUNNING, code="CAMPAIGN_NOT_LAUNCHABLE")
        campaign.launched_at = now
        defer(session, "launch_campaign", campaign_id=campaign.id)
    await session.flush()
    return campaign


async def unschedule(session: AsyncSession, *, campaign_id: int) -> Campaign:
    """A scheduled campaign goes back to DRAFT and forgets its time; its pending launch job finds it
    no longer due and does nothing."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.status is not CampaignStatus.SCHEDULED:
        raise InvalidTransition(f"A {campaign.status.value} campaign is not scheduled", code="CAMPAIGN_NOT_SCHEDULED", field="campaignId")
    transition(campaign, CampaignStatus.DRAFT)
    campaign.scheduled_at = None
    await session.flush()
    return campaign


async def suspend(session: AsyncSession, *, campaign_id: int) -> Campaign:
    """Queued messages wait (workers skip them) and expansion pauses; in-flight ones finish."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    transition(campaign, CampaignStatus.SUSPENDED, code="CAMPAIGN_NOT_SUSPENDABLE")
    await session.flush()
    return campaign


async def resume(session: AsyncSession, *, campaign_id: int) -> Campaign:
    """Back to SCHEDULED if its time is still ahead, else RUNNING; waiting messages are delivered."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.status is not CampaignStatus.SUSPENDED:
        raise Invalid(f"A {campaign.status.value} campaign cannot be resumed", code="CAMPAIGN_NOT_SUSPENDED", field="campaignId")
    if campaign.launched_at is None and campaign.scheduled_at and campaign.scheduled_at > utcnow():
        transition(campaign, CampaignStatus.SCHEDULED)
        defer(session, "launch_campaign", campaign_id=campaign.id, at=campaign.scheduled_at)
    else:
        transition(campaign, CampaignStatus.RUNNING)
        campaign.launched_at = campaign.launched_at or utcnow()
        defer(session, "launch_campaign", campaign_id=campaign.id)
        waiting = (
            await session.execute(select(Message.id).where(Message.campaign_id == campaign.id, Message.status == MessageStatus.QUEUED).order_by(Message.id))
        ).scalars().all()
        for start in range(0, len(waiting), DELIVERY_BATCH):
            defer(session, "deliver_messages", message_ids=list(waiting[start:start + DELIVERY_BATCH]))
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
    """Called by the launch job: a due SCHEDULED campaign starts; a RUNNING one resumes; anything else is left alone.

    The row lock serializes concurrent launch jobs of one campaign, so no chunk is expanded twice.
    """
    campaign = await session.get(Campaign, campaign_id, with_for_update=True, populate_existing=True)
    if campaign is None:
        return None
    if campaign.status is CampaignStatus.SCHEDULED:
        if campaign.scheduled_at and campaign.scheduled_at > utcnow() + timedelta(seconds=1):
            return None  # rescheduled later: that launch job will come
        transition(campaign, CampaignStatus.RUNNING)
        campaign.launched_at = utcnow()
    if campaign.status is not CampaignStatus.RUNNING or campaign.expanded_at is not None:
        return None
    return campaign


def _check_waves(options: dict) -> None:
    waves = options.get("waves")
    if waves is None:
        return
    if not isinstance(waves, dict) or int(waves.get("size", 0)) < 1 or float(waves.get("interval_seconds", -1)) < 0:
        raise Invalid('options.waves needs {"size": >= 1, "interval_seconds": >= 0}', code="INVALID_OPTIONS", field="options.waves")


def _waves(options: dict) -> tuple[int, float] | None:
    """Marigold "send in waves" and sending limits: at most `size` recipients every `interval_seconds`."""
    waves = options.get("waves")
    if waves:
        return int(waves["size"]), float(waves["interval_seconds"])
    limit = options.get("sending_limit_per_hour")
    return (int(limit), 3600.0) if limit else None


async def expand_next_chunk(session: AsyncSession, *, campaign: Campaign, size: int) -> list[int]:
    """Turn the next `size` audience members into QUEUED messages, in bulk, and move the checkpoint.

    When the audience is exhausted `expanded_at` is set; the campaign becomes SENT once its last
    message has left (see `finish_if_done`).
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
    sender = await campaign_sender(session, campaign) or await default_sender(session, await session.get(Tenant, campaign.tenant_id), channel, template)
    reply_to = campaign.options.get("reply_to") or None
    waves = _waves(campaign.options)
    rows, position = [], campaign.recipients_count
    for contact in contacts:
        if not getattr(contact, address):
            continue
        scheduled_at = campaign.launched_at + timedelta(seconds=(position // waves[0]) * waves[1]) if waves else None
        rows.append({
            "tenant_id": campaign.tenant_id, "channel": channel, "status": MessageStatus.QUEUED,
            "recipient": getattr(contact, address), "campaign_id": campaign.id, "contact_id": contact.id,
            "template_id": template.id, "language": contact.language, "source": {}, "headers": {},
            "data": contact_data(contact), "sender": sender, "reply_to": reply_to, "scheduled_at": scheduled_at,
        })
        position += 1
    ids = list((await session.execute(insert(Message).returning(Message.id), rows)).scalars()) if rows else []
    _defer_delivery(session, ids, [r["scheduled_at"] for r in rows])
    if contacts:
        campaign.last_contact_id = contacts[-1].id
        campaign.recipients_count += len(rows)
    if len(contacts) < size:
        campaign.expanded_at = utcnow()
    await session.flush()
    return ids


def _defer_delivery(session: AsyncSession, ids: list[int], times: list[datetime | None]) -> None:
    """One delivery job per wave (or one for the whole chunk), due when its wave is."""
    by_time: dict[datetime | None, list[int]] = {}
    for message_id, at in zip(ids, times):
        by_time.setdefault(at, []).append(message_id)
    for at, message_ids in by_time.items():
        defer(session, "deliver_messages", message_ids=message_ids, at=at)


async def finish_if_done(session: AsyncSession, *, campaign_ids: set[int]) -> None:
    """A fully expanded RUNNING campaign with nothing left queued or sending is SENT (a transactional one
    stays RUNNING after a bulk send: it keeps accepting sends)."""
    for campaign_id in campaign_ids:
        pending = exists().where(Message.campaign_id == campaign_id, Message.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING]))
        campaign = (
            await session.execute(
                select(Campaign).where(Campaign.id == campaign_id, Campaign.status == CampaignStatus.RUNNING,
                                       Campaign.kind != CampaignKind.TRANSACTIONAL,
                                       Campaign.expanded_at.is_not(None), ~pending).with_for_update()
            )
        ).scalar_one_or_none()
        if campaign is not None:
            transition(campaign, CampaignStatus.SENT)
            campaign.finished_at = utcnow()


def contact_data(contact) -> dict:
    """What a template sees of its recipient: the contact's fields and its attributes."""
    return {**{k: getattr(contact, k) for k in ("email", "phone", "first_name", "last_name", "language", "external_id")}, **contact.attributes}


async def campaign_sender(session: AsyncSession, campaign: Campaign) -> str | None:
    """The campaign's own sender ("Name <address>"), when it names one; `options.sender_name` overrides its display name."""
    sender = campaign.sender_id and await session.get(Sender, campaign.sender_id)
    if not sender:
        return None
    name = campaign.options.get("sender_name") or sender.name
    return f"{name} <{sender.address}>" if name and sender.channel is Channel.EMAIL else sender.address
