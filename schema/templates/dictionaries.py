"""Dictionary mutations: create, update, delete a dictionary; set and delete one of its labels."""
from __future__ import annotations

import enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.templates import dictionaries as service
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.templates.types import Dictionary
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.enum(description="How setDictionaryLabel treats a label that already exists, or not.")
class LabelWrite(enum.Enum):
    UPSERT = "upsert"
    CREATE = "create"
    UPDATE = "update"


@strawberry.input
class CreateDictionaryInput:
    tenant_id: strawberry.ID
    api_name: str
    name: str
    description: str | None = None
    tags: list[str] | None = None
    labels: JSON | None = strawberry.field(default=None, description="{label: {language: text}} to start with.")


@strawberry.input
class UpdateDictionaryInput:
    id: strawberry.ID
    api_name: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


@strawberry.input
class SetDictionaryLabelInput:
    dictionary_id: strawberry.ID
    label: str
    translations: JSON = strawberry.field(description="{language: text}; replaces the label's translations.")
    mode: LabelWrite = strawberry.field(default=LabelWrite.UPSERT, description="CREATE: the label must be new (LABEL_TAKEN); UPDATE: it must exist (LABEL_NOT_FOUND).")


@strawberry.input
class DeleteDictionaryLabelInput:
    dictionary_id: strawberry.ID
    label: str


@strawberry.type
class DictionaryPayload:
    dictionary: Dictionary | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _id(value: strawberry.ID, field: str) -> int:
    return decode_id(value, "Dictionary", field=field)


@strawberry.type
class DictionaryMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DictionaryPayload)
    async def create_dictionary(self, info: Info, input: CreateDictionaryInput) -> DictionaryPayload:
        dictionary = await service.create(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), api_name=input.api_name,
            name=input.name, description=input.description, tags=input.tags, labels=_labels(input.labels),
        )
        await info.context.session.commit()
        return DictionaryPayload(dictionary=Dictionary.from_model(dictionary))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DictionaryPayload)
    async def update_dictionary(self, info: Info, input: UpdateDictionaryInput) -> DictionaryPayload:
        dictionary = await service.update(info.context.session, dictionary_id=_id(input.id, "id"), changes=given(input, exclude=("id",)))
        await info.context.session.commit()
        return DictionaryPayload(dictionary=Dictionary.from_model(dictionary))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_dictionary(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete(info.context.session, dictionary_id=_id(input.id, "id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Create a label or replace its translations.")
    @returns_user_errors(DictionaryPayload)
    async def set_dictionary_label(self, info: Info, input: SetDictionaryLabelInput) -> DictionaryPayload:
        dictionary = await service.set_label(
            info.context.session, dictionary_id=_id(input.dictionary_id, "dictionaryId"), label=input.label,
            translations=input.translations, mode=service.LabelWrite(input.mode.value),
        )
        await info.context.session.commit()
        return DictionaryPayload(dictionary=Dictionary.from_model(dictionary))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DictionaryPayload)
    async def delete_dictionary_label(self, info: Info, input: DeleteDictionaryLabelInput) -> DictionaryPayload:
        dictionary = await service.delete_label(info.context.session, dictionary_id=_id(input.dictionary_id, "dictionaryId"), label=input.label)
        await info.context.session.commit()
        return DictionaryPayload(dictionary=Dictionary.from_model(dictionary))


def _labels(labels) -> dict | None:
    from domain.errors import Invalid

    if labels is not None and not isinstance(labels, dict):
        raise Invalid("labels must be an object {label: {language: text}}", code="INVALID_TYPE", field="labels")
    return labels
