"""Message reports in the graph: a tenant's messages per origin (and day) in a window, a list's members per status
and the outcome of its campaigns' messages, and a tenant's audience size (`domain.messaging.reports`, in SQL)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from aiodataloader import DataLoader
from strawberry.types import Info

from domain.errors import Invalid
from domain.messaging import reports
from schema.campaigns.enrollment_types import MessageStatusCount
from schema.campaigns.reports import BounceCount, MessageEventCount, read_locked
from schema.enums import Channel, SubscriptionStatus

MessageOrigin = strawberry.enum(reports.Origin, name="MessageOrigin",
                                description="Where messages come from: a campaign's send, an automation's (workflow's) step, or one by one.")


@strawberry.type(description="What happened to a group of messages (one origin, one UTC day when asked by day).")
class MessageReport:
    origin: MessageOrigin
    day: date | None = strawberry.field(description="The UTC day the messages were created on; null unless `byDay`.")
    messages: int
    statuses: list[MessageStatusCount] = strawberry.field(description="Its messages per current status (statuses with none left out).")
    events: list[MessageEventCount] = strawberry.field(description="Per event type, how many of its messages had one, and how many there were.")
    bounces: list[BounceCount] = strawberry.field(description="Its bounced messages per bounce type.")

    @classmethod
    def from_outcome(cls, outcome: reports.Outcome) -> MessageReport:
        return cls(
            origin=outcome.origin, day=outcome.day, messages=outcome.messages,
            statuses=[MessageStatusCount(status=s, count=n) for s, n in sorted(outcome.statuses.items(), key=lambda i: i[0].name)],
            events=[MessageEventCount(type=t, count=n, total=outcome.event_totals.get(t, n)) for t, n in sorted(outcome.events.items(), key=lambda i: i[0].name)],
            bounces=[BounceCount(bounce_type=t, count=n) for t, n in sorted(outcome.bounces.items())],
        )


@strawberry.type(description="How many of a list's members are in one subscription status.")
class SubscriptionStatusCount:
    status: SubscriptionStatus
    count: int


@strawberry.type(description="A list's members per status, and what happened to the messages of the campaigns sent to it.")
class ListReport:
    members: list[SubscriptionStatusCount] = strawberry.field(description="Statuses with no member left out.")
    messages: list[MessageReport] = strawberry.field(description="Per origin (campaigns, automations); origins with no message left out.")


@strawberry.type(description="The size of a tenant's audience.")
class AudienceCounts:
    lists: int
    active_contacts: int = strawberry.field(description="Its contacts subscribed to at least one of its lists.")


def _window(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and until < since:
        raise Invalid("`until` is before `since`", code="INVALID_WINDOW", field="until")


async def tenant_message_report(root: Any, info: Info, since: datetime | None = None, until: datetime | None = None,
                                by_day: bool = False, channel: Channel | None = None) -> list[MessageReport]:
    _window(since, until)
    session, tenant_id = info.context.session, root.model.id
    found = await read_locked(session, lambda: reports.outcomes(session, tenant_id=tenant_id, since=since, until=until, by_day=by_day, channel=channel))
    return [MessageReport.from_outcome(outcome) for outcome in found]


async def tenant_audience_counts(root: Any, info: Info) -> AudienceCounts:
    session, tenant_id = info.context.session, root.model.id
    lists, active = await read_locked(session, lambda: reports.audience_counts(session, tenant_id=tenant_id))
    return AudienceCounts(lists=lists, active_contacts=active)


class _ListReportLoader(DataLoader):
    """The reports of every list of a page (each a (tenant id, list id) key): two statements per tenant."""

    def __init__(self, session: Any):
        super().__init__()
        self.session = session

    async def batch_load_fn(self, keys: list[tuple[int, int]]) -> list[ListReport]:
        found: dict[tuple[int, int], ListReport] = {}
        session = self.session
        for tenant_id in {tenant_id for tenant_id, _ in keys}:
            ids = [list_id for t, list_id in keys if t == tenant_id]
            counts = await read_locked(session, lambda: reports.member_counts(session, tenant_id=tenant_id, list_ids=ids))
            outcomes = await read_locked(session, lambda: reports.outcomes(session, tenant_id=tenant_id, list_ids=ids))
            for list_id in ids:
                members = sorted(counts[list_id].items(), key=lambda i: i[0].name)
                found[(tenant_id, list_id)] = ListReport(
                    members=[SubscriptionStatusCount(status=s, count=n) for s, n in members],
                    messages=[MessageReport.from_outcome(o) for o in outcomes if o.list_id == list_id])
        return [found[key] for key in keys]


async def list_report(root: Any, info: Info) -> ListReport:
    loader = info.context.loaders.get("list_reports", _ListReportLoader)
    return await loader.load((root.model.tenant_id, root.model.id))
