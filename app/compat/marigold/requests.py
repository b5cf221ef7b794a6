"""Reading Marigold request bodies: required fields, their JSON types, language codes, times.

Every check here is about the shape of the request (what the seed marks required, which JSON type a
field has); a wrong shape is a 400 ValidationFailed naming the field. Business rules stay in the domain.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from domain.errors import Invalid

MISSING = object()
LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{2,8}))?$")


def obj(value: Any, field: str, *, required: bool = True) -> dict | None:
    if value is None or value is MISSING:
        if required:
            raise Invalid(f"{field} is required", code="REQUIRED", field=field)
        return None
    if not isinstance(value, dict):
        raise Invalid(f"{field} must be an object", code="INVALID_TYPE", field=field)
    return value


def text(body: dict, key: str, *, field: str | None = None, required: bool = False, max_length: int = 200) -> str | None:
    field = field or key
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip() and required):
        if required:
            raise Invalid(f"{field} is required", code="REQUIRED", field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string", code="INVALID_TYPE", field=field)
    if len(value) > max_length:
        raise Invalid(f"{field} is longer than {max_length} characters", code="TOO_LONG", field=field)
    return value


def content(body: dict, key: str, *, field: str, required: bool = True) -> str | None:
    """A message body (html, text): any length the request allows."""
    return text(body, key, field=field, required=required, max_length=1_000_000)


def flag(body: dict, key: str, *, field: str | None = None) -> bool | None:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise Invalid(f"{field or key} must be true or false", code="INVALID_TYPE", field=field or key)
    return value


def strings(body: dict, key: str, *, field: str | None = None, required: bool = False) -> list[str] | None:
    field = field or key
    value = body.get(key)
    if value is None:
        if required:
            raise Invalid(f"{field} is required", code="REQUIRED", field=field)
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(f"{field} must be a list of strings", code="INVALID_TYPE", field=field)
    if required and not value:
        raise Invalid(f"{field} needs at least one entry", code="REQUIRED", field=field)
    return value


def number(body: dict, key: str, *, field: str, minimum: float = 0) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise Invalid(f"{field} must be a number >= {minimum:g}", code="INVALID_TYPE", field=field)
    return value


def folder(value: Any, *, field: str) -> str | None:
    """A folder id: the seed writes it as a string holding an int64 ("106")."""
    if value is None:
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise Invalid(f"{field} must be a folder id (digits)", code="INVALID_TYPE", field=field)
    return str(value).strip()


def language(code: Any, *, field: str) -> str | None:
    """Marigold writes EN_US, en-US, FR; sendgraph keeps one form: en-US, fr."""
    if code is None or code == "":
        return None
    match = LANGUAGE.match(code) if isinstance(code, str) else None
    if not match:
        raise Invalid(f"{code!r} is not a language code (like EN, EN_US or en-US)", code="INVALID_LANGUAGE", field=field)
    primary, region = match.groups()
    return primary.lower() + (f"-{region.upper() if len(region) == 2 else region}" if region else "")


def timestamp(value: Any, *, field: str) -> datetime:
    """ISO 8601 with a time zone; Marigold's seven fractional digits are accepted."""
    if not isinstance(value, str):
        raise Invalid(f"{field} must be an ISO 8601 date-time", code="INVALID_TYPE", field=field)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise Invalid(f"{value!r} is not an ISO 8601 date-time", code="INVALID_TIME", field=field) from error
    if parsed.tzinfo is None:
        raise Invalid(f"{value!r} needs a time zone (e.g. Z)", code="INVALID_TIME", field=field)
    return parsed


def query_flag(value: str | None, *, field: str) -> bool:
    if value is None or value.lower() == "false":
        return False
    if value.lower() == "true":
        return True
    raise Invalid(f"{field} must be true or false", code="INVALID_TYPE", field=field)


def per_language(mapping: dict, languages: list[str], *, field: str) -> list[tuple[str, str, Any]]:
    """(code, the language as the client wrote it, its entry in `mapping`) for each of the message's
    languages; the entry is found by code (EN_US or en-US),
    else by position, else the only entry there is (the seed's samples key them "language1",
    "my_language_code")."""
    values = list(mapping.values())
    normalized = {language(k, field=field) if LANGUAGE.match(k) else k: v for k, v in mapping.items()}
    pairs = []
    for index, raw in enumerate(languages):
        code = language(raw, field="properties.languages")
        if raw in mapping:
            value = mapping[raw]
        elif code in normalized:
            value = normalized[code]
        elif index < len(values) and len(values) == len(languages):
            value = values[index]
        elif len(values) == 1:
            value = values[0]
        else:
            raise Invalid(f"{field} has nothing for language {raw}", code="REQUIRED", field=f"{field}.{raw}")
        pairs.append((code, raw, value))
    return pairs
