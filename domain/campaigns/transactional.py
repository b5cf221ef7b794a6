"""Transactional campaigns (Marigold transactional journeys): the campaign's template sent per call,
one message per item, to a recipient found through a contact lookup, optionally after upserting
that contact's profile; or, in bulk, to the campaign's whole audience.

A transactional campaign accepts calls while it is a DRAFT ("not launched") or RUNNING; a
suspended, cancelled, sent or archived one refuses them. A bulk send runs the launch job over the
audience and leaves the campaign RUNNING (it keeps accepting calls); a second bulk send waits until
the first one has expanded its audience.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns.models import Campaign, CampaignKind, CampaignStatus
from domain.campaigns.service import transition
from domain.common import get_or_raise
from domain.contacts import service as contacts
from domain.contacts.models import Contact
from domain.db import utcnow
from domain.errors import DomainError, Invalid, InvalidTransition, NotFound
from domain.identity.models import Role
from domain.messaging.models import Message
from domain.messaging.service import queue_message
from domain.outbox import defer
from domain.tenancy import scope_of
from domain.templates.models import Template
from domain.validation import normalize_email, normalize_phone

ACCEPTS_CALLS = {CampaignStatus.DRAFT, CampaignStatus.RUNNING}
MAX_ITEMS = 1000
CONTACT_FIELDS = ("email", "phone", "external_id", "first_name", "last_name", "language")


class Lookup(enum.Enum):
    """Which contact field the item's recipient names."""

    EMAIL = "email"
    PHONE = "phone"
    EXTERNAL_ID = "external_id"


@dataclass
class Item:
    recipient: str
    lookup: Lookup = Lookup.EMAIL
    language: str | None = None
    data: dict = field(default_factory=dict)
    external_id: str | None = None
    idempotency_key: str | None = None
    profile: dict | None = None  # contact fields to create or update first (attributes are merged)


@dataclass
class Outcome:
    message: Message | None = None
    error: DomainError | None = None


async def _transactional(session: AsyncSession, campaign_id: int) -> Campaign:
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.kind is not CampaignKind.TRANSACTIONAL:
        raise Invalid(f"Campaign {campaign.name!r} is not transactional", code="CAMPAIGN_NOT_TRANSACTIONAL", field="campaignId")
    if campaign.status not in ACCEPTS_CALLS:
        raise InvalidTransition(f"A {campaign.status.value} campaign sends nothing", code="CAMPAIGN_NOT_SENDABLE", field="campaignId")
    scope_of(session).require(campaign.tenant_id, Role.WRITE)  # before any item, so a read-only caller gets one answer
    return campaign


async def _template(session: AsyncSession, campaign: Campaign) -> Template:
    template = campaign.template_id and await session.get(Template, campaign.template_id)
    if not template:
        raise Invalid("The campaign has no content to send", code="CAMPAIGN_HAS_NO_CONTENT", field="templateId")
    return template


async def send(session: AsyncSession, *, campaign_id: int, items: list[Item]) -> tuple[Campaign, list[Outcome]]:
    """One message per item; an item that breaks a rule gets its error and the others are still sent."""
    campaign = await _transactional(session, campaign_id)
    template = await _template(session, campaign)
    return campaign, await send_items(session, campaign, template, items)


async def send_items(session: AsyncSession, campaign: Campaign, template: Template, items: list[Item], *,
                     step_id: int | None = None) -> list[Outcome]:
    """`template` to each item's recipient as a message of `campaign` (and of its step `step_id`, when given);
    the caller has checked the campaign accepts calls. Shared with custom journeys' entry points."""
    if not items:
        raise Invalid("Give at least one item to send", code="REQUIRED", field="items")
    if len(items) > MAX_ITEMS:
        raise Invalid(f"At most {MAX_ITEMS} items per call", code="TOO_MANY_ITEMS", field="items")
    outcomes = []
    for index, item in enumerate(items):
        try:
            async with session.begin_nested():  # a failing item leaves no contact and no message behind
                outcomes.append(Outcome(message=await _send_one(session, campaign, template, item, index, step_id=step_id)))
        except DomainError as error:
            outcomes.append(Outcome(error=error))
    return outcomes


async def _send_one(session: AsyncSession, campaign: Campaign, template: Template, item: Item, index: int, *,
                    step_id: int | None) -> Message:
    where = f"items.{index}"
    if item.idempotency_key:
        existing = (await session.execute(select(Message).where(
            Message.tenant_id == campaign.tenant_id, Message.idempotency_key == item.idempotency_key))).scalar_one_or_none()
        if existing is not None:
            return existing  # the same item again: the same message, sent once
    key = _lookup_key(item, field=f"{where}.recipient")
    contact = await _find_contact(session, campaign.tenant_id, item.lookup, key)
    if item.profile is not None:
        contact = await _upsert(session, campaign.tenant_id, contact, item, key)
    elif contact is None and item.lookup is not _address_lookup(template.channel):
        raise NotFound(f"No contact with {item.lookup.value} {item.recipient!r}", code="CONTACT_NOT_FOUND", field=f"{where}.recipient")
    address = key if item.lookup is _address_lookup(template.channel) else getattr(contact, _address_lookup(template.channel).value)
    if not address:
        raise Invalid(f"The contact has no {_address_lookup(template.channel).value} to send {template.channel.value} to",
                      code="NO_ADDRESS", field=f"{where}.recipient")
    if item.data is not None and not isinstance(item.data, dict):
        raise Invalid("data must be an object", field=f"{where}.data")
    data = {**(_contact_data(contact) if contact else {}), **(item.data or {})}
    message = await queue_message(
        session, tenant_id=campaign.tenant_id, channel=template.channel, to=address, template_id=template.id, data=data,
        language=item.language or (contact.language if contact else None), external_id=item.external_id,
        idempotency_key=item.idempotency_key, contact_id=contact.id if contact else None,
    )
    message.campaign_id, message.step_id = campaign.id, step_id
    await session.flush()
    return message


def _address_lookup(channel: Channel) -> Lookup:
    return Lookup.EMAIL if channel is Channel.EMAIL else Lookup.PHONE


def _lookup_key(item: Item, *, field: str) -> str:
    if not isinstance(item.recipient, str) or not item.recipient.strip():
        raise Invalid("The recipient is required", code="REQUIRED", field=field)
    if item.lookup is Lookup.EMAIL:
        return normalize_email(item.recipient, field=field).lower()
    if item.lookup is Lookup.PHONE:
        return normalize_phone(item.recipient, field=field)
    return item.recipient.strip()


async def _find_contact(session: AsyncSession, tenant_id: int, lookup: Lookup, key: str) -> Contact | None:
    column = getattr(Contact, lookup.value)
    return (await session.execute(
        select(Contact).where(Contact.tenant_id == tenant_id, column == key).order_by(Contact.id).limit(1)
    )).scalar_one_or_none()


async def _upsert(session: AsyncSession, tenant_id: int, contact: Contact | None, item: Item, key: str) -> Contact:
    profile = dict(item.profile or {})
    if contact is None:
        return await contacts.create_contact(session, tenant_id=tenant_id, **{item.lookup.value: key, **profile})
    if "attributes" in profile:
        profile["attributes"] = {**(contact.attributes or {}), **(profile["attributes"] or {})}
    return await contacts.update_contact(session, contact_id=contact.id, changes=profile)


def _contact_data(contact: Contact) -> dict:
    """What the template sees of its recipient: the contact's fields and attributes (the item's data wins)."""
    return {**{name: getattr(contact, name) for name in CONTACT_FIELDS}, **(contact.attributes or {})}


async def bulk_send(session: AsyncSession, *, campaign_id: int) -> Campaign:
    """Send the campaign's template to its whole audience, now: the launch job expands it in checkpointed chunks."""
    campaign = await _transactional(session, campaign_id)
    template = await _template(session, campaign)
    if template.channel not in (Channel.EMAIL, Channel.SMS):
        raise Invalid(f"Sending {template.channel.value} in bulk is not supported yet", code="CHANNEL_UNSUPPORTED", field="templateId")
    if campaign.list_id is None and campaign.segment_id is None:
        raise Invalid("The campaign has no audience (list or segment)", code="CAMPAIGN_HAS_NO_AUDIENCE", field="listId")
    if campaign.status is CampaignStatus.RUNNING and campaign.launched_at is not None and campaign.expanded_at is None:
        raise InvalidTransition("The previous bulk send is still reaching the audience", code="CAMPAIGN_NOT_IDLE", field="campaignId")
    if campaign.status is CampaignStatus.DRAFT:
        transition(campaign, CampaignStatus.RUNNING)
    campaign.launched_at = utcnow()
    campaign.expanded_at = campaign.finished_at = None
    campaign.last_contact_id = campaign.recipients_count = 0  # a new run over the whole audience
    defer(session, "launch_campaign", campaign_id=campaign.id)
    await session.flush()
    return campaign
