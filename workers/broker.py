"""The Dramatiq broker: Redis in production, the in-process stub broker on the embedded default.

Configured once, on import, because Dramatiq binds actors to the broker at declaration time.
"""
from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware
from dramatiq.middleware.asyncio import AsyncIO

from app.gc_tuning import tune_for_server
from app.settings import get_settings


class TuneCollector(Middleware):
    def after_worker_boot(self, broker, worker) -> None:
        tune_for_server()


def _make_broker() -> dramatiq.Broker:
    settings = get_settings()
    broker = RedisBroker(url=settings.redis_url, namespace=settings.redis_namespace) if settings.redis_url else StubBroker()
    broker.add_middleware(AsyncIO())  # async actors share one event loop per worker process
    if settings.redis_url:  # worker processes of their own (the embedded stub broker runs inside the API, tuned there)
        broker.add_middleware(TuneCollector())
    return broker


broker = _make_broker()
dramatiq.set_broker(broker)
