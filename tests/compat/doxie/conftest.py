"""Doxie fixtures: a tenant with an API user (basic auth, the public routes) and a bearer token (the
admin routes), clients for both, and builders for what a send needs (templates and events)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
import pytest

from tests.support.environment import DATABASE_URL
from tests.support.fixtures import TenantHandle

CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id databaseId } userErrors { code message } } }"""
CREATE_EVENT = """mutation($input: CreateEventInput!) { createEvent(input: $input) { event { id databaseId slug } userErrors { code message } } }"""


@dataclass
class Doxie:
    """One tenant as a Doxie client sees it: an API user for the public API, a bearer token for the admin API."""

    url: str  # the dialect's base URL
    tenant: TenantHandle
    username: str
    password: str

    def public(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=f"{self.url}/api/v1/{self.tenant.slug}", auth=(self.username, self.password), timeout=30)

    def admin(self, token: str | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=f"{self.url}/api/v1/admin/{self.tenant.slug}", timeout=30,
            headers={"Authorization": f"Bearer {token or self.tenant.token}", "Accept": "application/json"},
        )

    async def template(self, *, name: str, subject: str = "Hello {{ first_name }}", text: str = "Hi {{ first_name }}!",
                       channel: str = "EMAIL", api_name: str | None = None) -> dict:
        part = {"language": "en", "text": text} | ({"subject": subject} if channel == "EMAIL" else {})
        result = (await self.tenant.graph(CREATE_TEMPLATE, {"input": {
            "tenantId": self.tenant.id, "name": name, "apiName": api_name, "channel": channel, "parts": [part]}}))["createTemplate"]
        assert result["userErrors"] == [], result
        return result["template"]

    async def event(self, *, slug: str, type: str = "MAILER", templates: list[dict] = (), parameters: list | None = None,
                    settings: dict | None = None) -> dict:
        result = (await self.tenant.graph(CREATE_EVENT, {"input": {
            "tenantId": self.tenant.id, "slug": slug, "name": slug.replace("_", " ").title(), "type": type,
            "templateIds": [t["id"] for t in templates], "parameters": parameters or [], "settings": settings}}))["createEvent"]
        assert result["userErrors"] == [], result
        return result["event"]

    async def mailer(self, slug: str = "welcome_email", *, type: str = "MAILER", **event_options: Any) -> dict:
        """An event sending one email template (api name `<slug>_mail`) to payload.email."""
        template = await self.template(name=f"{slug} mail", api_name=f"{slug}_mail")
        return await self.event(slug=slug, type=type, templates=[template], **event_options)


async def create_api_user(tenant: TenantHandle, *, role: str = "write") -> tuple[str, str]:
    """An API user made through the domain service, as `sendgraph apiuser create` does."""
    from domain.db import create_engine, session_factory
    from domain.identity.credentials import create_api_user as create
    from domain.identity.models import Role

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            username = f"api-{secrets.token_hex(3)}"
            _, password = await create(session, tenant_id=tenant.account_id, username=username, role=Role[role.upper()])
            await session.commit()
    finally:
        await engine.dispose()
    return username, password


@pytest.fixture
def make_doxie(api, make_tenant) -> Callable[..., Any]:
    async def make(role: str = "admin", api_user_role: str = "write") -> Doxie:
        tenant = await make_tenant(role=role)
        username, password = await create_api_user(tenant, role=api_user_role)
        return Doxie(url=f"{api.url}/doxie", tenant=tenant, username=username, password=password)

    return make


@pytest.fixture
async def doxie(make_doxie) -> Doxie:
    return await make_doxie()


@pytest.fixture
async def stranger(make_doxie) -> Doxie:
    """Another tenant, with valid credentials of its own."""
    return await make_doxie()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Receiver:
    """A local HTTP server recording every POST (webhook deliveries) and answering 200."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)

    def to(self, path: str) -> list[Received]:
        return [r for r in list(self.requests) if r.path == path]


@pytest.fixture(scope="module")
def receiver():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
