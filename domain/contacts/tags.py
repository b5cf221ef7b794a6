"""Contact tags of an account (Especial's tag registry): the distinct values of `Contact.tags`, plus tags made before
any contact has them (`Tenant.settings["contact_tags"]`). Renaming or deleting a tag rewrites every contact of the
account in one SQL statement; tagging and untagging change the contacts named, all or none."""
from __future__ import annotations

import re

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.contacts.models import Contact, ContactList, ListMember
from domain.errors import Conflict, Invalid, NotFound
from domain.identity.models import Role
from domain.tenancy import scope_of
from domain.tenants.models import Tenant

TAG = re.compile(r"^[A-Za-z0-9.\-+_]{1,64}$")
REGISTRY = "contact_tags"  # Tenant.settings key: tags made with no contact yet
MAX_TAGS = 1024

# One statement per dialect: rewrite the JSON array of every contact of the tenant that has the tag.
_RENAME = {
    "postgresql": """UPDATE contacts SET tags = (
        SELECT coalesce(json_agg(t ORDER BY o), '[]'::json) FROM (
          SELECT CASE WHEN e.value = :old THEN :new ELSE e.value END AS t, min(e.ord) AS o
          FROM json_array_elements_text(contacts.tags) WITH ORDINALITY AS e(value, ord) GROUP BY 1) s)
      WHERE tenant_id = :tenant AND EXISTS (SELECT 1 FROM json_array_elements_text(contacts.tags) AS v(value) WHERE v.value = :old)""",
    "sqlite": """UPDATE contacts SET tags = (
        SELECT json_group_array(t) FROM (
          SELECT CASE WHEN value = :old THEN :new ELSE value END AS t, min(key) AS o FROM json_each(contacts.tags) GROUP BY 1 ORDER BY o))
      WHERE tenant_id = :tenant AND EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = :old)""",
}
_DELETE = {
    "postgresql": """UPDATE contacts SET tags = (
        SELECT coalesce(json_agg(e.value ORDER BY e.ord), '[]'::json)
        FROM json_array_elements_text(contacts.tags) WITH ORDINALITY AS e(value, ord) WHERE e.value <> :old)
      WHERE tenant_id = :tenant AND EXISTS (SELECT 1 FROM json_array_elements_text(contacts.tags) AS v(value) WHERE v.value = :old)""",
    "sqlite": """UPDATE contacts SET tags = (
        SELECT json_group_array(value) FROM (SELECT value FROM json_each(contacts.tags) WHERE value <> :old ORDER BY key))
      WHERE tenant_id = :tenant AND EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = :old)""",
}


def check_tag(tag: str, *, field: str = "tag") -> str:
    if not isinstance(tag, str) or not TAG.match(tag):
        raise Invalid("A tag is 1-64 letters, digits, '.', '-', '+' or '_'", code="INVALID_TAG", field=field)
    return tag


async def all_tags(session: AsyncSession, *, tenant_id: int) -> list[str]:
    """Every tag of the account, sorted: those on its contacts and those made before any contact had them."""
    tenant = await get_or_raise(session, Tenant, tenant_id, what="Account", field="tenantId")
    found = set((tenant.settings or {}).get(REGISTRY) or [])
    for (tags,) in await session.execute(select(Contact.tags).where(Contact.tenant_id == tenant_id, Contact.tags.is_not(None))):
        found.update(t for t in tags or [] if isinstance(t, str))
    return sorted(found)


async def _registry(session: AsyncSession, tenant_id: int, change) -> None:
    """Edit the account's registry of contact-less tags under a row lock (tags are a WRITE matter, not an ADMIN one)."""
    scope_of(session).require(tenant_id, Role.WRITE)
    settings = (await session.execute(select(Tenant.settings).where(Tenant.id == tenant_id).with_for_update())).scalar_one()
    tags = change(list((settings or {}).get(REGISTRY) or []))
    await session.execute(update(Tenant).where(Tenant.id == tenant_id).values(settings={**(settings or {}), REGISTRY: sorted(set(tags))}))
    session.expire_all()


async def _require(session: AsyncSession, tenant_id: int, tag: str) -> None:
    if tag not in await all_tags(session, tenant_id=tenant_id):
        raise NotFound(f"Tag {tag!r} not found", code="TAG_NOT_FOUND", field="tag")


async def get_tag(session: AsyncSession, *, tenant_id: int, tag: str) -> str:
    await _require(session, tenant_id, tag)
    return tag


async def create_tag(session: AsyncSession, *, tenant_id: int, tag: str) -> str:
    check_tag(tag)
    if tag in await all_tags(session, tenant_id=tenant_id):
        raise Conflict(f"Tag {tag!r} already exists", code="TAG_TAKEN", field="tag")
    await _registry(session, tenant_id, lambda tags: [*tags, tag])
    return tag


async def rename_tag(session: AsyncSession, *, tenant_id: int, tag: str, new_tag: str) -> str:
    """Every contact of the account with `tag` gets `new_tag` instead (once, where it had both), in one statement."""
    check_tag(new_tag, field="newTag")
    await _require(session, tenant_id, tag)
    if new_tag != tag and new_tag in await all_tags(session, tenant_id=tenant_id):
        raise Conflict(f"Tag {new_tag!r} already exists", code="TAG_TAKEN", field="newTag")
    await _registry(session, tenant_id, lambda tags: [new_tag if t == tag else t for t in tags] + ([new_tag] if tag in tags else []))
    await session.execute(text(_RENAME[session.bind.dialect.name]), {"tenant": tenant_id, "old": tag, "new": new_tag})
    return new_tag


async def delete_tag(session: AsyncSession, *, tenant_id: int, tag: str) -> None:
    """The tag leaves the registry and every contact of the account, in one statement."""
    await _require(session, tenant_id, tag)
    await _registry(session, tenant_id, lambda tags: [t for t in tags if t != tag])
    await session.execute(text(_DELETE[session.bind.dialect.name]), {"tenant": tenant_id, "old": tag})


async def tag_members(session: AsyncSession, *, list_id: int, contact_ids: list[int], tags: list[str], remove: bool = False) -> list[Contact]:
    """Add (or remove) tags on contacts of a list; a contact not on the list fails the whole call."""
    if not tags or len(tags) > MAX_TAGS:
        raise Invalid(f"Give 1 to {MAX_TAGS} tags", code="INVALID_TAGS", field="tags")
    for index, tag in enumerate(tags):
        check_tag(tag, field=f"tags.{index}")
    if not contact_ids or len(contact_ids) > MAX_TAGS:
        raise Invalid(f"Give 1 to {MAX_TAGS} contact ids", code="INVALID_CONTACT_IDS", field="contactIds")
    await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    rows = (await session.execute(
        select(Contact).join(ListMember, ListMember.contact_id == Contact.id).where(ListMember.list_id == list_id, Contact.id.in_(contact_ids))
    )).scalars().all()
    missing = sorted(set(contact_ids) - {c.id for c in rows})
    if missing:
        raise NotFound(f"Contact {missing[0]} is not on list {list_id}", code="MEMBER_NOT_FOUND", field="contactIds")
    for contact in rows:
        current = list(contact.tags or [])
        contact.tags = [t for t in current if t not in tags] if remove else current + [t for t in dict.fromkeys(tags) if t not in current]
    await session.flush()
    return list(rows)
