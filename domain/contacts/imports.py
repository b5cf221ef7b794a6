"""Putting contacts on a list by email, one or many at once (Especial "add a contact" and "import contacts").

Each row names a contact by its email address within the list's tenant:
- SUBSCRIBE: the contact is made when missing and joins the list SUBSCRIBED. A member who unsubscribed
  (or bounced) stays so unless `resubscribe`; a PENDING member becomes SUBSCRIBED.
- UNSUBSCRIBE: the contact (made when missing, so the opt-out is kept) is on the list UNSUBSCRIBED.
- REMOVE: the contact leaves the list (it stays in the tenant); one not on the list is a row error.
Attributes given are merged into the contact's (a null value removes one); tags and interests given are
added to the contact's, or replace them with `replace_tags` / `replace_interests`.
A bad row (invalid address, the same address twice, not on the list) gets its own error and the other
rows are still imported. Rows are read and written in batches, not one query per row.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.contacts.lists import check_open
from domain.contacts.models import Contact, ContactList, ListMember, SubscriptionStatus
from domain.contacts.service import _flush, merged_attributes
from domain.db import utcnow
from domain.errors import Conflict, DomainError, Invalid, NotFound
from domain.validation import check_length, normalize_email

MAX_ROWS = 10_000
_BATCH = 1_000
NAME_FIELDS = {"first_name": 200, "last_name": 200, "language": 16}


class ImportAction(enum.Enum):
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    REMOVE = "remove"


@dataclass
class ImportedRow:
    email: str
    contact: Contact | None = None
    member: ListMember | None = None  # None after REMOVE
    created: bool = False
    error: DomainError | None = None


async def import_contacts(
    session: AsyncSession, *, list_id: int, rows: list[dict], action: ImportAction = ImportAction.SUBSCRIBE,
    resubscribe: bool = False, replace_tags: bool = False, replace_interests: bool = False,
) -> list[ImportedRow]:
    """One result per row, in the rows' order. Each row: {email, attributes?, tags?, interests?, first_name?, last_name?, language?}."""
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    if action is ImportAction.SUBSCRIBE:
        check_open(contact_list)  # an archived list takes no new subscriber
    if not rows:
        raise Invalid("Give at least one contact", code="REQUIRED", field="contacts")
    if len(rows) > MAX_ROWS:
        raise Invalid(f"At most {MAX_ROWS} contacts per import", code="TOO_MANY_ROWS", field="contacts")
    results = [_check_row(index, row) for index, row in enumerate(rows)]
    _flag_repeats(results)
    valid = [(result, row) for result, row in zip(results, rows) if result.error is None]

    contacts = await _contacts_by_email(session, contact_list.tenant_id, [result.email for result, _ in valid])
    if action is not ImportAction.REMOVE:
        for result, row in valid:
            contact = contacts.get(result.email)
            if contact is None:
                contact = contacts[result.email] = Contact(tenant_id=contact_list.tenant_id, email=result.email, attributes={}, tags=[], interests=[])
                session.add(contact)
                result.created = True
            _apply_row(contact, row, replace_tags=replace_tags, replace_interests=replace_interests)
        await _flush(session, "A contact with that email already exists")

    members = await _members(session, list_id, [c.id for c in contacts.values() if c.id is not None])
    for result, _ in valid:
        result.contact = contacts.get(result.email)
        member = members.get(result.contact.id) if result.contact is not None else None
        if action is ImportAction.REMOVE:
            if member is None:
                result.error = NotFound(f"{result.email} is not on list {list_id}", code="MEMBER_NOT_FOUND", field="email")
            else:
                await session.delete(member)
            continue
        if member is None:
            member = ListMember(tenant_id=contact_list.tenant_id, list_id=list_id, contact_id=result.contact.id)
            session.add(member)
            member.status = None
        result.member = _set_status(member, action, resubscribe=resubscribe)
    await session.flush()
    return results


def _check_row(index: int, row: dict) -> ImportedRow:
    email = row.get("email") if isinstance(row, dict) else None
    result = ImportedRow(email=str(email or ""))
    try:
        result.email = normalize_email(str(email or ""), field=f"contacts.{index}.email").lower()
        if row.get("attributes") is not None and not isinstance(row["attributes"], dict):
            raise Invalid("attributes must be an object", code="INVALID_ATTRIBUTES", field=f"contacts.{index}.attributes")
        for name in ("tags", "interests"):
            values = row.get(name)
            if values is not None and not (isinstance(values, list) and all(isinstance(v, str) and v.strip() for v in values)):
                raise Invalid(f"{name} must be a list of non-empty strings", code="INVALID_VALUE", field=f"contacts.{index}.{name}")
        for name, limit in NAME_FIELDS.items():
            check_length(row.get(name), field=f"contacts.{index}.{name}", max_length=limit)
    except DomainError as error:
        result.error = error
    return result


def _flag_repeats(results: list[ImportedRow]) -> None:
    seen: set[str] = set()
    for index, result in enumerate(results):
        if result.error is not None:
            continue
        if result.email in seen:
            result.error = Conflict(f"{result.email} appears more than once", code="DUPLICATE", field=f"contacts.{index}.email")
        seen.add(result.email)


async def _contacts_by_email(session: AsyncSession, tenant_id: int, emails: list[str]) -> dict[str, Contact]:
    found: dict[str, Contact] = {}
    for start in range(0, len(emails), _BATCH):
        chunk = emails[start:start + _BATCH]
        rows = await session.execute(select(Contact).where(Contact.tenant_id == tenant_id, Contact.email.in_(chunk)))
        found.update({contact.email: contact for contact in rows.scalars()})
    return found


async def _members(session: AsyncSession, list_id: int, contact_ids: list[int]) -> dict[int, ListMember]:
    found: dict[int, ListMember] = {}
    for start in range(0, len(contact_ids), _BATCH):
        chunk = contact_ids[start:start + _BATCH]
        rows = await session.execute(select(ListMember).where(ListMember.list_id == list_id, ListMember.contact_id.in_(chunk)))
        found.update({member.contact_id: member for member in rows.scalars()})
    return found


def _apply_row(contact: Contact, row: dict, *, replace_tags: bool, replace_interests: bool) -> None:
    if row.get("attributes"):
        contact.attributes = merged_attributes(contact.attributes, row["attributes"])
    for name, replace in (("tags", replace_tags), ("interests", replace_interests)):
        values = row.get(name)
        if values is None:
            continue
        values = [v.strip() for v in values]
        current = [] if replace else list(getattr(contact, name) or [])
        setattr(contact, name, current + [v for v in dict.fromkeys(values) if v not in current])
    for name in NAME_FIELDS:
        if row.get(name) is not None:
            setattr(contact, name, row[name])


def _set_status(member: ListMember, action: ImportAction, *, resubscribe: bool) -> ListMember:
    now = utcnow()
    if action is ImportAction.UNSUBSCRIBE:
        if member.status is not SubscriptionStatus.UNSUBSCRIBED:
            member.status, member.unsubscribed_at = SubscriptionStatus.UNSUBSCRIBED, now
            member.subscribed_at = member.subscribed_at or now
        return member
    stays_out = member.status in (SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.BOUNCED) and not resubscribe
    if member.status is None or (member.status is not SubscriptionStatus.SUBSCRIBED and not stays_out):
        member.status, member.subscribed_at, member.unsubscribed_at = SubscriptionStatus.SUBSCRIBED, now, None
    return member
