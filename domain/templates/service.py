"""Templates with per-language parts; syntax is checked when saved, not when sent."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.common import apply_changes, get_or_raise
from domain.errors import Conflict, Invalid
from domain.rendering import check_syntax
from domain.templates.models import Template, TemplatePart
from domain.tenants.models import Tenant
from domain.validation import require_text

PART_FIELDS = ("subject", "preheader", "html", "text")


def _build_parts(parts: list[dict], channel: Channel) -> list[TemplatePart]:
    built, seen = [], set()
    for index, part in enumerate(parts):
        language = (part.get("language") or "").strip()
        if not language:
            raise Invalid("Each part needs a language", code="REQUIRED", field=f"parts.{index}.language")
        if language in seen:
            raise Invalid(f"Language {language!r} appears twice", code="DUPLICATE", field=f"parts.{index}.language")
        seen.add(language)
        for name in PART_FIELDS:
            check_syntax(part.get(name), field=f"parts.{index}.{name}")
        if channel is Channel.EMAIL and not (part.get("html") or part.get("text")):
            raise Invalid("An email part needs html or text", code="REQUIRED", field=f"parts.{index}.html")
        if channel in (Channel.SMS, Channel.PUSH, Channel.RCS) and not part.get("text"):
            raise Invalid(f"A {channel.value} part needs text", code="REQUIRED", field=f"parts.{index}.text")
        built.append(TemplatePart(language=language, headers=part.get("headers") or {}, **{k: part.get(k) for k in PART_FIELDS}))
    return built


async def create(
    session: AsyncSession, *, tenant_id: int, name: str, channel: Channel = Channel.EMAIL, parts: list[dict],
    api_name: str | None = None, default_language: str | None = None, sender_id: int | None = None, settings: dict | None = None,
) -> Template:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    if not parts:
        raise Invalid("A template needs at least one part", code="REQUIRED", field="parts")
    built = _build_parts(parts, channel)
    template = Template(
        tenant_id=tenant_id, name=require_text(name, field="name"), channel=channel, api_name=api_name,
        default_language=default_language or built[0].language, sender_id=sender_id, settings=settings or {}, parts=built,
    )
    session.add(template)
    await _flush(session)
    return template


async def update(session: AsyncSession, *, template_id: int, changes: dict) -> Template:
    template = await get_or_raise(session, Template, template_id, what="Template")
    if "parts" in changes:
        parts = changes.pop("parts")
        if not parts:
            raise Invalid("A template needs at least one part", code="REQUIRED", field="parts")
        template.parts = _build_parts(parts, changes.get("channel", template.channel))
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name")
    apply_changes(template, changes)
    await _flush(session)
    return template


async def delete(session: AsyncSession, *, template_id: int) -> None:
    await session.delete(await get_or_raise(session, Template, template_id, what="Template"))
    await session.flush()


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("A template with that apiName already exists", code="DUPLICATE", field="apiName") from exc
