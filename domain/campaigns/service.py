"""Campaigns: authoring and the status machine (launching lives in `domain.campaigns.launch`)."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Sender
from domain.campaigns import locks, revisions, step_rules
from domain.campaigns.models import TRANSITIONS, Campaign, CampaignKind, CampaignStatus, CampaignStep
from domain.common import apply_changes, get_or_raise
from domain.contacts import audience
from domain.contacts.models import ContactList, Segment
from domain.errors import Conflict, Invalid, InvalidTransition
from domain.templates.models import Template
from domain.tenants.models import Tenant
from domain.validation import check_length, require_text

REFERENCES = {"template_id": (Template, "Template", "templateId"), "list_id": (ContactList, "List", "listId"),
              "segment_id": (Segment, "Segment", "segmentId"), "sender_id": (Sender, "Sender", "senderId")}


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


async def _check_external_id(session: AsyncSession, tenant_id: int, external_id: str | None, *, campaign_id: int | None = None) -> None:
    """A dialect's own campaign id (a Marigold journey apiName, ...) names one campaign of its tenant."""
    if external_id is None:
        return
    check_length(external_id, field="externalId", max_length=200)
    taken = (await session.execute(select(Campaign.id).where(
        Campaign.tenant_id == tenant_id, Campaign.external_id == external_id, Campaign.id != (campaign_id or 0)))).first()
    if taken:
        raise Conflict(f"A campaign with externalId {external_id!r} already exists", code="EXTERNAL_ID_TAKEN", field="externalId")


def _steps(steps: list[dict]) -> list[CampaignStep]:
    return [CampaignStep(position=i, **step) for i, step in enumerate(steps)]


async def _checked_steps(session: AsyncSession, tenant_id: int, kind: CampaignKind, steps: list[dict]) -> list[CampaignStep]:
    """Each step fits its columns and sends a template of the campaign's tenant; an automation's
    steps (and the automation itself, see `create`) get a UUID as their id when they have none; a custom
    journey's steps are its named entry points."""
    for index, step in enumerate(steps):
        require_text(step.get("type"), field=f"steps[{index}].type", max_length=50)
        check_length(step.get("name"), field=f"steps[{index}].name", max_length=200)
        check_length(step.get("external_id"), field=f"steps[{index}].externalId", max_length=200)
        if step.get("template_id") is not None:
            template = await get_or_raise(session, Template, step["template_id"], what="Template", field=f"steps[{index}].templateId")
            if template.tenant_id != tenant_id:
                raise Invalid("Template belongs to another tenant", code="TENANT_MISMATCH", field=f"steps[{index}].templateId")
        if step.get("condition") not in step_rules.ALWAYS and step.get("condition") not in step_rules.CONDITIONS:
            raise Invalid(f"A step's condition is one of none, {', '.join(step_rules.CONDITIONS)}", code="INVALID_CONDITION",
                          field=f"steps[{index}].condition")
        delay = step.get("delay_seconds", 0)
        if not isinstance(delay, int) or not 0 <= delay <= step_rules.MAX_DELAY_SECONDS:
            raise Invalid(f"A step's delay is 0 to {step_rules.MAX_DELAY_SECONDS} seconds", code="INVALID_DELAY", field=f"steps[{index}].delaySeconds")
        if kind in (CampaignKind.AUTOMATION, CampaignKind.WORKFLOW) and not step.get("external_id"):
            step["external_id"] = str(uuid.uuid4())
    if kind is CampaignKind.CUSTOM:
        from domain.campaigns.custom import check_entry_points  # here: custom sends through transactional, which imports this module

        check_entry_points(steps)
    return _steps(steps)


async def create(
    session: AsyncSession, *, tenant_id: int, name: str, kind: CampaignKind = CampaignKind.NEWSLETTER,
    steps: list[dict] = (), **fields,
) -> Campaign:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    await _check_references(session, tenant_id, fields)
    await _check_external_id(session, tenant_id, fields.get("external_id"))
    if kind is CampaignKind.AUTOMATION and not fields.get("external_id"):
        fields["external_id"] = str(uuid.uuid4())  # a Contactflow automation is known by its UUID
    steps = await _checked_steps(session, tenant_id, kind, list(steps))
    campaign = Campaign(tenant_id=tenant_id, name=require_text(name, field="name"), kind=kind, steps=steps, **fields)
    session.add(campaign)
    await session.flush()
    await revisions.record(session, campaign)  # its first version, when it has content
    return campaign


async def update(session: AsyncSession, *, campaign_id: int, changes: dict) -> Campaign:
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    locks.check(campaign, changes.pop("lock_key", None))  # a workflow locked by another editor
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.SUSPENDED):
        raise InvalidTransition(f"A {campaign.status.value} campaign cannot be edited", code="CAMPAIGN_NOT_EDITABLE", field="campaignId")
    if "options" in changes and "lock" in (campaign.options or {}):  # the lock is kept by lock / unlock only
        changes["options"] = {**{k: v for k, v in (changes["options"] or {}).items() if k != "lock"}, "lock": campaign.options["lock"]}
    await _check_references(session, campaign.tenant_id, changes)
    if "external_id" in changes:
        await _check_external_id(session, campaign.tenant_id, changes["external_id"], campaign_id=campaign.id)
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name")
    if "steps" in changes:
        campaign.steps = await _checked_steps(session, campaign.tenant_id, campaign.kind, changes.pop("steps"))
    content_before = revisions.content_of(campaign)
    apply_changes(campaign, changes)
    await session.flush()
    if revisions.content_of(campaign) != content_before:
        await revisions.record(session, campaign)
    return campaign


async def delete(session: AsyncSession, *, campaign_id: int) -> None:
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    idle_transactional = campaign.kind is CampaignKind.TRANSACTIONAL and (campaign.launched_at is None or campaign.expanded_at is not None)
    if campaign.status in (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED) and not idle_transactional:
        raise InvalidTransition("Cancel a running or scheduled campaign before deleting it", code="CAMPAIGN_ACTIVE", field="campaignId")
    await session.delete(campaign)
    await session.flush()


async def archive(session: AsyncSession, *, campaign_id: int) -> Campaign:
    """A draft, sent or cancelled campaign is put away; it cannot be edited or launched while archived."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    transition(campaign, CampaignStatus.ARCHIVED, code="CAMPAIGN_NOT_ARCHIVABLE")
    await session.flush()
    return campaign


async def unarchive(session: AsyncSession, *, campaign_id: int) -> Campaign:
    """An archived campaign becomes a draft again. Its launch checkpoint is reset, so launching it
    again is a new run over its whole audience (the messages of the earlier run stay as they are)."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.status is not CampaignStatus.ARCHIVED:
        raise InvalidTransition(f"A {campaign.status.value} campaign is not archived", code="CAMPAIGN_NOT_ARCHIVED", field="campaignId")
    transition(campaign, CampaignStatus.DRAFT)
    campaign.scheduled_at = campaign.launched_at = campaign.expanded_at = campaign.finished_at = None
    campaign.last_contact_id = campaign.recipients_count = 0
    await session.flush()
    return campaign
