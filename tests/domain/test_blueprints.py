"""The blueprint library (domain.blueprints): one hidden platform tenant every scope reads through the service,
copies only, and nobody but the system writes."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from domain.blueprints import service
from domain.blueprints.library import import_library
from domain.db import create_engine, session_factory
from domain.errors import Forbidden, Invalid, NotFound
from domain.identity.models import Role
from domain.identity.service import Principal, scope_for
from domain.tenancy import bind_scope
from domain.templates import service as templates
from domain.templates.models import Template
from domain.tenants import service as tenants
from domain.tenants.models import Tenant
from tests.support.blueprints import blueprint_ids, import_blueprints, library_document
from tests.support.environment import DATABASE_URL


@pytest.fixture
async def sessions(migrated):
    engine = create_engine(DATABASE_URL)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def marker() -> str:
    marker = secrets.token_hex(4)
    await import_blueprints(library_document(marker))
    return marker


async def _tenant(sessions) -> int:
    async with sessions() as session:
        tenant = await tenants.create(session, slug=f"bp-{secrets.token_hex(3)}", name="Account")
        await session.commit()
        return tenant.id


async def _scoped(session, tenant_id: int, role: Role = Role.WRITE):
    return bind_scope(session, await scope_for(session, Principal(kind="token", subject="t", memberships={tenant_id: role})))


async def test_every_account_reads_the_library_as_copies_and_it_stays_hidden(sessions, marker):
    account = await _tenant(sessions)
    async with sessions() as session:
        await _scoped(session, account, Role.READ)

        page = await service.campaign_blueprints(session, tag=f"bp-{marker}", order_by="name", descending=True)
        assert page.total_count == 2 and [b.name for b in page.nodes] == [f"B sale {marker}", f"A welcome {marker}"]
        welcome = page.nodes[1]
        assert welcome.tags == [f"bp-{marker}", "onboarding"] and welcome.description == "Greets a new subscriber"
        assert welcome.part().subject == "Welcome, {{ first_name }}!"
        assert (await service.campaign_blueprint(session, blueprint_id=welcome.id)).name == welcome.name
        assert service.render(welcome, data={"first_name": "Ada"}).html.startswith("<h1>Hello Ada</h1>")

        flow = await service.workflow_blueprint(session, blueprint_id=f"flow-{marker}")
        assert flow.options == {"description": "Two mails for new subscribers", "goal": "Onboard", "trigger": "subscribed"}
        assert [(a.id, a.delay_seconds, a.condition, a.settings.get("parent_id")) for a in flow.actions] == [
            ("day-1", 0, "none", None), ("day-2", 86400, "opened", "day-1")]
        assert flow.actions[1].content.part().html == "<p>Day two</p>"

        # Ordinary reads of the session still see nothing of the library: not its tenant, not its templates.
        assert (await session.execute(select(Template).where(Template.id == welcome.id))).scalar_one_or_none() is None
        assert (await session.execute(select(Tenant.id).where(Tenant.slug == service.LIBRARY_SLUG))).first() is None


async def test_an_action_content_is_no_campaign_blueprint(sessions, marker):
    async with sessions() as session:
        names = [b.name for b in (await service.campaign_blueprints(session, first=100, name="Day one")).nodes]
    assert names == []


async def test_an_accounts_own_template_is_never_a_blueprint(sessions):
    account = await _tenant(sessions)
    async with sessions() as session:
        own = await templates.create(session, tenant_id=account, name="Mine", parts=[{"language": "en", "subject": "s", "html": "<p>x</p>"}])
        await session.commit()
    async with sessions() as session:
        await _scoped(session, account)
        with pytest.raises(NotFound):
            await service.campaign_blueprint(session, blueprint_id=own.id)
        with pytest.raises(NotFound):
            await service.workflow_blueprint(session, blueprint_id="no-such-flow")


async def test_no_account_can_write_the_library(sessions, marker):
    account = await _tenant(sessions)
    blueprint_id = (await blueprint_ids(marker))["welcome"]
    async with sessions() as session:
        library_id = await service.library_id(session)
        await _scoped(session, account, Role.ADMIN)
        with pytest.raises(NotFound):  # the scoped session cannot even load it to change it
            await templates.update(session, template_id=blueprint_id, changes={"name": "Hijacked"})
        session.add(Template(tenant_id=library_id, name="Planted", parts=[]))
        with pytest.raises(Forbidden):
            await session.flush()
    async with sessions() as session:
        assert (await service.campaign_blueprint(session, blueprint_id=blueprint_id)).name == f"A welcome {marker}"


async def test_reimport_changes_content_in_place_and_drops_removed_actions(sessions, marker):
    before = await blueprint_ids(marker)
    document = library_document(marker)
    document["campaigns"][0]["subject"] = "Welcome again"
    document["workflows"][0]["actions"] = document["workflows"][0]["actions"][:1]
    async with sessions() as session:
        old_flow = await service.workflow_blueprint(session, blueprint_id=f"flow-{marker}")
    await import_blueprints(document)

    assert await blueprint_ids(marker) == before
    async with sessions() as session:
        assert (await service.campaign_blueprint(session, blueprint_id=before["welcome"])).part().subject == "Welcome again"
        flow = await service.workflow_blueprint(session, blueprint_id=f"flow-{marker}")
        assert [a.id for a in flow.actions] == ["day-1"] and flow.actions[0].content.id == old_flow.actions[0].content.id
        assert (await session.get(Template, old_flow.actions[1].content.id)) is None


@pytest.mark.parametrize("document, field", [
    ({"campaigns": [{"name": "No key", "html": "<p>x</p>"}]}, "campaigns.0.key"),
    ({"campaigns": [{"key": "k", "name": "No body"}]}, "campaigns.0.html"),
    ({"workflows": [{"key": "w", "name": "W", "trigger": "sometimes"}]}, "workflows.0.trigger"),
    ({"workflows": [{"key": "w", "name": "W", "actions": [{"key": "a", "name": "A", "html": "<p/>", "parent": "z"}]}]}, "workflows.0.actions.0.parent"),
    ({"campaigns": {"not": "a list"}}, "campaigns"),
])
async def test_a_bad_library_file_is_refused_naming_the_field(sessions, document, field):
    async with sessions() as session:
        with pytest.raises(Invalid) as refused:
            await import_library(session, document)
    assert refused.value.field == field


async def test_pages_are_capped_and_orders_checked(sessions):
    async with sessions() as session:
        with pytest.raises(Invalid):
            await service.campaign_blueprints(session, first=101)
        with pytest.raises(Invalid):
            await service.workflow_blueprints(session, order_by="colour")
