"""Segments: a list's subscribed members narrowed by rules (`domain.contacts.audience`), written by hand as rules or
as a selection expression that is translated into rules here, once, for every edge.

Expression languages (Especial's `query`, `fiql` and `json`), conditions joined by AND only:
- SQL: `email = 'a@x.com'`, `!=` / `<>`, `LIKE 'abc%'` (startswith), `'%abc'` (endswith), `'%abc%'` (contains),
  `IN ('a', 'b')`, `IS NULL`, `IS NOT NULL`, joined by `AND`;
- FIQL: `email==a@x.com`, `email==abc*` / `*abc` / `*abc*`, `email!=a@x.com`, `email=in=(a,b)`, joined by `;`;
- JSON: `{"field", "op", "value"}` or `{"and": [...]}` with the audience operators (eq, neq, in, contains, ...).
Only the fields the audience engine can evaluate are accepted (`FIELDS`); anything else (OR, other fields, other
operators) is refused with UNSUPPORTED_SEGMENT_CONDITION rather than kept and not applied: a segment must never
send to people it meant to leave out. The expression as received is kept in `Segment.expression` as
`{"language": ..., "expression": ...}` (JSON), so it reads back in its own language.
"""
from __future__ import annotations

import json
import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign, CampaignStatus
from domain.common import get_or_raise
from domain.contacts import audience
from domain.contacts.models import ContactList, Segment
from domain.errors import Conflict, Invalid
from domain.validation import require_text

LANGUAGES = ("sql", "fiql", "json")
FIELDS = {"email": "email"}  # expression field -> Contact column the audience engine filters on
UNSUPPORTED = "UNSUPPORTED_SEGMENT_CONDITION"
ACTIVE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.SUSPENDED)


def _unsupported(message: str, field: str) -> Invalid:
    return Invalid(f"{message}; supported: conditions on {', '.join(sorted(FIELDS))} joined by AND", code=UNSUPPORTED, field=field)


def _field(name: str, field: str) -> str:
    if name.lower() not in FIELDS:
        raise _unsupported(f"Segments cannot select on {name!r}", field)
    return FIELDS[name.lower()]


def _pattern(value: str, wildcard: str, field: str) -> tuple[str, str]:
    """A LIKE / FIQL pattern as an audience operator: only a leading and/or trailing wildcard."""
    starts, ends = value.startswith(wildcard), value.endswith(wildcard) and len(value) > 1
    core = value[1 if starts else 0: len(value) - (1 if ends else 0)]
    if wildcard in core or (wildcard == "%" and "_" in core):
        raise _unsupported(f"The pattern {value!r} has a wildcard inside", field)
    op = "contains" if starts and ends else "endswith" if starts else "startswith" if ends else "eq"
    return op, core


# --- SQL ------------------------------------------------------------------------------------------------
_SQL_VALUE = r"'(?:[^']|'')*'"
_SQL_TOKEN = re.compile(rf"{_SQL_VALUE}|\bAND\b|\bOR\b|[^'\s]+|\s+", re.IGNORECASE)
_SQL_CONDITION = re.compile(
    rf"^\s*(\w+)\s*(?:(=|==|!=|<>)\s*({_SQL_VALUE})|(NOT\s+LIKE|LIKE)\s*({_SQL_VALUE})|IN\s*\(\s*((?:{_SQL_VALUE}\s*,\s*)*{_SQL_VALUE})\s*\)"
    r"|IS\s+(NOT\s+)?NULL)\s*$", re.IGNORECASE)


def _sql_text(quoted: str) -> str:
    return quoted[1:-1].replace("''", "'")


def _sql(expression: str, field: str) -> list[dict]:
    parts, current = [], ""
    for token in _SQL_TOKEN.findall(expression):
        if token.upper() == "OR":
            raise _unsupported("OR is not supported", field)
        if token.upper() == "AND":
            parts.append(current)
            current = ""
        else:
            current += token
    parts.append(current)
    rules = []
    for part in parts:
        match = _SQL_CONDITION.match(part)
        if not match:
            raise _unsupported(f"Cannot read the condition {part.strip()!r}", field)
        name, op, value, like, pattern, values, negated = match.groups()
        column = _field(name, field)
        if op:
            rules.append({"field": column, "op": "eq" if op in ("=", "==") else "neq", "value": _sql_text(value)})
        elif like:
            if like.upper().startswith("NOT"):
                raise _unsupported("NOT LIKE is not supported", field)
            rule_op, core = _pattern(_sql_text(pattern), "%", field)
            rules.append({"field": column, "op": rule_op, "value": core})
        elif values:
            rules.append({"field": column, "op": "in", "value": [_sql_text(v) for v in re.findall(_SQL_VALUE, values)]})
        else:
            rules.append({"field": column, "op": "exists", "value": bool(negated)})
    return rules


# --- FIQL -----------------------------------------------------------------------------------------------
_FIQL_CONDITION = re.compile(r"^(\w+)(==|!=|=in=)(.+)$")


def _fiql(expression: str, field: str) -> list[dict]:
    if "," in re.sub(r"=in=\([^)]*\)", "", expression):
        raise _unsupported("OR (`,`) is not supported", field)
    rules = []
    for part in expression.split(";"):
        match = _FIQL_CONDITION.match(part.strip())
        if not match:
            raise _unsupported(f"Cannot read the condition {part.strip()!r}", field)
        name, op, value = match.groups()
        column = _field(name, field)
        if op == "=in=":
            if not (value.startswith("(") and value.endswith(")")):
                raise _unsupported(f"=in= needs a list in parentheses: {part!r}", field)
            rules.append({"field": column, "op": "in", "value": [v.strip() for v in value[1:-1].split(",")]})
        elif op == "!=":
            if "*" in value:
                raise _unsupported("!= with a wildcard is not supported", field)
            rules.append({"field": column, "op": "neq", "value": value})
        else:
            rule_op, core = _pattern(value, "*", field)
            rules.append({"field": column, "op": rule_op, "value": core})
    return rules


# --- JSON -----------------------------------------------------------------------------------------------
def _json(expression: str, field: str) -> list[dict]:
    try:
        tree = json.loads(expression)
    except ValueError as error:
        raise Invalid("The JSON expression is not valid JSON", code="INVALID_SEGMENT_CONDITION", field=field) from error
    conditions = tree.get("and") if isinstance(tree, dict) and set(tree) == {"and"} else [tree]
    if not isinstance(conditions, list) or not all(isinstance(c, dict) and set(c) <= {"field", "op", "value"} for c in conditions):
        raise _unsupported('A JSON expression is {"field", "op", "value"} or {"and": [...]} of them', field)
    rules = [{**c, "field": _field(str(c.get("field")), field)} for c in conditions]
    for rule in rules:
        if rule.get("op") not in audience.OPERATORS:
            raise _unsupported(f"Unknown operator {rule.get('op')!r} (one of {', '.join(sorted(audience.OPERATORS))})", field)
    return rules


PARSERS = {"sql": _sql, "fiql": _fiql, "json": _json}


def rules_for(language: str, expression: str, *, field: str = "expression") -> list[dict]:
    """The audience rules an expression means; Invalid when it says something the engine cannot apply."""
    if language not in PARSERS:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)}", code="INVALID_SEGMENT_CONDITION", field=field)
    if not isinstance(expression, str) or not expression.strip():
        raise Invalid("The expression is empty", code="INVALID_SEGMENT_CONDITION", field=field)
    return audience.check_rules(PARSERS[language](expression.strip(), field), field=field)


def condition_of(segment: Segment) -> tuple[str, str] | None:
    """(language, expression as received), when the segment was written as an expression."""
    try:
        stored = json.loads(segment.expression or "")
    except ValueError:
        return None
    if isinstance(stored, dict) and stored.get("language") in LANGUAGES and isinstance(stored.get("expression"), str):
        return stored["language"], stored["expression"]
    return None


# --- writes ---------------------------------------------------------------------------------------------
async def _check_name(session: AsyncSession, *, list_id: int | None, tenant_id: int, name: str, own_id: int | None = None) -> str:
    name = require_text(name, field="name")
    taken = select(Segment.id).where(Segment.tenant_id == tenant_id, Segment.list_id == list_id, Segment.name == name)
    if own_id is not None:
        taken = taken.where(Segment.id != own_id)
    if (await session.execute(taken.limit(1))).first():
        raise Conflict(f"The list already has a segment named {name!r}", code="SEGMENT_NAME_TAKEN", field="name")
    return name


def _apply_condition(segment: Segment, *, rules: list | None, language: str | None, expression: str | None) -> None:
    if language is not None or expression is not None:
        if rules is not None:
            raise Invalid("Give rules or an expression, not both", code="INVALID_SEGMENT_CONDITION", field="rules")
        segment.rules = rules_for(language or "", expression or "", field="condition")
        segment.expression = json.dumps({"language": language, "expression": expression})
    elif rules is not None:
        segment.rules = audience.check_rules(rules, field="rules") if isinstance(rules, list) else audience.check_rules([None], field="rules")
        segment.expression = None


async def create(
    session: AsyncSession, *, tenant_id: int, list_id: int | None, name: str, rules: list | None = None,
    language: str | None = None, expression: str | None = None,
) -> Segment:
    if list_id is not None:
        contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
        tenant_id = contact_list.tenant_id if tenant_id is None else tenant_id
        if contact_list.tenant_id != tenant_id:
            raise Invalid("The list belongs to another tenant", code="TENANT_MISMATCH", field="listId")
    segment = Segment(tenant_id=tenant_id, list_id=list_id, rules=[], name=await _check_name(session, list_id=list_id, tenant_id=tenant_id, name=name))
    _apply_condition(segment, rules=rules, language=language, expression=expression)
    session.add(segment)
    await session.flush()
    return segment


async def update(session: AsyncSession, *, segment_id: int, changes: dict) -> Segment:
    """`changes`: name, rules, or language + expression (a new condition replaces the old one whole)."""
    segment = await get_or_raise(session, Segment, segment_id, what="Segment")
    if "name" in changes:
        segment.name = await _check_name(session, list_id=segment.list_id, tenant_id=segment.tenant_id, name=changes["name"], own_id=segment.id)
    _apply_condition(segment, rules=changes.get("rules"), language=changes.get("language"), expression=changes.get("expression"))
    await session.flush()
    return segment


async def delete(session: AsyncSession, *, segment_id: int) -> None:
    """A segment a campaign still has to send to stays: deleting it would widen that campaign to the whole list."""
    segment = await get_or_raise(session, Segment, segment_id, what="Segment")
    in_use = select(Campaign.id).where(Campaign.segment_id == segment.id, Campaign.status.in_(ACTIVE)).limit(1)
    if (await session.execute(in_use)).first():
        raise Conflict("A campaign that has not finished sends to this segment", code="SEGMENT_IN_USE", field="id")
    await session.delete(segment)
    await session.flush()


# --- reads ----------------------------------------------------------------------------------------------
def members_query(segment: Segment):
    """The segment's list members a campaign on it sends to (the same conditions as its launch)."""
    return audience.members_query(tenant_id=segment.tenant_id, list_id=segment.list_id, rules=segment.rules)


def usage_query(segment_ids: list[int]):
    """Per segment: how many campaigns use it, and when one was last launched (rows of id, count, last)."""
    return (
        select(Campaign.segment_id, func.count(Campaign.id), func.max(Campaign.launched_at))
        .where(Campaign.segment_id.in_(segment_ids)).group_by(Campaign.segment_id)
    )
