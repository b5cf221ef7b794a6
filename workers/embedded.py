"""In-process workers for the embedded default (no Redis): Dramatiq worker threads inside `sendgraph serve`.

With Redis configured the API only publishes; `sendgraph worker` processes consume.
"""
from __future__ import annotations

import dramatiq

from app.settings import Settings
from workers import actors  # noqa: F401  (declares the actors and connects domain.jobs to the broker)
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
