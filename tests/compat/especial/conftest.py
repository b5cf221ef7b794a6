"""Especial fixtures: a user with a password on an account, a client holding its OAuth2 bearer token,
and `assert_valid`, which checks a response against the contract (`especial.openapi.json`)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support.environment import DATABASE_URL
from tests.support.fixtures import TenantHandle

CONTRACT_PATH = Path("/work/shared/contracts/especial.openapi.json")
if not CONTRACT_PATH.exists():  # the same document, shipped with the dialect
    CONTRACT_PATH = Path(__file__).resolve().parents[3] / "app/compat/especial/especial.openapi.json"
CONTRACT = json.loads(CONTRACT_PATH.read_text())
_REGISTRY = Registry().with_resource("urn:especial", Resource(contents=CONTRACT, specification=DRAFT202012))


def assert_valid(response: httpx.Response, path: str, method: str) -> Any:
    """The body matches the contract's schema for this path, method and status code; returns the body.

    `path` is the contract's path template, e.g. "/lists/{list_id}". An error status the operation does
    not list (404, 401, 403, 413 on most routes) must match the contract's envelope for that kind of error.
    """
    responses = CONTRACT["paths"][path][method.lower()]["responses"]
    status = str(response.status_code)
    body = response.json()
    if status in responses:
        content = responses[status].get("content", {}).get("application/json")
        if content is None or "schema" not in content:
            return body
        pointer = "/".join(["#", "paths", _escape(path), method.lower(), "responses", status, "content", "application~1json", "schema"])
    else:
        # The contract lists 400/422 on most routes; other client errors still use its error envelopes.
        assert status in UNLISTED_ERRORS, f"{method} {path} answered {status}, which the contract does not define: {response.text}"
        pointer = f"#/components/schemas/{UNLISTED_ERRORS[status]}"
    validator = jsonschema.Draft202012Validator({"$ref": f"urn:especial{pointer}"}, registry=_REGISTRY)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{method} {path} {status} does not match the contract: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:5]
    ) + f"\nbody: {response.text[:2000]}"
    return body


# Statuses a route may answer although its operation does not list them, and the envelope they use.
UNLISTED_ERRORS = {
    "401": "HTTPUnauthorizedError", "403": "HTTPForbiddenError", "404": "HTTPBadRequestError",
    "405": "HTTPBadRequestError", "409": "HTTPBadRequestError", "413": "HTTPBadRequestError",
    "400": "HTTPBadRequestError", "422": "HTTPValidationError",
}


def _escape(segment: str) -> str:
    return quote(segment.replace("~", "~0").replace("/", "~1"), safe="~")


@dataclass
class EspecialUser:
    email: str
    password: str
    user_id: int
    tenant: TenantHandle  # the account the user is an ADMIN of

    @property
    def account_id(self) -> int:
        return self.tenant.account_id


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2 with its production cost takes a second or more per hash on a busy CI machine, and every spec
    here creates and logs in a user: hash with the cheapest parameters (verification reads them from the hash)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("domain.identity.service._hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def especial_url(api) -> str:
    from app.compat import prefix

    return f"{api.url}{prefix('especial')}"


@pytest.fixture
def make_user(make_tenant) -> Callable[..., Any]:
    """A user with a password (domain.identity.service.create_user) and ADMIN on an account (a new one unless given)."""
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import create_user, grant

    async def make(tenant: TenantHandle | None = None, role: str = "admin", password: str | None = None) -> EspecialUser:
        tenant = tenant or await make_tenant()
        email = f"user.{secrets.token_hex(4)}@example.com"
        password = password or secrets.token_urlsafe(12)
        engine = create_engine(DATABASE_URL)
        try:
            async with session_factory(engine)() as session:
                user = await create_user(session, email=email, password=password, name="Especial User")
                await grant(session, user_id=user.id, tenant_id=tenant.account_id, role=Role[role.upper()])
                await session.commit()
                user_id = user.id
        finally:
            await engine.dispose()
        return EspecialUser(email=email, password=password, user_id=user_id, tenant=tenant)

    return make


@dataclass
class EspecialClient:
    """Talks to the Especial routes with a bearer token from `POST /token`, as an Especial SDK would."""

    base: str
    user: EspecialUser | None
    token: str | None
    refresh_token: str | None = None

    async def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                      content: bytes | str | None = None, headers: dict | None = None, data: dict | None = None) -> httpx.Response:
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.request(method, f"{self.base}{path}", json=json, params=params, content=content, headers=headers, data=data)

    async def get(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("PATCH", path, **kwargs)

    async def put(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("PUT", path, **kwargs)

    async def delete(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("DELETE", path, **kwargs)


@pytest.fixture
def login(especial_url) -> Callable[..., Any]:
    """`await login(user)`: a client holding the access token `POST /token` (password grant) gave that user."""

    async def log_in(user: EspecialUser) -> EspecialClient:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(f"{especial_url}/token", data={"username": user.email, "password": user.password})
        body = assert_valid(response, "/token", "POST")
        assert response.status_code == 200, response.text
        return EspecialClient(base=especial_url, user=user, token=body["access_token"], refresh_token=body["refresh_token"])

    return log_in


@pytest.fixture
def anonymous(especial_url) -> EspecialClient:
    return EspecialClient(base=especial_url, user=None, token=None)


@pytest.fixture
async def user(make_user) -> EspecialUser:
    return await make_user()


@pytest.fixture
async def client(user, login) -> EspecialClient:
    """The user's client; `client.user.tenant` is its account (a TenantHandle, with a GraphQL client)."""
    return await login(user)


@pytest.fixture
async def other_client(make_user, login) -> EspecialClient:
    """A user of another, unrelated account."""
    return await login(await make_user())
