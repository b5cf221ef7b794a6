"""The scheduler: publishes due outbox jobs (scheduled launches, retries, anything the broker missed),
recovers messages a dead worker left SENDING, and hourly drops published jobs and expired exports.

Run it as `sendgraph scheduler`, inside `sendgraph worker`, or (embedded) inside `sendgraph serve`.
Several may run at once: the relay locks the rows it publishes (SKIP LOCKED), so each job is
published once, and every job is idempotent besides.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import Settings
from domain.exports import service as exports
from domain.messaging import delivery
from domain.outbox import service as outbox

log = logging.getLogger(__name__)
RECOVERY_EVERY = 5.0  # seconds
PURGE_EVERY = 3600.0


async def tick(sessions: async_sessionmaker[AsyncSession], settings: Settings, *, recover: bool, purge: bool) -> int:
    async with sessions() as session:
        if recover:
            recovered = await delivery.recover_stuck(session, older_than=timedelta(seconds=settings.sending_timeout))
            await session.commit()
            if recovered:
                log.warning("recovered %d message(s) left SENDING by a stopped worker", recovered)
        if purge:
            await outbox.purge_published(session)
            await exports.purge_expired(session)
        published = 0
        while batch := await outbox.relay(session):
            published += batch
        return published


async def run(sessions: async_sessionmaker[AsyncSession], settings: Settings, stop: asyncio.Event) -> None:
    last_recovery = last_purge = 0.0
    while not stop.is_set():
        now = time.monotonic()
        recover, purge = now - last_recovery >= RECOVERY_EVERY, now - last_purge >= PURGE_EVERY
        try:
            await tick(sessions, settings, recover=recover, purge=purge)
            last_recovery = now if recover else last_recovery
            last_purge = now if purge else last_purge
        except Exception:  # a database blip must not end the scheduler
            log.exception("scheduler tick failed; retrying")
        try:
            await asyncio.wait_for(stop.wait(), timeout=settings.scheduler_interval)
        except asyncio.TimeoutError:
            pass
