"""The users of a tenant (its members): show, update, suspend, remove; password reset and email confirmation.

Rules:
- Reading a tenant's users needs a role on it; managing them (update another user, suspend, unsuspend, remove,
  reset another's password, resend a confirmation) needs ADMIN on it.
- A user is one person across tenants: what changes the user itself (its profile, suspension, an invalidated
  password) also needs ADMIN on every other tenant it belongs to, else FORBIDDEN. Removing only ends the
  membership (and deletes the user once it belongs nowhere).
- Nobody suspends or removes itself. A user changes its own password with its current one; nobody sets another
  user's password: an admin sends it a reset mail instead.
- Suspended (`User.active` false): it can neither log in nor use the tokens it holds (`user_principal`).
- Unconfirmed (`confirmed_at` null): invited with a confirmation mail; it cannot log in until it confirms with the
  mail's code and a password.
- Reset and confirmation mails carry a signed, expiring, single-use token (`domain.identity.tokens`), sent through
  the message pipeline (`domain.identity.mail`). Asking for a reset of an unknown or suspended email answers as
  for a known one, so the answer tells nobody who has an account.
"""
from __future__ import annotations

import enum
import secrets

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.db import utcnow
from domain.errors import Forbidden, Invalid, NotFound
from domain.identity import mail, tokens
from domain.identity.models import Membership, Role, User
from domain.identity.service import add_member, check_password, hash_secret, verify_secret
from domain.tenancy import scope_of
from domain.tenants.models import Tenant
from domain.validation import normalize_email

PROFILE_FIELDS = ("first_name", "last_name", "title", "office_phone", "mobile_phone", "language", "timezone")


class UserStatus(enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    UNCONFIRMED = "unconfirmed"


def status_of(user: User) -> UserStatus:
    if not user.active:
        return UserStatus.SUSPENDED
    return UserStatus.ACTIVE if user.confirmed_at is not None else UserStatus.UNCONFIRMED


def display_name(profile: dict) -> str | None:
    return " ".join(filter(None, (profile.get("first_name"), profile.get("last_name")))) or None


def check_profile(profile: dict | None) -> dict:
    profile = profile or {}
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(f"Unknown profile fields: {', '.join(sorted(unknown))}", code="INVALID_PROFILE", field="profile")
    for name, value in profile.items():
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise Invalid(f"{name} is a text of at most 200 characters", code="INVALID_PROFILE", field=f"profile.{name}")
    return profile


# --- finding ------------------------------------------------------------------------------------------------

async def member(session: AsyncSession, *, tenant_id: int, user_id: int) -> tuple[User, Membership]:
    """A user of a tenant the caller may read; any other user is not found."""
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    row = (await session.execute(select(User, Membership).join(Membership, Membership.user_id == User.id).where(
        Membership.tenant_id == tenant_id, User.id == user_id))).first()
    if row is None:
        raise NotFound(f"User {user_id} not found", code="USER_NOT_FOUND", field="userId")
    return row[0], row[1]


async def _managed(session: AsyncSession, *, tenant_id: int, user_id: int, actor_id: int | None, whole_user: bool) -> User:
    """The member an admin of the tenant acts on; `whole_user`: it changes the user itself, so every tenant counts."""
    user, _ = await member(session, tenant_id=tenant_id, user_id=user_id)
    scope = scope_of(session)
    scope.require(tenant_id, Role.ADMIN)
    if whole_user and user.id != actor_id:
        others = (await session.execute(select(Membership.tenant_id).where(Membership.user_id == user.id))).scalars()
        if not all(scope.can(t, Role.ADMIN) for t in others):
            raise Forbidden("This user belongs to other accounts too: only an admin of all of them may change it", code="FORBIDDEN")
    return user


def _not_self(user: User, actor_id: int | None, action: str) -> None:
    if user.id == actor_id:
        raise Invalid(f"A user cannot {action} itself", code="CANNOT_ACT_ON_SELF", field="userId")


# --- changes --------------------------------------------------------------------------------------------------

async def invite(
    session: AsyncSession, *, tenant_id: int, email: str, role: Role, secret_key: str, password: str | None = None,
    name: str | None = None, profile: dict | None = None, verify: bool = False, new_member_only: bool = False,
) -> tuple[User, Membership]:
    """`add_member`; with `verify`, a new user gets its confirmation mail (an unconfirmed one, another)."""
    profile = check_profile(profile)
    user, membership = await add_member(
        session, tenant_id=tenant_id, email=email, role=role, password=password, name=name or display_name(profile), profile=profile,
        verify=verify, new_member_only=new_member_only)
    if verify and user.confirmed_at is None:
        await send_confirmation(session, user, secret_key)
    return user, membership


async def update(
    session: AsyncSession, *, tenant_id: int, user_id: int, actor_id: int | None, profile: dict | None = None,
    current_password: str | None = None, new_password: str | None = None,
) -> User:
    """Profile fields given are set (null clears one); a user changes its own password with its current one."""
    profile = check_profile(profile)
    if actor_id == user_id:
        user, _ = await member(session, tenant_id=tenant_id, user_id=user_id)
    else:
        user = await _managed(session, tenant_id=tenant_id, user_id=user_id, actor_id=actor_id, whole_user=True)
    if new_password is not None:
        if user.id != actor_id:
            raise Forbidden("Nobody sets another user's password: send it a password reset", code="FORBIDDEN")
        if not verify_secret(user.password_hash, current_password or ""):
            raise Invalid("The current password is not right", code="WRONG_PASSWORD", field="password.current")
        user.password_hash = hash_secret(check_password(new_password, field="password.new"))
    if profile:
        merged = {**(user.profile or {}), **profile}
        user.profile = {k: v for k, v in merged.items() if v is not None}
        user.name = display_name(user.profile) or user.name
    await session.flush()
    return user


async def suspend(session: AsyncSession, *, tenant_id: int, user_id: int, actor_id: int | None) -> User:
    user = await _managed(session, tenant_id=tenant_id, user_id=user_id, actor_id=actor_id, whole_user=True)
    _not_self(user, actor_id, "suspend")
    user.active = False
    await session.flush()
    return user


async def unsuspend(session: AsyncSession, *, tenant_id: int, user_id: int, actor_id: int | None) -> User:
    user = await _managed(session, tenant_id=tenant_id, user_id=user_id, actor_id=actor_id, whole_user=True)
    user.active = True
    await session.flush()
    return user


async def remove(session: AsyncSession, *, tenant_id: int, user_id: int, actor_id: int | None) -> int:
    """End the user's membership of the tenant; a user left with no membership is deleted."""
    user = await _managed(session, tenant_id=tenant_id, user_id=user_id, actor_id=actor_id, whole_user=False)
    _not_self(user, actor_id, "remove")
    await session.execute(delete(Membership).where(Membership.tenant_id == tenant_id, Membership.user_id == user.id))
    if not (await session.execute(select(Membership.id).where(Membership.user_id == user.id))).first():
        await session.delete(user)
    await session.flush()
    return user_id


# --- mails with a token ---------------------------------------------------------------------------------------

async def _send_reset(session: AsyncSession, user: User, secret_key: str) -> None:
    token = tokens.make(secret_key, tokens.RESET, user)
    hours = int(tokens.LIFETIMES[tokens.RESET].total_seconds() // 3600)
    await mail.send(session, to=user.email, subject="Reset your password", text=(
        f"Someone asked to reset the password of {user.email}.\n\nYour reset token:\n\n{token}\n\n"
        f"Send it with your new password to reset-password-confirm. It works once, for {hours} hours.\n"
        "If you did not ask for this, ignore this mail: your password stays as it is.\n"))


async def send_confirmation(session: AsyncSession, user: User, secret_key: str) -> None:
    token = tokens.make(secret_key, tokens.CONFIRM, user)
    await mail.send(session, to=user.email, subject="Confirm your email address", text=(
        f"You were invited as user {user.id} ({user.email}).\n\nYour confirmation code:\n\n{token}\n\n"
        "Confirm with this code and the password you choose. It works once, for 7 days.\n"))


async def request_reset(session: AsyncSession, *, email: str, secret_key: str) -> str:
    """Forgot my password: mail a reset token to this address when it is an active user's (no caller needed)."""
    address = normalize_email(email or "").lower()
    user = (await session.execute(select(User).where(User.email == address))).scalar_one_or_none()
    if user is not None and user.active:
        await _send_reset(session, user, secret_key)
    return address


async def reset_password(
    session: AsyncSession, *, tenant_id: int, user_id: int, actor_id: int | None, secret_key: str, invalidate: bool = False,
) -> User:
    """A user's own reset, or an admin's for a member; `invalidate` also ends the current password at once."""
    if actor_id == user_id:
        user, _ = await member(session, tenant_id=tenant_id, user_id=user_id)
    else:
        user = await _managed(session, tenant_id=tenant_id, user_id=user_id, actor_id=actor_id, whole_user=invalidate)
    if not user.active:
        raise Invalid("This user is suspended: unsuspend it first", code="USER_SUSPENDED", field="userId")
    if invalidate:
        user.password_hash = hash_secret(secrets.token_urlsafe(32))
        await session.flush()
    await _send_reset(session, user, secret_key)
    return user


async def _by_token(session: AsyncSession, purpose: str, token: str, secret_key: str, *, field: str) -> User:
    user_id = tokens.subject_id(token)
    user = await session.get(User, user_id) if user_id else None
    if user is None or not tokens.verify(secret_key, purpose, token, user):
        raise Invalid("This token is not valid, or no longer is", code="INVALID_TOKEN", field=field)
    return user


async def confirm_reset(session: AsyncSession, *, token: str, password: str, secret_key: str) -> User:
    """The new password for the user the token names; it also confirms an unconfirmed user (the mail reached it)."""
    user = await _by_token(session, tokens.RESET, token, secret_key, field="token")
    if not user.active:
        raise Invalid("This token is not valid, or no longer is", code="INVALID_TOKEN", field="token")
    user.password_hash = hash_secret(check_password(password))
    user.confirmed_at = user.confirmed_at or utcnow()
    await session.flush()
    return user


async def resend_confirmation(session: AsyncSession, *, tenant_id: int, user_id: int, actor_id: int | None, secret_key: str) -> User:
    user = await _managed(session, tenant_id=tenant_id, user_id=user_id, actor_id=actor_id, whole_user=False)
    if user.confirmed_at is not None:
        raise Invalid("This user has already confirmed its email", code="USER_ALREADY_CONFIRMED", field="userId")
    await send_confirmation(session, user, secret_key)
    return user


async def confirm(session: AsyncSession, *, user_id: int, confirmation: str, password: str, secret_key: str) -> User:
    """An invited user confirms its email with the mail's code, and sets its password."""
    if tokens.subject_id(confirmation) != user_id:
        raise Invalid("This confirmation code is not valid, or no longer is", code="INVALID_TOKEN", field="confirmation")
    user = await _by_token(session, tokens.CONFIRM, confirmation, secret_key, field="confirmation")
    user.password_hash = hash_secret(check_password(password))
    user.confirmed_at = utcnow()
    await session.flush()
    return user
