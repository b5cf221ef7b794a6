from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from domain.errors import DomainError
from domain.exports import links, service
from schema.relay import Node

CampaignRef = Annotated["Campaign", strawberry.lazy("schema.campaigns.types")]
ContactListRef = Annotated["ContactList", strawberry.lazy("schema.contacts.types")]
TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]

ExportKind = strawberry.enum(models.ExportKind, name="ExportKind", description="CONTACTS: a list's members; CAMPAIGN_LOG: the events of a campaign's messages.")
ExportStatus = strawberry.enum(models.ExportStatus, name="ExportStatus", description="PENDING, then RUNNING while a worker writes chunks, then DONE or FAILED.")


@strawberry.type(description="A CSV export a worker builds in the background; downloadable once DONE, until expiresAt.")
class Export(Node):
    model: strawberry.Private[models.Export]
    kind: ExportKind
    status: ExportStatus
    description: str | None
    parameters: JSON = strawberry.field(description="What was asked for: status, segment_id, condition, email, the rules they mean, the attribute columns.")
    total_rows: int = strawberry.field(description="Rows counted when the export was requested.")
    rows_written: int
    error: str | None = strawberry.field(description="Why a FAILED export failed.")
    requested_by: str | None = strawberry.field(description="Who asked: the user's email, or the credential's subject.")
    requested_by_user_id: int | None = strawberry.field(description="The user who asked, when a user did (not an API token).")
    created_at: datetime
    expires_at: datetime
    finished_at: datetime | None

    @strawberry.field(description="Percent of the rows written, 0 to 100 (100 once DONE).")
    def progress(self) -> int:
        return service.progress(self.model)

    @strawberry.field(description="A signed link to the CSV (text/csv), valid without a credential until expiresAt; null unless DONE and not expired.")
    def download_url(self, info: Info) -> str | None:
        try:
            service.check_downloadable(self.model)
        except DomainError:
            return None
        settings = info.context.settings
        return links.download_url(settings.public_url, settings.secret_key, self.model.id, self.model.expires_at)

    @strawberry.field
    async def list(self, info: Info) -> ContactListRef | None:
        from schema.contacts.types import ContactList

        row = await info.context.loaders.load(models.ContactList, self.model.list_id)
        return row and ContactList.from_model(row)

    @strawberry.field
    async def campaign(self, info: Info) -> CampaignRef | None:
        from schema.campaigns.types import Campaign

        row = await info.context.loaders.load(models.Campaign, self.model.campaign_id)
        return row and Campaign.from_model(row)

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        from schema.tenants.loaders import load_tenant

        return await load_tenant(info, self.model.tenant_id)
