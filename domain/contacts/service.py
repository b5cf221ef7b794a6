"""Contacts, lists and list subscriptions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.service import check_sender
from domain.common import apply_changes, get_or_raise
from domain.contacts.lists import check_open
from domain.contacts.models import Contact, ContactList, ListMember, Segment, SubscriptionStatus
from domain.db import utcnow
from domain.errors import Conflict, Invalid, NotFound
from domain.tenants.models import Tenant
from domain.validation import normalize_email, normalize_phone, require_text

DEFAULT_SENDER = "default_sender_id"  # ContactList.settings key: the id of the list's default Sender
CONTACT_FIELDS = {"email", "phone", "external_id", "clab_uuid", "first_name", "last_name", "language", "attributes", "tags", "interests"}


def _clean_contact(fields: dict) -> dict:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise Invalid(f"Unknown contact fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if fields.get("email"):
        fields["email"] = normalize_email(fields["email"]).lower()
    if fields.get("phone"):
        fields["phone"] = normalize_phone(fields["phone"])
    return fields


async def create_contact(session: AsyncSession, *, tenant_id: int, list_ids: list[int] = (), **fields) -> Contact:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    fields = _clean_contact(fields)
    if not (fields.get("email") or fields.get("phone") or fields.get("external_id")):
        raise Invalid("A contact needs an email, a phone or an external id", code="REQUIRED", field="email")
    contact = Contact(tenant_id=tenant_id, **fields)
    session.add(contact)
    await _flush(session, "A contact with that email or external id already exists")
    for list_id in list_ids:
        await subscribe(session, list_id=list_id, contact_id=contact.id)
    return contact


async def update_contact(session: AsyncSession, *, contact_id: int, changes: dict, merge_attributes: bool = False) -> Contact:
    """`merge_attributes`: the attributes given are set (a null value removes one), the others are kept."""
    contact = await get_or_raise(session, Contact, contact_id, what="Contact")
    if merge_attributes and changes.get("attributes") is not None:
        changes["attributes"] = merged_attributes(contact.attributes, changes["attributes"])
    apply_changes(contact, _clean_contact(changes))
    await _flush(session, "A contact with that email or external id already exists")
    return contact


def merged_attributes(current: dict | None, given: dict) -> dict:
    if not isinstance(given, dict):
        raise Invalid("attributes must be an object", code="INVALID_ATTRIBUTES", field="attributes")
    merged = {**(current or {}), **given}
    return {name: value for name, value in merged.items() if value is not None}


async def delete_contact(session: AsyncSession, *, contact_id: int) -> None:
    await session.delete(await get_or_raise(session, Contact, contact_id, what="Contact"))
    await session.flush()


async def create_list(
    session: AsyncSession, *, tenant_id: int, name: str, description: str | None = None, double_opt_in: bool = False,
    settings: dict | None = None, default_sender_id: int | None = None,
) -> ContactList:
    """A list; its default sender (a sender of the same tenant) is kept as `settings.default_sender_id`."""
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    settings = _list_settings(settings, keep=None)
    if default_sender_id is not None:
        await check_sender(session, tenant_id=tenant_id, sender_id=default_sender_id, field="defaultSenderId")
        settings[DEFAULT_SENDER] = default_sender_id
    contact_list = ContactList(
        tenant_id=tenant_id, name=require_text(name, field="name"), description=description, double_opt_in=double_opt_in, settings=settings,
    )
    session.add(contact_list)
    await session.flush()
    return contact_list


async def update_list(session: AsyncSession, *, list_id: int, changes: dict) -> ContactList:
    """`settings` replaces the list's settings, except its default sender, which only `default_sender_id` changes."""
    contact_list = await get_or_raise(session, ContactList, list_id, what="List")
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name")
    if "settings" in changes:
        changes["settings"] = _list_settings(changes["settings"], keep=(contact_list.settings or {}).get(DEFAULT_SENDER))
    if "default_sender_id" in changes:
        sender_id = changes.pop("default_sender_id")
        settings = dict(changes.get("settings", contact_list.settings) or {})
        settings.pop(DEFAULT_SENDER, None)
        if sender_id is not None:
            await check_sender(session, tenant_id=contact_list.tenant_id, sender_id=sender_id, field="defaultSenderId")
            settings[DEFAULT_SENDER] = sender_id
        changes["settings"] = settings
    apply_changes(contact_list, changes)
    await session.flush()
    return contact_list


def _list_settings(settings: dict | None, *, keep: int | None) -> dict:
    if settings is not None and not isinstance(settings, dict):
        raise Invalid("settings must be an object", code="INVALID_SETTINGS", field="settings")
    settings = {k: v for k, v in (settings or {}).items() if k != DEFAULT_SENDER}
    if keep is not None:
        settings[DEFAULT_SENDER] = keep
    return settings


async def delete_list(session: AsyncSession, *, list_id: int) -> None:
    await session.delete(await get_or_raise(session, ContactList, list_id, what="List"))
    await session.flush()


async def subscribe(
    session: AsyncSession, *, list_id: int, contact_id: int, status: SubscriptionStatus = SubscriptionStatus.SUBSCRIBED
) -> ListMember:
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    contact = await get_or_raise(session, Contact, contact_id, what="Contact", field="contactId")
    if contact.tenant_id != contact_list.tenant_id:
        raise Invalid("The contact and the list belong to different tenants", code="TENANT_MISMATCH", field="listId")
    member = (
        await session.execute(select(ListMember).where(ListMember.list_id == list_id, ListMember.contact_id == contact_id))
    ).scalar_one_or_none()
    was = member.status if member is not None else None
    if status in (SubscriptionStatus.SUBSCRIBED, SubscriptionStatus.PENDING) and was is not SubscriptionStatus.SUBSCRIBED:
        check_open(contact_list)  # an archived list takes no new subscriber
    if member is None:
        member = ListMember(tenant_id=contact.tenant_id, list_id=list_id, contact_id=contact_id)
        session.add(member)
    member.status = status
    member.unsubscribed_at = utcnow() if status is SubscriptionStatus.UNSUBSCRIBED else None
    await session.flush()
    if status is SubscriptionStatus.SUBSCRIBED and was is not SubscriptionStatus.SUBSCRIBED:
        from domain.campaigns.enrollment import enroll_subscriber  # the list's active workflows take the new subscriber

        await enroll_subscriber(session, list_id=list_id, contact=contact)
    return member


async def remove_member(session: AsyncSession, *, list_id: int, contact_id: int) -> None:
    """Take a contact off a list (the contact itself, its other lists and its history stay)."""
    await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    member = (
        await session.execute(select(ListMember).where(ListMember.list_id == list_id, ListMember.contact_id == contact_id))
    ).scalar_one_or_none()
    if member is None:
        raise NotFound(f"Contact {contact_id} is not on list {list_id}", code="MEMBER_NOT_FOUND", field="contactId")
    await session.delete(member)
    await session.flush()


async def create_segment(session: AsyncSession, *, tenant_id: int, name: str, list_id: int | None = None, rules: list | None = None) -> Segment:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    if list_id is not None:
        await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    segment = Segment(tenant_id=tenant_id, name=require_text(name, field="name"), list_id=list_id, rules=rules or [])
    session.add(segment)
    await session.flush()
    return segment


async def _flush(session: AsyncSession, conflict_message: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(conflict_message, code="DUPLICATE") from exc
