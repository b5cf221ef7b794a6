"""The blueprint library in tests: a seed-like library document with unique keys, imported as `sendgraph blueprints
import` does (domain.blueprints.library, in a system session)."""
from __future__ import annotations

import secrets

from tests.support.environment import DATABASE_URL


def library_document(marker: str | None = None) -> dict:
    """Two campaign blueprints tagged `bp-<marker>` and a workflow blueprint `flow-<marker>` with two actions."""
    marker = marker or secrets.token_hex(4)
    return {
        "campaigns": [
            {"key": f"welcome-{marker}", "name": f"A welcome {marker}", "description": "Greets a new subscriber", "tags": [f"bp-{marker}", "onboarding"],
             "subject": "Welcome, {{ first_name }}!", "html": "<h1>Hello {{ first_name }}</h1><p>Glad you are here.</p>",
             "text": "Hello {{ first_name }}", "thumbnail_url": "https://cdn.example.com/welcome.png"},
            {"key": f"sale-{marker}", "name": f"B sale {marker}", "tags": [f"bp-{marker}"], "subject": "Our sale", "text": "Everything must go"},
        ],
        "workflows": [
            {"key": f"flow-{marker}", "name": f"Welcome series {marker}", "description": "Two mails for new subscribers", "goal": "Onboard",
             "trigger": "subscribed", "actions": [
                 {"key": "day-1", "name": "Day one", "delay": 0, "condition": "none", "subject": "Day one, {{ first_name }}",
                  "html": "<p>Day one</p>"},
                 {"key": "day-2", "name": "A second day", "delay": 86400, "condition": "opened", "parent": "day-1", "subject": "Day two",
                  "html": "<p>Day two</p>", "text": "Day two"},
             ]},
        ],
    }


async def import_blueprints(document: dict):
    from domain.blueprints.library import import_library
    from domain.db import create_engine, session_factory

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            done = await import_library(session, document)
            await session.commit()
            return done
    finally:
        await engine.dispose()


async def blueprint_ids(marker: str) -> dict[str, int]:
    """The library template ids of a document's campaign blueprints, by key."""
    from sqlalchemy import select

    from domain.blueprints.service import LIBRARY_SLUG
    from domain.db import create_engine, session_factory
    from domain.templates.models import Template
    from domain.tenants.models import Tenant

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(select(Template.api_name, Template.id).join(Tenant, Tenant.id == Template.tenant_id)
                                         .where(Tenant.slug == LIBRARY_SLUG, Template.api_name.like(f"%-{marker}")))
            return {name.rsplit("-", 1)[0]: id for name, id in rows}
    finally:
        await engine.dispose()
