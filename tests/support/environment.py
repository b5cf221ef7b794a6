"""Test environment, set once before any sendgraph module is imported (settings and the broker bind at import)."""
from __future__ import annotations

import asyncio
import os
import secrets
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: run the suite with `scripts/test` (it starts Postgres and Redis on loopback)")
    return value


async def _create_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


ADMIN_DATABASE_URL = _require("SENDGRAPH_TEST_DATABASE_URL")
TEST_REDIS_URL = _require("SENDGRAPH_TEST_REDIS_URL")
DATABASE_NAME = f"sendgraph_t{secrets.token_hex(4)}"
DATABASE_URL = ADMIN_DATABASE_URL.rsplit("/", 1)[0] + f"/{DATABASE_NAME}"
SMTP_PORT = _free_port()
SMS_PORT = _free_port()  # the fake seven.io API (tests.support.sms_provider)
SMS_API_KEY = "test-sms-api-key"
INBOUND_SECRET = "test-inbound-secret"  # what /inbound/... delivery reports must carry
VAR_DIR = Path(tempfile.mkdtemp(prefix="sendgraph-test-"))
asyncio.run(_create_database(ADMIN_DATABASE_URL, DATABASE_NAME))

os.environ.update(
    DATABASE_URL=DATABASE_URL,
    REDIS_URL=TEST_REDIS_URL,
    SMTP_URL=f"smtp://127.0.0.1:{SMTP_PORT}",
    SMS_URL=f"http://127.0.0.1:{SMS_PORT}/api",
    SMS_API_KEY=SMS_API_KEY,
    SECRET_KEY="test-secret-key-that-is-long-enough-for-hs256",
    SENDGRAPH_INBOUND_SECRET=INBOUND_SECRET,
    SENDGRAPH_VAR_DIR=str(VAR_DIR),
    SENDGRAPH_REDIS_NAMESPACE=DATABASE_NAME,
    SENDGRAPH_MAX_ATTEMPTS="3",  # transient failures give up after three tries (about 3 seconds of backoff)  # concurrent test runs share Redis, never each other's jobs
)
