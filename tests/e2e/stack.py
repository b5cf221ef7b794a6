"""A production-like stack for one test: its own Postgres database and Redis namespace (or its own
Redis server), and helpers to seed a campaign and watch the SMTP sink."""
from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, insert, select

from tests.e2e.processes import environment, free_port, run
from tests.support.environment import ADMIN_DATABASE_URL, SMTP_PORT, TEST_REDIS_URL


@dataclass
class Stack:
    env: dict[str, str]
    database_url: str
    cwd: Path


def fresh_stack(tmp_path: Path, *, redis_url: str = TEST_REDIS_URL, **settings: str) -> Stack:
    """A new database (migrated by `sendgraph migrate`) and Redis namespace: nothing shared with other tests."""
    name = f"sendgraph_e2e_{secrets.token_hex(4)}"
    asyncio.run(_create_database(name))
    database_url = ADMIN_DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"
    env = environment(
        DATABASE_URL=database_url, REDIS_URL=redis_url, SENDGRAPH_REDIS_NAMESPACE=name,
        SMTP_URL=f"smtp://127.0.0.1:{SMTP_PORT}", SECRET_KEY=f"e2e-{name}-secret-key-long-enough-for-hs256", **settings,
    )
    run("migrate", env=env, cwd=tmp_path)
    return Stack(env=env, database_url=database_url, cwd=tmp_path)


async def _create_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(ADMIN_DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def seed_campaign(stack: Stack, *, slug: str, recipients: int, options: dict | None = None) -> tuple[str, str, int]:
    """Tenant (by the CLI), token, and a campaign to `recipients` contacts; returns (token, address domain, campaign db id)."""
    from domain.campaigns.models import Campaign
    from domain.contacts.models import Contact, ContactList, ListMember
    from domain.db import create_engine, session_factory
    from domain.templates.models import Template, TemplatePart

    run("tenant", "create", "--slug", slug, "--name", slug, env=stack.env, cwd=stack.cwd)
    token = run("token", "create", "--tenant", slug, env=stack.env, cwd=stack.cwd)
    domain = f"{secrets.token_hex(4)}.example.com"

    async def seed() -> int:
        engine = create_engine(stack.database_url)
        async with session_factory(engine)() as session:
            from domain.tenants.models import Tenant

            tenant_id = (await session.execute(select(Tenant.id).where(Tenant.slug == slug))).scalar_one()
            contact_list = ContactList(tenant_id=tenant_id, name="All")
            template = Template(tenant_id=tenant_id, name="News", parts=[TemplatePart(language="en", subject="News for {{ first_name }}", text="Hello {{ first_name }}")])
            session.add_all([contact_list, template])
            await session.flush()
            ids = (await session.execute(insert(Contact).returning(Contact.id), [
                {"tenant_id": tenant_id, "email": f"r{i}@{domain}", "first_name": f"R{i}", "attributes": {}, "tags": [], "interests": []}
                for i in range(recipients)
            ])).scalars().all()
            await session.execute(insert(ListMember), [{"tenant_id": tenant_id, "list_id": contact_list.id, "contact_id": i} for i in ids])
            campaign = Campaign(tenant_id=tenant_id, name="News", template_id=template.id, list_id=contact_list.id, options=options or {})
            session.add(campaign)
            await session.commit()
            campaign_id = campaign.id
        await engine.dispose()
        return campaign_id

    return token, domain, asyncio.run(seed())


def message_statuses(stack: Stack, campaign_id: int) -> dict[str, int]:
    from domain.db import create_engine, session_factory
    from domain.messaging.models import Message

    async def read() -> dict[str, int]:
        engine = create_engine(stack.database_url)
        async with session_factory(engine)() as session:
            rows = (await session.execute(
                select(Message.status, func.count()).where(Message.campaign_id == campaign_id).group_by(Message.status)
            )).all()
        await engine.dispose()
        return {status.name: count for status, count in rows}

    return asyncio.run(read())


def received(mailbox, domain: str) -> list[str]:
    return [rcpts[0] for _, rcpts, _ in list(mailbox.messages) if rcpts and rcpts[0].endswith(domain)]


def wait_for(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@contextmanager
def private_redis() -> Iterator["RedisServer"]:
    server = RedisServer(port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class RedisServer:
    """A Redis server of the test's own, so the test can take it down and bring it back."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import redis

        wait_for(lambda: _pings(redis.Redis(port=self.port)), timeout=10, what="redis to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False
