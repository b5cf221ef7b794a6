"""Brands and their senders.

- A sender belongs to a tenant and, optionally, to one of its brands (found by slug, created on first
  use: Especial's `/brands/default/senders` are the senders of the brand `default`).
- An email sender's address is a valid email address, stored lower-cased; a tenant has at most one
  sender per brand, channel and address (`SENDER_TAKEN`).
- A new sender is unverified: `verify_sender` marks the address as confirmed by its owner.
- A sender that is a list's default sender cannot be deleted (`SENDER_IN_USE`); templates and campaigns
  that used it fall back to the tenant's default sender.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Brand, Channel, Sender
from domain.common import apply_changes, get_or_raise
from domain.contacts.models import ContactList
from domain.db import utcnow
from domain.errors import Conflict, Invalid
from domain.tenants.models import Tenant
from domain.validation import check_length, check_slug, normalize_email, normalize_phone, require_text

SENDER_FIELDS = {"name", "reply_to", "provider", "is_default", "settings"}


async def brand_by_slug(session: AsyncSession, *, tenant_id: int, slug: str, create: bool = False) -> Brand | None:
    """The tenant's brand with this slug; made (named after the slug) when `create` and it does not exist yet."""
    brand = (await session.execute(select(Brand).where(Brand.tenant_id == tenant_id, Brand.slug == slug))).scalar_one_or_none()
    if brand is None and create:
        brand = Brand(tenant_id=tenant_id, slug=check_slug(slug, field="brand"), name=slug.replace("-", " ").replace("_", " ").title())
        session.add(brand)
        await session.flush()
    return brand


def _address(channel: Channel, address: str | None) -> str:
    if channel is Channel.EMAIL:
        return normalize_email(address or "", field="address").lower()
    if channel in (Channel.SMS, Channel.MMS) and (address or "").strip().startswith("+"):
        return normalize_phone(address, field="address")
    return require_text(address, field="address", max_length=320)


def _clean(fields: dict) -> dict:
    if "name" in fields and fields["name"] is not None:
        fields["name"] = require_text(fields["name"], field="name")
    if fields.get("reply_to"):
        fields["reply_to"] = normalize_email(fields["reply_to"], field="replyTo").lower()
    check_length(fields.get("provider"), field="provider", max_length=50)
    if "is_default" in fields and fields["is_default"] is None:
        fields.pop("is_default")
    if "settings" in fields and fields["settings"] is None:
        fields["settings"] = {}
    if "settings" in fields and not isinstance(fields["settings"], dict):
        raise Invalid("settings must be an object", code="INVALID_SETTINGS", field="settings")
    return fields


async def create_sender(
    session: AsyncSession, *, tenant_id: int, address: str, channel: Channel = Channel.EMAIL, brand: str | None = None, **fields
) -> Sender:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    address = _address(channel, address)
    fields = _clean({k: v for k, v in fields.items() if k in SENDER_FIELDS})
    brand_row = await brand_by_slug(session, tenant_id=tenant_id, slug=brand, create=True) if brand else None
    brand_id = brand_row.id if brand_row else None
    taken = (
        await session.execute(
            select(Sender.id).where(
                Sender.tenant_id == tenant_id, Sender.channel == channel, Sender.address == address,
                Sender.brand_id.is_(None) if brand_id is None else Sender.brand_id == brand_id,
            )
        )
    ).first()
    if taken:
        raise Conflict(f"A sender with address {address} already exists", code="SENDER_TAKEN", field="address")
    sender = Sender(tenant_id=tenant_id, brand_id=brand_id, channel=channel, address=address, **fields)
    session.add(sender)
    await session.flush()
    return sender


async def update_sender(session: AsyncSession, *, sender_id: int, changes: dict) -> Sender:
    sender = await get_or_raise(session, Sender, sender_id, what="Sender")
    unknown = set(changes) - SENDER_FIELDS
    if unknown:
        raise Invalid(f"Unknown sender fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    apply_changes(sender, _clean(changes))
    await session.flush()
    return sender


async def verify_sender(session: AsyncSession, *, sender_id: int) -> Sender:
    """The address's owner confirmed it: the sender is verified (`settings.confirmed_on` keeps when)."""
    sender = await get_or_raise(session, Sender, sender_id, what="Sender")
    if not sender.verified:
        sender.verified = True
        sender.settings = {**(sender.settings or {}), "confirmed_on": int(utcnow().timestamp())}
        await session.flush()
    return sender


async def delete_sender(session: AsyncSession, *, sender_id: int) -> None:
    sender = await get_or_raise(session, Sender, sender_id, what="Sender")
    lists = (await session.execute(select(ContactList).where(ContactList.tenant_id == sender.tenant_id))).scalars()
    using = [row.id for row in lists if (row.settings or {}).get("default_sender_id") == sender.id]
    if using:
        raise Conflict(f"Sender {sender.id} is the default sender of list {using[0]}", code="SENDER_IN_USE", field="id")
    await session.delete(sender)
    await session.flush()


async def check_sender(session: AsyncSession, *, tenant_id: int, sender_id: int, field: str) -> Sender:
    """A sender the tenant owns, for another aggregate to refer to (a list's default sender)."""
    sender = await get_or_raise(session, Sender, sender_id, what="Sender", field=field)
    if sender.tenant_id != tenant_id:
        raise Invalid("The sender belongs to another tenant", code="TENANT_MISMATCH", field=field)
    return sender
