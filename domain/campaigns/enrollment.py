"""Enrollments: customers travelling through a multi-step campaign (a Contactflow automation's tokens).

- A customer is a Contact of the campaign's tenant, found by its customer id (`external_id`), else by
  its `clab_uuid`, else by its email, and created when none matches (`upsert_customer`).
- Enrolling it makes the one Enrollment of that campaign and contact, with a stable UUID in
  `source["uuid"]` (Enrollment has no uuid column): the Contactflow customer / token uuid. Enrolling a
  contact whose token is still alive returns that token: duplicated tokens are discarded.
- `step_position` is the step the token is at. While the campaign is RUNNING, `advance` executes the
  steps in order from there: an email step (CLAB_CAMPAIGN, send_email) or an SMS step
  (CLAB_CAMPAIGN_SMS, send_sms) queues the step's template to the contact through the ordinary send
  path (`queue_message`, once per token and step), NO_ACTION is passed. A step with a delay or a condition
  (an Especial action's) waits until it is due and is passed when its condition does not hold (`step_rules`). Any other step (waits,
  webhooks, tags, AB tests) is not executed here: the token waits at it. After its last step the token
  is FINISHED. A step that cannot send (no address, channel switched off, no template) stops the token
  with status ERROR and the reason.
- Customers enrolled while the campaign is not RUNNING wait at their step; launching or resuming it
  advances them (`advance_next_chunk`, from the launch job).
- An Especial workflow (kind WORKFLOW) of a list with the trigger `subscribed` enrolls each contact that
  becomes a SUBSCRIBED member of that list while the workflow is RUNNING (`enroll_subscriber`).
- Customers may come in batches (Contactflow `sourceUuid`, packets FIRST/MIDDLE/LAST). Each token keeps
  its batch in `source`; the batch itself (label, status OPEN/CLOSED, packet, notification, size) is
  kept in the campaign's `options["batches"]`. An open batch can be removed as a whole.
"""
from __future__ import annotations

import uuid as uuid_lib
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns import step_rules
from domain.campaigns.models import Campaign, CampaignKind, CampaignStatus, CampaignStep, Enrollment, EnrollmentStatus
from domain.common import get_or_raise
from domain.contacts.models import Contact
from domain.db import utcnow
from domain.errors import Conflict, DomainError, Invalid, InvalidTransition, NotFound
from domain.messaging.models import Message
from domain.messaging.service import cancel_queued, queue_message
from domain.outbox import defer
from domain.validation import check_length, normalize_email, normalize_phone

SEND_STEPS = {"CLAB_CAMPAIGN": Channel.EMAIL, "send_email": Channel.EMAIL, "CLAB_CAMPAIGN_SMS": Channel.SMS, "send_sms": Channel.SMS}
PASS_STEPS = {"NO_ACTION"}
ENROLLABLE_KINDS = (CampaignKind.AUTOMATION, CampaignKind.WORKFLOW)
CLOSED_CAMPAIGNS = (CampaignStatus.SENT, CampaignStatus.CANCELLED, CampaignStatus.ARCHIVED)
PACKETS = ("FIRST", "MIDDLE", "LAST")
WORKFLOW_TRIGGER = "subscribed"  # an Especial workflow's trigger that enrolls a list's new subscribers
MAX_BATCH = 1000
FIELDS = {"external_id": "externalId", "clab_uuid": "clabUuid", "email": "email", "phone": "phone", "first_name": "firstName",
          "last_name": "lastName", "language": "language", "attributes": "attributes"}  # customer field -> its name in the graph
CUSTOMER_FIELDS = set(FIELDS)


def _uuid(value: str | None, *, field: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return str(uuid_lib.UUID(str(value)))
    except ValueError as error:
        raise Invalid(f"{value!r} is not a UUID", code="INVALID_UUID", field=field) from error


async def _enrollable(session: AsyncSession, campaign_id: int) -> Campaign:
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    if campaign.kind not in ENROLLABLE_KINDS:
        raise Invalid(f"A {campaign.kind.value} campaign has no enrolled customers", code="CAMPAIGN_NOT_ENROLLABLE", field="campaignId")
    if campaign.status in CLOSED_CAMPAIGNS:
        raise InvalidTransition(f"A {campaign.status.value} campaign takes no new customers", code="CAMPAIGN_NOT_ENROLLABLE", field="campaignId")
    return campaign


async def upsert_customer(session: AsyncSession, *, tenant_id: int, **fields) -> Contact:
    """The contact with this customer id (else clab uuid, else email), created or updated with the given fields."""
    unknown = set(fields) - CUSTOMER_FIELDS
    if unknown:
        raise Invalid(f"Unknown customer fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    fields = {name: value for name, value in fields.items() if value is not None and value != ""}
    for name, value in fields.items():
        if isinstance(value, str) and "\x00" in value:
            raise Invalid(f"{FIELDS[name]} contains a NUL character", code="INVALID_TEXT", field=FIELDS[name])
    for name, limit in (("external_id", 200), ("clab_uuid", 64), ("first_name", 200), ("last_name", 200), ("language", 16)):
        check_length(fields.get(name), field=FIELDS[name], max_length=limit)
    if "email" in fields:
        fields["email"] = normalize_email(fields["email"]).lower()
    if "phone" in fields:
        fields["phone"] = normalize_phone(fields["phone"])
    if not isinstance(fields.get("attributes", {}), dict):
        raise Invalid("attributes must be an object", field="attributes")
    if not (fields.get("external_id") or fields.get("clab_uuid") or fields.get("email")):
        raise Invalid("A customer needs a customer id, a clab uuid or an email", code="REQUIRED", field="externalId")
    external_id = fields.get("external_id")
    contact = external_id and await _contact(session, tenant_id, Contact.external_id == external_id)
    for column in ("clab_uuid", "email"):
        if contact is None and fields.get(column):
            candidate = await _contact(session, tenant_id, getattr(Contact, column) == fields[column])
            # without a customer id these name the customer; with one, only a contact without another id is it
            if candidate is not None and (not external_id or candidate.external_id in (None, external_id)):
                contact = candidate
    if contact is None:
        contact = Contact(tenant_id=tenant_id, attributes={})
        session.add(contact)
    attributes = fields.pop("attributes", None)
    for name, value in fields.items():
        setattr(contact, name, value)
    if attributes:
        contact.attributes = {**(contact.attributes or {}), **attributes}
    try:
        await session.flush()
    except IntegrityError as error:
        raise Conflict("Another customer already has that email or customer id", code="DUPLICATE", field="email") from error
    return contact


async def _contact(session: AsyncSession, tenant_id: int, condition) -> Contact | None:
    return (await session.execute(select(Contact).where(Contact.tenant_id == tenant_id, condition).order_by(Contact.id).limit(1))).scalars().first()


async def enroll(session: AsyncSession, *, campaign_id: int, customer: dict, uuid: str | None = None, source: dict | None = None) -> Enrollment:
    """Add a customer to a campaign; while it runs, the customer's steps start at once."""
    campaign = await _enrollable(session, campaign_id)
    return await _enroll(session, campaign, customer, uuid=uuid, source=source or {})


async def _enroll(session: AsyncSession, campaign: Campaign, customer: dict, *, uuid: str | None, source: dict) -> Enrollment:
    token_uuid = _uuid(uuid, field="uuid") or str(uuid_lib.uuid4())
    contact = await upsert_customer(session, tenant_id=campaign.tenant_id, **customer)
    return await _enroll_contact(session, campaign, contact, token_uuid=token_uuid, source=source)


async def enroll_subscriber(session: AsyncSession, *, list_id: int, contact: Contact) -> list[Enrollment]:
    """A contact just subscribed to a list enters each RUNNING workflow of that list whose trigger is `subscribed`
    (`options["trigger"]`, the default); a contact already travelling through one keeps its place."""
    workflows = (
        await session.execute(select(Campaign).where(Campaign.list_id == list_id, Campaign.kind == CampaignKind.WORKFLOW,
                                                     Campaign.status == CampaignStatus.RUNNING).order_by(Campaign.id))
    ).scalars().all()
    return [await _enroll_contact(session, campaign, contact, token_uuid=str(uuid_lib.uuid4()), source={"trigger": "subscribed", "listId": list_id})
            for campaign in workflows if (campaign.options or {}).get("trigger", WORKFLOW_TRIGGER) == WORKFLOW_TRIGGER]


async def _enroll_contact(session: AsyncSession, campaign: Campaign, contact: Contact, *, token_uuid: str, source: dict) -> Enrollment:
    enrollment = (
        await session.execute(select(Enrollment).where(Enrollment.campaign_id == campaign.id, Enrollment.contact_id == contact.id))
    ).scalar_one_or_none()
    if enrollment is not None and enrollment.status is not EnrollmentStatus.CANCELLED:
        return enrollment  # duplicated token: the customer keeps the one it has
    if await _find(session, campaign.tenant_id, token_uuid) not in (None, enrollment):
        raise Conflict(f"Customer {token_uuid} already exists", code="CUSTOMER_UUID_TAKEN", field="uuid")
    now = utcnow()
    if enrollment is None:
        enrollment = Enrollment(tenant_id=campaign.tenant_id, campaign_id=campaign.id, contact_id=contact.id)
        session.add(enrollment)
    enrollment.status, enrollment.step_position, enrollment.error = EnrollmentStatus.ACTIVE, 0, None
    enrollment.entered_at = enrollment.step_entered_at = now
    enrollment.source = {**source, "uuid": token_uuid}
    await session.flush()
    if campaign.status is CampaignStatus.RUNNING:
        await advance(session, enrollment, campaign)
    return enrollment


async def advance(session: AsyncSession, enrollment: Enrollment, campaign: Campaign) -> None:
    """Execute the token's steps from where it is, as far as this engine can (see the module's doc)."""
    steps = list(campaign.steps)
    contact = None
    while enrollment.status is EnrollmentStatus.ACTIVE:
        if enrollment.step_position >= len(steps):
            enrollment.status = EnrollmentStatus.FINISHED
            enrollment.step_position = max(len(steps) - 1, 0)
            break
        step = steps[enrollment.step_position]
        applies = True
        if step.delay_seconds or step.condition not in step_rules.ALWAYS:
            parent = await step_rules.parent_message(session, enrollment, step, steps)
            due = step_rules.due_at(enrollment, step, parent)
            if due > utcnow():
                _wake_at(session, enrollment, due)
                break  # the token waits at this step until it is due
            applies = await step_rules.holds(session, step, parent)
        if step.type in SEND_STEPS:
            if applies:  # else its condition does not hold: the step is passed without sending
                contact = contact or await session.get(Contact, enrollment.contact_id)
                try:
                    await _send(session, enrollment, campaign, step, contact)
                except DomainError as error:
                    enrollment.status, enrollment.error = EnrollmentStatus.ERROR, error.message
                    enrollment.source = {**enrollment.source, "errorAt": utcnow().isoformat(), "errorCode": error.code}
                    break
        elif step.type not in PASS_STEPS:
            break  # a step this engine does not execute: the token waits here
        if enrollment.step_position + 1 >= len(steps):
            enrollment.status = EnrollmentStatus.FINISHED
            break
        enrollment.step_position += 1
        enrollment.step_entered_at = utcnow()
    await session.flush()


def _wake_at(session: AsyncSession, enrollment: Enrollment, due: datetime) -> None:
    """One wake-up job per token and due time: advancing a waiting token again (a resume) adds none."""
    if enrollment.source.get("wakeAt") != due.isoformat():
        enrollment.source = {**enrollment.source, "wakeAt": due.isoformat()}
        defer(session, "advance_enrollment", enrollment_id=enrollment.id, at=due)


async def wake(session: AsyncSession, *, enrollment_id: int) -> None:
    """The wake-up job: advance a token waiting for its step's due time, if its campaign still runs."""
    enrollment = (await session.execute(select(Enrollment).where(Enrollment.id == enrollment_id).with_for_update()
                                        .execution_options(populate_existing=True))).scalar_one_or_none()
    if enrollment is None or enrollment.status is not EnrollmentStatus.ACTIVE:
        return
    campaign = await session.get(Campaign, enrollment.campaign_id, populate_existing=True)
    if campaign is not None and campaign.status is CampaignStatus.RUNNING:  # suspended: resuming advances it
        await advance(session, enrollment, campaign)


async def _send(session: AsyncSession, enrollment: Enrollment, campaign: Campaign, step: CampaignStep, contact: Contact) -> None:
    channel = SEND_STEPS[step.type]
    address = contact.email if channel is Channel.EMAIL else contact.phone
    if not address:
        what = "email address" if channel is Channel.EMAIL else "phone number"
        raise Invalid(f"The customer has no {what} for step {step.name or step.position}", code="RECIPIENT_REQUIRED",
                      field="email" if channel is Channel.EMAIL else "phone")
    if step.template_id is None:
        raise Invalid(f"Step {step.name or step.position} has no content to send", code="STEP_HAS_NO_CONTENT", field="steps.templateId")
    data = {**{k: getattr(contact, k) for k in ("email", "phone", "first_name", "last_name", "language", "external_id")}, **(contact.attributes or {})}
    message = await queue_message(
        session, tenant_id=campaign.tenant_id, channel=channel, to=address, template_id=step.template_id, data=data,
        language=contact.language, contact_id=contact.id, idempotency_key=f"enrollment:{enrollment.source['uuid']}:step:{step.id}",
    )
    message.campaign_id, message.step_id = campaign.id, step.id


async def advance_next_chunk(session: AsyncSession, *, campaign_id: int, after_id: int, size: int) -> int | None:
    """The launch job of a RUNNING automation: advance the next `size` live tokens after `after_id`.

    Returns the last enrollment id handled, or None when there is nothing more (or the campaign stopped running).
    """
    campaign = await session.get(Campaign, campaign_id, populate_existing=True)
    if campaign is None or campaign.status is not CampaignStatus.RUNNING:
        return None
    enrollments = (
        await session.execute(
            select(Enrollment)
            .where(Enrollment.campaign_id == campaign_id, Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.id > after_id)
            .order_by(Enrollment.id).limit(size).with_for_update().execution_options(populate_existing=True)
        )
    ).scalars().all()
    for enrollment in enrollments:
        if enrollment.status is EnrollmentStatus.ACTIVE:
            await advance(session, enrollment, campaign)
    return enrollments[-1].id if len(enrollments) == size else None


async def _find(session: AsyncSession, tenant_id: int, token_uuid: str) -> Enrollment | None:
    return (
        await session.execute(select(Enrollment).where(Enrollment.tenant_id == tenant_id, Enrollment.source["uuid"].as_string() == token_uuid).limit(1))
    ).scalars().first()


async def find(session: AsyncSession, *, tenant_id: int, uuid: str) -> Enrollment | None:
    """A token by its UUID; None for an unknown (or malformed) one."""
    try:
        token_uuid = _uuid(uuid, field="uuid")
    except Invalid:
        return None
    return token_uuid and await _find(session, tenant_id, token_uuid)


async def remove(session: AsyncSession, *, enrollment_id: int) -> Enrollment:
    """The customer leaves the campaign: its token is CANCELLED and its queued messages with it."""
    enrollment = await get_or_raise(session, Enrollment, enrollment_id, what="Enrollment", field="enrollmentId")
    if enrollment.status is EnrollmentStatus.CANCELLED:
        raise InvalidTransition("The customer was already removed", code="ENROLLMENT_ALREADY_CANCELLED", field="enrollmentId")
    await _cancel(session, enrollment)
    await session.flush()
    return enrollment


async def _cancel(session: AsyncSession, enrollment: Enrollment) -> None:
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.step_entered_at = utcnow()
    await cancel_queued(session, and_(Message.campaign_id == enrollment.campaign_id, Message.contact_id == enrollment.contact_id))


async def enroll_batch(
    session: AsyncSession, *, campaign_id: int, customers: list[dict], source_uuid: str | None = None,
    source_label: str | None = None, packet: str | None = None, closed: bool = False, notification: dict | None = None,
) -> tuple[dict, list[Enrollment]]:
    """One packet of a batch: each customer enrolled (see `enroll`), the batch recorded on the campaign.

    The LAST packet (or `closed`) closes the batch; a closed batch takes no more packets.
    Each customer is a dict of customer fields (see `upsert_customer`) with an optional "uuid" for its token.
    Returns the batch ({sourceUuid, sourceLabel, status, packet, notification, customers}) and the tokens.
    """
    campaign = await _enrollable(session, campaign_id)
    if not customers:
        raise Invalid("A batch needs at least one customer", code="REQUIRED", field="customers")
    if len(customers) > MAX_BATCH:
        raise Invalid(f"A batch holds at most {MAX_BATCH} customers", code="TOO_MANY", field="customers")
    if packet is not None and packet not in PACKETS:
        raise Invalid(f"packet must be one of {', '.join(PACKETS)}", code="INVALID_PACKET", field="packet")
    check_length(source_label, field="sourceLabel", max_length=200)
    source_uuid = _uuid(source_uuid, field="sourceUuid") or str(uuid_lib.uuid4())
    batches = dict(campaign.options.get("batches") or {})
    batch = dict(batches.get(source_uuid) or {"sourceUuid": source_uuid, "customers": 0})
    if batch.get("status") == "CLOSED":
        raise Invalid(f"Batch {source_uuid} is closed", code="BATCH_CLOSED", field="sourceUuid")
    source = {"sourceUuid": source_uuid, "sourceLabel": source_label or batch.get("sourceLabel"), "packet": packet}
    enrollments = []
    for index, customer in enumerate(customers):
        try:
            fields = {name: value for name, value in customer.items() if name != "uuid"}
            enrollments.append(await _enroll(session, campaign, fields, uuid=customer.get("uuid"), source=source))
        except DomainError as error:
            error.field = f"customers[{index}].{error.field or 'customer'}"
            raise
    batch.update(sourceLabel=source["sourceLabel"], packet=packet, status="CLOSED" if closed or packet == "LAST" else "OPEN",
                 customers=batch["customers"] + len(customers))
    if notification is not None:
        batch["notification"] = notification
    batches[source_uuid] = batch
    campaign.options = {**campaign.options, "batches": batches}
    await session.flush()
    return batch, enrollments


async def remove_batch(session: AsyncSession, *, campaign_id: int, source_uuid: str) -> int:
    """Every customer of an open (incomplete) batch leaves the campaign; returns how many did."""
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    source_uuid = _uuid(source_uuid, field="sourceUuid")
    batches = dict(campaign.options.get("batches") or {})
    if source_uuid is None or source_uuid not in batches:
        raise NotFound(f"Batch {source_uuid} not found", code="BATCH_NOT_FOUND", field="sourceUuid")
    if batches[source_uuid].get("status") != "OPEN":
        raise Invalid(f"Batch {source_uuid} is complete: only an open batch can be deleted", code="BATCH_CLOSED", field="sourceUuid")
    enrollments = (
        await session.execute(
            select(Enrollment).where(Enrollment.campaign_id == campaign.id, Enrollment.source["sourceUuid"].as_string() == source_uuid,
                                     Enrollment.status != EnrollmentStatus.CANCELLED)
        )
    ).scalars().all()
    for enrollment in enrollments:
        await _cancel(session, enrollment)
    del batches[source_uuid]
    campaign.options = {**campaign.options, "batches": batches}
    await session.flush()
    return len(enrollments)
