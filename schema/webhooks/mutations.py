from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.webhooks import service
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput, DeletePayload
from schema.webhooks.types import WebhookEndpoint

EVENTS_HELP = (
    "Events to send: message.sent, message.failed, message.status_updated, process.cancelled, doi.confirmed, "
    "qr_code.visited. Empty or absent: every event."
)


@strawberry.input
class CreateWebhookEndpointInput:
    tenant_id: strawberry.ID
    url: str = strawberry.field(description="An http or https URL; every event is POSTed there as JSON, signed.")
    events: list[str] | None = strawberry.field(default=None, description=EVENTS_HELP)
    description: str | None = None
    basic_auth_username: str | None = strawberry.field(default=None, description="Sent as HTTP basic auth, with the password.")
    basic_auth_password: str | None = None
    active: bool = True


@strawberry.input
class UpdateWebhookEndpointInput:
    id: strawberry.ID
    url: str | None = strawberry.UNSET
    events: list[str] | None = strawberry.field(default=strawberry.UNSET, description=EVENTS_HELP)
    description: str | None = strawberry.UNSET
    basic_auth_username: str | None = strawberry.field(default=strawberry.UNSET, description="null (with the password) removes basic auth.")
    basic_auth_password: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type
class CreateWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = None
    signing_secret: str | None = strawberry.field(
        default=None,
        description="The `whsec_...` secret that signs every request (Standard Webhooks). Shown only here: store it now.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(CreateWebhookEndpointPayload)
    async def create_webhook_endpoint(self, info: Info, input: CreateWebhookEndpointInput) -> CreateWebhookEndpointPayload:
        endpoint = await service.create_endpoint(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), url=input.url,
            events=input.events, description=input.description, basic_auth_username=input.basic_auth_username,
            basic_auth_password=input.basic_auth_password, active=input.active,
        )
        await info.context.session.commit()
        return CreateWebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(endpoint), signing_secret=endpoint.secret)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(WebhookEndpointPayload)
    async def update_webhook_endpoint(self, info: Info, input: UpdateWebhookEndpointInput) -> WebhookEndpointPayload:
        endpoint = await service.update_endpoint(
            info.context.session, endpoint_id=decode_id(input.id, "WebhookEndpoint", field="id"), changes=given(input, exclude=("id",))
        )
        await info.context.session.commit()
        return WebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(endpoint))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="The endpoint and its delivery history.")
    @returns_user_errors(DeletePayload)
    async def delete_webhook_endpoint(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete_endpoint(info.context.session, endpoint_id=decode_id(input.id, "WebhookEndpoint", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
