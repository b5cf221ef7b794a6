"""Putting many contacts on a list at once, and taking one off (see domain/contacts/imports.py)."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.contacts import imports, service
from schema.contacts.types import Contact, ListMember
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id

from schema.permissions import IsAuthenticated

ImportAction = strawberry.enum(imports.ImportAction, name="ImportAction", description="What an import does to each contact's place on the list.")


@strawberry.input(description="One contact of an import, named by its email address.")
class ImportContactRow:
    email: str
    attributes: JSON | None = strawberry.field(default=None, description="Merged into the contact's attributes; a null value removes one.")
    tags: list[str] | None = None
    interests: list[str] | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None


@strawberry.input
class ImportContactsInput:
    list_id: strawberry.ID
    contacts: list[ImportContactRow]
    action: ImportAction = ImportAction.SUBSCRIBE
    resubscribe: bool = strawberry.field(default=False, description="SUBSCRIBE brings back members who unsubscribed or bounced.")
    replace_tags: bool = strawberry.field(default=False, description="Tags given replace the contact's instead of adding to them.")
    replace_interests: bool = strawberry.field(default=False, description="Interests given replace the contact's instead of adding to them.")


@strawberry.type(description="What an import did with one row.")
class ImportedContact:
    email: str
    created: bool = strawberry.field(description="The contact was new to the tenant.")
    contact: Contact | None
    member: ListMember | None = strawberry.field(description="The contact's place on the list (null after REMOVE or an error).")
    error: UserError | None = strawberry.field(description="Why this row was not imported; the other rows were.")


@strawberry.type
class ImportContactsPayload:
    results: list[ImportedContact] = strawberry.field(default_factory=list, description="One per row, in order.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RemoveContactFromListInput:
    list_id: strawberry.ID
    contact_id: strawberry.ID


@strawberry.type
class RemoveContactFromListPayload:
    removed_contact_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _imported(row: imports.ImportedRow) -> ImportedContact:
    error = row.error and UserError(field=row.error.field, message=row.error.message, code=row.error.code)
    return ImportedContact(
        email=row.email, created=row.created, error=error,
        contact=Contact.from_model(row.contact) if row.contact is not None and error is None else None,
        member=ListMember.from_model(row.member) if row.member is not None and error is None else None,
    )


@strawberry.type
class MembershipMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Add, unsubscribe or remove contacts of a list by email, in one request.")
    @returns_user_errors(ImportContactsPayload)
    async def import_contacts(self, info: Info, input: ImportContactsInput) -> ImportContactsPayload:
        rows = [
            {k: v for k, v in vars(row).items() if v is not None and v is not strawberry.UNSET}
            for row in input.contacts
        ]
        results = await imports.import_contacts(
            info.context.session, list_id=decode_id(input.list_id, "ContactList", field="listId"), rows=rows, action=input.action,
            resubscribe=input.resubscribe, replace_tags=input.replace_tags, replace_interests=input.replace_interests,
        )
        await info.context.session.commit()
        return ImportContactsPayload(results=[_imported(row) for row in results])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Take a contact off a list; the contact and its other lists stay.")
    @returns_user_errors(RemoveContactFromListPayload)
    async def remove_contact_from_list(self, info: Info, input: RemoveContactFromListInput) -> RemoveContactFromListPayload:
        await service.remove_member(
            info.context.session, list_id=decode_id(input.list_id, "ContactList", field="listId"),
            contact_id=decode_id(input.contact_id, "Contact", field="contactId"),
        )
        await info.context.session.commit()
        return RemoveContactFromListPayload(removed_contact_id=input.contact_id)
