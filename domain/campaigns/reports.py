"""Aggregates over campaigns, counted in SQL: campaigns per status for many tenants at once (Contactflow KPIs),
and the outcome of campaigns' messages per step (Contactflow feedbacks), for a page of campaigns at once.

A step's feedback is read from `Message` (its current `status`) and `MessageEvent` (what happened to it:
for each event type, how many of its messages had at least one such event, so two opens of one message
count once, and how many such events there were in all), and the bounces by `bounce_type` (hard, soft). All come
from one statement: the groupings joined by UNION ALL. The clicks of a campaign's messages per link (`link_clicks`)
are one GROUP BY on the CLICKED events' `detail.url`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
    event_totals: dict[MessageEventType, int] = field(default_factory=dict)  # every event, two opens of one message included
    bounces: dict[str, int] = field(default_factory=dict)  # bounce_type (hard, soft) -> messages with such a bounce


@dataclass
class LinkClicks:
    """The clicks on one link of a campaign's messages; `first_event_id` (the first click's event) names the link."""

    url: str
    first_event_id: int
    messages: int  # how many messages had a click on it
    clicks: int


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
    by_status = (select(m.campaign_id, m.step_id, literal("status").label("kind"), cast(m.status, String).label("name"), func.count().label("n"),
                        func.count().label("total"))
                 .where(*where).group_by(m.campaign_id, m.step_id, m.status))
    by_event = (select(m.campaign_id, m.step_id, literal("event").label("kind"), cast(e.type, String).label("name"),
                       func.count(func.distinct(m.id)).label("n"), func.count(e.id).label("total"))
                .join(e, e.message_id == m.id).where(*where).group_by(m.campaign_id, m.step_id, e.type))
    bounce_type = func.coalesce(e.detail["bounce_type"].as_string(), "unknown")
    by_bounce = (select(m.campaign_id, m.step_id, literal("bounce").label("kind"), bounce_type.label("name"),
                        func.count(func.distinct(m.id)).label("n"), func.count(e.id).label("total"))
                 .join(e, e.message_id == m.id).where(*where, e.type == MessageEventType.BOUNCED).group_by(m.campaign_id, m.step_id, bounce_type))
    outcomes: dict[int, dict[int | None, StepOutcome]] = {campaign_id: {} for campaign_id in campaign_ids}
    for campaign_id, step, kind, name, count, total in (await session.execute(union_all(by_status, by_event, by_bounce))).all():
        outcome = outcomes[campaign_id].setdefault(step, StepOutcome(step_id=step))
        if kind == "status":
            outcome.statuses[MessageStatus[name]] = count
            outcome.messages += count
        elif kind == "event":
            outcome.events[MessageEventType[name]] = count
            outcome.event_totals[MessageEventType[name]] = total
        else:
            outcome.bounces[name] = count
    return outcomes


async def link_clicks(session: AsyncSession, *, tenant_id: int, campaign_id: int, since: datetime | None = None,
                      until: datetime | None = None) -> list[LinkClicks]:
    """The links clicked in a campaign's messages (clicked in [since, until) when given), by url, in one GROUP BY."""
    m, e = Message, MessageEvent
    url = e.detail["url"].as_string()
    window = [*([e.occurred_at >= since] if since is not None else []), *([e.occurred_at < until] if until is not None else [])]
    query = (select(url, func.min(e.id), func.count(func.distinct(m.id)), func.count(e.id))
             .join(m, m.id == e.message_id)
             .where(m.tenant_id == tenant_id, m.campaign_id == campaign_id, e.type == MessageEventType.CLICKED, url.is_not(None), *window)
             .group_by(url).order_by(func.min(e.id)))
    return [LinkClicks(url=u, first_event_id=first, messages=n, clicks=total) for u, first, n, total in (await session.execute(query)).all()]
