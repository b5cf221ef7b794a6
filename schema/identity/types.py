"""Machine credentials of a tenant, as its admins see them: never a secret, only what identifies one."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import select
from strawberry.permission import BasePermission
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.identity import credentials, users
from domain.identity import models
from domain.identity.models import Role as DomainRole
from domain.tenancy import scope_of
from schema.enums import Role
from schema.loaders import execute
from schema.relay import Connection, from_global_id, paginate, to_global_id

CredentialKind = strawberry.enum(models.CredentialKind, name="CredentialKind")


class IsTenantAdmin(BasePermission):
    """On a Tenant's fields: only a credential with ADMIN on that tenant may read them."""

    message = "Only a tenant admin may see its credentials"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal is not None and scope_of(info.context.session).can(source.model.id, DomainRole.ADMIN)


@strawberry.type(description="An API key (Marigold), API user (Doxie basic auth) or bearer token record. Secrets are never shown here: only at creation.")
class ApiCredential:
    model: strawberry.Private[models.ApiCredential]
    kind: CredentialKind
    key: str = strawberry.field(description="The public part: a key id, `<tenant id>/<username>` for an API user, a token's record key.")
    role: Role
    allowed_endpoints: JSON | None
    expires_at: datetime | None
    revoked: bool
    description: str | None
    created_at: datetime

    @strawberry.field(description="The global id (for deleteApiCredential).")
    def id(self) -> strawberry.ID:
        return to_global_id("ApiCredential", self.model.id)

    @strawberry.field
    def database_id(self) -> int:
        return self.model.id

    @strawberry.field(description="An API user's name; null for other kinds.")
    def username(self) -> str | None:
        return credentials.username(self.model)

    @classmethod
    def from_model(cls, row: models.ApiCredential) -> "ApiCredential":
        return cls(model=row, kind=row.kind, key=row.key, role=DomainRole(row.role), allowed_endpoints=row.allowed_endpoints,
                   expires_at=row.expires_at, revoked=row.revoked, description=row.description, created_at=row.created_at)


async def tenant_credentials(info: Info, tenant_id: int, *, kind: models.CredentialKind | None, first: int | None, after: str | None,
                             last: int | None, before: str | None) -> Connection[ApiCredential]:
    query = select(models.ApiCredential).where(models.ApiCredential.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(models.ApiCredential.kind == kind)
    return await paginate(info, query, model=models.ApiCredential, wrap=ApiCredential.from_model, first=first, after=after, last=last, before=before)


async def tenant_credential(info: Info, tenant_id: int, id: strawberry.ID) -> ApiCredential | None:
    decoded = from_global_id(str(id))
    if decoded is None or decoded[0] != "ApiCredential":
        return None
    row = await info.context.loaders.load(models.ApiCredential, decoded[1])
    return ApiCredential.from_model(row) if row is not None and row.tenant_id == tenant_id else None


UserStatus = strawberry.enum(users.UserStatus, name="UserStatus")


@strawberry.type(description="A person who logs in (an Especial user). Reached through a tenant's members or the viewer, never by id alone.")
class User:
    model: strawberry.Private[models.User]

    @strawberry.field(description="Its database id (an Especial user_id).")
    def database_id(self) -> int:
        return self.model.id

    @strawberry.field
    def email(self) -> str:
        return self.model.email

    @strawberry.field
    def name(self) -> str | None:
        return self.model.name

    @strawberry.field(description="`first_name`, `last_name`, `title`, `office_phone`, `mobile_phone`, `language`, `timezone`.")
    def profile(self) -> JSON:
        return self.model.profile or {}

    @strawberry.field(description="SUSPENDED: it can neither log in nor use its tokens; UNCONFIRMED: invited, its email not confirmed yet.")
    def status(self) -> UserStatus:
        return users.status_of(self.model)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.model.updated_at

    @strawberry.field
    def confirmed_at(self) -> datetime | None:
        return self.model.confirmed_at


@strawberry.type(description="A user's role on a tenant.")
class TenantMember:
    model: strawberry.Private[models.Membership]

    @strawberry.field(description="The user's database id (an Especial user_id).")
    def user_id(self) -> int:
        return self.model.user_id

    @strawberry.field
    def role(self) -> Role:
        return DomainRole(self.model.role)

    @strawberry.field
    async def email(self, info: Info) -> str:
        return (await info.context.loaders.load(models.User, self.model.user_id)).email

    @strawberry.field
    async def user(self, info: Info) -> User:
        return User(model=await info.context.loaders.load(models.User, self.model.user_id))


async def tenant_members(info: Info, tenant_id: int, *, first: int | None, after: str | None, last: int | None, before: str | None,
                         offset: int | None, email: str | None, status: users.UserStatus | None) -> Connection[TenantMember]:
    m, u = models.Membership, models.User
    query = select(m).where(m.tenant_id == tenant_id)
    if email is not None or status is not None:
        query = query.join(u, u.id == m.user_id)
    if email is not None:
        query = query.where(u.email == email.strip().lower())
    if status is users.UserStatus.SUSPENDED:
        query = query.where(u.active.is_(False))
    elif status is users.UserStatus.ACTIVE:
        query = query.where(u.active.is_(True), u.confirmed_at.is_not(None))
    elif status is users.UserStatus.UNCONFIRMED:
        query = query.where(u.active.is_(True), u.confirmed_at.is_(None))
    return await paginate(info, query, model=m, wrap=lambda row: TenantMember(model=row), first=first, after=after, last=last, before=before, offset=offset)


async def tenant_member(info: Info, tenant_id: int, user_id: int) -> TenantMember | None:
    m = models.Membership
    row = (await execute(info.context.session, select(m).where(m.tenant_id == tenant_id, m.user_id == user_id))).scalar_one_or_none()
    return row and TenantMember(model=row)
