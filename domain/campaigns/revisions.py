"""Campaign revisions: each saved version of a campaign's content (Especial's campaign revisions).

A revision is a snapshot of the content as it became: the template the campaign sends (its id, default language,
settings and parts) and the campaign's content settings (`options.content`); a campaign without a template has no
content and no revision. One is recorded when a campaign is created with content, when an update changes its
template or `options.content`, and, for every campaign sending a template, when that template's parts are edited.
A snapshot equal to the campaign's latest revision is not kept again. Revisions go with their campaign.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign, CampaignRevision
from domain.templates.models import Template

PART_FIELDS = ("language", "subject", "preheader", "html", "text", "headers")


def content_of(campaign: Campaign) -> tuple:
    """What a revision is about, to tell whether an update changed it."""
    return campaign.template_id, (campaign.options or {}).get("content")


def snapshot(campaign: Campaign, template: Template) -> dict:
    return {"template_id": template.id, "content": (campaign.options or {}).get("content") or {},
            "template": {"default_language": template.default_language, "settings": template.settings or {},
                         "parts": [{name: getattr(part, name) for name in PART_FIELDS} for part in template.parts]}}


async def record(session: AsyncSession, campaign: Campaign) -> CampaignRevision | None:
    """A revision of the campaign's content as it is now; none when it has no content (no template) or nothing changed."""
    template = await session.get(Template, campaign.template_id) if campaign.template_id else None
    if template is None:
        return None
    shot = snapshot(campaign, template)
    latest = (await session.execute(select(CampaignRevision.content).where(CampaignRevision.campaign_id == campaign.id)
                                    .order_by(CampaignRevision.id.desc()).limit(1))).scalar_one_or_none()
    if latest == shot:
        return None
    revision = CampaignRevision(tenant_id=campaign.tenant_id, campaign_id=campaign.id, content=shot)
    session.add(revision)
    await session.flush()
    return revision


async def record_for_template(session: AsyncSession, *, template_id: int) -> None:
    """The template's parts were edited: a revision for each campaign sending it."""
    campaigns = (await session.execute(select(Campaign).where(Campaign.template_id == template_id).order_by(Campaign.id))).scalars()
    for campaign in list(campaigns):
        await record(session, campaign)
