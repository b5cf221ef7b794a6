"""Narrowing a tenant's campaigns by their dates, steps and dialect options (`Tenant.campaigns(filter:)`)."""
from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import Select, exists, func

from domain import models


@strawberry.input(description="Narrow a tenant's campaigns; every condition given must hold.")
class CampaignFilter:
    name_contains: str | None = strawberry.field(default=None, description="Case-insensitive part of the name.")
    description_contains: str | None = strawberry.field(default=None, description="Case-insensitive part of `options.description`.")
    categories: list[str] | None = strawberry.field(default=None, description="`options.category` is one of these (a Contactflow automation category).")
    created_after: datetime | None = None
    created_before: datetime | None = None
    scheduled_after: datetime | None = strawberry.field(default=None, description="`scheduledAt` at or after this time.")
    scheduled_before: datetime | None = strawberry.field(default=None, description="`scheduledAt` at or before this time.")
    step_type: str | None = strawberry.field(default=None, description="Has a step of this type (e.g. CLAB_CAMPAIGN).")
    options_true: list[str] | None = strawberry.field(default=None, description="Each of these top-level options is `true` (e.g. hasTrigger).")


def apply(query: Select, filter: CampaignFilter | None) -> Select:
    if filter is None:
        return query
    c, s = models.Campaign, models.CampaignStep
    if filter.name_contains:
        query = query.where(func.lower(c.name).contains(filter.name_contains.lower(), autoescape=True))
    if filter.description_contains:
        query = query.where(func.lower(c.options["description"].as_string()).contains(filter.description_contains.lower(), autoescape=True))
    if filter.categories is not None:
        query = query.where(c.options["category"].as_string().in_(filter.categories))
    for bound, column, after in ((filter.created_after, c.created_at, True), (filter.created_before, c.created_at, False),
                                 (filter.scheduled_after, c.scheduled_at, True), (filter.scheduled_before, c.scheduled_at, False)):
        if bound is not None:
            query = query.where(column >= bound if after else column <= bound)
    if filter.step_type is not None:
        query = query.where(exists().where(s.campaign_id == c.id, s.type == filter.step_type))
    for key in filter.options_true or []:
        query = query.where(c.options[key].as_boolean().is_(True))
    return query
