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


# Jobs that differ only in a list of ids merge into one job of up to MERGED_MAX ids: a burst of
# single sends becomes a few batches a worker claims, renders and records together.
MERGEABLE = {"deliver_messages": "message_ids"}
MERGED_MAX = 100
# How long a flush waits for more commits before it publishes: a burst of single sends then reaches
# the workers as a few jobs instead of one job per message (Kafka's `linger.ms`), for a few ms of latency.
LINGER_SECONDS = 0.02

# Due records committed on one engine, waiting for the flush task running for it. Commits that land
# while a flush awaits the broker or the database are published together by its next round.
_pending: dict[tuple[asyncio.AbstractEventLoop, AsyncEngine], list[tuple[int, str, dict]]] = {}


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
    key = (loop, engine)
    if key not in _pending:
        _pending[key] = []
        task = loop.create_task(_flush(key))
        _background.add(task)
        task.add_done_callback(_background.discard)
    _pending[key].extend(due)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("outbox", None)


async def _flush(key: tuple[asyncio.AbstractEventLoop, AsyncEngine]) -> None:
    try:
        await asyncio.sleep(LINGER_SECONDS)
        while _pending[key]:
            due, _pending[key] = _pending[key], []
            await _publish_now(key[1], due)
    finally:
        del _pending[key]


def coalesce(records: list[tuple[int, str, dict]]) -> list[tuple[list[int], str, dict]]:
    """(record ids, job, kwargs) to publish for these records, mergeable jobs merged."""
    jobs: list[tuple[list[int], str, dict]] = []
    open_merge: dict[str, tuple[list[int], str, dict]] = {}
    for record_id, job, kwargs in records:
        ids_field = MERGEABLE.get(job)
        if ids_field is None or set(kwargs) != {ids_field}:
            jobs.append(([record_id], job, kwargs))
            continue
        merged = open_merge.get(job)
        if merged is None or len(merged[2][ids_field]) >= MERGED_MAX:
            merged = open_merge[job] = ([], job, {ids_field: []})
            jobs.append(merged)
        merged[0].append(record_id)
        merged[2][ids_field].extend(kwargs[ids_field])
    return jobs


def _publish(records: list[tuple[int, str, dict]]) -> list[int]:
    """Publish these records' jobs; the ids of the records published before the broker failed, if it did."""
    published: list[int] = []
    for record_ids, job, kwargs in coalesce(records):
        try:
            _publisher(job, kwargs)
        except Exception as exc:  # broker down: the relay retries from the table
            log.warning("broker unavailable, %d job(s) wait in the outbox: %s", len(records) - len(published), exc)
            break
        published.extend(record_ids)
    return published


async def _publish_now(engine: AsyncEngine, due: list[tuple[int, str, dict]]) -> None:
    published = _publish(due)
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
    published = set(_publish([(r.id, r.job, r.kwargs) for r in records]))
    for record in records:
        if record.id in published:
            record.published_at = utcnow()
    await session.commit()
    return len(published)


async def purge_published(session: AsyncSession, *, older_than: timedelta = timedelta(days=1)) -> None:
    await session.execute(delete(OutboxRecord).where(OutboxRecord.published_at < utcnow() - older_than))
    await session.commit()
