"""Doxie events: which templates a trigger sends and which payload keys it expects."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import apply_changes, get_or_raise
from domain.errors import Conflict, Invalid, NotFound
from domain.events.models import Event, EventType
from domain.templates.models import Template
from domain.tenants.models import Tenant
from domain.validation import check_slug, require_text


async def _templates(session: AsyncSession, tenant_id: int, template_ids: list[int]) -> list[Template]:
    templates = []
    for template_id in template_ids:
        template = await get_or_raise(session, Template, template_id, what="Template", field="templateIds")
        if template.tenant_id != tenant_id:
            raise Invalid("A template of another tenant cannot be used", code="TENANT_MISMATCH", field="templateIds")
        templates.append(template)
    return templates


def _check_parameters(parameters: list[dict]) -> list[dict]:
    for index, parameter in enumerate(parameters):
        if not isinstance(parameter, dict) or not str(parameter.get("name") or "").strip():
            raise Invalid("Each parameter needs a name", code="REQUIRED", field=f"parameters.{index}.name")
    return parameters


async def create(
    session: AsyncSession, *, tenant_id: int, slug: str, name: str, type: EventType = EventType.MAILER,
    template_ids: list[int] = (), parameters: list[dict] | None = None, **fields,
) -> Event:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    event = Event(
        tenant_id=tenant_id, slug=check_slug(slug), name=require_text(name, field="name"), type=type,
        parameters=_check_parameters(parameters or []), templates=await _templates(session, tenant_id, list(template_ids)), **fields,
    )
    session.add(event)
    await _flush(session)
    return event


async def update(session: AsyncSession, *, event_id: int, changes: dict) -> Event:
    event = await get_or_raise(session, Event, event_id, what="Event")
    if "template_ids" in changes:
        event.templates = await _templates(session, event.tenant_id, changes.pop("template_ids"))
    if "slug" in changes:
        check_slug(changes["slug"])
    if "parameters" in changes:
        _check_parameters(changes["parameters"])
    apply_changes(event, changes)
    await _flush(session)
    return event


async def delete(session: AsyncSession, *, event_id: int) -> None:
    await session.delete(await get_or_raise(session, Event, event_id, what="Event"))
    await session.flush()


async def find_active(session: AsyncSession, *, tenant_id: int, slug: str, type: EventType) -> Event:
    event = (
        await session.execute(select(Event).where(Event.tenant_id == tenant_id, Event.slug == slug, Event.type == type))
    ).scalar_one_or_none()
    if event is None:
        raise NotFound(f"No {type.value} event {slug!r}", code="EVENT_NOT_FOUND", field="eventSlug")
    if not event.active:
        raise Invalid(f"Event {slug!r} is not active", code="EVENT_INACTIVE", field="eventSlug")
    return event


def missing_parameters(event: Event, payload: dict) -> list[str]:
    return [p["name"] for p in event.parameters if p.get("required") and payload.get(p["name"]) in (None, "")]


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("An event with that slug and type already exists", code="DUPLICATE", field="slug") from exc
