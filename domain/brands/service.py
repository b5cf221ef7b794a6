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


# Brands -----------------------------------------------------------------------------------------
# A brand keeps its provider configuration and look in `settings`; secrets there (any key naming a
# password, secret, key or token) are never shown: `masked_settings` replaces them with MASK, and an
# update that sends MASK back keeps the stored value. Its senders are Sender rows of the brand.

MASK = "********"
_SECRET_WORDS = ("password", "secret", "api_key", "apikey", "access_key", "private_key", "token")


def _is_secret(name: str) -> bool:
    return any(word in name.lower() for word in _SECRET_WORDS)


def masked_settings(settings: dict | None) -> dict:
    def mask(value, name: str = ""):
        if isinstance(value, dict):
            return {k: mask(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return MASK if name and _is_secret(name) and value not in (None, "") else value

    return mask(settings or {})


def _merged_settings(current: dict, given: dict) -> dict:
    """The keys given replace the stored ones (objects are merged the same way, key by key); MASK keeps a secret."""
    merged = dict(current)
    for name, value in given.items():
        if value == MASK:
            continue
        if isinstance(value, dict) and isinstance(current.get(name), dict):
            value = _merged_settings(current[name], value)
        merged[name] = value
    return merged


def _brand_fields(fields: dict) -> dict:
    if "name" in fields:
        fields["name"] = require_text(fields["name"], field="name")
    if "slug" in fields:
        fields["slug"] = check_slug(fields["slug"])
    if fields.get("settings") is not None and not isinstance(fields["settings"], dict):
        raise Invalid("settings must be an object", code="INVALID_SETTINGS", field="settings")
    return fields


async def _slug_taken(session: AsyncSession, tenant_id: int, slug: str, brand_id: int | None = None) -> None:
    query = select(Brand.id).where(Brand.tenant_id == tenant_id, Brand.slug == slug)
    if brand_id is not None:
        query = query.where(Brand.id != brand_id)
    if (await session.execute(query)).first():
        raise Conflict(f"A brand with slug {slug!r} already exists", code="SLUG_TAKEN", field="slug")


async def brand_senders(session: AsyncSession, brand_id: int, channel: Channel | None = None) -> list[Sender]:
    query = select(Sender).where(Sender.brand_id == brand_id)
    if channel is not None:
        query = query.where(Sender.channel == channel)
    return list((await session.execute(query.order_by(Sender.id))).scalars())


async def set_brand_senders(session: AsyncSession, brand: Brand, channel: Channel, addresses: list[str]) -> None:
    """The brand's senders of `channel` become exactly `addresses` (kept, added or removed)."""
    wanted = list(dict.fromkeys(_address(channel, a) for a in addresses))
    current = await brand_senders(session, brand.id, channel)
    for sender in current:
        if sender.address not in wanted:
            await delete_sender(session, sender_id=sender.id)
    have = {sender.address for sender in current}
    for address in wanted:
        if address not in have:
            await create_sender(session, tenant_id=brand.tenant_id, address=address, channel=channel, brand=brand.slug)


async def create_brand(
    session: AsyncSession, *, tenant_id: int, name: str, slug: str | None = None, settings: dict | None = None,
    sender_emails: list[str] | None = None, rcs_senders: list[str] | None = None,
) -> Brand:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    name = require_text(name, field="name")
    slug = slug if slug is not None else _slugify(name)
    fields = _brand_fields({"name": name, "slug": slug, "settings": settings or {}})
    await _slug_taken(session, tenant_id, fields["slug"])
    brand = Brand(tenant_id=tenant_id, **fields)
    session.add(brand)
    await session.flush()
    await set_brand_senders(session, brand, Channel.EMAIL, sender_emails or [])
    await set_brand_senders(session, brand, Channel.RCS, rcs_senders or [])
    return brand


async def update_brand(
    session: AsyncSession, *, brand_id: int, changes: dict, sender_emails: list[str] | None = None, rcs_senders: list[str] | None = None,
) -> Brand:
    """`changes`: name, slug, settings (merged, see `_merged_settings`); sender lists given replace the brand's."""
    brand = await get_or_raise(session, Brand, brand_id, what="Brand")
    changes = _brand_fields(dict(changes))
    if "slug" in changes:
        await _slug_taken(session, brand.tenant_id, changes["slug"], brand.id)
    if "settings" in changes:
        changes["settings"] = _merged_settings(brand.settings or {}, changes["settings"] or {})
    apply_changes(brand, changes)
    await session.flush()
    if sender_emails is not None:
        await set_brand_senders(session, brand, Channel.EMAIL, sender_emails)
    if rcs_senders is not None:
        await set_brand_senders(session, brand, Channel.RCS, rcs_senders)
    return brand


async def delete_brand(session: AsyncSession, *, brand_id: int) -> None:
    """The brand and its senders (refused while one is a list's default sender)."""
    brand = await get_or_raise(session, Brand, brand_id, what="Brand")
    for sender in await brand_senders(session, brand.id):
        await delete_sender(session, sender_id=sender.id)
    await session.delete(brand)
    await session.flush()


def _slugify(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:100].strip("-") or "brand"
