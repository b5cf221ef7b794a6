"""Tenant isolation lives on the session: scoped reads see only their tenants, scoped writes need the role."""
import secrets

import pytest
from sqlalchemy import select

from domain.contacts.models import Contact
from domain.db import create_engine, session_factory
from domain.errors import Forbidden
from domain.identity.models import Role
from domain.identity.service import Principal, scope_for
from domain.tenancy import bind_scope
from domain.tenants import service as tenants
from domain.tenants.models import Tenant
from tests.support.environment import DATABASE_URL


@pytest.fixture
async def sessions(migrated):
    engine = create_engine(DATABASE_URL)
    yield session_factory(engine)
    await engine.dispose()


async def _two_tenants_with_a_contact_each(sessions):
    async with sessions() as session:
        a = await tenants.create(session, slug=f"a-{secrets.token_hex(3)}", name="A")
        b = await tenants.create(session, slug=f"b-{secrets.token_hex(3)}", name="B")
        child = await tenants.create(session, slug=f"c-{secrets.token_hex(3)}", name="A's sub-account", parent_id=a.id)
        session.add_all([Contact(tenant_id=t.id, email=f"{t.slug}@example.com") for t in (a, b, child)])
        await session.commit()
        return a.id, b.id, child.id


async def test_scoped_session_reads_only_its_tenants_and_their_sub_accounts(sessions):
    a, b, child = await _two_tenants_with_a_contact_each(sessions)
    async with sessions() as session:
        bind_scope(session, await scope_for(session, Principal(kind="token", subject="t", memberships={a: Role.READ})))
        contact_tenants = set((await session.execute(select(Contact.tenant_id))).scalars())
        visible_tenants = set((await session.execute(select(Tenant.id))).scalars())
    assert contact_tenants == {a, child}
    assert visible_tenants == {a, child}
    assert b not in visible_tenants


async def test_scoped_session_refuses_writes_without_the_role(sessions):
    a, b, _ = await _two_tenants_with_a_contact_each(sessions)
    async with sessions() as session:
        bind_scope(session, await scope_for(session, Principal(kind="token", subject="t", memberships={a: Role.READ})))
        session.add(Contact(tenant_id=a, email="new@example.com"))
        with pytest.raises(Forbidden):
            await session.flush()
    async with sessions() as session:
        bind_scope(session, await scope_for(session, Principal(kind="token", subject="t", memberships={a: Role.WRITE})))
        session.add(Contact(tenant_id=b, email="intruder@example.com"))
        with pytest.raises(Forbidden):
            await session.flush()
