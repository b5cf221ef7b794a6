"""Campaign aggregates in the graph: campaigns per status of a tenant (batched over a page of tenants), and a
campaign's message outcomes per step (`domain.campaigns.reports`, counted in SQL)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from aiodataloader import DataLoader
from strawberry.types import Info

from domain import models
from domain.campaigns import reports
from schema.campaigns.enrollment_types import MessageStatusCount
from schema.campaigns.types import CampaignStep
from schema.enums import CampaignKind, CampaignStatus, MessageEventType
from schema.loaders import after_pending_reads


async def read_locked(session: Any, read: Any) -> Any:
    """A domain read run while no sibling field uses the session (GraphQL resolves siblings concurrently)."""
    result = []
    await after_pending_reads(session, lambda: _keep(result, read()))
    return result[0]


async def _keep(result: list, awaitable: Any) -> None:
    result.append(await awaitable)


@strawberry.type(description="How many of a tenant's campaigns are in one status.")
class CampaignStatusCount:
    status: CampaignStatus
    count: int


@strawberry.type(description="How many of the messages had at least one event of this type (`count`), and how many such events there were (`total`).")
class MessageEventCount:
    type: MessageEventType
    count: int
    total: int


@strawberry.type(description="How many of the messages bounced with this `bounceType` (hard, soft).")
class BounceCount:
    bounce_type: str
    count: int


@strawberry.type(description="The clicks on one link of a campaign's messages.")
class LinkClicks:
    id: int = strawberry.field(description="The link's number: the id of its first click's event.")
    url: str
    unique_clicks: int = strawberry.field(description="How many messages had a click on it.")
    clicks: int


@strawberry.type(description="The outcome of the messages one step of a campaign sent (a Contactflow step's feedbacks).")
class StepFeedback:
    step: CampaignStep | None = strawberry.field(description="Null for the campaign's messages outside any step.")
    messages: int
    statuses: list[MessageStatusCount] = strawberry.field(description="Its messages per current status (statuses with none left out).")
    events: list[MessageEventCount] = strawberry.field(description="Per event type, how many of its messages had one (types with none left out).")
    bounces: list[BounceCount] = strawberry.field(description="Its bounced messages per bounce type (types with none left out).")


class _StatusCountLoader(DataLoader):
    def __init__(self, session: Any, kinds: tuple):
        super().__init__()
        self.session, self.kinds = session, list(kinds)

    async def batch_load_fn(self, tenant_ids: list[int]) -> list[dict]:
        counts = await read_locked(self.session, lambda: reports.status_counts(self.session, tenant_ids=list(tenant_ids), kinds=self.kinds or None))
        return [counts[tenant_id] for tenant_id in tenant_ids]


async def tenant_campaign_counts(root: Any, info: Info, kinds: list[CampaignKind] | None = None) -> list[CampaignStatusCount]:
    key = tuple(sorted(k.name for k in kinds or []))
    loader = info.context.loaders.get(("campaign_status_counts", key),
                                      lambda session: _StatusCountLoader(session, tuple(models.CampaignKind[k] for k in key)))
    counts = await loader.load(root.model.id)
    return [CampaignStatusCount(status=status, count=count) for status, count in sorted(counts.items(), key=lambda item: item[0].name)]


def _feedback(step: models.CampaignStep | None, outcome: reports.StepOutcome | None) -> StepFeedback:
    outcome = outcome or reports.StepOutcome(step_id=step and step.id)
    return StepFeedback(
        step=step and CampaignStep.from_model(step), messages=outcome.messages,
        statuses=[MessageStatusCount(status=s, count=n) for s, n in sorted(outcome.statuses.items(), key=lambda i: i[0].name)],
        events=[MessageEventCount(type=t, count=n, total=outcome.event_totals.get(t, n)) for t, n in sorted(outcome.events.items(), key=lambda i: i[0].name)],
        bounces=[BounceCount(bounce_type=t, count=n) for t, n in sorted(outcome.bounces.items())],
    )


class _OutcomeLoader(DataLoader):
    """The outcomes of every campaign of a page (each a (tenant id, campaign id) key) in one statement per tenant."""

    def __init__(self, session: Any):
        super().__init__()
        self.session = session

    async def batch_load_fn(self, keys: list[tuple[int, int]]) -> list[dict]:
        found: dict[tuple[int, int], dict] = {}
        for tenant_id in {tenant_id for tenant_id, _ in keys}:
            ids = [campaign_id for t, campaign_id in keys if t == tenant_id]
            read = await read_locked(self.session, lambda: reports.step_outcomes(self.session, tenant_id=tenant_id, campaign_ids=ids))
            for campaign_id, outcomes in read.items():
                found[(tenant_id, campaign_id)] = outcomes
        return [found[key] for key in keys]


async def campaign_feedbacks(root: Any, info: Info, step_external_id: str | None = None) -> list[StepFeedback]:
    campaign = root.model
    steps = [s for s in campaign.steps if step_external_id is None or s.external_id == step_external_id]
    if step_external_id is not None and not steps:
        return []
    if step_external_id is None:
        loader = info.context.loaders.get("campaign_step_outcomes", _OutcomeLoader)
        outcomes = dict(await loader.load((campaign.tenant_id, campaign.id)))
    else:
        session = info.context.session
        outcomes = (await read_locked(session, lambda: reports.step_outcomes(session, tenant_id=campaign.tenant_id, campaign_ids=[campaign.id],
                                                                       step_id=steps[0].id)))[campaign.id]
    feedbacks = [_feedback(step, outcomes.pop(step.id, None)) for step in steps]
    if step_external_id is None and None in outcomes:
        feedbacks.append(_feedback(None, outcomes[None]))
    return feedbacks


async def campaign_link_clicks(root: Any, info: Info, since: datetime | None = None, until: datetime | None = None) -> list[LinkClicks]:
    campaign, session = root.model, info.context.session
    links = await read_locked(session, lambda: reports.link_clicks(session, tenant_id=campaign.tenant_id, campaign_id=campaign.id,
                                                                   since=since, until=until))
    return [LinkClicks(id=link.first_event_id, url=link.url, unique_clicks=link.messages, clicks=link.clicks) for link in links]
