from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.events import qr_codes
from domain.messaging import service
from schema.enums import Channel, EventType
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.messaging.types import Message, Process
from schema.permissions import IsAuthenticated


@strawberry.input(description="One transactional message: inline content, or a template rendered with `data`.")
class SendMessageInput:
    tenant_id: strawberry.ID
    to: str
    channel: Channel = Channel.EMAIL
    subject: str | None = None
    html: str | None = None
    text: str | None = None
    template_id: strawberry.ID | None = None
    data: JSON | None = None
    language: str | None = strawberry.field(default=None, description="Which template part to use.")
    sender: str | None = strawberry.field(default=None, description='"Name <address>"; the tenant\'s default sender when absent.')
    external_id: str | None = None
    idempotency_key: str | None = strawberry.field(default=None, description="The same key again returns the same message, sent once.")
    headers: JSON | None = strawberry.field(default=None, description='Extra email headers, e.g. {"X-Campaign": "spring"}; a "Reply-To" sets the reply-to address.')


@strawberry.input(description="Trigger a Doxie event: its templates are sent with the payload, in one process.")
class TriggerEventInput:
    tenant_id: strawberry.ID
    event_slug: str
    payload: JSON
    type: EventType = EventType.MAILER


@strawberry.input
class CancelProcessInput:
    process_id: strawberry.ID


@strawberry.type
class SendMessagePayload:
    message: Message | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProcessPayload:
    process: Process | None = None
    messages: list[Message] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MessagingMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Queued at once; a worker renders and delivers it.")
    @returns_user_errors(SendMessagePayload)
    async def send_message(self, info: Info, input: SendMessageInput) -> SendMessagePayload:
        message = await service.queue_message(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), channel=input.channel,
            to=input.to, subject=input.subject, html=input.html, text=input.text,
            template_id=decode_id(input.template_id, "Template", field="templateId"), data=input.data,
            language=input.language, sender=input.sender, external_id=input.external_id, idempotency_key=input.idempotency_key,
            headers=input.headers,
        )
        await info.context.session.commit()
        return SendMessagePayload(message=Message.from_model(message))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ProcessPayload)
    async def trigger_event(self, info: Info, input: TriggerEventInput) -> ProcessPayload:
        process, messages = await service.trigger_event(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
            event_slug=input.event_slug, payload=input.payload, type=input.type,
            qr_links=qr_codes.QrLinks(info.context.settings.secret_key, info.context.settings.public_url),
        )
        await info.context.session.commit()
        return ProcessPayload(process=Process.from_model(process), messages=[Message.from_model(m) for m in messages])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Queued messages are cancelled; those in flight finish.")
    @returns_user_errors(ProcessPayload)
    async def cancel_process(self, info: Info, input: CancelProcessInput) -> ProcessPayload:
        process = await service.cancel_process(info.context.session, process_id=decode_id(input.process_id, "Process", field="processId"))
        await info.context.session.commit()
        return ProcessPayload(process=Process.from_model(process))
