"""A list's custom attribute definitions (Especial `/lists/{id}/custom-attributes`): `{name: type}` in
`ContactList.settings["custom_attributes"]`. Values stay where they are (`Contact.attributes`, per tenant): deleting a
definition does not erase a contact's value, which other lists of the tenant may use."""
from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.contacts.models import ContactList
from domain.errors import Conflict, Invalid, NotFound

KEY = "custom_attributes"
NAME = re.compile(r"^[A-Za-z0-9\-_]{1,200}$")
TYPES = ("text", "mediumtext", "integer", "timestamp", "datetime")
RESERVED = {"id", "email", "status", "registered", "bounce_type", "bounce_count", "tags", "_tags"}


def _definitions(contact_list: ContactList) -> dict[str, str]:
    return dict((contact_list.settings or {}).get(KEY) or {})


async def all_definitions(session: AsyncSession, *, list_id: int) -> list[dict]:
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    return [{"name": name, "type": kind} for name, kind in sorted(_definitions(contact_list).items())]


async def get(session: AsyncSession, *, list_id: int, name: str) -> dict:
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    kind = _definitions(contact_list).get(name)
    if kind is None:
        raise NotFound(f"Custom attribute {name!r} not found", code="ATTRIBUTE_NOT_FOUND", field="name")
    return {"name": name, "type": kind}


async def create(session: AsyncSession, *, list_id: int, name: str, type: str) -> dict:
    if not isinstance(name, str) or not NAME.match(name):
        raise Invalid("A custom attribute name is 1-200 letters, digits, '-' or '_'", code="INVALID_ATTRIBUTE_NAME", field="name")
    if name.lower() in RESERVED:
        raise Invalid(f"{name!r} is reserved: {', '.join(sorted(RESERVED))}", code="RESERVED_ATTRIBUTE_NAME", field="name")
    if type not in TYPES:
        raise Invalid(f"type must be one of {', '.join(TYPES)}", code="INVALID_ATTRIBUTE_TYPE", field="type")
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    definitions = _definitions(contact_list)
    if name in definitions:
        raise Conflict(f"The list already has a custom attribute {name!r}", code="ATTRIBUTE_NAME_TAKEN", field="name")
    contact_list.settings = {**(contact_list.settings or {}), KEY: {**definitions, name: type}}
    await session.flush()
    return {"name": name, "type": type}


async def delete(session: AsyncSession, *, list_id: int, name: str) -> dict:
    found = await get(session, list_id=list_id, name=name)
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    contact_list.settings = {**(contact_list.settings or {}), KEY: {k: v for k, v in _definitions(contact_list).items() if k != name}}
    await session.flush()
    return found
