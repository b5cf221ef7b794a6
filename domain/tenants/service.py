"""Tenants: create, find by any of the four handles, update, delete. Confirming a new one: `domain.tenants.confirmation`."""
from __future__ import annotations

import uuid as uuid_lib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import apply_changes, get_or_raise
from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.identity.models import Role
from domain.tenancy import scope_of, unscoped
from domain.tenants.models import Tenant
from domain.validation import check_slug, require_text


async def create(
    session: AsyncSession, *, slug: str, name: str, parent_id: int | None = None, uuid: uuid_lib.UUID | None = None, **fields
) -> Tenant:
    check_slug(slug)
    if parent_id is not None:
        await get_or_raise(session, Tenant, parent_id, what="Parent tenant", field="parentId")
    if await _exists(session, Tenant.slug == slug):
        raise Conflict(f"A tenant with slug {slug!r} already exists", code="SLUG_TAKEN", field="slug")
    if fields.get("awaiting_confirmation"):
        fields["active"] = False  # until its owner confirms it
    tenant = Tenant(slug=slug, name=require_text(name, field="name"), parent_id=parent_id, uuid=uuid or uuid_lib.uuid4(), **fields)
    session.add(tenant)
    await _flush(session)
    scope = scope_of(session)
    if parent_id in scope.roles:  # a role on the parent extends to the new sub-tenant at once, as `scope_for` would find
        scope.grant(tenant.id, scope.roles[parent_id])
    return tenant


async def find(
    session: AsyncSession, *, id: int | None = None, slug: str | None = None, uuid: uuid_lib.UUID | None = None
) -> Tenant:
    """By Especial account id, Doxie/Marigold slug or Contactflow node uuid: exactly one handle."""
    handles = [h for h in (id, slug, uuid) if h is not None]
    if len(handles) != 1:
        raise Invalid("Give exactly one of slug, uuid or accountId", code="ONE_HANDLE_REQUIRED")
    condition = Tenant.id == id if id is not None else Tenant.slug == slug if slug is not None else Tenant.uuid == uuid
    tenant = (await session.execute(select(Tenant).where(condition))).scalar_one_or_none()
    if tenant is None:
        raise NotFound(f"Tenant {handles[0]} not found", code="TENANT_NOT_FOUND")
    return tenant


async def get(session: AsyncSession, *, tenant_id: int) -> Tenant:
    return await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")


def _require_parent_admin(session: AsyncSession, tenant: Tenant, action: str) -> None:
    """Suspending (deactivating), reactivating and deleting a sub-account is for an admin of its parent: an admin of
    the sub-account alone may not."""
    if tenant.parent_id is not None and not scope_of(session).can(tenant.parent_id, Role.ADMIN):
        raise Forbidden(f"Only an admin of the parent account may {action} a sub-account", code="FORBIDDEN")


async def update(session: AsyncSession, *, tenant_id: int, changes: dict) -> Tenant:
    tenant = await get(session, tenant_id=tenant_id)
    if changes.get("active") is not None and changes["active"] != tenant.active:
        _require_parent_admin(session, tenant, "suspend or unsuspend")
        if changes["active"] and tenant.awaiting_confirmation:
            raise Invalid("This account waits for its owner to confirm it; it becomes active then", code="TENANT_NOT_CONFIRMED", field="active")
    if "slug" in changes and changes["slug"] != tenant.slug:
        check_slug(changes["slug"])
        if await _exists(session, Tenant.slug == changes["slug"]):
            raise Conflict(f"A tenant with slug {changes['slug']!r} already exists", code="SLUG_TAKEN", field="slug")
    if "name" in changes:
        changes["name"] = require_text(changes["name"], field="name")
    apply_changes(tenant, changes)
    await _flush(session)
    return tenant


async def delete(session: AsyncSession, *, tenant_id: int) -> None:
    tenant = await get(session, tenant_id=tenant_id)
    _require_parent_admin(session, tenant, "delete")
    await session.delete(tenant)
    await session.flush()


async def _exists(session: AsyncSession, condition) -> bool:
    with unscoped(session):  # slugs are unique platform-wide, not only among visible tenants
        return (await session.execute(select(Tenant.id).where(condition))).first() is not None


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("That tenant conflicts with an existing one", code="CONFLICT") from exc
