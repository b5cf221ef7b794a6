from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.brands import service
from schema.brands.types import Brand, Sender
from schema.enums import Channel
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input
class CreateSenderInput:
    tenant_id: strawberry.ID
    address: str
    name: str | None = None
    channel: Channel = Channel.EMAIL
    brand: str | None = strawberry.field(default=None, description="A brand's slug; the brand is made on first use.")
    reply_to: str | None = None
    provider: str | None = None
    is_default: bool = False
    settings: JSON | None = None


@strawberry.input
class UpdateSenderInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    reply_to: str | None = strawberry.UNSET
    provider: str | None = strawberry.UNSET
    is_default: bool | None = strawberry.UNSET
    settings: JSON | None = strawberry.field(default=strawberry.UNSET, description="Replaces the sender's settings.")


@strawberry.input
class VerifySenderInput:
    id: strawberry.ID


@strawberry.type
class SenderPayload:
    sender: Sender | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SenderMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(SenderPayload)
    async def create_sender(self, info: Info, input: CreateSenderInput) -> SenderPayload:
        fields = given(input, exclude=("tenant_id", "address", "channel", "brand"))
        sender = await service.create_sender(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), address=input.address,
            channel=input.channel, brand=input.brand, **fields,
        )
        await info.context.session.commit()
        return SenderPayload(sender=Sender.from_model(sender))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(SenderPayload)
    async def update_sender(self, info: Info, input: UpdateSenderInput) -> SenderPayload:
        sender = await service.update_sender(
            info.context.session, sender_id=decode_id(input.id, "Sender", field="id"), changes=given(input, exclude=("id",))
        )
        await info.context.session.commit()
        return SenderPayload(sender=Sender.from_model(sender))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="The address's owner confirmed it.")
    @returns_user_errors(SenderPayload)
    async def verify_sender(self, info: Info, input: VerifySenderInput) -> SenderPayload:
        sender = await service.verify_sender(info.context.session, sender_id=decode_id(input.id, "Sender", field="id"))
        await info.context.session.commit()
        return SenderPayload(sender=Sender.from_model(sender))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Refused while the sender is a list's default sender.")
    @returns_user_errors(DeletePayload)
    async def delete_sender(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete_sender(info.context.session, sender_id=decode_id(input.id, "Sender", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)


@strawberry.input
class CreateBrandInput:
    tenant_id: strawberry.ID
    name: str
    slug: str | None = strawberry.field(default=None, description="Made from the name when absent.")
    settings: JSON | None = strawberry.field(default=None, description="Provider configuration, look...; secrets are never shown again.")
    sender_emails: list[str] | None = strawberry.field(default=None, description="Email senders of the brand.")
    rcs_senders: list[str] | None = strawberry.field(default=None, description="RCS senders (agent ids) of the brand.")


@strawberry.input
class UpdateBrandInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Merged into the brand's settings key by key; ******** keeps a stored secret.")
    sender_emails: list[str] | None = strawberry.field(default=None, description="When given, the brand's email senders become exactly these.")
    rcs_senders: list[str] | None = strawberry.field(default=None, description="When given, the brand's RCS senders become exactly these.")


@strawberry.type
class BrandPayload:
    brand: Brand | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BrandMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(BrandPayload)
    async def create_brand(self, info: Info, input: CreateBrandInput) -> BrandPayload:
        brand = await service.create_brand(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), name=input.name, slug=input.slug,
            settings=input.settings, sender_emails=input.sender_emails, rcs_senders=input.rcs_senders,
        )
        await info.context.session.commit()
        return BrandPayload(brand=Brand.from_model(brand))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(BrandPayload)
    async def update_brand(self, info: Info, input: UpdateBrandInput) -> BrandPayload:
        brand = await service.update_brand(
            info.context.session, brand_id=decode_id(input.id, "Brand", field="id"),
            changes=given(input, exclude=("id", "sender_emails", "rcs_senders")), sender_emails=input.sender_emails, rcs_senders=input.rcs_senders,
        )
        await info.context.session.commit()
        return BrandPayload(brand=Brand.from_model(brand))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="The brand and its senders.")
    @returns_user_errors(DeletePayload)
    async def delete_brand(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete_brand(info.context.session, brand_id=decode_id(input.id, "Brand", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
