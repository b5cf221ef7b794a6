from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.templates import service
from schema.enums import Channel
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.templates.types import Template
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input(description="Content in one language; Jinja2 sources rendered with the send's data.")
class TemplatePartInput:
    language: str
    subject: str | None = None
    preheader: str | None = None
    html: str | None = None
    text: str | None = None
    headers: JSON | None = None


@strawberry.input
class CreateTemplateInput:
    tenant_id: strawberry.ID
    name: str
    parts: list[TemplatePartInput]
    channel: Channel = Channel.EMAIL
    api_name: str | None = None
    default_language: str | None = None
    settings: JSON | None = None
    dictionary_id: strawberry.ID | None = strawberry.field(default=None, description="A dictionary of the same tenant: its labels render as `{{ t.<label> }}`.")


@strawberry.input
class UpdateTemplateInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    api_name: str | None = strawberry.UNSET
    default_language: str | None = strawberry.UNSET
    parts: list[TemplatePartInput] | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    dictionary_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="null unlinks the dictionary.")


@strawberry.type
class TemplatePayload:
    template: Template | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _parts(parts: list[TemplatePartInput] | None) -> list[dict]:
    return [vars(p) for p in parts or []]


@strawberry.type
class TemplateMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TemplatePayload)
    async def create_template(self, info: Info, input: CreateTemplateInput) -> TemplatePayload:
        template = await service.create(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), name=input.name,
            channel=input.channel, parts=_parts(input.parts), api_name=input.api_name,
            default_language=input.default_language, settings=input.settings,
            dictionary_id=decode_id(input.dictionary_id, "Dictionary", field="dictionaryId"),
        )
        await info.context.session.commit()
        return TemplatePayload(template=Template.from_model(template))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TemplatePayload)
    async def update_template(self, info: Info, input: UpdateTemplateInput) -> TemplatePayload:
        changes = given(input, exclude=("id",))
        if "parts" in changes:
            changes["parts"] = _parts(changes["parts"])
        if changes.get("settings", {}) is None:
            changes["settings"] = {}
        if "dictionary_id" in changes:
            changes["dictionary_id"] = decode_id(changes["dictionary_id"], "Dictionary", field="dictionaryId")
        template = await service.update(info.context.session, template_id=decode_id(input.id, "Template", field="id"), changes=changes)
        await info.context.session.commit()
        return TemplatePayload(template=Template.from_model(template))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_template(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete(info.context.session, template_id=decode_id(input.id, "Template", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
