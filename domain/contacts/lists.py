"""A list's lifecycle (Especial archive / unarchive / accept-policy), kept in `ContactList.settings`: `status`
("active" / "archived") and `policy_accepted` (with `policy_accepted_at`).

An archived list takes no new subscriber: subscribing a contact to it (SUBSCRIBED or PENDING), or an import that
subscribes, is LIST_ARCHIVED; nor a launch: a campaign or workflow whose list (or segment's list) is archived is
LIST_ARCHIVED too. What it holds stays: its members, their unsubscribes and removals, its reports and logs, and the
campaigns launched before it was archived go on. Unarchiving lifts both; either move repeated changes nothing.
Accepting the list's policy records it once; there is no withdrawing it.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.contacts.models import ContactList
from domain.db import utcnow
from domain.errors import InvalidTransition

ACTIVE, ARCHIVED = "active", "archived"


def is_archived(contact_list: ContactList) -> bool:
    return (contact_list.settings or {}).get("status") == ARCHIVED


def check_open(contact_list: ContactList, *, field: str = "listId") -> None:
    """An archived list refuses new subscribers and launches."""
    if is_archived(contact_list):
        raise InvalidTransition(f"List {contact_list.id} is archived: unarchive it first", code="LIST_ARCHIVED", field=field)


async def set_archived(session: AsyncSession, *, list_id: int, archived: bool) -> ContactList:
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    settings = dict(contact_list.settings or {})  # a new dict: the JSON column sees the change
    settings["status"] = ARCHIVED if archived else ACTIVE
    if archived and "archived_at" not in settings:
        settings["archived_at"] = utcnow().isoformat()
    if not archived:
        settings.pop("archived_at", None)
    contact_list.settings = settings
    await session.flush()
    return contact_list


async def accept_policy(session: AsyncSession, *, list_id: int) -> ContactList:
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    if not (contact_list.settings or {}).get("policy_accepted"):
        contact_list.settings = {**(contact_list.settings or {}), "policy_accepted": True, "policy_accepted_at": utcnow().isoformat()}
        await session.flush()
    return contact_list
