"""A list's custom attribute definitions: `listAttributeDefinitions`, create and delete one."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.contacts import attribute_definitions as definitions
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.permissions import IsAuthenticated


@strawberry.type(description="A custom attribute a list declares; values live in Contact.attributes.")
class AttributeDefinition:
    name: str
    type: str = strawberry.field(description="text, mediumtext, integer, timestamp or datetime.")


@strawberry.input
class CreateAttributeDefinitionInput:
    list_id: strawberry.ID
    name: str
    type: str


@strawberry.input
class DeleteAttributeDefinitionInput:
    list_id: strawberry.ID
    name: str


@strawberry.type
class AttributeDefinitionPayload:
    definition: AttributeDefinition | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AttributeDefinitionQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="A list's custom attribute definitions, sorted by name.")
    async def list_attribute_definitions(self, info: Info, list_id: strawberry.ID) -> list[AttributeDefinition]:
        found = await definitions.all_definitions(info.context.session, list_id=decode_id(list_id, "ContactList", field="listId"))
        return [AttributeDefinition(**d) for d in found]


@strawberry.type
class AttributeDefinitionMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(AttributeDefinitionPayload)
    async def create_attribute_definition(self, info: Info, input: CreateAttributeDefinitionInput) -> AttributeDefinitionPayload:
        found = await definitions.create(info.context.session, list_id=decode_id(input.list_id, "ContactList", field="listId"),
                                         name=input.name, type=input.type)
        await info.context.session.commit()
        return AttributeDefinitionPayload(definition=AttributeDefinition(**found))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Contacts keep their values.")
    @returns_user_errors(AttributeDefinitionPayload)
    async def delete_attribute_definition(self, info: Info, input: DeleteAttributeDefinitionInput) -> AttributeDefinitionPayload:
        found = await definitions.delete(info.context.session, list_id=decode_id(input.list_id, "ContactList", field="listId"), name=input.name)
        await info.context.session.commit()
        return AttributeDefinitionPayload(definition=AttributeDefinition(**found))
