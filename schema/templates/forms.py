"""A list's subscription forms in the graph (`domain.contacts.forms`): PAGE templates flagged as forms, read as
`Tenant.forms`, changed by createForm / updateForm / deleteForm."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.contacts import forms
from schema.errors import returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.templates.mutations import TemplatePayload
from schema.templates.types import Template
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input(description="A subscription form of a list: its embeddable `html` in `language`; `linked` the hosted version.")
class CreateFormInput:
    tenant_id: strawberry.ID
    list_id: strawberry.ID
    name: str
    language: str
    html: str | None = None
    linked: str | None = None
    redirections: JSON | None = None
    double_opt_in: bool = True
    status: str = strawberry.field(default="active", description="active or deleted.")


@strawberry.input(description="Fields left out are kept.")
class UpdateFormInput:
    id: strawberry.ID
    list_id: strawberry.ID | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    html: str | None = strawberry.UNSET
    linked: str | None = strawberry.UNSET
    redirections: JSON | None = strawberry.UNSET
    double_opt_in: bool | None = strawberry.UNSET
    status: str | None = strawberry.UNSET


@strawberry.type
class FormMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="A subscription form of a list of the same tenant (a PAGE template).")
    @returns_user_errors(TemplatePayload)
    async def create_form(self, info: Info, input: CreateFormInput) -> TemplatePayload:
        fields = {k: v for k, v in given(input, exclude=("tenant_id", "list_id", "name", "language", "html")).items() if v is not None}
        form = await forms.create_form(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
            list_id=decode_id(input.list_id, "ContactList", field="listId"), name=input.name, language=input.language, html=input.html, **fields)
        await info.context.session.commit()
        return TemplatePayload(template=Template.from_model(form))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TemplatePayload)
    async def update_form(self, info: Info, input: UpdateFormInput) -> TemplatePayload:
        changes = given(input, exclude=("id",))
        if "list_id" in changes:
            changes["list_id"] = decode_id(changes["list_id"], "ContactList", field="listId")
        form = await forms.update_form(info.context.session, form_id=decode_id(input.id, "Template", field="id"), changes=changes)
        await info.context.session.commit()
        return TemplatePayload(template=Template.from_model(form))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_form(self, info: Info, input: DeleteInput) -> DeletePayload:
        await forms.delete_form(info.context.session, form_id=decode_id(input.id, "Template", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
