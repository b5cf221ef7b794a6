"""A list's interests: `ContactList.interests`, create / update / delete one, add / remove interests on contacts."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.contacts import interests
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated


@strawberry.type(description="An interest of a list: `usage` is how many of its members have it.")
class ListInterest:
    name: str
    alias: str | None
    usage: int


@strawberry.input
class CreateListInterestInput:
    list_id: strawberry.ID
    name: str
    alias: str | None = None


@strawberry.input
class UpdateListInterestInput:
    list_id: strawberry.ID
    name: str
    new_name: str | None = strawberry.field(default=strawberry.UNSET, description="Renames it on the list's members.")
    alias: str | None = strawberry.UNSET


@strawberry.input
class DeleteListInterestInput:
    list_id: strawberry.ID
    name: str


@strawberry.input
class ContactInterestsInput:
    list_id: strawberry.ID
    contact_ids: list[strawberry.ID] = strawberry.field(description="Contacts of that list (all or none are changed).")
    interests: list[str]


@strawberry.type
class ListInterestPayload:
    interest: ListInterest | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ContactInterestsPayload:
    changed_contact_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InterestQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="A list's interests, sorted by name.")
    async def list_interests(self, info: Info, list_id: strawberry.ID) -> list[ListInterest]:
        found = await interests.all_interests(info.context.session, list_id=decode_id(list_id, "ContactList", field="listId"))
        return [ListInterest(**i) for i in found]


def _list_id(input) -> int:
    return decode_id(input.list_id, "ContactList", field="listId")


async def _change(info: Info, input: ContactInterestsInput, *, remove: bool) -> ContactInterestsPayload:
    rows = await interests.change_members(info.context.session, list_id=_list_id(input), names=input.interests, remove=remove,
                                          contact_ids=[decode_id(i, "Contact", field="contactIds") for i in input.contact_ids])
    await info.context.session.commit()
    from schema.relay import to_global_id

    return ContactInterestsPayload(changed_contact_ids=[to_global_id("Contact", c.id) for c in rows])


@strawberry.type
class InterestMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ListInterestPayload)
    async def create_list_interest(self, info: Info, input: CreateListInterestInput) -> ListInterestPayload:
        found = await interests.create(info.context.session, list_id=_list_id(input), name=input.name, alias=input.alias)
        await info.context.session.commit()
        return ListInterestPayload(interest=ListInterest(**found))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ListInterestPayload)
    async def update_list_interest(self, info: Info, input: UpdateListInterestInput) -> ListInterestPayload:
        found = await interests.update(info.context.session, list_id=_list_id(input), name=input.name,
                                       changes=given(input, exclude=("list_id", "name")))
        await info.context.session.commit()
        return ListInterestPayload(interest=ListInterest(**found))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Also takes it off the list's members.")
    @returns_user_errors(ListInterestPayload)
    async def delete_list_interest(self, info: Info, input: DeleteListInterestInput) -> ListInterestPayload:
        found = await interests.delete(info.context.session, list_id=_list_id(input), name=input.name)
        await info.context.session.commit()
        return ListInterestPayload(interest=ListInterest(**found))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ContactInterestsPayload)
    async def add_contact_interests(self, info: Info, input: ContactInterestsInput) -> ContactInterestsPayload:
        return await _change(info, input, remove=False)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ContactInterestsPayload)
    async def remove_contact_interests(self, info: Info, input: ContactInterestsInput) -> ContactInterestsPayload:
        return await _change(info, input, remove=True)
