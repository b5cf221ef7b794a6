"""Dictionaries of translated labels (Marigold Engage dictionaries). A template linked to one renders
its labels as `{{ t.<label> }}` in the part's language (see domain.messaging.delivery.translate_labels).

`entries` is `{label: {language: text}}`; description and tags live in `settings`.
"""
from __future__ import annotations

import enum
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.errors import Conflict, Invalid, NotFound
from domain.templates.models import Dictionary
from domain.tenants.models import Tenant
from domain.validation import check_length, require_text

LABEL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$")  # usable as `t.<label>` in a template
LANGUAGE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
MAX_LABELS = 5000
MAX_TRANSLATION = 10_000
MAX_TAGS = 100


class LabelWrite(enum.Enum):
    UPSERT = "upsert"  # create the label or replace its translations
    CREATE = "create"  # the label must be new (LABEL_TAKEN otherwise)
    UPDATE = "update"  # the label must exist (LABEL_NOT_FOUND otherwise)


async def find(session: AsyncSession, *, tenant_id: int, api_name: str) -> Dictionary | None:
    query = select(Dictionary).where(Dictionary.tenant_id == tenant_id, Dictionary.api_name == api_name)
    return (await session.execute(query)).scalar_one_or_none()


async def get(session: AsyncSession, *, dictionary_id: int) -> Dictionary:
    try:
        return await get_or_raise(session, Dictionary, dictionary_id, what="Dictionary", field="dictionaryId")
    except NotFound as error:
        raise NotFound(error.message, code="DICTIONARY_NOT_FOUND", field=error.field) from error


async def create(
    session: AsyncSession, *, tenant_id: int, api_name: str, name: str, description: str | None = None,
    tags: list[str] | None = None, labels: dict | None = None,
) -> Dictionary:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    entries = {}
    for label, translations in (labels or {}).items():
        entries[check_label(label)] = check_translations(translations, field=f"labels.{label}")
    _check_count(entries)
    dictionary = Dictionary(
        tenant_id=tenant_id, api_name=require_text(api_name, field="apiName"), name=require_text(name, field="name"),
        settings=_settings({}, description=description, tags=tags), entries=entries,
    )
    session.add(dictionary)
    await _flush(session)
    return dictionary


async def update(session: AsyncSession, *, dictionary_id: int, changes: dict) -> Dictionary:
    """`changes` may hold apiName (`api_name`), name, description and tags; absent ones are left alone."""
    dictionary = await get(session, dictionary_id=dictionary_id)
    if "api_name" in changes:
        dictionary.api_name = require_text(changes["api_name"], field="apiName")
    if "name" in changes:
        dictionary.name = require_text(changes["name"], field="name")
    settings = dict(dictionary.settings or {})
    if "description" in changes:
        settings = _settings(settings, description=changes["description"])
    if "tags" in changes:
        settings = _settings(settings, tags=changes["tags"] or [])
    dictionary.settings = settings
    await _flush(session)
    return dictionary


async def delete(session: AsyncSession, *, dictionary_id: int) -> None:
    """Templates that used it keep their content; their `t.<label>` then render empty."""
    await session.delete(await get(session, dictionary_id=dictionary_id))
    await session.flush()


async def set_label(
    session: AsyncSession, *, dictionary_id: int, label: str, translations: dict, mode: LabelWrite = LabelWrite.UPSERT,
) -> Dictionary:
    dictionary = await get(session, dictionary_id=dictionary_id)
    label = check_label(label)
    exists = label in (dictionary.entries or {})
    if mode is LabelWrite.CREATE and exists:
        raise Conflict(f"The dictionary already has a label {label!r}", code="LABEL_TAKEN", field="label")
    if mode is LabelWrite.UPDATE and not exists:
        raise NotFound(f"The dictionary has no label {label!r}", code="LABEL_NOT_FOUND", field="label")
    entries = {**(dictionary.entries or {}), label: check_translations(translations, field="translations")}
    _check_count(entries)
    dictionary.entries = entries  # a new dict: the JSON column only sees reassignment
    await session.flush()
    return dictionary


async def delete_label(session: AsyncSession, *, dictionary_id: int, label: str) -> Dictionary:
    dictionary = await get(session, dictionary_id=dictionary_id)
    if label not in (dictionary.entries or {}):
        raise NotFound(f"The dictionary has no label {label!r}", code="LABEL_NOT_FOUND", field="label")
    dictionary.entries = {key: value for key, value in dictionary.entries.items() if key != label}
    await session.flush()
    return dictionary


def check_label(label: str) -> str:
    if not isinstance(label, str) or not LABEL.match(label):
        raise Invalid("A label is 1-100 letters, digits, '_' or '-', not starting with '-'", code="INVALID_LABEL", field="label")
    return label


def check_translations(translations: dict, *, field: str) -> dict[str, str]:
    """{language: text}: at least one, each language a short code, each text a string."""
    if not isinstance(translations, dict) or not translations:
        raise Invalid("translations must be an object with at least one language", code="REQUIRED", field=field)
    checked = {}
    for language, text in translations.items():
        if not isinstance(language, str) or not LANGUAGE.match(language):
            raise Invalid(f"{language!r} is not a language code", code="INVALID_LANGUAGE", field=field)
        if not isinstance(text, str):
            raise Invalid(f"The translation for {language} must be a string", code="INVALID_TYPE", field=f"{field}.{language}")
        if len(text) > MAX_TRANSLATION:
            raise Invalid(f"The translation for {language} is longer than {MAX_TRANSLATION} characters", code="TOO_LONG", field=f"{field}.{language}")
        checked[language] = text
    return checked


def _check_count(entries: dict) -> None:
    if len(entries) > MAX_LABELS:
        raise Invalid(f"A dictionary holds at most {MAX_LABELS} labels", code="TOO_MANY_LABELS", field="labels")


def _settings(settings: dict, **changes) -> dict:
    settings = dict(settings)
    if "description" in changes:
        settings["description"] = check_length(changes["description"], field="description", max_length=2000)
    if "tags" in changes:
        tags = changes["tags"] or []
        if len(tags) > MAX_TAGS or not all(isinstance(t, str) and 0 < len(t) <= 200 for t in tags):
            raise Invalid(f"tags are at most {MAX_TAGS} strings of 1-200 characters", code="INVALID_TAGS", field="tags")
        settings["tags"] = list(tags)
    return settings


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("A dictionary with that apiName already exists", code="API_NAME_TAKEN", field="apiName") from exc
