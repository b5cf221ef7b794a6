"""Templates with per-language parts; syntax is checked when saved, not when sent."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns import revisions
from domain.common import apply_changes, get_or_raise
from domain.errors import Conflict, Invalid
from domain.rendering import Rendered, check_syntax, render as render_sources
from domain.templates.models import Dictionary, Template, TemplatePart
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
    dictionary_id: int | None = None,
) -> Template:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    await _check_dictionary(session, tenant_id=tenant_id, dictionary_id=dictionary_id)
    if not parts:
        raise Invalid("A template needs at least one part", code="REQUIRED", field="parts")
    built = _build_parts(parts, channel)
    template = Template(
        tenant_id=tenant_id, name=require_text(name, field="name"), channel=channel, api_name=api_name,
        default_language=default_language or built[0].language, sender_id=sender_id, settings=settings or {}, parts=built,
        dictionary_id=dictionary_id,
    )
    session.add(template)
    await _flush(session)
    return template


async def update(session: AsyncSession, *, template_id: int, changes: dict) -> Template:
    template = await get_or_raise(session, Template, template_id, what="Template")
    changes_given = set(changes)
    if "parts" in changes:
        parts = changes.pop("parts")
        if not parts:
            raise Invalid("A template needs at least one part", code="REQUIRED", field="parts")
        template.parts = _merge_parts(template.parts, _build_parts(parts, changes.get("channel", template.channel)))
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name")
    if "dictionary_id" in changes:
        await _check_dictionary(session, tenant_id=template.tenant_id, dictionary_id=changes["dictionary_id"])
    content_changed = "parts" in changes_given
    apply_changes(template, changes)
    await _flush(session)
    if content_changed:  # the campaigns sending it have a new version of their content
        await revisions.record_for_template(session, template_id=template.id)
    return template


def _merge_parts(current: list[TemplatePart], built: list[TemplatePart]) -> list[TemplatePart]:
    """The new parts, reusing the row of a language the template already has: replacing it with a new row
    would insert the new one before deleting the old and break the one-part-per-language constraint."""
    existing = {part.language: part for part in current}
    merged = []
    for part in built:
        row = existing.get(part.language)
        if row is None:
            merged.append(part)
            continue
        for name in (*PART_FIELDS, "headers"):
            setattr(row, name, getattr(part, name))
        merged.append(row)
    return merged


async def _check_dictionary(session: AsyncSession, *, tenant_id: int, dictionary_id: int | None) -> None:
    """A template translates labels from a dictionary of its own tenant only."""
    if dictionary_id is None:
        return
    dictionary = await get_or_raise(session, Dictionary, dictionary_id, what="Dictionary", field="dictionaryId")
    if dictionary.tenant_id != tenant_id:
        raise Invalid("A dictionary of another tenant cannot be used", code="TENANT_MISMATCH", field="dictionaryId")


async def delete(session: AsyncSession, *, template_id: int) -> None:
    from domain.templates.pages import check_deletable

    template = await get_or_raise(session, Template, template_id, what="Template")
    await check_deletable(session, template)
    await session.delete(template)
    await session.flush()


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("A template with that apiName already exists", code="DUPLICATE", field="apiName") from exc


async def render(
    session: AsyncSession, *, template_id: int, data: dict | None = None, language: str | None = None, contact_id: int | None = None,
) -> Rendered:
    """A template as a recipient would get it: its part in `language` (else the contact's, else the default),
    rendered with the contact's fields and attributes (when `contact_id` is given) overlaid by `data`."""
    from domain.campaigns.launch import contact_data
    from domain.contacts.models import Contact
    from domain.messaging.delivery import translate_labels

    template = await get_or_raise(session, Template, template_id, what="Template", field="templateId")
    if data is not None and not isinstance(data, dict):
        raise Invalid("data must be an object", field="data")
    values: dict = {}
    if contact_id is not None:
        contact = await get_or_raise(session, Contact, contact_id, what="Contact", field="contactId")
        if contact.tenant_id != template.tenant_id:
            raise Invalid("A contact of another tenant cannot be used", code="TENANT_MISMATCH", field="contactId")
        values = {"recipient": contact.email or contact.phone, **contact_data(contact)}
        language = language or contact.language
    part = template.part_for(language)
    if part is None:
        raise Invalid("The template has no content", code="TEMPLATE_EMPTY", field="templateId")
    dictionary = template.dictionary_id and await session.get(Dictionary, template.dictionary_id)
    translations = translate_labels(dictionary.entries, part.language, template.default_language) if dictionary else {}
    return render_sources(subject=part.subject, html=part.html, text=part.text, data={"t": translations, **values, **(data or {})})
