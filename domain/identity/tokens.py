"""Signed, expiring, single-use tokens for a user's password reset and email confirmation, and an account's confirmation.

A token is `{subject id}.{expiry}.{signature}`; the signature (HMAC-SHA256, a key derived from SECRET_KEY per purpose)
covers the subject's current state: a user's password hash and confirmation time, an account's creation time. Using
a user's token changes its state (a new argon2 hash with a new salt) and an account's token is taken only while the
account is pending, so the same token never works twice, and no table is needed.
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
ACCOUNT_CONFIRM = "account-confirm"
LIFETIMES = {RESET: timedelta(hours=2), CONFIRM: timedelta(days=7), ACCOUNT_CONFIRM: timedelta(days=7)}
_TOKEN = re.compile(r"([1-9][0-9]{0,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{20,60})")


def _signature(secret_key: str, purpose: str, state: str, body: str) -> str:
    key = hmac.new(secret_key.encode(), f"sendgraph/identity/{purpose}/v1".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, f"{body}|{state}".encode(), hashlib.sha256).digest()[:24]).decode().rstrip("=")


def _user_state(user: User) -> str:
    return f"{user.password_hash}|{user.confirmed_at.isoformat() if user.confirmed_at else ''}"


def make_for(secret_key: str, purpose: str, subject_id: int, state: str) -> str:
    body = f"{subject_id}.{int((utcnow() + LIFETIMES[purpose]).timestamp())}"
    return f"{body}.{_signature(secret_key, purpose, state, body)}"


def make(secret_key: str, purpose: str, user: User) -> str:
    return make_for(secret_key, purpose, user.id, _user_state(user))


def subject_id(token: str) -> int | None:
    """The user or account a well-formed token names (not yet verified)."""
    match = _TOKEN.fullmatch((token or "").strip())
    return int(match.group(1)) if match else None


def verify_for(secret_key: str, purpose: str, token: str, subject: int, state: str) -> bool:
    match = _TOKEN.fullmatch((token or "").strip())
    if not match or int(match.group(1)) != subject or int(match.group(2)) < utcnow().timestamp():
        return False
    expected = _signature(secret_key, purpose, state, f"{match.group(1)}.{match.group(2)}")
    return hmac.compare_digest(expected.encode(), match.group(3).encode())


def verify(secret_key: str, purpose: str, token: str, user: User) -> bool:
    return verify_for(secret_key, purpose, token, user.id, _user_state(user))
