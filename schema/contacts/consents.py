"""Consents with double opt-in (see domain/contacts/consents.py): initiate (a DOI mail), revoke."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.contacts import consents
from schema.contacts.types import ListMember
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.messaging.types import Process
from schema.permissions import IsAuthenticated


@strawberry.input(description="Ask a contact (found or created by email or phone) to confirm a consent purpose: a double opt-in list.")
class InitiateConsentInput:
    tenant_id: strawberry.ID
    list_id: strawberry.ID = strawberry.field(description="The consent purpose: a list with doubleOptIn.")
    email: str | None = None
    phone: str | None = None
    event_slug: str | None = strawberry.field(
        default=None, description="The mailer event that sends the DOI mail; the list's `settings.doi_event` when absent.")
    payload: JSON | None = strawberry.field(
        default=None, description="More data for the DOI mail; it also gets `confirmation_url`, `identifier`, `purpose`, `email`, `phone`.")


@strawberry.input(description="Revoke one consent (listId) or every open consent of a contact.")
class RevokeConsentInput:
    tenant_id: strawberry.ID
    email: str | None = None
    phone: str | None = None
    list_id: strawberry.ID | None = None


@strawberry.type
class InitiateConsentPayload:
    member: ListMember | None = strawberry.field(default=None, description="The consent: PENDING, or SUBSCRIBED when it was already confirmed.")
    process: Process | None = strawberry.field(default=None, description="The DOI mail's process; null when nothing was sent.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeConsentPayload:
    members: list[ListMember] = strawberry.field(default_factory=list, description="The consents revoked.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConsentMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="The member becomes PENDING until the link in the DOI mail is followed.")
    @returns_user_errors(InitiateConsentPayload)
    async def initiate_consent(self, info: Info, input: InitiateConsentInput) -> InitiateConsentPayload:
        settings = info.context.settings
        member, process = await consents.initiate(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
            list_id=decode_id(input.list_id, "ContactList", field="listId"), email=input.email, phone=input.phone,
            event_slug=input.event_slug, payload=input.payload,
            links=consents.ConfirmationLinks(settings.secret_key, settings.public_url),
        )
        await info.context.session.commit()
        return InitiateConsentPayload(member=ListMember.from_model(member), process=process and Process.from_model(process))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(RevokeConsentPayload)
    async def revoke_consent(self, info: Info, input: RevokeConsentInput) -> RevokeConsentPayload:
        members = await consents.revoke(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), email=input.email,
            phone=input.phone, list_id=decode_id(input.list_id, "ContactList", field="listId"),
        )
        await info.context.session.commit()
        return RevokeConsentPayload(members=[ListMember.from_model(m) for m in members])
