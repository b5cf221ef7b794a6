"""Tenant isolation, enforced in one place for every query and every write.

A session acting for a principal carries a `Scope` in `session.info["scope"]`:
- every ORM SELECT (and ORM UPDATE/DELETE) on a tenant-owned row, and on tenants
  themselves, is filtered to the tenants the scope may read;
- every flush checks that new, changed and deleted rows belong to a tenant the scope
  may write (tenants themselves need ADMIN, on the parent for a new sub-tenant).
Sessions without a scope (workers, CLI) act for the system and see everything.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from domain.errors import Forbidden
from domain.identity.models import Role
from domain.tenants.models import Tenant, TenantScoped


@dataclass(frozen=True)
class Scope:
    """Tenant id -> role the acting principal holds there; `everything` for platform operators."""

    roles: dict[int, Role]
    everything: bool = False

    def can(self, tenant_id: int | None, role: Role) -> bool:
        if self.everything:
            return True
        return tenant_id is not None and self.roles.get(tenant_id, 0) >= role

    def require(self, tenant_id: int | None, role: Role) -> None:
        if not self.can(tenant_id, role):
            raise Forbidden(f"This credential may not {'change' if role > Role.READ else 'read'} that tenant")

    @property
    def readable_ids(self) -> list[int]:
        return sorted(self.roles)

    def grant(self, tenant_id: int, role: Role) -> None:
        """A role on a tenant made during the request (a new sub-tenant): readable from the next statement."""
        self.roles[tenant_id] = role
        self.__dict__.pop("read_criteria", None)

    @cached_property
    def read_criteria(self) -> tuple:
        """The options that filter a statement to the readable tenants."""
        return _read_criteria(tuple(self.readable_ids))


@lru_cache(maxsize=1024)
def _read_criteria(ids: tuple[int, ...]) -> tuple:
    """Built once per set of tenants, not per statement: building them was a good part of a small query's
    cost, and a client's requests all read the same tenants."""
    return (
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id.in_(ids), include_aliases=True),
        with_loader_criteria(Tenant, lambda cls: cls.id.in_(ids), include_aliases=True),
    )


SYSTEM = Scope(roles={}, everything=True)


def scope_of(session: Session | AsyncSession) -> Scope:
    return session.info.get("scope", SYSTEM)


def bind_scope(session: AsyncSession, scope: Scope) -> AsyncSession:
    session.info["scope"] = scope
    return session


@contextmanager
def unscoped(session: AsyncSession) -> Iterator[AsyncSession]:
    """Read across tenants for a rule that spans them (a slug unique platform-wide); never for output."""
    info = session.sync_session.info
    scope = info.pop("scope", None)
    try:
        yield session
    finally:
        if scope is not None:
            info["scope"] = scope


@event.listens_for(Session, "do_orm_execute")
def _filter_reads(state: ORMExecuteState) -> None:
    scope = state.session.info.get("scope")
    if scope is None or scope.everything:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(*scope.read_criteria)


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, _flush_context, _instances) -> None:
    scope = session.info.get("scope")
    if scope is None or scope.everything:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, TenantScoped):
            scope.require(obj.tenant_id, Role.WRITE)
        elif isinstance(obj, Tenant):
            if obj in session.new:
                scope.require(obj.parent_id, Role.ADMIN)
            else:
                scope.require(obj.id, Role.ADMIN)
