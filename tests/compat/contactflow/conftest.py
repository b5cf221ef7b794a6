"""Contactflow fixtures: a user (domain.identity.service.create_user + grant) holding an OAuth2 access token
(app.auth.issue_user_tokens) on a node, a client that sends it with the node's `Node` header, and a
builder for the mail models (templates) an automation step sends."""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import httpx
import pytest

from tests.support.environment import DATABASE_URL
from tests.support.fixtures import TenantHandle

NODE_UUID = """query($slug: String!) { tenant(slug: $slug) { uuid } }"""
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id databaseId } userErrors { code message } } }"""


@dataclass
class Contactflow:
    """One node as a Contactflow client sees it: a user's bearer token and the node's UUID."""

    url: str  # the dialect's base URL
    tenant: TenantHandle
    node: str  # the tenant's uuid
    token: str
    email: str

    async def request(self, method: str, path: str, *, json: Any = None, params: Any = None, content: bytes | None = None,
                      node: str | None = None, token: str | None = None, headers: dict | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.token}", "Node": node or self.node, **(headers or {})}
        headers = {k: v for k, v in headers.items() if v}
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.request(method, f"{self.url}{path}", json=json, params=params, content=content, headers=headers)

    async def get(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("DELETE", path, **kwargs)

    async def mail_model(self, *, subject: str = "Welcome {{ firstName }}", text: str = "Hello {{ firstName }}, welcome aboard.",
                         channel: str = "EMAIL") -> int:
        """A template (a Contactflow mail or SMS model); returns its databaseId (a step's modelIdentifier)."""
        part = {"language": "en", "text": text} | ({"subject": subject} if channel == "EMAIL" else {})
        result = (await self.tenant.graph(CREATE_TEMPLATE, {"input": {
            "tenantId": self.tenant.id, "name": f"Model {secrets.token_hex(2)}", "channel": channel, "parts": [part]}}))["createTemplate"]
        assert result["userErrors"] == [], result
        return result["template"]["databaseId"]

    async def automation(self, *, model: int | None = None, status: str | None = None, **fields: Any) -> dict:
        """An automation through the dialect: one CLAB_CAMPAIGN step sending `model` (a new mail model unless given)."""
        model = model or await self.mail_model()
        body = {"name": f"Welcome journey {secrets.token_hex(2)}", "category": "Custom", "description": "New customers",
                "steps": [{"uuid": str(uuid.uuid4()), "type": "ACTION", "operation": "CLAB_CAMPAIGN", "description": "Welcome mail",
                           "modelIdentifier": model}], **fields}
        if status:
            body["status"] = status
        response = await self.post("/automations", json=body)
        assert response.status_code == 201, response.text
        return response.json()


def error_codes(response: httpx.Response) -> list[str]:
    """The codes of a Contactflow error envelope, after checking it is one."""
    body = response.json()
    assert set(body) == {"message", "logref", "errors"}, body
    assert isinstance(body["message"], str) and body["logref"]
    return [e["code"] for e in body["errors"]]


@pytest.fixture
def contactflow_url(api) -> str:
    from app.compat import prefix

    return f"{api.url}{prefix('contactflow')}"


async def create_user(tenant: TenantHandle, role: str) -> tuple[str, str]:
    """A user with `role` on the tenant and an OAuth2 access token, through the domain services."""
    from app.auth import issue_user_tokens
    from app.settings import get_settings
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import create_user as create, grant

    email = f"cf.{secrets.token_hex(4)}@example.com"
    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            user = await create(session, email=email, password=secrets.token_urlsafe(12), name="Contactflow User")
            await grant(session, user_id=user.id, tenant_id=tenant.account_id, role=Role[role.upper()])
            await session.commit()
            user_id = user.id
    finally:
        await engine.dispose()
    return email, issue_user_tokens(get_settings(), user_id)["access_token"]


@pytest.fixture
def make_contactflow(contactflow_url, make_tenant) -> Callable[..., Any]:
    async def make(role: str = "admin", tenant: TenantHandle | None = None) -> Contactflow:
        tenant = tenant or await make_tenant()
        email, token = await create_user(tenant, role)
        node = (await tenant.graph(NODE_UUID, {"slug": tenant.slug}))["tenant"]["uuid"]
        return Contactflow(url=contactflow_url, tenant=tenant, node=node, token=token, email=email)

    return make


@pytest.fixture
async def cf(make_contactflow) -> Contactflow:
    return await make_contactflow()


@pytest.fixture
async def other(make_contactflow) -> Contactflow:
    """Another node with its own admin: it must never see or change `cf`'s data."""
    return await make_contactflow()
