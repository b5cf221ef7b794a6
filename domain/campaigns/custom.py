"""Custom journeys (Marigold): a CUSTOM campaign whose steps are its entry points. Each step is one entry point:
`external_id` its name (unique in the journey), `type` ENTRY_POINT, `template_id` the content it sends.
Triggering an entry point sends that content to each given recipient as a transactional send does (one message
per item, found through a contact lookup), each message tied to the campaign and to the entry point's step.

Like a transactional journey, a custom journey takes triggers while DRAFT or RUNNING and is never launched.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign, CampaignKind, CampaignStep
from domain.campaigns.transactional import ACCEPTS_CALLS, Item, Outcome, send_items
from domain.common import get_or_raise
from domain.errors import Invalid, InvalidTransition, NotFound
from domain.identity.models import Role
from domain.tenancy import scope_of
from domain.templates.models import Template

ENTRY_POINT = "ENTRY_POINT"


def check_entry_points(steps: list[dict]) -> None:
    """Every step of a custom journey is a named entry point with content; names are unique in the journey."""
    seen = set()
    for index, step in enumerate(steps):
        where = f"steps[{index}]"
        if step.get("type") != ENTRY_POINT:
            raise Invalid(f"A custom journey's steps are its entry points: type must be {ENTRY_POINT}", code="INVALID_STEP_TYPE", field=f"{where}.type")
        name = step.get("external_id")
        if not isinstance(name, str) or not name.strip():
            raise Invalid("An entry point needs its name as externalId", code="REQUIRED", field=f"{where}.externalId")
        if name in seen:
            raise Invalid(f"Entry point {name!r} is named twice", code="DUPLICATE_ENTRY_POINT", field=f"{where}.externalId")
        seen.add(name)
        if step.get("template_id") is None:
            raise Invalid(f"Entry point {name!r} needs the content it sends (templateId)", code="REQUIRED", field=f"{where}.templateId")


async def trigger(session: AsyncSession, *, campaign_id: int, entry_point: str, items: list[Item]) -> tuple[Campaign, CampaignStep, list[Outcome]]:
    """The entry point's content to each item's recipient; a failing item gets its error and the others are sent."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.kind is not CampaignKind.CUSTOM:
        raise Invalid(f"Campaign {campaign.name!r} is not a custom journey", code="CAMPAIGN_NOT_CUSTOM", field="campaignId")
    if campaign.status not in ACCEPTS_CALLS:
        raise InvalidTransition(f"A {campaign.status.value} campaign sends nothing", code="CAMPAIGN_NOT_SENDABLE", field="campaignId")
    scope_of(session).require(campaign.tenant_id, Role.WRITE)  # before any item, so a read-only caller gets one answer
    step = next((s for s in campaign.steps if s.external_id == entry_point), None)
    if step is None:
        raise NotFound(f"Entry point {entry_point!r} not found", code="ENTRY_POINT_NOT_FOUND", field="entryPoint")
    template = step.template_id and await session.get(Template, step.template_id)
    if not template:  # its content was deleted since
        raise Invalid(f"Entry point {entry_point!r} has no content to send", code="ENTRY_POINT_HAS_NO_CONTENT", field="entryPoint")
    return campaign, step, await send_items(session, campaign, template, items, step_id=step.id)
