"""A tenant's statistics per day or month (`domain.messaging.dashboard`): what Doxie's dashboards chart."""
from __future__ import annotations

import enum
from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from domain.messaging import dashboard
from schema.campaigns.reports import read_locked
from schema.enums import Channel, MessageEventType, MessageStatus


@strawberry.enum
class StatisticsInterval(enum.Enum):
    DAY = dashboard.DAY
    MONTH = dashboard.MONTH


@strawberry.type(description="Processes of one kind (mailer, survey, qr_code, injector, doi, ...) started in the period.")
class ProcessKindCount:
    kind: str
    count: int


@strawberry.type(description="Messages created in the period, of one channel, by their current status.")
class MessageStatusChannelCount:
    channel: Channel
    status: MessageStatus
    count: int


@strawberry.type(description="Message events (sent, delivered, opened, clicked, scanned, ...) that happened in the period, per channel.")
class MessageEventChannelCount:
    channel: Channel
    type: MessageEventType
    count: int


@strawberry.type(description="One day or month (in the tenant's timezone); kinds, statuses and types with none are left out.")
class StatisticsPeriod:
    start: date
    processes: list[ProcessKindCount]
    messages: list[MessageStatusChannelCount]
    events: list[MessageEventChannelCount]


async def tenant_statistics(root: Any, info: Info, start: date | None = None, end: date | None = None, interval: StatisticsInterval = StatisticsInterval.DAY) -> list[StatisticsPeriod]:
    session = info.context.session
    periods = await read_locked(session, lambda: dashboard.statistics(session, tenant_id=root.model.id, start=start, end=end, interval=interval.value))
    return [
        StatisticsPeriod(
            start=p.start,
            processes=[ProcessKindCount(kind=k, count=c) for k, c in sorted(p.processes.items())],
            messages=[MessageStatusChannelCount(channel=ch, status=st, count=c) for (ch, st), c in sorted(p.messages.items(), key=lambda i: (i[0][0].value, i[0][1].value))],
            events=[MessageEventChannelCount(channel=ch, type=t, count=c) for (ch, t), c in sorted(p.events.items(), key=lambda i: (i[0][0].value, i[0][1].value))],
        )
        for p in periods
    ]
