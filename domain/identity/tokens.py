"""Signed, expiring, single-use tokens for a user's password reset and email confirmation.

A token is `{user id}.{expiry}.{signature}`; the signature (HMAC-SHA256, a key derived from SECRET_KEY per purpose)
covers the user's current password hash and confirmation time. Using a token sets a new password (a new argon2 hash,
with a new salt), so the same token never verifies twice, and no table is needed.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import timedelta

from domain.db import utcnow
from domain.identity.models import User

RESET = "password-reset"
CONFIRM = "user-confirm"
LIFETIMES = {RESET: timedelta(hours=2), CONFIRM: timedelta(days=7)}
_TOKEN = re.compile(r"([1-9][0-9]{0,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{20,60})")


def _signature(secret_key: str, purpose: str, user: User, body: str) -> str:
    key = hmac.new(secret_key.encode(), f"sendgraph/identity/{purpose}/v1".encode(), hashlib.sha256).digest()
    state = f"{body}|{user.password_hash}|{user.confirmed_at.isoformat() if user.confirmed_at else ''}"
    return base64.urlsafe_b64encode(hmac.new(key, state.encode(), hashlib.sha256).digest()[:24]).decode().rstrip("=")


def make(secret_key: str, purpose: str, user: User) -> str:
    body = f"{user.id}.{int((utcnow() + LIFETIMES[purpose]).timestamp())}"
    return f"{body}.{_signature(secret_key, purpose, user, body)}"


def user_id(token: str) -> int | None:
    """The user a well-formed token names (not yet verified)."""
    match = _TOKEN.fullmatch((token or "").strip())
    return int(match.group(1)) if match else None


def verify(secret_key: str, purpose: str, token: str, user: User) -> bool:
    match = _TOKEN.fullmatch((token or "").strip())
    if not match or int(match.group(1)) != user.id or int(match.group(2)) < utcnow().timestamp():
        return False
    expected = _signature(secret_key, purpose, user, f"{match.group(1)}.{match.group(2)}")
    return hmac.compare_digest(expected.encode(), match.group(3).encode())
