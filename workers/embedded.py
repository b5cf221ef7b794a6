"""In-process workers for the embedded default (no Redis): Dramatiq worker threads and the
scheduler inside `sendgraph serve`.

With Redis configured the API only publishes; `sendgraph worker` processes consume and schedule.
"""
from __future__ import annotations

import asyncio

import dramatiq
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import Settings
from workers import actors  # noqa: F401  (declares the actors and connects the outbox to the broker)
from workers import scheduler
from workers.broker import broker


def start(settings: Settings) -> dramatiq.Worker | None:
    if not settings.embedded:
        return None
    worker = dramatiq.Worker(broker, worker_threads=settings.worker_threads, worker_timeout=100)
    worker.start()
    return worker


def stop(worker: dramatiq.Worker | None) -> None:
    if worker is not None:
        worker.stop()


def start_scheduler(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> tuple[asyncio.Task, asyncio.Event] | None:
    if not settings.embedded:
        return None
    stop_event = asyncio.Event()
    return asyncio.get_running_loop().create_task(scheduler.run(sessions, settings, stop_event)), stop_event


async def stop_scheduler(running: tuple[asyncio.Task, asyncio.Event] | None) -> None:
    if running is not None:
        task, stop_event = running
        stop_event.set()
        await task
