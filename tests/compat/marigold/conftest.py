"""Marigold organizations with service accounts (X-ApiKey key:secret), created through the domain
services as `make_tenant` creates tenants."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Callable

import pytest

from tests.compat.marigold.support import Marigold, Organization
from tests.support.environment import DATABASE_URL
from tests.support.fixtures import TenantHandle


async def create_service_account(tenant: TenantHandle, *, role: str = "write", endpoints: list[str] | None = None,
                                 expires_at: datetime | None = None) -> str:
    """`key:secret` of a new service account of the tenant (a system session, as `sendgraph apikey create`)."""
    from domain.db import create_engine, session_factory
    from domain.identity.credentials import create_api_key
    from domain.identity.models import Role

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            _, key = await create_api_key(session, tenant_id=tenant.account_id, role=Role[role.upper()], endpoints=endpoints, expires_at=expires_at)
            await session.commit()
    finally:
        await engine.dispose()
    return key


@pytest.fixture
def service_account() -> Callable[..., Any]:
    return create_service_account


@pytest.fixture
def marigold_org(api, make_tenant) -> Callable[..., Any]:
    """An organization (a tenant, with an admin GraphQL token) and a client holding one of its service accounts."""

    async def make(*, role: str = "write", endpoints: list[str] | None = None) -> Organization:
        tenant = await make_tenant()
        key = await create_service_account(tenant, role=role, endpoints=endpoints)
        return Organization(tenant=tenant, api=Marigold(base=f"{api.url}/marigold", slug=tenant.slug, key=key))

    return make


@pytest.fixture(scope="module")
async def shared_org(api) -> Organization:
    """One organization for a module's tests that only read or are refused (validation sweeps): made once."""
    from app.auth import issue_token
    from app.settings import get_settings
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import issue_token_credential
    from domain.tenants import service as tenants
    from schema.relay import to_global_id
    from tests.support.fixtures import Graph

    slug = f"m-{secrets.token_hex(4)}"
    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            tenant = await tenants.create(session, slug=slug, name=f"Tenant {slug}")
            credential = await issue_token_credential(session, tenant_id=tenant.id, role=Role.ADMIN)
            await session.commit()
    finally:
        await engine.dispose()
    token = issue_token(get_settings(), credential)
    handle = TenantHandle(id=to_global_id("Tenant", tenant.id), account_id=tenant.id, slug=slug, token=token, graph=Graph(api.url, token))
    key = await create_service_account(handle)
    return Organization(tenant=handle, api=Marigold(base=f"{api.url}/marigold", slug=slug, key=key))
