"""Blueprints: shared, read-only designs every account may start from (Especial's campaign and workflow blueprints).

They live in ONE platform tenant, the library (slug `sendgraph.blueprints`; no API can create or address it: slugs
have no dots, and no credential holds a role on it, so `domain.tenancy` hides it from every scoped session). Its
EMAIL templates are the campaign blueprints, its WORKFLOW campaigns (with their steps) the workflow blueprints.
Operators fill it with `sendgraph blueprints import FILE.json` (`domain.blueprints.library`).

This module is the one read path into it: each statement runs `unscoped` and is filtered to the library tenant's
id, and what leaves is a frozen copy (plain rows, never ORM objects of the session), so a caller can read the
library but neither reach another tenant through it nor write it (the flush guard refuses any row of a tenant
the scope may not write, and no caller may write the library).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns.models import Campaign, CampaignKind, CampaignStep
from domain.errors import Invalid, NotFound
from domain.rendering import Rendered, render as render_sources
from domain.tenancy import unscoped
from domain.templates.models import CAMPAIGN_CONTENT, Template, TemplatePart
from domain.tenants.models import Tenant

LIBRARY_SLUG = "sendgraph.blueprints"
MAX_PAGE = 100
CAMPAIGN_ORDERS = {"id": "id", "created_on": "created_at", "updated_on": "updated_at", "name": "name"}
WORKFLOW_ORDERS = {"id": "id", "name": "name", "description": "description", "goal": "goal", "created_on": "created_at", "updated_on": "updated_at"}
_TAG_MATCH = {  # a JSON array of tags in templates.settings holds :tag
    "postgresql": "EXISTS (SELECT 1 FROM json_array_elements_text(COALESCE(templates.settings -> 'tags', '[]'::json)) AS t(value) WHERE t.value = :tag)",
    "sqlite": "EXISTS (SELECT 1 FROM json_each(templates.settings, '$.tags') WHERE json_each.value = :tag)",
}


@dataclass(frozen=True)
class BlueprintPart:
    language: str
    subject: str | None
    preheader: str | None
    html: str | None
    text: str | None


@dataclass(frozen=True)
class CampaignBlueprint:
    """A copy of one library EMAIL template."""

    id: int
    name: str
    default_language: str
    settings: dict
    parts: tuple[BlueprintPart, ...]
    created_at: datetime
    updated_at: datetime

    @property
    def description(self) -> str | None:
        return self.settings.get("description")

    @property
    def tags(self) -> list[str]:
        return list(self.settings.get("tags") or [])

    def part(self) -> BlueprintPart | None:
        """The default language's part, else the first."""
        return next((p for p in self.parts if p.language == self.default_language), self.parts[0] if self.parts else None)


@dataclass(frozen=True)
class ActionBlueprint:
    """A copy of one step of a library workflow, with a copy of the content it sends."""

    id: str
    position: int
    type: str
    name: str | None
    delay_seconds: int
    condition: str | None
    settings: dict
    content: CampaignBlueprint | None


@dataclass(frozen=True)
class WorkflowBlueprint:
    """A copy of one library workflow; `id` is its key (the step ids are the actions' keys)."""

    id: str
    name: str
    options: dict
    created_at: datetime
    updated_at: datetime
    actions: tuple[ActionBlueprint, ...]


@dataclass(frozen=True)
class Page:
    total_count: int
    nodes: list


async def library_id(session: AsyncSession) -> int | None:
    """The library tenant's id; None while no blueprint was ever imported."""
    with unscoped(session):
        return (await session.execute(select(Tenant.id).where(Tenant.slug == LIBRARY_SLUG))).scalar_one_or_none()


def _check_page(first: int, offset: int) -> None:
    if not 0 <= first <= MAX_PAGE:
        raise Invalid(f"first must be between 0 and {MAX_PAGE}", code="INVALID_PAGE_SIZE", field="first")
    if offset < 0:
        raise Invalid("offset must be 0 or more", code="INVALID_OFFSET", field="offset")


def _order(columns, orders: dict[str, str], order_by: str, descending: bool) -> list:
    if order_by not in orders:
        raise Invalid(f"orderBy must be one of {', '.join(orders)}", code="INVALID_ORDER", field="orderBy")
    column = columns[orders[order_by]]
    return [column.desc() if descending else column.asc(), columns["id"].desc() if descending else columns["id"].asc()]


# --- campaign blueprints -----------------------------------------------------------------------------------

def _campaign_query(library: int) -> Select:
    t = Template.__table__.c  # Core rows: nothing of the library enters the session's identity map
    return select(t.id, t.name, t.default_language, t.settings, t.created_at, t.updated_at).where(
        t.tenant_id == library, t.channel == Channel.EMAIL, func.coalesce(t.settings[CAMPAIGN_CONTENT].as_boolean(), False).is_(False))


async def _parts(session: AsyncSession, template_ids: list[int]) -> dict[int, tuple[BlueprintPart, ...]]:
    p = TemplatePart.__table__.c
    found: dict[int, list[BlueprintPart]] = {i: [] for i in template_ids}
    if template_ids:
        rows = await session.execute(select(p.template_id, p.language, p.subject, p.preheader, p.html, p.text)
                                     .where(p.template_id.in_(template_ids)).order_by(p.id))
        for row in rows:
            found[row.template_id].append(BlueprintPart(row.language, row.subject, row.preheader, row.html, row.text))
    return {i: tuple(parts) for i, parts in found.items()}


def _campaign(row, parts: tuple[BlueprintPart, ...]) -> CampaignBlueprint:
    return CampaignBlueprint(id=row.id, name=row.name, default_language=row.default_language, settings=dict(row.settings or {}),
                             parts=parts, created_at=row.created_at, updated_at=row.updated_at)


async def campaign_blueprints(session: AsyncSession, *, first: int = 50, offset: int = 0, name: str | None = None, tag: str | None = None,
                              order_by: str = "id", descending: bool = False) -> Page:
    """A page of the library's campaign blueprints (exact `name`, one of its `tags`), counted in SQL."""
    _check_page(first, offset)
    library = await library_id(session)
    if library is None:
        _order(Template.__table__.c, CAMPAIGN_ORDERS, order_by, descending)  # a bad order is refused even on an empty library
        return Page(0, [])
    query = _campaign_query(library)
    if name is not None:
        query = query.where(Template.__table__.c.name == name)
    if tag is not None:
        query = query.where(text(_TAG_MATCH[session.bind.dialect.name]).bindparams(tag=tag))
    with unscoped(session):
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(*_order(Template.__table__.c, CAMPAIGN_ORDERS, order_by, descending))
                                      .limit(first).offset(offset))).all()
        parts = await _parts(session, [r.id for r in rows])
    return Page(total, [_campaign(r, parts[r.id]) for r in rows])


async def campaign_blueprint(session: AsyncSession, *, blueprint_id: int, field: str = "blueprintId") -> CampaignBlueprint:
    """One campaign blueprint; NotFound for anything that is not one (another tenant's template included)."""
    library = await library_id(session)
    row = None
    if library is not None:
        with unscoped(session):
            row = (await session.execute(_campaign_query(library).where(Template.__table__.c.id == blueprint_id))).one_or_none()
            parts = row and await _parts(session, [row.id])
    if row is None:
        raise NotFound(f"Campaign blueprint {blueprint_id} not found", code="BLUEPRINT_NOT_FOUND", field=field)
    return _campaign(row, parts[row.id])


# --- workflow blueprints -----------------------------------------------------------------------------------

def _workflow_columns() -> dict:
    c = Campaign.__table__.c
    return {"id": c.id, "name": c.name, "created_at": c.created_at, "updated_at": c.updated_at,
            "description": c.options["description"].as_string(), "goal": c.options["goal"].as_string()}


def _workflow_query(library: int) -> Select:
    c = Campaign.__table__.c
    return select(c.id, c.external_id, c.name, c.options, c.created_at, c.updated_at).where(
        c.tenant_id == library, c.kind == CampaignKind.WORKFLOW, c.external_id.is_not(None))


async def _workflows(session: AsyncSession, rows: list) -> list[WorkflowBlueprint]:
    s = CampaignStep.__table__.c
    steps: dict[int, list] = {r.id: [] for r in rows}
    if rows:
        for step in await session.execute(select(s).where(s.campaign_id.in_(list(steps))).order_by(s.campaign_id, s.position)):
            steps[step.campaign_id].append(step)
    template_ids = sorted({step.template_id for found in steps.values() for step in found if step.template_id is not None})
    contents: dict[int, CampaignBlueprint] = {}
    if template_ids:
        t = Template.__table__.c
        library_rows = (await session.execute(select(t.id, t.name, t.default_language, t.settings, t.created_at, t.updated_at)
                                              .where(t.id.in_(template_ids), t.tenant_id == rows[0].tenant_id))).all()
        parts = await _parts(session, [r.id for r in library_rows])
        contents = {r.id: _campaign(r, parts[r.id]) for r in library_rows}
    return [WorkflowBlueprint(
        id=r.external_id, name=r.name, options=dict(r.options or {}), created_at=r.created_at, updated_at=r.updated_at,
        actions=tuple(ActionBlueprint(id=step.external_id, position=step.position, type=step.type, name=step.name,
                                      delay_seconds=step.delay_seconds, condition=step.condition, settings=dict(step.settings or {}),
                                      content=contents.get(step.template_id)) for step in steps[r.id]),
    ) for r in rows]


async def workflow_blueprints(session: AsyncSession, *, first: int = 50, offset: int = 0, order_by: str = "id",
                              descending: bool = False) -> Page:
    _check_page(first, offset)
    order = _order(_workflow_columns(), WORKFLOW_ORDERS, order_by, descending)
    library = await library_id(session)
    if library is None:
        return Page(0, [])
    query = _workflow_query(library).add_columns(Campaign.__table__.c.tenant_id)
    with unscoped(session):
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(*order).limit(first).offset(offset))).all()
        return Page(total, await _workflows(session, rows))


async def workflow_blueprint(session: AsyncSession, *, blueprint_id: str, field: str = "blueprintId") -> WorkflowBlueprint:
    library = await library_id(session)
    found = []
    if library is not None:
        query = _workflow_query(library).add_columns(Campaign.__table__.c.tenant_id).where(Campaign.__table__.c.external_id == blueprint_id)
        with unscoped(session):
            found = await _workflows(session, (await session.execute(query)).all())
    if not found:
        raise NotFound(f"Workflow blueprint {blueprint_id} not found", code="BLUEPRINT_NOT_FOUND", field=field)
    return found[0]


def render(blueprint: CampaignBlueprint, *, data: dict | None = None) -> Rendered:
    """A campaign blueprint's default part rendered with `data` (sandboxed Jinja2, as any template)."""
    if data is not None and not isinstance(data, dict):
        raise Invalid("data must be an object", field="data")
    part = blueprint.part()
    if part is None:
        raise Invalid("The blueprint has no content", code="TEMPLATE_EMPTY", field="blueprintId")
    return render_sources(subject=part.subject, html=part.html, text=part.text, data=data or {})
