"""Pooled Postgres connections: checked only when they have been idle, so a busy API pays no ping, and
a connection the server closed meanwhile (a restart, an idle timeout) is replaced, not handed out."""
import asyncpg
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from domain import db
from tests.support.environment import DATABASE_URL


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def backend_pid(engine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()


def pooled(engine) -> list:
    """The pool entries, as they are checked in."""
    records = []
    event.listen(engine.sync_engine.pool, "checkin", lambda _dbapi_connection, record: records.append(record))
    return records


def make_idle(records: list) -> None:
    """As if every pooled connection had waited longer than the idle threshold."""
    for record in records:
        if "idle_since" in record.info:
            record.info["idle_since"] -= db.PING_AFTER_IDLE_SECONDS + 1


async def test_only_a_connection_that_has_been_idle_is_pinged(monkeypatch):
    pings = []
    original = AsyncAdapt_asyncpg_connection.ping
    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", lambda self: pings.append(1) or original(self))
    engine = db.create_engine(DATABASE_URL)
    records = pooled(engine)
    try:
        first = await backend_pid(engine)
        assert await backend_pid(engine) == first
        assert pings == []
        make_idle(records)
        assert await backend_pid(engine) == first
        assert pings == [1]
    finally:
        await engine.dispose()


async def test_an_idle_connection_closed_by_the_server_is_replaced():
    engine = db.create_engine(DATABASE_URL)
    records = pooled(engine)
    try:
        killed = await backend_pid(engine)
        admin = await asyncpg.connect(asyncpg_dsn(DATABASE_URL))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", killed)
        finally:
            await admin.close()
        make_idle(records)
        replacement = await backend_pid(engine)  # no error: the ping found the dead connection
        assert replacement != killed
    finally:
        await engine.dispose()
