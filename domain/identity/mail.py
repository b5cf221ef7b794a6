"""Identity mail (password reset, email confirmation) through the normal pipeline: `queue_message`, then a worker
delivers it over SMTP like any other message.

The mail carries a secret, so it is queued in the platform's own tenant (slug `sendgraph.identity`, which no API can
create: slugs have no dots) and never in a customer account, where every member could read it in the message log.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.messaging.service import queue_message
from domain.tenancy import unscoped
from domain.tenants.models import Tenant

SYSTEM_SLUG = "sendgraph.identity"


async def _system_tenant(session: AsyncSession) -> Tenant:
    tenant = (await session.execute(select(Tenant).where(Tenant.slug == SYSTEM_SLUG))).scalar_one_or_none()
    if tenant is not None:
        return tenant
    try:
        async with session.begin_nested():  # a concurrent first mail may create it too
            tenant = Tenant(slug=SYSTEM_SLUG, name="sendgraph", settings={"system": "identity mail"})
            session.add(tenant)
    except IntegrityError:
        tenant = (await session.execute(select(Tenant).where(Tenant.slug == SYSTEM_SLUG))).scalar_one()
    return tenant


async def send(session: AsyncSession, *, to: str, subject: str, text: str) -> None:
    """Queue one plain-text mail from the platform; it is delivered once the caller commits."""
    with unscoped(session):  # the platform's tenant: no caller holds a role on it, and none may read it
        tenant = await _system_tenant(session)
        await queue_message(session, tenant_id=tenant.id, channel=Channel.EMAIL, to=to, subject=subject, text=text,
                            external_id="identity")
        await session.flush()
