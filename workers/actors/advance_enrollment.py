"""Wake a token waiting at a delayed campaign step (an Especial workflow action's `delay`) once it is due."""
from __future__ import annotations

import dramatiq

from domain.campaigns import enrollment
from workers.broker import broker  # noqa: F401  (the broker must exist before actors are declared)
from workers.runtime import system_session


@dramatiq.actor(max_retries=5)
async def advance_enrollment(enrollment_id: int) -> None:
    async with system_session() as session:
        await enrollment.wake(session, enrollment_id=enrollment_id)
        await session.commit()  # the step's message and its delivery job, or the next wake-up, together
