"""Signing outgoing webhooks the Standard Webhooks way (https://www.standardwebhooks.com).

Every request carries three headers:

    webhook-id:        the delivery's id, the same on every retry (receivers de-duplicate on it)
    webhook-timestamp: unix seconds of this attempt
    webhook-signature: v1,<base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}"))>

`key` is the base64-decoded part of the endpoint's secret after `whsec_`; `body` is the exact
request body. `webhook-signature` may hold several space-separated signatures; one valid `v1`
entry is enough.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60  # a receiver rejects timestamps further away than this (replay protection)


def generate_secret(size: int = 32) -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(size)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64 after `whsec_`."""
    encoded = secret[len(PREFIX):] if secret.startswith(PREFIX) else secret
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from exc


def _as_text(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def sign(secret: str, *, webhook_id: str, timestamp: int, body: bytes | str) -> str:
    """The `webhook-signature` header value for one request."""
    signed = f"{webhook_id}.{timestamp}.".encode() + _as_text(body)
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, *, webhook_id: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """The three signature headers for one attempt (a fresh timestamp each time)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id=webhook_id, timestamp=timestamp, body=body),
    }


def verify(
    secret: str, *, body: bytes | str, headers: Mapping[str, str], tolerance: int = TOLERANCE_SECONDS, now: int | None = None
) -> bool:
    """What a receiver does: the timestamp is recent and one `v1` signature matches the body."""
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id, timestamp, signatures = (lowered.get(k) for k in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (webhook_id and timestamp and signatures):
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    now = int(time.time()) if now is None else now
    if abs(now - sent_at) > tolerance:
        return False
    expected = sign(secret, webhook_id=webhook_id, timestamp=sent_at, body=body)
    return any(hmac.compare_digest(candidate, expected) for candidate in signatures.split(" ") if candidate.startswith("v1,"))
