"""Dashboard statistics of one tenant (Doxie's dashboards), counted in SQL on request, never stored.

Per period (a calendar day or month in the tenant's timezone; UTC on SQLite, which has no time zones):
processes started per kind, messages created per channel and current status, and message events
(opens, clicks, scans, ...) per channel and type by when they happened. Three statements whatever the range.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.common import get_or_raise
from domain.errors import Invalid
from domain.messaging.models import Message, MessageEvent, MessageEventType, MessageStatus, Process
from domain.tenants.models import Tenant

DAY = "day"
MONTH = "month"
MAX_PERIODS = {DAY: 366, MONTH: 120}


@dataclass
class Period:
    start: date
    processes: dict[str, int] = field(default_factory=dict)
    messages: dict[tuple[Channel, MessageStatus], int] = field(default_factory=dict)
    events: dict[tuple[Channel, MessageEventType], int] = field(default_factory=dict)


def period_starts(start: date, end: date, interval: str) -> list[date]:
    if interval == DAY:
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    starts, current = [], start.replace(day=1)
    while current <= end:
        starts.append(current)
        current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


async def statistics(session: AsyncSession, *, tenant_id: int, start: date | None = None, end: date | None = None,
                     interval: str = DAY) -> list[Period]:
    """One Period per day or month from `start` to `end` (both included, zero-filled), oldest first. `end` defaults
    to the tenant's today; `start` to four weeks before `end` (days: 28 of them) or the first of `end`'s month."""
    tenant = await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    if interval not in MAX_PERIODS:
        raise Invalid("interval must be day or month", code="INVALID_VALUE", field="interval")
    end = end or datetime.now(_zone(tenant.timezone)).date()
    start = start or (end - timedelta(days=27) if interval == DAY else end.replace(day=1))
    if end < start:
        raise Invalid("end must not be before start", code="INVALID_RANGE", field="end")
    starts = period_starts(start, end, interval)
    if len(starts) > MAX_PERIODS[interval]:
        raise Invalid(f"At most {MAX_PERIODS[interval]} {interval}s at once", code="INVALID_RANGE", field="end")
    postgres = session.bind.dialect.name == "postgresql"
    zone = _zone(tenant.timezone) if postgres else timezone.utc
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)

    def bucket(column):
        if postgres:
            return cast(func.date_trunc(interval, func.timezone(str(zone), column)), Date)
        return func.date(column) if interval == DAY else func.strftime("%Y-%m-01", column)

    periods = {s: Period(start=s) for s in starts}

    def period_of(value) -> Period | None:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return periods.get(day)

    when = bucket(Process.created_at).label("bucket")
    rows = await session.execute(select(when, Process.kind, func.count()).where(
        Process.tenant_id == tenant_id, Process.created_at >= since, Process.created_at < until).group_by(when, Process.kind))
    for value, kind, count in rows:
        if (period := period_of(value)) is not None:
            period.processes[kind] = count
    when = bucket(Message.created_at).label("bucket")
    rows = await session.execute(select(when, Message.channel, Message.status, func.count()).where(
        Message.tenant_id == tenant_id, Message.created_at >= since, Message.created_at < until).group_by(when, Message.channel, Message.status))
    for value, channel, status, count in rows:
        if (period := period_of(value)) is not None:
            period.messages[(channel, status)] = count
    when = bucket(MessageEvent.occurred_at).label("bucket")
    rows = await session.execute(
        select(when, Message.channel, MessageEvent.type, func.count()).join(Message, Message.id == MessageEvent.message_id)
        .where(MessageEvent.tenant_id == tenant_id, MessageEvent.occurred_at >= since, MessageEvent.occurred_at < until)
        .group_by(when, Message.channel, MessageEvent.type))
    for value, channel, type_, count in rows:
        if (period := period_of(value)) is not None:
            period.events[(channel, type_)] = count
    return [periods[s] for s in starts]


def _zone(name: str | None):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc

