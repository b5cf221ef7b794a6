"""Background work requested by a business rule, published only once its transaction commits.

A service calls `defer(session, "deliver_messages", message_ids=[...])`; when that session
commits, the registered publisher (the Dramatiq broker, set up by `workers`) receives the job.
A rolled-back transaction publishes nothing, and a worker never sees a row that is not committed.
"""
from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

class Publisher(Protocol):
    def __call__(self, job: str, kwargs: dict, delay_ms: int | None) -> None: ...

_publisher: Publisher | None = None

def set_publisher(publisher: Publisher | None) -> None:
    global _publisher
    _publisher = publisher

def defer(session: AsyncSession | Session, job: str, *, delay_ms: int | None = None, **kwargs) -> None:
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sync.info.setdefault("deferred_jobs", []).append((job, kwargs, delay_ms))

@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    jobs = session.info.pop("deferred_jobs", [])
    if not jobs:
        return
    if _publisher is None:
        log.warning("no job publisher configured; %d job(s) left for the relay", len(jobs))
        return
    for job, kwargs, delay_ms in jobs:
        try:
            _publisher(job, kwargs, delay_ms)
        except Exception:  # the broker is down: rows stay QUEUED and are picked up again later
            log.exception("could not publish job %s", job)

@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("deferred_jobs", None)
