from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.campaigns import launch, locks, service
from schema.campaigns.types import Campaign
from schema.enums import CampaignKind
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input(description="A Contactflow automation step, an Especial workflow action or a custom journey's entry point (type ENTRY_POINT, externalId its name, templateId its content).")
class CampaignStepInput:
    type: str
    external_id: str | None = strawberry.field(default=None, description="The dialect's own step id; an automation's steps get a UUID when absent.")
    name: str | None = None
    delay_seconds: int = 0
    condition: str | None = None
    template_id: strawberry.ID | None = None
    settings: JSON | None = None


@strawberry.input
class CreateCampaignInput:
    tenant_id: strawberry.ID
    name: str
    kind: CampaignKind = CampaignKind.NEWSLETTER
    external_id: str | None = None
    template_id: strawberry.ID | None = None
    sender_id: strawberry.ID | None = None
    list_id: strawberry.ID | None = None
    segment_id: strawberry.ID | None = None
    audience_filter: JSON | None = strawberry.field(default=None, description='e.g. [{"field": "language", "op": "eq", "value": "de"}]')
    options: JSON | None = None
    steps: list[CampaignStepInput] | None = None


@strawberry.input
class UpdateCampaignInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    template_id: strawberry.ID | None = strawberry.UNSET
    sender_id: strawberry.ID | None = strawberry.UNSET
    list_id: strawberry.ID | None = strawberry.UNSET
    segment_id: strawberry.ID | None = strawberry.UNSET
    audience_filter: JSON | None = strawberry.UNSET
    options: JSON | None = strawberry.UNSET
    steps: list[CampaignStepInput] | None = strawberry.UNSET
    lock_key: str | None = strawberry.field(default=strawberry.UNSET, description="The editor's lock key: a campaign another key holds locked is not edited (CAMPAIGN_LOCKED).")


@strawberry.input(description="Claim a campaign for editing (an Especial workflow's lock) for `seconds`; the same key extends it.")
class LockCampaignInput:
    campaign_id: strawberry.ID
    key: str
    seconds: int = 300


@strawberry.input(description="Release the editing lock; only its key can.")
class UnlockCampaignInput:
    campaign_id: strawberry.ID
    key: str


@strawberry.type
class LockCampaignPayload:
    campaign: Campaign | None = None
    locked: bool = False
    expires_in: int = strawberry.field(default=0, description="Seconds until the lock expires (0 when unlocked).")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class LaunchCampaignInput:
    campaign_id: strawberry.ID
    at: datetime | None = strawberry.field(default=None, description="Schedule for this time (with a time zone); now when absent.")


@strawberry.input
class CancelCampaignInput:
    campaign_id: strawberry.ID


@strawberry.input
class UnscheduleCampaignInput:
    campaign_id: strawberry.ID


@strawberry.input
class ArchiveCampaignInput:
    campaign_id: strawberry.ID


@strawberry.input
class UnarchiveCampaignInput:
    campaign_id: strawberry.ID


@strawberry.input
class SuspendCampaignInput:
    campaign_id: strawberry.ID


@strawberry.input
class ResumeCampaignInput:
    campaign_id: strawberry.ID


@strawberry.type
class CampaignPayload:
    campaign: Campaign | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


REFERENCE_TYPES = {"template_id": "Template", "sender_id": "Sender", "list_id": "ContactList", "segment_id": "Segment"}


def _fields(fields: dict) -> dict:
    """Global ids to database ids, null JSON to empty, steps to dicts."""
    for name, type_name in REFERENCE_TYPES.items():
        if name in fields:
            fields[name] = decode_id(fields[name], type_name, field=name)
    for name, empty in (("audience_filter", []), ("options", {})):
        if name in fields and fields[name] is None:
            fields[name] = empty
    if "steps" in fields:
        fields["steps"] = [
            {**vars(s), "template_id": decode_id(s.template_id, "Template", field="steps.templateId"), "settings": s.settings or {}}
            for s in fields["steps"] or []
        ]
    return fields


@strawberry.type
class CampaignMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(CampaignPayload)
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> CampaignPayload:
        fields = _fields(given(input, exclude=("tenant_id",)))
        campaign = await service.create(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"), **fields)
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(CampaignPayload)
    async def update_campaign(self, info: Info, input: UpdateCampaignInput) -> CampaignPayload:
        campaign = await service.update(
            info.context.session, campaign_id=decode_id(input.id, "Campaign", field="id"), changes=_fields(given(input, exclude=("id",)))
        )
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Lock a campaign for editing by one key (CAMPAIGN_LOCKED while another key holds it).")
    @returns_user_errors(LockCampaignPayload)
    async def lock_campaign(self, info: Info, input: LockCampaignInput) -> LockCampaignPayload:
        campaign = await locks.lock(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"),
                                    key=input.key, seconds=input.seconds)
        await info.context.session.commit()
        return LockCampaignPayload(campaign=Campaign.from_model(campaign), locked=True, expires_in=locks.expires_in(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Release a campaign's editing lock (its key only).")
    @returns_user_errors(LockCampaignPayload)
    async def unlock_campaign(self, info: Info, input: UnlockCampaignInput) -> LockCampaignPayload:
        campaign = await locks.unlock(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"), key=input.key)
        await info.context.session.commit()
        return LockCampaignPayload(campaign=Campaign.from_model(campaign), locked=False, expires_in=0)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(DeletePayload)
    async def delete_campaign(self, info: Info, input: DeleteInput) -> DeletePayload:
        await service.delete(info.context.session, campaign_id=decode_id(input.id, "Campaign", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Send now, or schedule with `at`; workers expand the audience.")
    @returns_user_errors(CampaignPayload)
    async def launch_campaign(self, info: Info, input: LaunchCampaignInput) -> CampaignPayload:
        campaign = await launch.launch(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"), at=input.at)
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Queued messages are cancelled; the campaign never sends again.")
    @returns_user_errors(CampaignPayload)
    async def cancel_campaign(self, info: Info, input: CancelCampaignInput) -> CampaignPayload:
        campaign = await launch.cancel(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"))
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Queued messages wait; in-flight ones finish.")
    @returns_user_errors(CampaignPayload)
    async def suspend_campaign(self, info: Info, input: SuspendCampaignInput) -> CampaignPayload:
        campaign = await launch.suspend(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"))
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Waiting messages are delivered; expansion continues.")
    @returns_user_errors(CampaignPayload)
    async def resume_campaign(self, info: Info, input: ResumeCampaignInput) -> CampaignPayload:
        campaign = await launch.resume(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"))
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="A scheduled campaign goes back to DRAFT; it will not launch.")
    @returns_user_errors(CampaignPayload)
    async def unschedule_campaign(self, info: Info, input: UnscheduleCampaignInput) -> CampaignPayload:
        campaign = await launch.unschedule(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"))
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="A draft, sent or cancelled campaign is put away (ARCHIVED).")
    @returns_user_errors(CampaignPayload)
    async def archive_campaign(self, info: Info, input: ArchiveCampaignInput) -> CampaignPayload:
        campaign = await service.archive(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"))
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="An archived campaign becomes a DRAFT; launching it again is a new run.")
    @returns_user_errors(CampaignPayload)
    async def unarchive_campaign(self, info: Info, input: UnarchiveCampaignInput) -> CampaignPayload:
        campaign = await service.unarchive(info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"))
        await info.context.session.commit()
        return CampaignPayload(campaign=Campaign.from_model(campaign))
