"""Aggregates over campaigns, counted in SQL: campaigns per status for many tenants at once (Contactflow KPIs),
and the outcome of campaigns' messages per step (Contactflow feedbacks), for a page of campaigns at once.

A step's feedback is read from `Message` (its current `status`) and `MessageEvent` (what happened to it:
for each event type, how many of its messages had at least one such event, so two opens of one message
count once). Both come from one statement: the two groupings joined by UNION ALL.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, cast, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign, CampaignKind, CampaignStatus
from domain.messaging.models import Message, MessageEvent, MessageEventType, MessageStatus


@dataclass
class StepOutcome:
    """The messages of one step (`step_id` None: messages of the campaign outside any step)."""

    step_id: int | None
    messages: int = 0
    statuses: dict[MessageStatus, int] = field(default_factory=dict)
    events: dict[MessageEventType, int] = field(default_factory=dict)


async def status_counts(session: AsyncSession, *, tenant_ids: list[int], kinds: list[CampaignKind] | None = None) -> dict[int, dict[CampaignStatus, int]]:
    """Tenant id -> campaign status -> how many, for every tenant given, in one GROUP BY."""
    c = Campaign
    query = select(c.tenant_id, c.status, func.count()).where(c.tenant_id.in_(tenant_ids)).group_by(c.tenant_id, c.status)
    if kinds:
        query = query.where(c.kind.in_(kinds))
    counts: dict[int, dict[CampaignStatus, int]] = {tenant_id: {} for tenant_id in tenant_ids}
    for tenant_id, status, count in (await session.execute(query)).all():
        counts[tenant_id][status] = count
    return counts


async def step_outcomes(session: AsyncSession, *, tenant_id: int, campaign_ids: list[int],
                        step_id: int | None = None) -> dict[int, dict[int | None, StepOutcome]]:
    """Campaign id -> step id -> the outcome of the messages that step sent (only `step_id`'s when given), for
    every campaign given at once."""
    m, e = Message, MessageEvent
    where = [m.tenant_id == tenant_id, m.campaign_id.in_(campaign_ids), *([m.step_id == step_id] if step_id is not None else [])]
    by_status = (select(m.campaign_id, m.step_id, literal("status").label("kind"), cast(m.status, String).label("name"), func.count().label("n"))
                 .where(*where).group_by(m.campaign_id, m.step_id, m.status))
    by_event = (select(m.campaign_id, m.step_id, literal("event").label("kind"), cast(e.type, String).label("name"),
                       func.count(func.distinct(m.id)).label("n"))
                .join(e, e.message_id == m.id).where(*where).group_by(m.campaign_id, m.step_id, e.type))
    outcomes: dict[int, dict[int | None, StepOutcome]] = {campaign_id: {} for campaign_id in campaign_ids}
    for campaign_id, step, kind, name, count in (await session.execute(union_all(by_status, by_event))).all():
        outcome = outcomes[campaign_id].setdefault(step, StepOutcome(step_id=step))
        if kind == "status":
            outcome.statuses[MessageStatus[name]] = count
            outcome.messages += count
        else:
            outcome.events[MessageEventType[name]] = count
    return outcomes
