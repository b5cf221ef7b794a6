from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from domain.exports import links, service
from schema.enums import SubscriptionStatus
from schema.errors import UserError, returns_user_errors
from schema.exports.types import Export, ExportKind
from schema.ids import decode_id
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput


@strawberry.input(description="CONTACTS takes listId and at most one of segmentId or a condition (plus status and email); CAMPAIGN_LOG takes campaignId.")
class CreateExportInput:
    kind: ExportKind
    list_id: strawberry.ID | None = None
    campaign_id: strawberry.ID | None = None
    description: str | None = None
    status: SubscriptionStatus | None = strawberry.field(default=None, description="Only members with this status (default: every member).")
    segment_id: strawberry.ID | None = strawberry.field(default=None, description="A segment of the list: its subscribed members matching its rules.")
    condition_language: str | None = strawberry.field(default=None, description="sql, fiql or json, as for a segment's condition.")
    condition: str | None = None
    email: str | None = strawberry.field(default=None, description="Only the member with this address.")


@strawberry.type
class ExportPayload:
    export: Export | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteExportPayload:
    deleted_id: strawberry.ID | None = None
    export: Export | None = strawberry.field(default=None, description="The export as it was when deleted.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ExportDownloadPayload:
    url: str | None = strawberry.field(default=None, description="The CSV (text/csv), without a credential, until expiresAt.")
    expires_at: datetime | None = None
    export: Export | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ExportQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="The download link of a DONE export; EXPORT_NOT_READY, EXPORT_NOT_BUILT (failed) or EXPORT_NOT_AVAILABLE (expired) otherwise.")
    @returns_user_errors(ExportDownloadPayload)
    async def export_download(self, info: Info, id: strawberry.ID) -> ExportDownloadPayload:
        export = await service.downloadable(info.context.session, export_id=decode_id(id, "Export", field="id"))
        settings = info.context.settings
        return ExportDownloadPayload(url=links.download_url(settings.public_url, settings.secret_key, export.id, export.expires_at),
                                     expires_at=export.expires_at, export=Export.from_model(export))


@strawberry.type
class ExportMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Request an export: it comes back PENDING and a worker builds it.")
    @returns_user_errors(ExportPayload)
    async def create_export(self, info: Info, input: CreateExportInput) -> ExportPayload:
        principal = info.context.principal
        export = await service.create(
            info.context.session, kind=input.kind, list_id=decode_id(input.list_id, "ContactList", field="listId"),
            campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"), description=input.description,
            status=input.status, segment_id=decode_id(input.segment_id, "Segment", field="segmentId"),
            condition_language=input.condition_language, condition=input.condition, email=input.email,
            requested_by=principal.subject if principal else None, requested_by_user=bool(principal and principal.kind == "user"),
        )
        await info.context.session.commit()  # the export and its build job, together
        return ExportPayload(export=Export.from_model(export))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="The export and its file.")
    @returns_user_errors(DeleteExportPayload)
    async def delete_export(self, info: Info, input: DeleteInput) -> DeleteExportPayload:
        export = await service.delete(info.context.session, export_id=decode_id(input.id, "Export", field="id"))
        await info.context.session.commit()
        return DeleteExportPayload(deleted_id=input.id, export=Export.from_model(export))
