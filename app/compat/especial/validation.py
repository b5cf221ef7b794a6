"""Request bodies and query parameters checked against the contract's own schemas (`especial.openapi.json`),
so a route answers Especial's 422 `{detail: [{loc, msg, type}]}` for exactly what the contract rejects.

Only the JSON Schema keywords the contract uses are understood: $ref, allOf, anyOf, type, enum, required,
properties, items, minItems, minLength, maxLength, minimum, maximum, pattern and the `email` format.
Unknown properties are ignored, as FastAPI does.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.compat.especial.openapi import contract
from domain.errors import Invalid

_TYPES = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list), "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "boolean": lambda v: isinstance(v, bool),
}


def body(value: Any, schema_name: str) -> dict:
    """The body, when it matches `#/components/schemas/<schema_name>`; else Invalid naming the first wrong field."""
    _check(value, {"$ref": f"#/components/schemas/{schema_name}"}, [])
    return value


def integer(raw: str | None, *, name: str, default: int | None = None, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """A query or path parameter declared `integer` in the contract."""
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
        raise Invalid(f"{name} must be an integer", code="INTEGER", field=name)
    value = int(raw)
    if minimum is not None and value < minimum:
        raise Invalid(f"{name} must be greater than or equal to {minimum}", code="NUMBER_NOT_GE", field=name)
    if maximum is not None and value > maximum:
        raise Invalid(f"{name} must be less than or equal to {maximum}", code="NUMBER_NOT_LE", field=name)
    return value


def boolean(raw: str | None, *, name: str, default: bool = False) -> bool:
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1", "yes", "on"):
        return True
    if raw.lower() in ("false", "0", "no", "off"):
        return False
    raise Invalid(f"{name} must be a boolean", code="BOOL", field=name)


@lru_cache(maxsize=None)
def _resolve(ref: str) -> dict:
    node: Any = contract()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _fail(path: list[str], message: str, code: str) -> None:
    raise Invalid(message, code=code, field=".".join(path) or None)


def _check(value: Any, schema: dict, path: list[str]) -> None:
    if "$ref" in schema:
        _check(value, _resolve(schema["$ref"]), path)
    for sub in schema.get("allOf", ()):
        _check(value, sub, path)
    if "anyOf" in schema:
        failures = []
        for sub in schema["anyOf"]:
            try:
                _check(value, sub, path)
                break
            except Invalid as error:
                failures.append(error)
        else:
            raise failures[0]
    kind = schema.get("type")
    if kind is not None and not _TYPES[kind](value):
        _fail(path, f"value is not a valid {kind}" + (" (an object is expected)" if kind == "object" else ""), f"not_{kind}")
    if "enum" in schema and value not in schema["enum"]:
        _fail(path, "value is not one of " + ", ".join(map(repr, schema["enum"])), "enum")
    if isinstance(value, str):
        _check_string(value, schema, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            _fail(path, f"ensure this value is greater than or equal to {schema['minimum']:g}", "number_not_ge")
        if "maximum" in schema and value > schema["maximum"]:
            _fail(path, f"ensure this value is less than or equal to {schema['maximum']:g}", "number_not_le")
    elif isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                _fail([*path, name], "field required", "missing")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                _check(value[name], sub, [*path, name])
    elif isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            _fail(path, f"ensure this value has at least {schema['minItems']} items", "list_min_items")
        if "items" in schema:
            for index, item in enumerate(value):
                _check(item, schema["items"], [*path, str(index)])


def _check_string(value: str, schema: dict, path: list[str]) -> None:
    if "minLength" in schema and len(value) < schema["minLength"]:
        _fail(path, f"ensure this value has at least {schema['minLength']} characters", "str_min_length")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        _fail(path, f"ensure this value has at most {schema['maxLength']} characters", "str_max_length")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        _fail(path, f"string does not match {schema['pattern']!r}", "str_regex")
    if schema.get("format") == "email":
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            _fail(path, "value is not a valid email address", "email")
