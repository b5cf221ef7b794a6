"""Enrolling customers in a multi-step campaign and removing them, one at a time or in batches."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.campaigns import enrollment
from schema.campaigns.enrollment_types import Enrollment
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.permissions import IsAuthenticated


@strawberry.input(description="A customer: found by externalId (customer id), else clabUuid, else email; created when none matches.")
class CustomerInput:
    uuid: str | None = strawberry.field(default=None, description="The enrollment's UUID (Contactflow customer / token uuid); generated when absent.")
    external_id: str | None = strawberry.field(default=None, description="The customer id (Contactflow userPk).")
    clab_uuid: str | None = None
    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    attributes: JSON | None = strawberry.field(default=None, description="Merged into the contact's attributes; templates see them.")


@strawberry.input
class EnrollCustomerInput:
    campaign_id: strawberry.ID
    customer: CustomerInput


@strawberry.input(description="One packet of a batch of customers (Contactflow sourceUuid); the LAST packet closes the batch.")
class EnrollCustomersInput:
    campaign_id: strawberry.ID
    customers: list[CustomerInput]
    source_uuid: str | None = strawberry.field(default=None, description="The batch; a new one when absent.")
    source_label: str | None = None
    packet: str | None = strawberry.field(default=None, description="FIRST, MIDDLE or LAST.")
    closed: bool = strawberry.field(default=False, description="Close the batch with this packet, whatever its name.")
    notification: JSON | None = None


@strawberry.input
class RemoveCustomerInput:
    enrollment_id: strawberry.ID


@strawberry.input
class RemoveCustomerBatchInput:
    campaign_id: strawberry.ID
    source_uuid: str


@strawberry.type(description="A batch of customers, as recorded on its campaign.")
class CustomerBatch:
    source_uuid: str
    source_label: str | None
    status: str = strawberry.field(description="OPEN while packets may come, CLOSED after the LAST one.")
    packet: str | None
    customers: int = strawberry.field(description="How many customers its packets brought.")
    notification: JSON | None


@strawberry.type
class EnrollmentPayload:
    enrollment: Enrollment | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class EnrollCustomersPayload:
    batch: CustomerBatch | None = None
    enrollments: list[Enrollment] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RemoveCustomerBatchPayload:
    removed_count: int | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _customer(input: CustomerInput) -> dict:
    fields = {name: value for name, value in vars(input).items() if name != "uuid"}
    return {name: value for name, value in fields.items() if value is not None}


@strawberry.type
class EnrollmentMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="A running campaign starts the customer's steps at once; a customer already in it keeps its enrollment.")
    @returns_user_errors(EnrollmentPayload)
    async def enroll_customer(self, info: Info, input: EnrollCustomerInput) -> EnrollmentPayload:
        row = await enrollment.enroll(
            info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"),
            customer=_customer(input.customer), uuid=input.customer.uuid,
        )
        await info.context.session.commit()
        return EnrollmentPayload(enrollment=Enrollment.from_model(row))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Every customer of the packet is enrolled, or none is.")
    @returns_user_errors(EnrollCustomersPayload)
    async def enroll_customers(self, info: Info, input: EnrollCustomersInput) -> EnrollCustomersPayload:
        batch, rows = await enrollment.enroll_batch(
            info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"),
            customers=[{**_customer(c), "uuid": c.uuid} for c in input.customers], source_uuid=input.source_uuid,
            source_label=input.source_label, packet=input.packet, closed=input.closed, notification=input.notification,
        )
        await info.context.session.commit()
        return EnrollCustomersPayload(
            batch=CustomerBatch(source_uuid=batch["sourceUuid"], source_label=batch.get("sourceLabel"), status=batch["status"],
                                packet=batch.get("packet"), customers=batch["customers"], notification=batch.get("notification")),
            enrollments=[Enrollment.from_model(r) for r in rows],
        )

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="The customer leaves the campaign (CANCELLED); its queued messages are cancelled.")
    @returns_user_errors(EnrollmentPayload)
    async def remove_customer(self, info: Info, input: RemoveCustomerInput) -> EnrollmentPayload:
        row = await enrollment.remove(info.context.session, enrollment_id=decode_id(input.enrollment_id, "Enrollment", field="enrollmentId"))
        await info.context.session.commit()
        return EnrollmentPayload(enrollment=Enrollment.from_model(row))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Every customer of an open (incomplete) batch leaves the campaign.")
    @returns_user_errors(RemoveCustomerBatchPayload)
    async def remove_customer_batch(self, info: Info, input: RemoveCustomerBatchInput) -> RemoveCustomerBatchPayload:
        count = await enrollment.remove_batch(
            info.context.session, campaign_id=decode_id(input.campaign_id, "Campaign", field="campaignId"), source_uuid=input.source_uuid,
        )
        await info.context.session.commit()
        return RemoveCustomerBatchPayload(removed_count=count)
