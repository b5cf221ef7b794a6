from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.brands import service
from schema.brands.types import Sender
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
