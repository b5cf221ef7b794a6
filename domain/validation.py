"""Address and identifier checks shared by every service."""
from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from domain.errors import Invalid

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$")


def normalize_email(value: str, *, field: str = "email") -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except (EmailNotValidError, AttributeError) as exc:
        raise Invalid(f"{value!r} is not a valid email address", code="INVALID_ADDRESS", field=field) from exc


def normalize_phone(value: str, *, field: str = "phone") -> str:
    """E.164, the form every SMS provider accepts."""
    try:
        number = phonenumbers.parse(value.strip(), None)
    except (phonenumbers.NumberParseException, AttributeError) as exc:
        raise Invalid(f"{value!r} is not a phone number in international form (+...)", code="INVALID_ADDRESS", field=field) from exc
    if not phonenumbers.is_possible_number(number):
        raise Invalid(f"{value!r} is not a possible phone number", code="INVALID_ADDRESS", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_slug(value: str, *, field: str = "slug") -> str:
    if not SLUG.match(value or ""):
        raise Invalid(
            "A slug is 1-100 lower-case letters, digits, '-' or '_', starting and ending with a letter or digit",
            code="INVALID_SLUG",
            field=field,
        )
    return value


def require_text(value: str | None, *, field: str, max_length: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(f"{field} must not be empty", code="REQUIRED", field=field)
    if len(value) > max_length:
        raise Invalid(f"{field} is longer than {max_length} characters", code="TOO_LONG", field=field)
    return value


def check_length(value: str | None, *, field: str, max_length: int) -> str | None:
    """An optional value that must fit its column: too long is the caller's mistake, not a database error."""
    if value is not None and len(str(value)) > max_length:
        raise Invalid(f"{field} is longer than {max_length} characters", code="TOO_LONG", field=field)
    return value
