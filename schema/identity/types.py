"""Machine credentials of a tenant, as its admins see them: never a secret, only what identifies one."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import select
from strawberry.permission import BasePermission
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.identity import credentials
from domain.identity import models
from domain.identity.models import Role as DomainRole
from domain.tenancy import scope_of
from schema.enums import Role
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
