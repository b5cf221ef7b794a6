"""Contact tags of a tenant: the registry (`contactTags`), and create / rename / delete a tag, tag / untag contacts."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.contacts import tags
from schema.contacts.types import Contact
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.permissions import IsAuthenticated


@strawberry.input
class ContactTagInput:
    tenant_id: strawberry.ID
    tag: str


@strawberry.input
class RenameContactTagInput:
    tenant_id: strawberry.ID
    tag: str
    new_tag: str


@strawberry.input
class TagContactsInput:
    list_id: strawberry.ID
    contact_ids: list[strawberry.ID] = strawberry.field(description="Contacts of that list (all or none are changed).")
    tags: list[str]


@strawberry.type
class ContactTagPayload:
    tag: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TagContactsPayload:
    contacts: list[Contact] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TagQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="Every tag of the tenant's contacts (and tags made before any contact had them), sorted.")
    async def contact_tags(self, info: Info, tenant_id: strawberry.ID) -> list[str]:
        return await tags.all_tags(info.context.session, tenant_id=decode_id(tenant_id, "Tenant", field="tenantId"))


async def _tag_contacts(info: Info, input: TagContactsInput, *, remove: bool) -> TagContactsPayload:
    contacts = await tags.tag_members(
        info.context.session, list_id=decode_id(input.list_id, "ContactList", field="listId"),
        contact_ids=[decode_id(i, "Contact", field="contactIds") for i in input.contact_ids], tags=input.tags, remove=remove,
    )
    await info.context.session.commit()
    return TagContactsPayload(contacts=[Contact.from_model(c) for c in contacts])


@strawberry.type
class TagMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="A tag no contact has yet (TAG_TAKEN when it exists).")
    @returns_user_errors(ContactTagPayload)
    async def create_contact_tag(self, info: Info, input: ContactTagInput) -> ContactTagPayload:
        tag = await tags.create_tag(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), tag=input.tag)
        await info.context.session.commit()
        return ContactTagPayload(tag=tag)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Renames the tag on every contact of the tenant.")
    @returns_user_errors(ContactTagPayload)
    async def rename_contact_tag(self, info: Info, input: RenameContactTagInput) -> ContactTagPayload:
        tag = await tags.rename_tag(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), tag=input.tag, new_tag=input.new_tag)
        await info.context.session.commit()
        return ContactTagPayload(tag=tag)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Removes the tag from every contact of the tenant.")
    @returns_user_errors(ContactTagPayload)
    async def delete_contact_tag(self, info: Info, input: ContactTagInput) -> ContactTagPayload:
        await tags.delete_tag(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), tag=input.tag)
        await info.context.session.commit()
        return ContactTagPayload(tag=input.tag)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TagContactsPayload)
    async def tag_contacts(self, info: Info, input: TagContactsInput) -> TagContactsPayload:
        return await _tag_contacts(info, input, remove=False)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(TagContactsPayload)
    async def untag_contacts(self, info: Info, input: TagContactsInput) -> TagContactsPayload:
        return await _tag_contacts(info, input, remove=True)
