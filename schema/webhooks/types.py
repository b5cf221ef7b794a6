from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from schema.relay import Connection, Node, paginate

ProcessRef = Annotated["Process", strawberry.lazy("schema.messaging.types")]
TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]


@strawberry.type(description="One attempt to POST one event to one endpoint (a Doxie webhook interaction).")
class WebhookDelivery(Node):
    model: strawberry.Private[models.WebhookDelivery]
    event: str = strawberry.field(description="e.g. message.sent, message.failed, process.cancelled.")
    attempt: int = strawberry.field(description="1 for the first try, then 2, 3, ... for each retry.")
    payload: JSON = strawberry.field(description="The JSON body sent.")
    response_status: int | None = strawberry.field(description="The receiver's HTTP status; null while pending or when no answer came.")
    response_body: str | None = strawberry.field(description="The start of the receiver's answer.")
    error: str | None = strawberry.field(description="Why the attempt failed (a non-2xx status, a timeout, a refused connection).")
    created_at: datetime

    @strawberry.field(description="The `webhook-id` header: the same on every attempt of one delivery.")
    def webhook_id(self) -> str:
        return str(self.model.first_attempt_id or self.model.id)

    @strawberry.field(description="Sent (a 2xx answer); false while pending or after a failed attempt.")
    def succeeded(self) -> bool:
        status = self.model.response_status
        return status is not None and 200 <= status < 300

    @strawberry.field
    async def endpoint(self, info: Info) -> WebhookEndpoint | None:
        row = await info.context.loaders.load(models.WebhookEndpoint, self.model.endpoint_id)
        return row and WebhookEndpoint.from_model(row)

    @strawberry.field
    async def process(self, info: Info) -> ProcessRef | None:
        from schema.messaging.types import Process

        row = await info.context.loaders.load(models.Process, self.model.process_id)
        return row and Process.from_model(row)


@strawberry.type(description="An address sendgraph POSTs signed event notifications to.")
class WebhookEndpoint(Node):
    model: strawberry.Private[models.WebhookEndpoint]
    url: str
    events: JSON
    active: bool
    description: str | None
    basic_auth_username: str | None
    created_at: datetime

    @strawberry.field(description="Since when the endpoint is inactive (deactivated, or archived in Especial's words); null while active.")
    def deactivated_at(self) -> datetime | None:
        from domain.webhooks.service import deactivated_at

        return deactivated_at(self.model)

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        from schema.tenants.loaders import load_tenant

        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field(description="Every delivery attempt to this endpoint, newest first.")
    async def deliveries(
        self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None
    ) -> Connection[WebhookDelivery]:
        query = select(models.WebhookDelivery).where(models.WebhookDelivery.endpoint_id == self.model.id)
        return await paginate(info, query, model=models.WebhookDelivery, wrap=WebhookDelivery.from_model,
                              first=first, after=after, last=last, before=before, descending=True)
