from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.identity import credentials
from domain.identity.models import Role as DomainRole
from schema.enums import Role
from schema.errors import UserError, returns_user_errors
from schema.identity.types import ApiCredential
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


@strawberry.type
class IdentityMutations:
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
