"""Session-wide servers and the helpers tests use to drive them."""
from __future__ import annotations

import asyncio
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from sqlalchemy import event

from tests.support.environment import DATABASE_URL, SMS_API_KEY, SMS_PORT, SMTP_PORT
from tests.support.sms_provider import SevenSmsProvider


@dataclass
class Mailbox:
    """What the SMTP server received: (envelope sender, recipients, raw message bytes)."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    received_at: list[float] = field(default_factory=list)  # wall-clock time of each of `messages`
    replies: dict[str, list[str]] = field(default_factory=dict)  # address -> RCPT replies to give first

    def reject(self, address: str, reply: str, *, times: int = 1) -> None:
        """Answer RCPT TO for `address` with `reply` (e.g. "451 4.3.0 Try later") the next `times` times."""
        self.replies.setdefault(address, []).extend([reply] * times)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.replies.get(address):
            return self.replies[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.received_at.append(time.time())
        return "250 OK"

    def to(self, address: str) -> list[bytes]:
        return [raw for _, rcpts, raw in self.messages if address in rcpts]


@pytest.fixture(scope="session")
def mailbox() -> Mailbox:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def sms_provider() -> SevenSmsProvider:
    """The fake seven.io SMS API the workers' SMS_URL points at."""
    provider = SevenSmsProvider(api_key=SMS_API_KEY, port=SMS_PORT).start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def migrated() -> None:
    from domain.migrate import upgrade

    upgrade(DATABASE_URL)


@pytest.fixture(scope="session")
def workers(migrated, mailbox, sms_provider):
    """Dramatiq worker threads consuming from the test Redis, as `sendgraph worker` would."""
    import dramatiq

    from workers import actors  # noqa: F401
    from workers.broker import broker

    broker.flush_all()
    worker = dramatiq.Worker(broker, worker_threads=4, worker_timeout=100)
    worker.start()
    with running_scheduler():
        yield worker
    worker.stop()


@contextmanager
def running_scheduler():
    """The scheduler loop (outbox relay, stuck-message recovery) in its own thread and event loop."""
    from app.settings import get_settings
    from domain.db import create_engine, session_factory
    from workers import scheduler

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def main() -> None:
        engine = create_engine(DATABASE_URL)
        try:
            await scheduler.run(session_factory(engine), get_settings(), stop)
        finally:
            await engine.dispose()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)


@dataclass
class Api:
    url: str
    app: Any
    statements: list[str] = field(default_factory=list)

    def count_statements(self) -> "StatementCounter":
        return StatementCounter(self)


class StatementCounter:
    """Counts SQL statements the API's engine runs inside a `with` block."""

    def __init__(self, api: Api):
        self.api = api
        self.count = 0

    def _on_execute(self, *args) -> None:
        self.count += 1

    def __enter__(self) -> "StatementCounter":
        event.listen(self.api.app.state.engine.sync_engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.api.app.state.engine.sync_engine, "before_cursor_execute", self._on_execute)


@pytest.fixture(scope="session")
def api(migrated, workers) -> Api:
    """The real ASGI app served by uvicorn on a loopback port, in its own thread and event loop."""
    from app.main import create_app

    app = create_app()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    yield Api(url=f"http://127.0.0.1:{port}", app=app)
    server.should_exit = True
    thread.join(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Graph:
    """A GraphQL client for one credential."""

    url: str
    token: str | None

    async def __call__(self, query: str, variables: dict | None = None, *, expect_errors: bool = False) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        if not expect_errors:
            assert "errors" not in body, body["errors"]
            return body["data"]
        return body


@dataclass
class TenantHandle:
    id: str  # global id
    account_id: int
    slug: str
    token: str
    graph: Graph


@pytest.fixture
def make_tenant(api: Api) -> Callable[..., Any]:
    """Creates a tenant through the domain service (as `sendgraph tenant create` does) and a token for it."""
    from app.auth import issue_token
    from app.settings import get_settings
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import issue_token_credential
    from domain.tenants import service as tenants
    from schema.relay import to_global_id

    async def make(role: str = "admin", slug: str | None = None, parent: TenantHandle | None = None) -> TenantHandle:
        engine = create_engine(DATABASE_URL)
        try:
            async with session_factory(engine)() as session:
                slug = slug or f"t-{secrets.token_hex(4)}"
                tenant = await tenants.create(session, slug=slug, name=f"Tenant {slug}", parent_id=parent and parent.account_id)
                credential = await issue_token_credential(session, tenant_id=tenant.id, role=Role[role.upper()])
                await session.commit()
        finally:
            await engine.dispose()
        token = issue_token(get_settings(), credential)
        return TenantHandle(id=to_global_id("Tenant", tenant.id), account_id=tenant.id, slug=slug, token=token, graph=Graph(api.url, token))

    return make


async def messages_to(address: str) -> int:
    """How many messages to this address were ever queued, in any tenant: what a sink can only show once delivered."""
    from sqlalchemy import func, select

    from domain.db import create_engine
    from domain.messaging.models import Message

    engine = create_engine(DATABASE_URL)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(select(func.count()).where(Message.recipient == address))).scalar_one()
    finally:
        await engine.dispose()


async def eventually(check: Callable[[], Any], *, timeout: float = 15.0, interval: float = 0.1) -> Any:
    """Poll an async or sync check until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
