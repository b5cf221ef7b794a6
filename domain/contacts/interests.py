"""A list's interests (Especial's interest registry): names kept in `ContactList.settings["interests"]`
(`{name: {"alias": ...}}`) plus those its members' `Contact.interests` hold; `usage` counts the members that have one.
Renaming or deleting an interest changes the list's members only (a contact's other lists keep theirs)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.contacts.models import Contact, ContactList, ListMember
from domain.errors import Conflict, Invalid, NotFound

NAME = re.compile(r"^[+@\-_#a-zA-Z0-9]{1,255}$")
KEY = "interests"
MAX_INTERESTS = 16
MAX_CONTACTS = 1024


def check_name(name: str, *, field: str = "name") -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise Invalid("An interest is 1-255 letters, digits, '+', '@', '-', '_' or '#'", code="INVALID_INTEREST", field=field)
    return name


async def _members(session: AsyncSession, list_id: int) -> list[Contact]:
    query = select(Contact).join(ListMember, ListMember.contact_id == Contact.id).where(ListMember.list_id == list_id)
    return list((await session.execute(query)).scalars())


async def all_interests(session: AsyncSession, *, list_id: int) -> list[dict]:
    """[{name, alias, usage}] sorted by name."""
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    registry = dict((contact_list.settings or {}).get(KEY) or {})
    usage: dict[str, int] = {}
    for contact in await _members(session, list_id):
        for name in set(contact.interests or []):
            usage[name] = usage.get(name, 0) + 1
    names = sorted(set(registry) | set(usage))
    return [{"name": n, "alias": (registry.get(n) or {}).get("alias"), "usage": usage.get(n, 0)} for n in names]


async def get(session: AsyncSession, *, list_id: int, name: str) -> dict:
    for interest in await all_interests(session, list_id=list_id):
        if interest["name"] == name:
            return interest
    raise NotFound(f"Interest {name!r} not found", code="INTEREST_NOT_FOUND", field="name")


def _save(contact_list: ContactList, registry: dict) -> None:
    contact_list.settings = {**(contact_list.settings or {}), KEY: registry}


async def create(session: AsyncSession, *, list_id: int, name: str, alias: str | None = None) -> dict:
    check_name(name)
    if any(i["name"] == name for i in await all_interests(session, list_id=list_id)):
        raise Conflict(f"The list already has the interest {name!r}", code="INTEREST_TAKEN", field="name")
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    _save(contact_list, {**((contact_list.settings or {}).get(KEY) or {}), name: {"alias": alias}})
    await session.flush()
    return {"name": name, "alias": alias, "usage": 0}


async def update(session: AsyncSession, *, list_id: int, name: str, changes: dict) -> dict:
    """`new_name` renames it on the list's members; `alias` is replaced (null clears it)."""
    current = await get(session, list_id=list_id, name=name)
    new_name = check_name(changes["new_name"], field="newName") if changes.get("new_name") is not None else name
    if new_name != name and any(i["name"] == new_name for i in await all_interests(session, list_id=list_id)):
        raise Conflict(f"The list already has the interest {new_name!r}", code="INTEREST_TAKEN", field="newName")
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    registry = dict((contact_list.settings or {}).get(KEY) or {})
    registry.pop(name, None)
    alias = changes["alias"] if "alias" in changes else current["alias"]
    registry[new_name] = {"alias": alias}
    _save(contact_list, registry)
    if new_name != name:
        for contact in await _members(session, list_id):
            if name in (contact.interests or []):
                contact.interests = list(dict.fromkeys(new_name if i == name else i for i in contact.interests))
    await session.flush()
    return {"name": new_name, "alias": alias, "usage": current["usage"]}


async def delete(session: AsyncSession, *, list_id: int, name: str) -> dict:
    current = await get(session, list_id=list_id, name=name)
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    _save(contact_list, {k: v for k, v in ((contact_list.settings or {}).get(KEY) or {}).items() if k != name})
    for contact in await _members(session, list_id):
        if name in (contact.interests or []):
            contact.interests = [i for i in contact.interests if i != name]
    await session.flush()
    return current


async def change_members(session: AsyncSession, *, list_id: int, contact_ids: list[int], names: list[str], remove: bool = False) -> list[Contact]:
    """Add (or remove) interests on contacts of the list; a contact not on it fails the whole call."""
    if not names or len(names) > MAX_INTERESTS:
        raise Invalid(f"Give 1 to {MAX_INTERESTS} interests", code="INVALID_INTERESTS", field="interests")
    for index, name in enumerate(names):
        check_name(name, field=f"interests.{index}")
    if not contact_ids or len(contact_ids) > MAX_CONTACTS:
        raise Invalid(f"Give 1 to {MAX_CONTACTS} contact ids", code="INVALID_CONTACT_IDS", field="contactIds")
    await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    rows = [c for c in await _members(session, list_id) if c.id in set(contact_ids)]
    missing = sorted(set(contact_ids) - {c.id for c in rows})
    if missing:
        raise NotFound(f"Contact {missing[0]} is not on list {list_id}", code="MEMBER_NOT_FOUND", field="contactIds")
    for contact in rows:
        current = list(contact.interests or [])
        contact.interests = [i for i in current if i not in names] if remove else current + [n for n in dict.fromkeys(names) if n not in current]
    await session.flush()
    return rows
