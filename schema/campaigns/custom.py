"""Custom journeys in the graph: trigger one entry point of a CUSTOM campaign, sending the entry point's content
per item as a transactional send does (see `domain.campaigns.custom`). A custom journey is made with
`createCampaign(input: {kind: CUSTOM, externalId, steps: [{type: "ENTRY_POINT", externalId: <name>, templateId}]})`."""
from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.campaigns import custom
from schema.campaigns.transactional import TransactionalItemInput, TransactionalResult, item_of
from schema.campaigns.types import Campaign, CampaignStep
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.messaging.types import Message
from schema.permissions import IsAuthenticated


@strawberry.input
class TriggerEntryPointInput:
    campaign_id: strawberry.ID
    entry_point: str = strawberry.field(description="The entry point's name: the externalId of one of the campaign's ENTRY_POINT steps.")
    items: list[TransactionalItemInput]


@strawberry.type
class TriggerEntryPointPayload:
    campaign: Campaign | None = None
    entry_point: CampaignStep | None = None
    results: list[TransactionalResult] = strawberry.field(default_factory=list, description="One per item, in order.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why nothing was sent at all.")


@strawberry.type
class CustomJourneyMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Send a custom journey's entry point content to each item's recipient: queued at once, one message per item; a failing item does not stop the others.")
    @returns_user_errors(TriggerEntryPointPayload)
    async def trigger_entry_point(self, info: Info, input: TriggerEntryPointInput) -> TriggerEntryPointPayload:
        campaign, step, outcomes = await custom.trigger(
            info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"),
            entry_point=input.entry_point, items=[item_of(i) for i in input.items],
        )
        await info.context.session.commit()
        results = [
            TransactionalResult(
                message=o.message and Message.from_model(o.message),
                user_errors=[UserError(field=o.error.field, message=o.error.message, code=o.error.code)] if o.error else [],
            )
            for o in outcomes
        ]
        return TriggerEntryPointPayload(campaign=Campaign.from_model(campaign), entry_point=CampaignStep.from_model(step), results=results)
