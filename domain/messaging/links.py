"""Signed links in sent messages: one-click unsubscribe, the open pixel and click redirects.

A token names one message and one purpose: `{message id}.{signature}`, where the signature is
HMAC-SHA256 (truncated to 144 bits, URL-safe base64) over the purpose, the message id and, for a
click, the target URL. Verifying needs only the key, never the database; a token made for one
purpose (an open pixel) is worthless for another (unsubscribing), and a click token is only valid
with the URL it was made for, so `/c/...` is no open redirect.

The key is derived from the deployment's SECRET_KEY, so changing SECRET_KEY invalidates the links
in every mail already sent.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

UNSUBSCRIBE = "unsubscribe"
OPEN = "open"
CLICK = "click"
PURPOSES = (UNSUBSCRIBE, OPEN, CLICK)

_ID = re.compile(r"[1-9][0-9]{0,18}")  # canonical decimal, fits a BIGINT
_SIGNATURE_BYTES = 18


def _key(secret_key: str) -> bytes:
    """A key for links only, so a link signature can never double as any other signature made with SECRET_KEY."""
    return hmac.new(secret_key.encode(), b"sendgraph/message-links/v1", hashlib.sha256).digest()


def _signature(secret_key: str, purpose: str, message_id: int, url: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    mac = hmac.new(_key(secret_key), f"{purpose}\x00{message_id}\x00{url}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:_SIGNATURE_BYTES]).decode()


def make_token(secret_key: str, purpose: str, message_id: int, *, url: str = "") -> str:
    """`{message_id}.{signature}`: only URL-safe characters."""
    return f"{int(message_id)}.{_signature(secret_key, purpose, int(message_id), url)}"


def verify_token(secret_key: str, purpose: str, token: str, *, url: str = "") -> int | None:
    """The message id the token names, or None when it was not made by us for this purpose (and URL)."""
    if not isinstance(token, str):
        return None
    id_part, dot, signature = token.partition(".")
    if not dot or not _ID.fullmatch(id_part):
        return None
    message_id = int(id_part)
    expected = _signature(secret_key, purpose, message_id, url)
    return message_id if hmac.compare_digest(expected.encode(), signature.encode()) else None


@dataclass(frozen=True)
class Links:
    """The public URLs of one deployment's links (`public_url` is SENDGRAPH_PUBLIC_URL)."""

    secret_key: str
    public_url: str

    def unsubscribe_url(self, message_id: int) -> str:
        return f"{self.base}/u/{make_token(self.secret_key, UNSUBSCRIBE, message_id)}"

    def open_url(self, message_id: int) -> str:
        return f"{self.base}/o/{make_token(self.secret_key, OPEN, message_id)}.gif"

    def click_url(self, message_id: int, url: str) -> str:
        return f"{self.base}/c/{make_token(self.secret_key, CLICK, message_id, url=url)}?u={quote(url, safe='')}"

    def is_ours(self, url: str) -> bool:
        """A link into this deployment (an unsubscribe link placed in the body) is left as it is."""
        return url == self.base or url.startswith(self.base + "/")

    @property
    def base(self) -> str:
        return self.public_url.rstrip("/")
