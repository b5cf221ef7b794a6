"""DKIM key mutations: `createDkimKey`, `deleteDkimKey` (rules in domain.brands.dkim)."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.brands import dkim as service
from schema.brands.dkim import DkimKey
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput


@strawberry.input
class CreateDkimKeyInput:
    tenant_id: strawberry.ID
    domain: str
    selector: str | None = strawberry.field(default=None, description="One DNS label; `sg<random hex>` when absent.")
    brand: str = strawberry.field(default="default", description="A brand's slug; the brand is made on first use.")


@strawberry.type
class DkimKeyPayload:
    dkim_key: DkimKey | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DkimMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Generates a 2048-bit RSA key pair; publish `dnsRecord` at `dnsName`.")
    @returns_user_errors(DkimKeyPayload)
    async def create_dkim_key(self, info: Info, input: CreateDkimKeyInput) -> DkimKeyPayload:
        key = await service.create_key(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), domain=input.domain,
                                       selector=input.selector, secret_key=info.context.settings.secret_key, brand=input.brand)
        await info.context.session.commit()
        return DkimKeyPayload(dkim_key=DkimKey.from_model(key))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Mail is no longer signed with it. The payload shows the deleted key.")
    @returns_user_errors(DkimKeyPayload)
    async def delete_dkim_key(self, info: Info, input: DeleteInput) -> DkimKeyPayload:
        key = await service.delete_key(info.context.session, key_id=decode_id(input.id, "DkimKey", field="id"))
        await info.context.session.commit()
        return DkimKeyPayload(dkim_key=DkimKey.from_model(key))
