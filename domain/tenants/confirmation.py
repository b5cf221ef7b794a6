"""Confirming a new sub-account by mail (Especial's account verification).

- A tenant created `awaiting_confirmation` is inactive, so it sends nothing (TENANT_INACTIVE), and it cannot be
  unsuspended (`domain.tenants.service.update`) until it is confirmed. Confirming makes it active.
- Its confirmation code goes to its admins (for an Especial sub-account: the account owner), through the platform's
  identity mail (`domain.identity.mail`), never through the account itself.
- The code is a signed, expiring token over the account and its creation time (`domain.identity.tokens`); only a
  pending account is confirmed, so a code works once, and no table is needed.
- Confirming needs no credential: the code is the proof, and the caller then reads the account it confirmed.
  Resending is asked by address and answers the same whether or not the address owns a pending account, so it tells
  nobody which addresses do.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Invalid
from domain.identity import mail, tokens
from domain.identity.models import Membership, Role, User
from domain.tenancy import scope_of, unscoped
from domain.tenants import service
from domain.tenants.models import Tenant
from domain.validation import normalize_email

INVALID = "This confirmation code is not valid, or no longer is"


def _state(tenant: Tenant) -> str:
    # its creation second: SQLite may give a deleted account's id to a new one
    return str(int(tenant.created_at.timestamp()))


async def _admin_emails(session: AsyncSession, tenant_id: int) -> list[str]:
    query = (select(User.email).join(Membership, Membership.user_id == User.id)
             .where(Membership.tenant_id == tenant_id, Membership.role >= int(Role.ADMIN), User.active).order_by(User.id))
    return list((await session.execute(query)).scalars())


async def _mail(session: AsyncSession, tenant: Tenant, to: str, secret_key: str) -> None:
    token = tokens.make_for(secret_key, tokens.ACCOUNT_CONFIRM, tenant.id, _state(tenant))
    days = tokens.LIFETIMES[tokens.ACCOUNT_CONFIRM].days
    await mail.send(session, to=to, subject="Confirm your new account", text=(
        f"The account {tenant.name} (account id {tenant.id}) was created with {to} as its owner.\n\n"
        f"Your confirmation code:\n\n{token}\n\nConfirm the account with this code. It works once, for {days} days.\n"))


async def send(session: AsyncSession, *, tenant_id: int, secret_key: str) -> Tenant:
    """Mail a pending tenant's confirmation code to its admins. Needs ADMIN on it (on its parent, for a sub-account)."""
    tenant = await service.get(session, tenant_id=tenant_id)
    scope_of(session).require(tenant.id, Role.ADMIN)
    if not tenant.awaiting_confirmation:
        raise Invalid("This account is already confirmed", code="TENANT_ALREADY_CONFIRMED", field="id")
    with unscoped(session):  # its admins' addresses: users are not the caller's to list
        emails = await _admin_emails(session, tenant.id)
    if not emails:
        raise Invalid("This account has no admin to mail its confirmation code to", code="NO_TENANT_ADMIN", field="id")
    for email in emails:
        await _mail(session, tenant, email, secret_key)
    return tenant


async def resend(session: AsyncSession, *, email: str, secret_key: str) -> str:
    """Mail this address the code of every pending account it is an admin of (none: nothing is sent, same answer)."""
    address = normalize_email(email or "").lower()
    with unscoped(session):  # asked without a credential, by address
        query = (select(Tenant).join(Membership, Membership.tenant_id == Tenant.id).join(User, User.id == Membership.user_id)
                 .where(User.email == address, User.active, Membership.role >= int(Role.ADMIN), Tenant.awaiting_confirmation))
        for tenant in (await session.execute(query)).scalars():
            await _mail(session, tenant, address, secret_key)
    return address


async def confirm(session: AsyncSession, *, tenant_id: int, confirmation: str, secret_key: str) -> Tenant:
    """The code from the mail confirms the pending account it names, which becomes active."""
    if tokens.subject_id(confirmation) != tenant_id:
        raise Invalid(INVALID, code="INVALID_TOKEN", field="confirmation")
    with unscoped(session):  # no credential: the code proves the caller owns this account
        tenant = await session.get(Tenant, tenant_id)
        if tenant is None or not tenant.awaiting_confirmation or not tokens.verify_for(
                secret_key, tokens.ACCOUNT_CONFIRM, confirmation, tenant.id, _state(tenant)):
            raise Invalid(INVALID, code="INVALID_TOKEN", field="confirmation")
        tenant.awaiting_confirmation = False
        tenant.active = True
        await session.flush()
    return tenant
