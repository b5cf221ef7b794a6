"""Landing pages, layouts and editor assets in the graph (`domain.templates.pages`, `domain.templates.assets`).

A landing page or a layout is a Template (channel PAGE); `Template.page` reads its editor side, `deleteTemplate`
deletes it (a layout landing pages use is LAYOUT_IN_USE).
"""
from __future__ import annotations

import base64
import binascii

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.errors import Invalid
from domain.templates import assets, pages
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.templates.mutations import TemplatePayload
from schema.templates.types import EditorAsset, PageKind, Template
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input(description="A landing page, or a layout (`kind: LAYOUT`) landing pages are placed in.")
class CreatePageInput:
    tenant_id: strawberry.ID
    name: str
    kind: PageKind = PageKind.LANDING_PAGE
    brand_id: strawberry.ID | None = None
    layout_id: strawberry.ID | None = strawberry.field(default=None, description="A layout of the same tenant (landing pages only).")
    owner_type: str | None = strawberry.field(default=None, description="The kind of the owning resource: `event`.")
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="The owning Event's id.")
    content_state: JSON | None = strawberry.field(default=None, description="The editor's document; publishing reads its `html` and `css`.")


@strawberry.input(description="The fields given change; null unsets brandId, layoutId and the owner.")
class UpdatePageInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    brand_id: strawberry.ID | None = strawberry.UNSET
    layout_id: strawberry.ID | None = strawberry.UNSET
    owner_type: str | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET
    content_state: JSON | None = strawberry.UNSET


@strawberry.input
class PublishPageInput:
    id: strawberry.ID


@strawberry.input(description=f"A file for the page editor, base64-encoded, {assets.MAX_BYTES} bytes at most once decoded.")
class UploadEditorAssetInput:
    tenant_id: strawberry.ID
    filename: str
    content_base64: str
    content_type: str | None = strawberry.field(default=None, description="Guessed from the filename when absent.")


@strawberry.type
class EditorAssetPayload:
    editor_asset: EditorAsset | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _changes(input: CreatePageInput | UpdatePageInput, *, exclude: tuple[str, ...]) -> dict:
    changes = given(input, exclude=exclude)
    for name, type_name, field in (("brand_id", "Brand", "brandId"), ("layout_id", "Template", "layoutId"), ("owner_id", "Event", "ownerId")):
        if name in changes:
            changes[name] = decode_id(changes[name], type_name, field=field)
    return changes


def _decode(content: str) -> bytes:
    # 4 base64 characters hold 3 bytes: refuse a too large file before decoding it
    if len(content) > (assets.MAX_BYTES // 3 + 2) * 4 + 4:
        raise Invalid(f"An editor asset may have {assets.MAX_BYTES} bytes at most", code="ASSET_TOO_LARGE", field="contentBase64")
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError) as error:
        raise Invalid("contentBase64 is not base64", code="INVALID_BASE64", field="contentBase64") from error


@strawberry.type
class PageMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TemplatePayload)
    async def create_page(self, info: Info, input: CreatePageInput) -> TemplatePayload:
        fields = _changes(input, exclude=("tenant_id", "kind"))
        template = await pages.create(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
                                      kind=input.kind.value, **fields)
        await info.context.session.commit()
        return TemplatePayload(template=Template.from_model(template))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TemplatePayload)
    async def update_page(self, info: Info, input: UpdatePageInput) -> TemplatePayload:
        template = await pages.update(info.context.session, template_id=decode_id(input.id, "Template", field="id"),
                                      changes=_changes(input, exclude=("id",)))
        await info.context.session.commit()
        return TemplatePayload(template=Template.from_model(template))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Renders a landing page into its layout and serves it at its `publicUrl`.")
    @returns_user_errors(TemplatePayload)
    async def publish_page(self, info: Info, input: PublishPageInput) -> TemplatePayload:
        template = await pages.publish(info.context.session, template_id=decode_id(input.id, "Template", field="id"))
        await info.context.session.commit()
        return TemplatePayload(template=Template.from_model(template))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(EditorAssetPayload)
    async def upload_editor_asset(self, info: Info, input: UploadEditorAssetInput) -> EditorAssetPayload:
        asset = await assets.upload(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
                                    filename=input.filename, data=_decode(input.content_base64), content_type=input.content_type)
        await info.context.session.commit()
        return EditorAssetPayload(editor_asset=EditorAsset.from_model(asset))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_editor_asset(self, info: Info, input: DeleteInput) -> DeletePayload:
        await assets.delete(info.context.session, asset_id=decode_id(input.id, "EditorAsset", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
