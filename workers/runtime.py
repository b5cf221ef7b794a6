"""What a worker process holds while it runs: a database engine and a transport on the actors' event loop."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from dramatiq.rate_limits import WindowRateLimiter
from dramatiq.rate_limits.backends import RedisBackend, StubBackend
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import get_settings
from domain.db import create_engine, session_factory
from workers.transports import Transport, transport_from_settings

_state: dict[asyncio.AbstractEventLoop, tuple[async_sessionmaker[AsyncSession], Transport]] = {}
_send_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


def _for_this_loop() -> tuple[async_sessionmaker[AsyncSession], Transport]:
    # Engines and SMTP connections belong to one event loop; the worker's loop is not the API's.
    loop = asyncio.get_running_loop()
    if loop not in _state:
        settings = get_settings()
        engine = create_engine(settings.database_url, echo=settings.sql_echo)
        _state[loop] = (session_factory(engine), transport_from_settings(smtp_url=settings.smtp_url, outbox_dir=settings.outbox_dir, sms_url=settings.sms_url, sms_api_key=settings.sms_api_key))
    return _state[loop]


@asynccontextmanager
async def system_session() -> AsyncIterator[AsyncSession]:
    """A session acting for the system (no tenant scope): workers act on every tenant's messages."""
    sessions, _ = _for_this_loop()
    async with sessions() as session:
        yield session


def transport() -> Transport:
    return _for_this_loop()[1]


def send_lock() -> asyncio.Lock:
    """One send-and-record at a time per worker process (see workers.actors.deliver)."""
    return _send_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())


_rate_backend = None


def tenant_rate_limiter(tenant_id: int, per_second: int) -> WindowRateLimiter:
    """A limiter shared by every worker process (through Redis; in process on the embedded default)."""
    global _rate_backend
    if _rate_backend is None:
        redis_url = get_settings().redis_url
        _rate_backend = RedisBackend(url=redis_url) if redis_url else StubBackend()
    return WindowRateLimiter(_rate_backend, f"sendgraph:send-rate:{tenant_id}", limit=per_second, window=1)
