"""Segment mutations: create, update and delete a list's saved audience filter, as rules or as an expression."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.contacts import segments
from schema.contacts.types import Segment, SegmentExpressionLanguage
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.tenants.mutations import DeleteInput, DeletePayload


@strawberry.input(description="An expression the domain translates into rules; one it cannot apply is a userError (UNSUPPORTED_SEGMENT_CONDITION).")
class SegmentConditionInput:
    language: SegmentExpressionLanguage
    expression: str


@strawberry.input
class CreateSegmentInput:
    tenant_id: strawberry.ID
    name: str
    list_id: strawberry.ID | None = strawberry.field(default=None, description="The list whose subscribed members the segment narrows.")
    rules: JSON | None = strawberry.field(default=None, description='e.g. [{"field": "email", "op": "endswith", "value": "@x.com"}]')
    condition: SegmentConditionInput | None = strawberry.field(default=None, description="Instead of rules.")


@strawberry.input
class UpdateSegmentInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    rules: JSON | None = strawberry.UNSET
    condition: SegmentConditionInput | None = strawberry.UNSET


@strawberry.type
class SegmentPayload:
    segment: Segment | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _condition(condition: SegmentConditionInput | None) -> dict:
    return {"language": condition.language.value, "expression": condition.expression} if condition else {}


@strawberry.type
class SegmentMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(SegmentPayload)
    async def create_segment(self, info: Info, input: CreateSegmentInput) -> SegmentPayload:
        segment = await segments.create(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
            list_id=decode_id(input.list_id, "ContactList", field="listId"), name=input.name, rules=input.rules, **_condition(input.condition),
        )
        await info.context.session.commit()
        return SegmentPayload(segment=Segment.from_model(segment))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(SegmentPayload)
    async def update_segment(self, info: Info, input: UpdateSegmentInput) -> SegmentPayload:
        changes = given(input, exclude=("id", "condition"))
        if input.condition is not strawberry.UNSET:
            changes.update(_condition(input.condition))
        segment = await segments.update(info.context.session, segment_id=decode_id(input.id, "Segment", field="id"), changes=changes)
        await info.context.session.commit()
        return SegmentPayload(segment=Segment.from_model(segment))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Refused (SEGMENT_IN_USE) while an unfinished campaign sends to it.")
    @returns_user_errors(DeletePayload)
    async def delete_segment(self, info: Info, input: DeleteInput) -> DeletePayload:
        await segments.delete(info.context.session, segment_id=decode_id(input.id, "Segment", field="id"))
        await info.context.session.commit()
        return DeletePayload(deleted_id=input.id)
