from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.tenants import confirmation, service
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.tenants.types import Tenant


@strawberry.input
class CreateTenantInput:
    slug: str
    name: str
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Creates a sub-account (Especial) of this tenant.")
    uuid: UUID | None = strawberry.field(default=None, description="Contactflow node UUID; generated when absent.")
    workspace_uuid: UUID | None = None
    workspace_name: str | None = None
    portfolio_uuid: UUID | None = None
    portfolio_name: str | None = None
    active: bool = True
    awaiting_confirmation: bool = strawberry.field(
        default=False, description="Inactive until confirmed with the code `sendTenantConfirmation` mails its admins (`confirmTenant`).")
    email_active: bool = True
    sms_active: bool = True
    timezone: str = "UTC"
    default_language: str = "en"
    settings: JSON | None = None


@strawberry.input
class UpdateTenantInput:
    id: strawberry.ID
    slug: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    workspace_uuid: UUID | None = strawberry.UNSET
    workspace_name: str | None = strawberry.UNSET
    portfolio_uuid: UUID | None = strawberry.UNSET
    portfolio_name: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    email_active: bool | None = strawberry.UNSET
    sms_active: bool | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    default_language: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET


@strawberry.input
class SendTenantConfirmationInput:
    id: strawberry.ID


@strawberry.input
class ConfirmTenantInput:
    account_id: int
    confirmation: str = strawberry.field(description="The code from the confirmation mail.")


@strawberry.input
class ResendTenantConfirmationInput:
    email: str


@strawberry.type
class ResendTenantConfirmationPayload:
    email: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class DeleteInput:
    id: strawberry.ID


@strawberry.type
class TenantPayload:
    tenant: Tenant | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TenantMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Needs ADMIN on the parent tenant.")
    @returns_user_errors(TenantPayload)
    async def create_tenant(self, info: Info, input: CreateTenantInput) -> TenantPayload:
        fields = given(input, exclude=("parent_id",))
        fields["settings"] = fields.get("settings") or {}
        tenant = await service.create(info.context.session, parent_id=decode_id(input.parent_id, "Tenant", field="parentId"), **fields)
        await info.context.session.commit()
        return TenantPayload(tenant=Tenant.from_model(tenant))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TenantPayload)
    async def update_tenant(self, info: Info, input: UpdateTenantInput) -> TenantPayload:
        tenant_id = decode_id(input.id, "Tenant", field="id")
        tenant = await service.update(info.context.session, tenant_id=tenant_id, changes=given(input, exclude=("id",)))
        await info.context.session.commit()
        return TenantPayload(tenant=Tenant.from_model(tenant))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Deletes the tenant and everything it owns.")
    @returns_user_errors(DeletePayload)
    async def delete_tenant(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete(info.context.session, tenant_id=decode_id(input.id, "Tenant", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Mail a tenant awaiting confirmation its code (to its admins). Needs ADMIN on it.")
    @returns_user_errors(TenantPayload)
    async def send_tenant_confirmation(self, info: Info, input: SendTenantConfirmationInput) -> TenantPayload:
        tenant = await confirmation.send(info.context.session, tenant_id=decode_id(input.id, "Tenant", field="id"),
                                         secret_key=info.context.settings.secret_key)
        await info.context.session.commit()
        return TenantPayload(tenant=Tenant.from_model(tenant))

    @strawberry.mutation(description="Confirm a tenant awaiting confirmation with the mailed code; it becomes active. Needs no credential.")
    @returns_user_errors(TenantPayload)
    async def confirm_tenant(self, info: Info, input: ConfirmTenantInput) -> TenantPayload:
        tenant = await confirmation.confirm(info.context.session, tenant_id=input.account_id, confirmation=input.confirmation,
                                            secret_key=info.context.settings.secret_key)
        await info.context.session.commit()
        return TenantPayload(tenant=Tenant.from_model(tenant))

    @strawberry.mutation(description="Mail again the codes of the tenants awaiting confirmation this address is an admin of. "
                                     "Answers the same whether there are any or not. Needs no credential.")
    @returns_user_errors(ResendTenantConfirmationPayload)
    async def resend_tenant_confirmation(self, info: Info, input: ResendTenantConfirmationInput) -> ResendTenantConfirmationPayload:
        email = await confirmation.resend(info.context.session, email=input.email, secret_key=info.context.settings.secret_key)
        await info.context.session.commit()
        return ResendTenantConfirmationPayload(email=email)
