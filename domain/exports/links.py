"""Signed download links: `{export id}.{expiry}.{signature}`, so a download URL works without a credential (as the
pre-signed storage URLs Especial hands out do) until the export expires, and for that export only.

The signature is HMAC-SHA256 (truncated to 144 bits, URL-safe base64) over the export id and the expiry, with a
key derived from SECRET_KEY for this purpose alone. Deleting the export (or its expiry) ends the link.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timezone

_TOKEN = re.compile(r"([1-9][0-9]{0,18})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{24})")


def _signature(secret_key: str, export_id: int, expires: int) -> str:
    key = hmac.new(secret_key.encode(), b"sendgraph/export-downloads/v1", hashlib.sha256).digest()
    mac = hmac.new(key, f"{export_id}\x00{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def make_token(secret_key: str, export_id: int, expires_at: datetime) -> str:
    expires = int(expires_at.timestamp())
    return f"{export_id}.{expires}.{_signature(secret_key, export_id, expires)}"


def verify_token(secret_key: str, token: str, *, now: datetime | None = None) -> int | None:
    """The export id the token names, or None when we did not sign it or it has expired."""
    found = _TOKEN.fullmatch(token or "")
    if not found:
        return None
    export_id, expires = int(found[1]), int(found[2])
    if not hmac.compare_digest(_signature(secret_key, export_id, expires).encode(), found[3].encode()):
        return None
    if expires <= (now or datetime.now(timezone.utc)).timestamp():
        return None
    return export_id


def download_url(public_url: str, secret_key: str, export_id: int, expires_at: datetime) -> str:
    return f"{public_url.rstrip('/')}/exports/{make_token(secret_key, export_id, expires_at)}.csv"
