"""Transactional campaigns in the graph: send the campaign's template per call (one message per item),
or in bulk to its audience (see `domain.campaigns.transactional`)."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.campaigns import transactional
from schema.campaigns.mutations import CampaignPayload
from schema.campaigns.types import Campaign
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.messaging.types import Message
from schema.permissions import IsAuthenticated

ContactLookup = strawberry.enum(transactional.Lookup, name="ContactLookup", description="Which contact field a recipient names.")


@strawberry.input(description="Contact fields to create or update before sending; `attributes` are merged into the contact's.")
class ContactProfileInput:
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    attributes: JSON | None = strawberry.UNSET


@strawberry.input(description="One message: the recipient (as `lookup` says), the template's data and language.")
class TransactionalItemInput:
    recipient: str
    lookup: ContactLookup = ContactLookup.EMAIL
    language: str | None = None
    data: JSON | None = None
    external_id: str | None = strawberry.field(default=None, description="The caller's trace id (Marigold sg_external_id).")
    idempotency_key: str | None = strawberry.field(default=None, description="The same key again returns the same message, sent once.")
    profile: ContactProfileInput | None = strawberry.field(default=None, description="Upsert the contact the lookup finds (or create it) first.")


@strawberry.input
class SendTransactionalInput:
    campaign_id: strawberry.ID
    items: list[TransactionalItemInput]


@strawberry.input
class BulkSendTransactionalInput:
    campaign_id: strawberry.ID


@strawberry.type(description="What became of one item: its message, or why it was not sent.")
class TransactionalResult:
    message: Message | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SendTransactionalPayload:
    campaign: Campaign | None = None
    results: list[TransactionalResult] = strawberry.field(default_factory=list, description="One per item, in order.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why nothing was sent at all.")


def item_of(item: TransactionalItemInput) -> transactional.Item:
    profile = None
    if item.profile is not None:
        profile = {k: v for k, v in vars(item.profile).items() if v is not strawberry.UNSET}
        if profile.get("attributes", {}) is None:
            profile["attributes"] = {}
    return transactional.Item(
        recipient=item.recipient, lookup=item.lookup, language=item.language, data=item.data or {},
        external_id=item.external_id, idempotency_key=item.idempotency_key, profile=profile,
    )


@strawberry.type
class TransactionalMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Queued at once, one message per item; a failing item does not stop the others.")
    @returns_user_errors(SendTransactionalPayload)
    async def send_transactional(self, info: Info, input: SendTransactionalInput) -> SendTransactionalPayload:
        campaign, outcomes = await transactional.send(
            info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"), items=[item_of(i) for i in input.items],
        )
        await info.context.session.commit()
        results = [
            TransactionalResult(
                message=o.message and Message.from_model(o.message),
                user_errors=[UserError(field=o.error.field, message=o.error.message, code=o.error.code)] if o.error else [],
            )
            for o in outcomes
        ]
        return SendTransactionalPayload(campaign=Campaign.from_model(campaign), results=results)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Send the template to the campaign's whole audience now; the campaign keeps accepting sends.")
    @returns_user_errors(CampaignPayload)
    async def bulk_send_transactional(self, info: Info, input: BulkSendTransactionalInput) -> CampaignPayload:
        campaign = await transactional.bulk_send(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"))
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))
