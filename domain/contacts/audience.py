"""Who a campaign reaches: a list's subscribed members, narrowed by segment rules, read in keyset chunks."""
from __future__ import annotations

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.contacts.models import Contact, ListMember, SubscriptionStatus
from domain.errors import Invalid

RULE_FIELDS = {"email", "phone", "external_id", "first_name", "last_name", "language"}
OPERATORS = {
    "eq": lambda column, value: column == value,
    "neq": lambda column, value: column != value,
    "in": lambda column, value: column.in_(list(value)),
    "contains": lambda column, value: column.contains(str(value)),
    "startswith": lambda column, value: column.istartswith(str(value), autoescape=True),  # case-insensitive
    "endswith": lambda column, value: column.iendswith(str(value), autoescape=True),
    "exists": lambda column, value: column.is_not(None) if value else column.is_(None),
}


def check_rules(rules: list, *, field: str) -> list:
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict) or rule.get("field") not in RULE_FIELDS or rule.get("op") not in OPERATORS:
            raise Invalid(
                f"Rule {index} needs field in {sorted(RULE_FIELDS)} and op in {sorted(OPERATORS)}", code="INVALID_RULE", field=field
            )
    return rules


def _conditions(rules: list) -> list:
    return [OPERATORS[r["op"]](getattr(Contact, r["field"]), r.get("value")) for r in rules]


conditions = _conditions  # the WHERE clauses checked rules mean, for other readers of a list (exports)


def audience_query(*, tenant_id: int, list_id: int | None, rules: list) -> Select:
    query = select(Contact).where(Contact.tenant_id == tenant_id, *_conditions(rules))
    if list_id is not None:
        query = query.join(ListMember, and_(ListMember.contact_id == Contact.id, ListMember.list_id == list_id)).where(
            ListMember.status == SubscriptionStatus.SUBSCRIBED
        )
    return query


def members_query(*, tenant_id: int, list_id: int | None, rules: list) -> Select:
    """The list members `audience_query` selects (same conditions), as ListMember rows: a segment's contacts."""
    return (
        select(ListMember)
        .join(Contact, Contact.id == ListMember.contact_id)
        .where(ListMember.list_id == list_id, ListMember.status == SubscriptionStatus.SUBSCRIBED, Contact.tenant_id == tenant_id, *_conditions(rules))
    )


async def next_chunk(session: AsyncSession, query: Select, *, after_contact_id: int, size: int) -> list[Contact]:
    """Contacts after a checkpoint, in id order: memory stays bounded whatever the audience size."""
    rows = await session.execute(query.where(Contact.id > after_contact_id).order_by(Contact.id).limit(size))
    return list(rows.scalars())
