"""The transactional outbox.

`defer(session, "deliver_messages", message_ids=[...])` stores an OutboxRecord in the caller's
transaction. Right after that transaction commits, due records are published to the broker and
marked published; if the broker is down, or the process dies first, the relay (run by the
scheduler) publishes them later. A rolled-back transaction publishes nothing; a job may be
published twice in rare races, so every job is idempotent.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from domain.db import utcnow
from domain.outbox.models import OutboxRecord

log = logging.getLogger(__name__)


class Publisher(Protocol):
    def __call__(self, job: str, kwargs: dict) -> None: ...


_publisher: Publisher | None = None
_background: set[asyncio.Task] = set()  # keep references so tasks are not garbage-collected mid-flight


def set_publisher(publisher: Publisher | None) -> None:
    global _publisher
    _publisher = publisher


def defer(session: AsyncSession, job: str, *, at: datetime | None = None, delay: timedelta | None = None, **kwargs) -> None:
    available_at = at or (utcnow() + delay if delay else utcnow())
    record = OutboxRecord(job=job, kwargs=kwargs, available_at=available_at)
    session.add(record)
    info = session.sync_session.info
    info.setdefault("outbox", []).append(record)
    info["engine"] = session.bind


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    records = session.info.pop("outbox", [])
    engine = session.info.get("engine")
    now = utcnow()
    due = [(r.id, r.job, r.kwargs) for r in records if r.available_at <= now]
    if not due or _publisher is None or engine is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return  # no loop (sync use): the relay will publish
    task = loop.create_task(_publish_now(engine, due))
    _background.add(task)
    task.add_done_callback(_background.discard)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("outbox", None)


async def _publish_now(engine: AsyncEngine, due: list[tuple[int, str, dict]]) -> None:
    published = []
    for record_id, job, kwargs in due:
        try:
            _publisher(job, kwargs)
        except Exception as exc:  # broker down: the relay retries from the table
            log.warning("broker unavailable, %d job(s) wait in the outbox: %s", len(due) - len(published), exc)
            break
        published.append(record_id)
    if published:
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    update(OutboxRecord).where(OutboxRecord.id.in_(published)).values(published_at=utcnow())
                )
        except Exception:  # the relay may publish these again; jobs are idempotent
            log.exception("could not mark %d outbox record(s) published", len(published))


async def relay(session: AsyncSession, *, limit: int = 500, grace: timedelta = timedelta(seconds=5)) -> int:
    """Publish due, unpublished records. Rows are locked (SKIP LOCKED), so several relays never publish one twice."""
    if _publisher is None:
        return 0
    now = utcnow()
    records = (
        await session.execute(
            select(OutboxRecord)
            .where(OutboxRecord.published_at.is_(None), OutboxRecord.available_at <= now)
            # Fresh immediate records are being published by their own commit; leave them a moment.
            .where((OutboxRecord.created_at <= now - grace) | (OutboxRecord.available_at > OutboxRecord.created_at))
            .order_by(OutboxRecord.available_at, OutboxRecord.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).scalars().all()
    published = 0
    for record in records:
        try:
            _publisher(record.job, record.kwargs)
        except Exception as exc:
            log.warning("relay: broker unavailable (%s); %d job(s) still waiting", exc, len(records) - published)
            break
        record.published_at = utcnow()
        published += 1
    await session.commit()
    return published


async def purge_published(session: AsyncSession, *, older_than: timedelta = timedelta(days=1)) -> None:
    await session.execute(delete(OutboxRecord).where(OutboxRecord.published_at < utcnow() - older_than))
    await session.commit()
