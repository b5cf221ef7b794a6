from __future__ import annotations

import builtins

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.contacts import lists, service, suppression
from schema.contacts.types import Contact, ContactList, ListMember, Suppression
from schema.enums import SubscriptionStatus
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input
class CreateContactInput:
    tenant_id: strawberry.ID
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None
    clab_uuid: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    attributes: JSON | None = None
    tags: list[str] | None = None
    interests: list[str] | None = None
    list_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Subscribe the new contact to these lists.")


@strawberry.input
class UpdateContactInput:
    id: strawberry.ID
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    clab_uuid: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    attributes: JSON | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    interests: list[str] | None = strawberry.UNSET
    merge_attributes: bool = strawberry.field(default=False, description="Set the attributes given (null removes one) and keep the others.")


@strawberry.input
class CreateListInput:
    tenant_id: strawberry.ID
    name: str
    description: str | None = None
    double_opt_in: bool = False
    settings: JSON | None = None
    default_sender_id: strawberry.ID | None = strawberry.field(default=None, description="A sender of the same tenant.")


@strawberry.input
class UpdateListInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    double_opt_in: bool | None = strawberry.UNSET
    settings: JSON | None = strawberry.field(default=strawberry.UNSET, description="Replaces the list's settings (its default sender stays).")
    default_sender_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="null: no default sender.")


@strawberry.input
class SubscribeContactInput:
    list_id: strawberry.ID
    contact_id: strawberry.ID
    status: SubscriptionStatus = SubscriptionStatus.SUBSCRIBED


@strawberry.input
class SuppressAddressInput:
    tenant_id: strawberry.ID
    address: str = strawberry.field(description="An email address or a phone number in international form.")
    reason: str = strawberry.field(default="manual", description="manual (the default), hard_bounce, complaint or unsubscribe.")


@strawberry.input
class UnsuppressAddressInput:
    tenant_id: strawberry.ID
    address: str


@strawberry.type
class SuppressionPayload:
    suppression: Suppression | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UnsuppressAddressPayload:
    address: str | None = strawberry.field(default=None, description="The address sent to again, as it was stored.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="The list to archive: it then takes no new subscriber and no campaign launch.")
class ArchiveListInput:
    id: strawberry.ID


@strawberry.input(description="The archived list to open again.")
class UnarchiveListInput:
    id: strawberry.ID


@strawberry.input(description="The list whose policy the account accepts (Especial's accept-policy).")
class AcceptListPolicyInput:
    id: strawberry.ID


@strawberry.type
class ContactPayload:
    contact: Contact | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ListPayload:
    list: ContactList | None = None
    user_errors: builtins.list[UserError] = strawberry.field(default_factory=builtins.list)


@strawberry.type
class SubscribeContactPayload:
    member: ListMember | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _contact_fields(fields: dict) -> dict:
    for name in ("attributes", "tags", "interests"):
        if name in fields and fields[name] is None:
            fields[name] = {} if name == "attributes" else []
    return fields


async def _list_move(info: Info, move) -> ListPayload:
    contact_list = await move
    await info.context.session.commit()
    return ListPayload(list=ContactList.from_model(contact_list))


@strawberry.type
class ContactMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ContactPayload)
    async def create_contact(self, info: Info, input: CreateContactInput) -> ContactPayload:
        fields = _contact_fields(given(input, exclude=("tenant_id", "list_ids")))
        list_ids = [decode_id(i, "ContactList", field="listIds") for i in input.list_ids or []]
        contact = await service.create_contact(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), list_ids=list_ids, **fields
        )
        await info.context.session.commit()
        return ContactPayload(contact=Contact.from_model(contact))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ContactPayload)
    async def update_contact(self, info: Info, input: UpdateContactInput) -> ContactPayload:
        contact = await service.update_contact(
            info.context.session, contact_id=decode_id(input.id, "Contact", field="id"),
            changes=_contact_fields(given(input, exclude=("id", "merge_attributes"))), merge_attributes=input.merge_attributes,
        )
        await info.context.session.commit()
        return ContactPayload(contact=Contact.from_model(contact))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_contact(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete_contact(info.context.session, contact_id=decode_id(input.id, "Contact", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ListPayload)
    async def create_list(self, info: Info, input: CreateListInput) -> ListPayload:
        contact_list = await service.create_list(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
            name=input.name, description=input.description, double_opt_in=input.double_opt_in, settings=input.settings,
            default_sender_id=decode_id(input.default_sender_id, "Sender", field="defaultSenderId"),
        )
        await info.context.session.commit()
        return ListPayload(list=ContactList.from_model(contact_list))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(ListPayload)
    async def update_list(self, info: Info, input: UpdateListInput) -> ListPayload:
        changes = given(input, exclude=("id",))
        if "default_sender_id" in changes:
            changes["default_sender_id"] = decode_id(changes["default_sender_id"], "Sender", field="defaultSenderId")
        contact_list = await service.update_list(info.context.session, list_id=decode_id(input.id, "ContactList", field="id"), changes=changes)
        await info.context.session.commit()
        return ListPayload(list=ContactList.from_model(contact_list))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_list(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete_list(info.context.session, list_id=decode_id(input.id, "ContactList", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Archive a list: no new subscriber, no campaign launch to it (LIST_ARCHIVED); its members and history stay. Repeating it changes nothing.")
    @returns_user_errors(ListPayload)
    async def archive_list(self, info: Info, input: ArchiveListInput) -> ListPayload:
        return await _list_move(info, lists.set_archived(info.context.session, list_id=decode_id(input.id, "ContactList", field="id"), archived=True))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Open an archived list again. Repeating it changes nothing.")
    @returns_user_errors(ListPayload)
    async def unarchive_list(self, info: Info, input: UnarchiveListInput) -> ListPayload:
        return await _list_move(info, lists.set_archived(info.context.session, list_id=decode_id(input.id, "ContactList", field="id"), archived=False))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Record that the list's policy is accepted (once; it is not withdrawn).")
    @returns_user_errors(ListPayload)
    async def accept_list_policy(self, info: Info, input: AcceptListPolicyInput) -> ListPayload:
        return await _list_move(info, lists.accept_policy(info.context.session, list_id=decode_id(input.id, "ContactList", field="id")))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Add a contact to a list, or change its status there.")
    @returns_user_errors(SubscribeContactPayload)
    async def subscribe_contact(self, info: Info, input: SubscribeContactInput) -> SubscribeContactPayload:
        member = await service.subscribe(
            info.context.session, list_id=decode_id(input.list_id, "ContactList", field="listId"),
            contact_id=decode_id(input.contact_id, "Contact", field="contactId"), status=input.status,
        )
        await info.context.session.commit()
        return SubscribeContactPayload(member=ListMember.from_model(member))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Never send to this address again (idempotent: an existing entry is returned).")
    @returns_user_errors(SuppressionPayload)
    async def suppress_address(self, info: Info, input: SuppressAddressInput) -> SuppressionPayload:
        entry = await suppression.suppress(
            info.context.session, decode_id(input.tenant_id, "Tenant", field="tenantId"), input.address, input.reason,
        )
        await info.context.session.commit()
        return SuppressionPayload(suppression=Suppression.from_model(entry))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Lift a suppression: the address can be sent to again.")
    @returns_user_errors(UnsuppressAddressPayload)
    async def unsuppress_address(self, info: Info, input: UnsuppressAddressInput) -> UnsuppressAddressPayload:
        entry = await suppression.unsuppress(info.context.session, decode_id(input.tenant_id, "Tenant", field="tenantId"), input.address)
        await info.context.session.commit()
        return UnsuppressAddressPayload(address=entry.address)
