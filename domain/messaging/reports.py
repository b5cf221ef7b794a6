"""What happened to a tenant's messages, counted in SQL: the Especial account, transactional email and list reports.

Messages are grouped by where they come from (`Origin`: a campaign, an automation's step, or sent one by one), and
by the UTC day they were created on when asked. For each group: how many messages, how many of them had at least one
event of each type (two opens of one message count once) and how many such events there were, and the bounced ones
per `bounce_type`. A window (`since`, `until`) selects the messages created in it; their events count whenever they
happened. One statement: the groupings joined by UNION ALL. `member_counts` counts a page of lists' members per
subscription status in one GROUP BY; `active_contacts` the tenant's contacts subscribed to at least one of its lists.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, String, case, cast, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign, CampaignKind
from domain.contacts.models import ContactList, ListMember, SubscriptionStatus
from domain.messaging.models import Message, MessageEvent, MessageEventType, MessageStatus


class Origin(enum.Enum):
    CAMPAIGN = "campaign"  # a campaign's send to its audience (newsletter, journey, AB test, ...)
    AUTOMATION = "automation"  # a step of an automation or Especial workflow (an action)
    DIRECT = "direct"  # sent one by one: sendMessage, an event's process, a transactional journey call, a test send


@dataclass
class Outcome:
    origin: Origin
    day: date | None = None
    list_id: int | None = None  # with `list_ids`: the list its campaign was sent to
    messages: int = 0
    statuses: dict[MessageStatus, int] = field(default_factory=dict)
    events: dict[MessageEventType, int] = field(default_factory=dict)  # messages with at least one such event
    event_totals: dict[MessageEventType, int] = field(default_factory=dict)  # every such event
    bounces: dict[str, int] = field(default_factory=dict)  # bounce_type -> messages with such a bounce


def _day(session: AsyncSession, column):
    """The UTC calendar day of a timestamp (Postgres' `date()` would use the session's time zone)."""
    if session.bind.dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


async def outcomes(session: AsyncSession, *, tenant_id: int, since: datetime | None = None, until: datetime | None = None,
                   by_day: bool = False, list_ids: list[int] | None = None, channel=None) -> list[Outcome]:
    """The outcome of the tenant's messages created in [since, until), per origin (and per day with `by_day`);
    with `list_ids`, only the messages of the campaigns sent to those lists, per list."""
    m, e, c = Message, MessageEvent, Campaign
    origin = case((m.campaign_id.is_(None), literal(Origin.DIRECT.name)),
                  (c.kind.in_([CampaignKind.AUTOMATION, CampaignKind.WORKFLOW]), literal(Origin.AUTOMATION.name)),
                  (c.kind == CampaignKind.TRANSACTIONAL, literal(Origin.DIRECT.name)),
                  else_=literal(Origin.CAMPAIGN.name)).label("origin")
    day = (_day(session, m.created_at) if by_day else null()).label("day")
    per_list = (c.list_id if list_ids is not None else null()).label("list_id")
    keys = [origin, *([day] if by_day else []), *([per_list] if list_ids is not None else [])]  # Postgres refuses NULL in GROUP BY
    where = [m.tenant_id == tenant_id]
    if since is not None:
        where.append(m.created_at >= since)
    if until is not None:
        where.append(m.created_at < until)
    if list_ids is not None:
        where.append(c.list_id.in_(list_ids))
    if channel is not None:
        where.append(m.channel == channel)

    def grouped(kind: str, name, count, total, *, events: bool, extra=()):
        query = select(origin, day, per_list, literal(kind).label("kind"), name.label("name"), count.label("n"), total.label("total")).select_from(m)
        query = query.outerjoin(c, c.id == m.campaign_id)
        if events:
            query = query.join(e, e.message_id == m.id)
        return query.where(*where, *extra).group_by(*keys, name)

    bounce_type = func.coalesce(e.detail["bounce_type"].as_string(), "unknown")
    statement = union_all(
        grouped("status", cast(m.status, String), func.count(), func.count(), events=False),
        grouped("event", cast(e.type, String), func.count(func.distinct(m.id)), func.count(e.id), events=True),
        grouped("bounce", bounce_type, func.count(func.distinct(m.id)), func.count(e.id), events=True, extra=[e.type == MessageEventType.BOUNCED]),
    )
    found: dict[tuple, Outcome] = {}
    for origin_name, day_value, list_id, kind, name, count, total in (await session.execute(statement)).all():
        if isinstance(day_value, str):  # SQLite's date() is text
            day_value = date.fromisoformat(day_value)
        outcome = found.setdefault((origin_name, day_value, list_id), Outcome(origin=Origin[origin_name], day=day_value, list_id=list_id))
        if kind == "status":
            outcome.statuses[MessageStatus[name]] = count
            outcome.messages += count
        elif kind == "event":
            outcome.events[MessageEventType[name]] = count
            outcome.event_totals[MessageEventType[name]] = total
        else:
            outcome.bounces[name] = count
    return sorted(found.values(), key=lambda o: (o.list_id or 0, o.day or date.min, o.origin.name))


async def member_counts(session: AsyncSession, *, tenant_id: int, list_ids: list[int]) -> dict[int, dict[SubscriptionStatus, int]]:
    """List id -> subscription status -> how many members, for every list given, in one GROUP BY."""
    lm = ListMember
    query = (select(lm.list_id, lm.status, func.count()).where(lm.tenant_id == tenant_id, lm.list_id.in_(list_ids))
             .group_by(lm.list_id, lm.status))
    counts: dict[int, dict[SubscriptionStatus, int]] = {list_id: {} for list_id in list_ids}
    for list_id, status, count in (await session.execute(query)).all():
        counts[list_id][status] = count
    return counts


async def audience_counts(session: AsyncSession, *, tenant_id: int) -> tuple[int, int]:
    """(its lists, its contacts subscribed to at least one of them), in one statement."""
    lm = ListMember
    active = (select(func.count(func.distinct(lm.contact_id)))
              .where(lm.tenant_id == tenant_id, lm.status == SubscriptionStatus.SUBSCRIBED).scalar_subquery())
    lists = select(func.count()).select_from(ContactList).where(ContactList.tenant_id == tenant_id).scalar_subquery()
    row = (await session.execute(select(lists, active))).one()
    return row[0], row[1]
