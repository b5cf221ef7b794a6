"""API credentials of the legacy dialects: Marigold service-account keys (key:secret) and Doxie
basic-auth API users. Secrets are shown once, at creation, and stored only as argon2 hashes."""
from __future__ import annotations

import fnmatch
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.db import utcnow
from domain.errors import Conflict, Invalid, Unauthenticated
from domain.identity.models import ApiCredential, CredentialKind, Role
from domain.identity.service import Principal, hash_secret, verify_secret
from domain.tenancy import Scope, scope_of, unscoped
from domain.tenants.models import Tenant


def _require_admin(session: AsyncSession, tenant_id: int) -> None:
    scope: Scope = scope_of(session)
    scope.require(tenant_id, Role.ADMIN)


async def create_api_key(
    session: AsyncSession, *, tenant_id: int, role: Role = Role.WRITE, endpoints: list[str] | None = None,
    expires_at: datetime | None = None, description: str | None = None,
) -> tuple[ApiCredential, str]:
    """A service account: returns the credential and its `key:secret`, which is never shown again."""
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    _require_admin(session, tenant_id)
    if expires_at is not None and expires_at.tzinfo is None:
        raise Invalid("The expiry needs a time zone", code="INVALID_TIME", field="expiresAt")
    if expires_at is not None and expires_at <= utcnow():
        raise Invalid("The expiry must be in the future", code="INVALID_TIME", field="expiresAt")
    key, secret = secrets.token_hex(12), secrets.token_urlsafe(32)
    credential = ApiCredential(
        tenant_id=tenant_id, kind=CredentialKind.API_KEY, key=key, secret_hash=hash_secret(secret), role=int(role),
        allowed_endpoints=endpoints or None, expires_at=expires_at, description=description,
    )
    session.add(credential)
    await session.flush()
    return credential, f"{key}:{secret}"


async def create_api_user(session: AsyncSession, *, tenant_id: int, username: str, role: Role = Role.WRITE) -> tuple[ApiCredential, str]:
    """A Doxie API user: returns the credential and its password, which is never shown again."""
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    _require_admin(session, tenant_id)
    username = (username or "").strip()
    if not username or len(username) > 100 or ":" in username:
        raise Invalid("A username is 1-100 characters without ':'", code="INVALID_USERNAME", field="username")
    with unscoped(session):
        taken = (await session.execute(select(ApiCredential.id).where(
            ApiCredential.kind == CredentialKind.API_USER, ApiCredential.key == _user_key(tenant_id, username)))).first()
    if taken:
        raise Conflict(f"API user {username!r} already exists", code="USERNAME_TAKEN", field="username")
    password = secrets.token_urlsafe(24)
    credential = ApiCredential(
        tenant_id=tenant_id, kind=CredentialKind.API_USER, key=_user_key(tenant_id, username),
        secret_hash=hash_secret(password), role=int(role), description=username,
    )
    session.add(credential)
    await session.flush()
    return credential, password


async def revoke(session: AsyncSession, *, credential_id: int) -> None:
    credential = await get_or_raise(session, ApiCredential, credential_id, what="Credential")
    _require_admin(session, credential.tenant_id)
    credential.revoked = True
    await session.flush()


async def delete(session: AsyncSession, *, credential_id: int) -> ApiCredential:
    """Remove a credential for good (a Doxie API user's name can then be used again); needs ADMIN."""
    credential = await get_or_raise(session, ApiCredential, credential_id, what="Credential")
    _require_admin(session, credential.tenant_id)
    await session.delete(credential)
    await session.flush()
    return credential


def username(credential: ApiCredential) -> str | None:
    """An API user's name (its key without the tenant prefix); None for other kinds."""
    if credential.kind is not CredentialKind.API_USER:
        return None
    return credential.key.partition("/")[2]


def _user_key(tenant_id: int, username: str) -> str:
    return f"{tenant_id}/{username}"  # usernames are unique per tenant, as Doxie's are


def _usable(credential: ApiCredential | None, secret: str) -> ApiCredential:
    if credential is None or credential.revoked or not verify_secret(credential.secret_hash, secret):
        raise Unauthenticated("Invalid credentials")
    if credential.expires_at is not None and credential.expires_at <= utcnow():
        raise Unauthenticated("These credentials have expired")
    return credential


async def api_key_principal(session: AsyncSession, *, header: str, endpoint: str | None = None) -> Principal:
    """`key:secret` from X-ApiKey; `endpoint` ("POST /path") must be allowed when the key lists endpoints."""
    key, _, secret = (header or "").strip().partition(":")
    credential = (await session.execute(select(ApiCredential).where(
        ApiCredential.kind == CredentialKind.API_KEY, ApiCredential.key == key))).scalar_one_or_none()
    credential = _usable(credential, secret)
    if endpoint is not None and credential.allowed_endpoints is not None:
        if not any(fnmatch.fnmatchcase(endpoint, pattern) for pattern in credential.allowed_endpoints):
            raise Unauthenticated("This service account may not use this endpoint")
    return Principal(kind="api_key", subject=key, memberships={credential.tenant_id: Role(credential.role)})


async def api_user_principal(session: AsyncSession, *, tenant_id: int, username: str, password: str) -> Principal:
    credential = (await session.execute(select(ApiCredential).where(
        ApiCredential.kind == CredentialKind.API_USER, ApiCredential.key == _user_key(tenant_id, username)))).scalar_one_or_none()
    credential = _usable(credential, password)
    return Principal(kind="api_user", subject=username, memberships={credential.tenant_id: Role(credential.role)})
