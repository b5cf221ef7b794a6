"""Marigold audience filters (`endswith([MASTER.MAIL], '@my_company.com')`) read into sendgraph's
audience rules (`[{"field": "email", "op": "endswith", "value": "@my_company.com"}]`).

Understood: conditions joined by AND, each one of
  endswith / startswith / contains([MASTER.FIELD], 'text')
  [MASTER.FIELD] = 'text'   [MASTER.FIELD] <> 'text'   [MASTER.FIELD] != 'text'
  [MASTER.FIELD] IN ('a', 'b')   [MASTER.FIELD] IS NULL   [MASTER.FIELD] IS NOT NULL
over MASTER fields that have a contact column. Anything else is refused, never ignored: a filter that
was not applied would send to people the journey meant to leave out.
"""
from __future__ import annotations

import re

from app.compat.marigold.requests import LANGUAGE, language
from domain.errors import Invalid

FIELDS = {"MAIL": "email", "EMAIL": "email", "MOBILE": "phone", "PHONE": "phone", "GSM": "phone", "ID": "external_id",
          "USERID": "external_id", "NAME": "first_name", "FIRSTNAME": "first_name", "LASTNAME": "last_name",
          "LANGUAGE": "language", "LANG": "language"}
STRING = r"'(?:[^']|'')*'"
FIELD = r"\[\s*([A-Za-z0-9_]+)\s*\.\s*([A-Za-z0-9_]+)\s*\]"
PATTERNS = [
    (re.compile(rf"^(endswith|startswith|contains)\s*\(\s*{FIELD}\s*,\s*({STRING})\s*\)$", re.I), "function"),
    (re.compile(rf"^{FIELD}\s*(=|<>|!=)\s*({STRING})$"), "compare"),
    (re.compile(rf"^{FIELD}\s+in\s*\(\s*({STRING}(?:\s*,\s*{STRING})*)\s*\)$", re.I), "in"),
    (re.compile(rf"^{FIELD}\s+is\s+(not\s+)?null$", re.I), "null"),
]
AND = re.compile(rf"({STRING})|\s+and\s+", re.I)


def rules(expression: str | None, *, field: str = "audience_filter") -> list[dict]:
    if expression is None or not expression.strip():
        return []
    return [_condition(part.strip(), field) for part in _split(expression)]


def _split(expression: str) -> list[str]:
    """Split on AND outside quoted strings."""
    parts, start = [], 0
    for match in AND.finditer(expression):
        if match.group(1) is None:
            parts.append(expression[start:match.start()])
            start = match.end()
    return [*parts, expression[start:]]


def _condition(text: str, field: str) -> dict:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    for pattern, kind in PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "function":
            name, scope, column, value = match.groups()
            return _rule(scope, column, name.lower(), _unquote(value), field)
        if kind == "compare":
            scope, column, operator, value = match.groups()
            return _rule(scope, column, "eq" if operator == "=" else "neq", _unquote(value), field)
        if kind == "in":
            scope, column, values = match.groups()
            return _rule(scope, column, "in", [_unquote(v) for v in re.findall(STRING, values)], field)
        scope, column, negated = match.groups()
        return _rule(scope, column, "exists", bool(negated), field)
    raise Invalid(f"The audience filter part {text!r} is not supported here (supported: endswith, startswith, contains, "
                  "=, <>, IN, IS [NOT] NULL on MASTER fields, joined by AND)", code="UNSUPPORTED_AUDIENCE_FILTER", field=field)


def _rule(scope: str, column: str, op: str, value, field: str) -> dict:
    target = FIELDS.get(column.upper()) if scope.upper() == "MASTER" else None
    if target is None:
        raise Invalid(f"[{scope}.{column}] cannot be filtered on here (MASTER fields: {', '.join(sorted(FIELDS))})",
                      code="UNSUPPORTED_AUDIENCE_FILTER", field=field)
    return {"field": target, "op": op, "value": _value(target, value)}


def _value(target: str, value):
    if isinstance(value, list):
        return [_value(target, v) for v in value]
    if target == "email" and isinstance(value, str):
        return value.lower()  # addresses are stored lower-cased
    if target == "language" and isinstance(value, str) and LANGUAGE.match(value):
        return language(value, field="audience_filter")
    return value


def _unquote(literal: str) -> str:
    return literal[1:-1].replace("''", "'")


def _balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(STRING, "''", text):
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0
