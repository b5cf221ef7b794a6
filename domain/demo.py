"""The `sendgraph demo` data: enough to try every mutation in GraphiQL."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns import service as campaigns
from domain.contacts import service as contacts
from domain.events import service as events
from domain.identity.models import ApiCredential, Role
from domain.identity.service import issue_token_credential
from domain.templates import service as templates
from domain.tenants import service as tenants
from domain.tenants.models import Tenant


async def seed(session: AsyncSession) -> ApiCredential:
    """Idempotent: a second run only issues a new token."""
    tenant = (await session.execute(select(Tenant).where(Tenant.slug == "demo"))).scalar_one_or_none()
    if tenant is None:
        tenant = await tenants.create(session, slug="demo", name="Demo Company")
        newsletter = await contacts.create_list(session, tenant_id=tenant.id, name="Newsletter")
        for email, first_name, language in (("ada@example.com", "Ada", "en"), ("grace@example.com", "Grace", "en"), ("konrad@example.com", "Konrad", "de")):
            await contacts.create_contact(session, tenant_id=tenant.id, email=email, first_name=first_name, language=language, list_ids=[newsletter.id])
        welcome = await templates.create(
            session, tenant_id=tenant.id, name="Welcome", api_name="welcome", channel=Channel.EMAIL,
            parts=[
                {"language": "en", "subject": "Welcome, {{ first_name or 'friend' }}!", "html": "<p>Hello {{ first_name }}, welcome aboard.</p>", "text": "Hello {{ first_name }}, welcome aboard."},
                {"language": "de", "subject": "Willkommen, {{ first_name or 'Freund' }}!", "html": "<p>Hallo {{ first_name }}, willkommen.</p>", "text": "Hallo {{ first_name }}, willkommen."},
            ],
        )
        await events.create(
            session, tenant_id=tenant.id, slug="welcome_email", name="Welcome email", template_ids=[welcome.id],
            parameters=[{"name": "email", "required": True}, {"name": "first_name"}],
        )
        await campaigns.create(session, tenant_id=tenant.id, name="Welcome campaign", template_id=welcome.id, list_id=newsletter.id)
    return await issue_token_credential(session, tenant_id=tenant.id, role=Role.ADMIN, description="sendgraph demo")
