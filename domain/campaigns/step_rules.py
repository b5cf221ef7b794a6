"""When a campaign step is due and whether it applies: a step's `delay_seconds` and `condition` (an Especial
workflow action's `delay` and `condition`).

- A step's parent is the step named by `settings["parent_id"]` (an action's parent), else the step before it.
- A step with a delay is due that many seconds after its parent's message to the contact was queued, or after the
  token reached the step when the parent sent it nothing. Until then the token waits at the step; the deferred
  `advance_enrollment` job wakes it at the due time (`enrollment.advance`).
- A condition (opened, not_opened, clicked, not_clicked) is read when the step is due, from the events of the
  parent's message to the contact (no such message: neither opened nor clicked). A step whose condition does not
  hold is passed without sending; `none` always holds.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import CampaignStep, Enrollment
from domain.messaging.models import Message, MessageEvent, MessageEventType

CONDITIONS = {
    "opened": (MessageEventType.OPENED, True), "not_opened": (MessageEventType.OPENED, False),
    "clicked": (MessageEventType.CLICKED, True), "not_clicked": (MessageEventType.CLICKED, False),
}
ALWAYS = (None, "", "none")
MAX_DELAY_SECONDS = 366 * 24 * 3600


def parent_of(step: CampaignStep, steps: list[CampaignStep]) -> CampaignStep | None:
    parent_id = (step.settings or {}).get("parent_id")
    if parent_id:
        return next((s for s in steps if s.external_id == parent_id), None)
    index = steps.index(step)
    return steps[index - 1] if index > 0 else None


async def parent_message(session: AsyncSession, enrollment: Enrollment, step: CampaignStep, steps: list[CampaignStep]) -> Message | None:
    """The latest message the step's parent sent to the token's contact, if any."""
    parent = parent_of(step, steps)
    if parent is None:
        return None
    return (await session.execute(
        select(Message).where(Message.campaign_id == enrollment.campaign_id, Message.step_id == parent.id,
                              Message.contact_id == enrollment.contact_id).order_by(Message.id.desc()).limit(1)
    )).scalar_one_or_none()


def due_at(enrollment: Enrollment, step: CampaignStep, parent_message: Message | None) -> datetime:
    if not step.delay_seconds:
        return enrollment.step_entered_at
    return (parent_message.created_at if parent_message else enrollment.step_entered_at) + timedelta(seconds=step.delay_seconds)


async def holds(session: AsyncSession, step: CampaignStep, parent_message: Message | None) -> bool:
    if step.condition in ALWAYS:
        return True
    event_type, wanted = CONDITIONS[step.condition]
    seen = parent_message is not None and (await session.execute(
        select(MessageEvent.id).where(MessageEvent.message_id == parent_message.id, MessageEvent.type == event_type).limit(1))).first() is not None
    return seen is wanted
