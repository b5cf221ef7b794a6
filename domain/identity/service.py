"""Users, memberships and API credentials; turning a credential into a tenant scope."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.common import get_or_raise
from domain.errors import Conflict, Invalid, Unauthenticated
from domain.identity.models import ApiCredential, CredentialKind, Membership, Role, User
from domain.tenancy import Scope, scope_of
from domain.tenants.models import Tenant
from domain.validation import normalize_email

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    try:
        return secret_hash is not None and _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user or a credential, with the role it holds on each tenant it was given."""

    kind: str  # "user", "token", "api_key", "api_user", "platform"
    subject: str
    memberships: dict[int, Role] = field(default_factory=dict)
    platform: bool = False  # operator token: every tenant
    user_id: int | None = None  # the user behind a user's access token
    scope: Scope | None = field(default=None, compare=False)  # when it was loaded with the principal


async def scope_for(session: AsyncSession, principal: Principal) -> Scope:
    """A role on a tenant extends to its sub-tenants (Especial sub-accounts), at any depth."""
    if principal.platform:
        return Scope(roles={}, everything=True)
    if principal.scope is not None:
        return principal.scope
    roles = dict(principal.memberships)
    frontier = list(roles)
    while frontier:
        children = (await session.execute(select(Tenant.id, Tenant.parent_id).where(Tenant.parent_id.in_(frontier)))).all()
        frontier = []
        for child_id, parent_id in children:
            inherited = max(roles.get(child_id, 0), roles[parent_id])
            if roles.get(child_id) != inherited:
                roles[child_id] = Role(inherited)
                frontier.append(child_id)
    return Scope(roles=roles)


async def create_user(
    session: AsyncSession, *, email: str, password: str | None, name: str | None = None, profile: dict | None = None, confirmed: bool = True,
) -> User:
    """An unconfirmed user (`confirmed=False`) confirms its email before it can log in; without a password, it has none until then."""
    email = normalize_email(email).lower()
    if (await session.execute(select(User.id).where(User.email == email))).first():
        raise Conflict(f"A user with email {email} already exists", code="EMAIL_TAKEN", field="email")
    user = User(email=email, name=name, password_hash=hash_secret(password or secrets.token_urlsafe(32)), profile=profile or {},
                confirmed_at=utcnow() if confirmed else None)
    session.add(user)
    await session.flush()
    return user


async def grant(session: AsyncSession, *, user_id: int, tenant_id: int, role: Role) -> Membership:
    membership = (
        await session.execute(select(Membership).where(Membership.user_id == user_id, Membership.tenant_id == tenant_id))
    ).scalar_one_or_none()
    if membership is None:
        membership = Membership(user_id=user_id, tenant_id=tenant_id)
        session.add(membership)
    membership.role = int(role)
    await session.flush()
    return membership


MIN_PASSWORD_LENGTH = 8


def check_password(password: str | None, *, field: str = "password") -> str:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"A password has at least {MIN_PASSWORD_LENGTH} characters", code="WEAK_PASSWORD", field=field)
    return password


async def add_member(
    session: AsyncSession, *, tenant_id: int, email: str, role: Role, password: str | None = None, name: str | None = None,
    profile: dict | None = None, verify: bool = False, new_member_only: bool = False,
) -> tuple[User, Membership]:
    """Give the user with this email a role on a tenant, creating the user (with `password`) when there is none.

    Needs ADMIN on the tenant. An existing user keeps its password and profile: an admin of one tenant never sets
    them for a user who may belong to others. With `verify`, a new user is unconfirmed (the caller sends it the
    confirmation mail, `domain.identity.users.send_confirmation`) and needs no password yet: it sets one on confirming.
    With `new_member_only`, a user already on the tenant is a conflict rather than a role change.
    """
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    scope_of(session).require(tenant_id, Role.ADMIN)
    user = (await session.execute(select(User).where(User.email == normalize_email(email).lower()))).scalar_one_or_none()
    if user is None:
        if password is not None or not verify:
            check_password(password)
        user = await create_user(session, email=email, password=password, name=name, profile=profile, confirmed=not verify)
    elif new_member_only and (await session.execute(
            select(Membership.id).where(Membership.user_id == user.id, Membership.tenant_id == tenant_id))).first():
        raise Conflict(f"{user.email} is already a user of this account", code="USER_EMAIL_TAKEN", field="email")
    return user, await grant(session, user_id=user.id, tenant_id=tenant_id, role=role)


async def user_principal(session: AsyncSession, *, user_id: int) -> Principal:
    user = await session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthenticated("Unknown or inactive user")
    rows = (await session.execute(select(Membership.tenant_id, Membership.role).where(Membership.user_id == user_id))).all()
    return Principal(kind="user", subject=user.email, memberships={t: Role(r) for t, r in rows}, user_id=user.id)


async def issue_token_credential(
    session: AsyncSession, *, tenant_id: int, role: Role, expires_at: datetime | None = None, description: str | None = None
) -> ApiCredential:
    """The revocable record behind a bearer token; the token itself is signed by the edge."""
    credential = ApiCredential(
        tenant_id=tenant_id, kind=CredentialKind.TOKEN, key=secrets.token_hex(16), role=int(role),
        expires_at=expires_at, description=description,
    )
    session.add(credential)
    await session.flush()
    return credential


def _token_with_scope():
    token = (ApiCredential.kind == CredentialKind.TOKEN) & (ApiCredential.key == bindparam("key"))
    subtree = select(ApiCredential.tenant_id.label("id")).where(token).cte("subtree", recursive=True)
    subtree = subtree.union(select(Tenant.id).where(Tenant.parent_id == subtree.c.id))
    return (
        select(ApiCredential.revoked, ApiCredential.expires_at, ApiCredential.role, ApiCredential.tenant_id, subtree.c.id)
        .select_from(ApiCredential).join(subtree, true()).where(token)
    )


# Built once: every request with a token starts here, and building the statement cost as much as running it.
_TOKEN_WITH_SCOPE = _token_with_scope()


async def token_principal(session: AsyncSession, *, key: str) -> Principal:
    """A token with the scope it grants (its tenant and that tenant's sub-tenants at any depth, as
    `scope_for` walks them), read in one statement."""
    rows = (await session.execute(_TOKEN_WITH_SCOPE, {"key": key})).all()
    if not rows or rows[0].revoked:
        raise Unauthenticated("This token has been revoked")
    credential = rows[0]
    if credential.expires_at is not None and credential.expires_at <= utcnow():
        raise Unauthenticated("This token has expired")
    role = Role(credential.role)
    return Principal(kind="token", subject=key, memberships={credential.tenant_id: role},
                     scope=Scope(roles={row.id: role for row in rows}))


async def password_principal(session: AsyncSession, *, email: str, password: str) -> tuple[User, Principal]:
    """The OAuth2 password grant: a user's email and password."""
    user = (await session.execute(select(User).where(User.email == (email or "").strip().lower()))).scalar_one_or_none()
    if user is None or not user.active or not verify_secret(user.password_hash, password or ""):
        raise Unauthenticated("Incorrect username or password")
    if user.confirmed_at is None:
        raise Unauthenticated("Confirm your email address first: follow the confirmation mail")
    return user, await user_principal(session, user_id=user.id)
