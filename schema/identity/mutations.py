from __future__ import annotations

import strawberry
from strawberry.types import Info

from datetime import datetime

from strawberry.scalars import JSON

from domain.identity import credentials, users
from domain.identity.models import Role as DomainRole
from schema.enums import Role
from schema.errors import UserError, returns_user_errors
from schema.identity.types import ApiCredential, TenantMember
from schema.ids import decode_id
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input(description="A Doxie API user: HTTP basic auth on the tenant's public Doxie routes. Needs ADMIN.")
class CreateApiUserInput:
    tenant_id: strawberry.ID
    username: str = strawberry.field(description="1-100 characters without ':', unique in the tenant.")
    role: Role = Role.WRITE


@strawberry.type
class CreateApiUserPayload:
    api_credential: ApiCredential | None = None
    password: str | None = strawberry.field(default=None, description="Shown only here: store it now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="A Marigold service account (`X-ApiKey: key:secret`). Needs ADMIN.")
class CreateApiKeyInput:
    tenant_id: strawberry.ID
    role: Role = Role.WRITE
    endpoints: list[str] | None = strawberry.field(default=None, description='Allowed "METHOD /path" patterns (fnmatch); every route when absent.')
    expires_at: datetime | None = None
    description: str | None = None


@strawberry.type
class CreateApiKeyPayload:
    api_credential: ApiCredential | None = None
    api_key: str | None = strawberry.field(default=None, description="`key:secret`, shown only here: store it now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Give a user (found by email, or created with `password`) a role on a tenant. Needs ADMIN.")
class AddTenantMemberInput:
    tenant_id: strawberry.ID
    email: str
    role: Role = Role.READ
    password: str | None = strawberry.field(default=None, description="Only for a new user: at least 8 characters. An existing user keeps its own.")
    name: str | None = None
    profile: JSON | None = strawberry.field(default=None, description="Only for a new user: `first_name`, `last_name`, `title`, `office_phone`, `mobile_phone`, `language`, `timezone`.")
    send_verification: bool = strawberry.field(default=False, description="A new user is UNCONFIRMED and gets a confirmation mail (`confirmUser`); it needs no password yet.")
    new_member_only: bool = strawberry.field(default=False, description="A user already on the tenant is USER_EMAIL_TAKEN rather than a role change.")


@strawberry.type
class AddTenantMemberPayload:
    member: TenantMember | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(CreateApiKeyPayload)
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        credential, api_key = await credentials.create_api_key(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), role=DomainRole(input.role),
            endpoints=input.endpoints, expires_at=input.expires_at, description=input.description,
        )
        await info.context.session.commit()
        return CreateApiKeyPayload(api_credential=ApiCredential.from_model(credential), api_key=api_key)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(AddTenantMemberPayload)
    async def add_tenant_member(self, info: Info, input: AddTenantMemberInput) -> AddTenantMemberPayload:
        _, membership = await users.invite(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), email=input.email,
            role=DomainRole(input.role), password=input.password, name=input.name, profile=input.profile,
            verify=input.send_verification, new_member_only=input.new_member_only, secret_key=info.context.settings.secret_key,
        )
        await info.context.session.commit()
        return AddTenantMemberPayload(member=TenantMember(model=membership))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(CreateApiUserPayload)
    async def create_api_user(self, info: Info, input: CreateApiUserInput) -> CreateApiUserPayload:
        credential, password = await credentials.create_api_user(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), username=input.username,
            role=DomainRole(input.role),
        )
        await info.context.session.commit()
        return CreateApiUserPayload(api_credential=ApiCredential.from_model(credential), password=password)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Removes an API key, API user or token record; it stops working at once. Needs ADMIN.")
    @returns_user_errors(DeletePayload)
    async def delete_api_credential(self, info: Info, input: DeleteInput) -> DeletePayload:
        await credentials.delete(info.context.session, credential_id=decode_id(input.id, "ApiCredential", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
