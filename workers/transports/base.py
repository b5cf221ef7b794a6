"""Transport interface shared by every delivery backend.

After listmonk's Messenger: workers only talk to a `Transport`; which one
(SMTP, file outbox, later HTTP SMS) is chosen by configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, getaddresses
from typing import Any, Protocol, runtime_checkable

import dkim as dkimpy


@dataclass(frozen=True)
class OutgoingEmail:
    # RFC 5322 Message-ID chosen by the caller ("<42.msg@sendgraph.local>");
    # stable across retries so receivers and logs can de-duplicate.
    message_id: str
    sender: str  # "addr" or "Name <addr>"
    to: str
    subject: str
    html: str | None
    text: str | None
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: str | None = None
    # The tenant's DKIM key for the From domain (domain.brands.dkim.SigningKey: domain, selector, private_key PEM).
    dkim: Any = None


@dataclass(frozen=True)
class OutgoingSms:
    message_id: str
    sender: str | None
    to: str
    text: str


class TransportError(Exception):
    """Delivery failed. `permanent` tells the worker whether a retry can help."""

    def __init__(self, reason: str, permanent: bool) -> None:
        # Both in args so the exception survives pickling (Dramatiq, multiprocessing).
        super().__init__(reason, permanent)
        self.reason = reason
        self.permanent = permanent

    def __str__(self) -> str:
        kind = "permanent" if self.permanent else "transient"
        return f"{self.reason} ({kind})"


@runtime_checkable
class Transport(Protocol):
    name: str

    async def send_email(self, mail: OutgoingEmail) -> str:
        """Deliver one email; return the provider's message id."""
        ...

    async def send_sms(self, sms: OutgoingSms) -> str:
        """Deliver one SMS; return the provider's message id."""
        ...

    async def close(self) -> None:
        """Release connections; the transport may be reused afterwards."""
        ...


def no_sms_provider(transport_name: str) -> TransportError:
    return TransportError(
        f"{transport_name} cannot send SMS: no SMS provider configured", permanent=True
    )


# Headers build_mime owns; letting `headers` set them would duplicate them or
# break the MIME structure.
_RESERVED_HEADERS = frozenset(
    name.lower()
    for name in (
        "From", "To", "Subject", "Date", "Message-ID", "Reply-To",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    )
)


# compat32 keeps header values as the strings set here; the default policy parses every header into
# objects and folds it again, which was a third of a worker's CPU per message. CRLF, as SMTP wants.
_POLICY = compat32.clone(linesep="\r\n")
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in raw form, unlike utf-8's default base64
_MAX_LINE = 998  # RFC 5322 line limit, CRLF excluded
_ADDRESS_HEADERS = ("From", "To", "Reply-To")


@dataclass(frozen=True)
class WireEmail:
    """An email ready for SMTP: its RFC 5322 bytes and its envelope."""

    data: bytes
    sender: str
    recipients: list[str]


def build_mime(mail: OutgoingEmail) -> Message:
    """Render `mail` as an RFC 5322 message.

    Raises ValueError for input no retry can fix (no body, bad Message-ID,
    CR/LF in a header, reserved extra header).
    """
    if mail.text is None and mail.html is None:
        raise ValueError("email has neither a text nor an html body")
    mid = mail.message_id
    if not (mid.startswith("<") and mid.endswith(">") and "@" in mid):
        raise ValueError(f"Message-ID must look like <id@domain>, got {mid!r}")
    for name, value in mail.headers.items():
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"header {name!r} is set from OutgoingEmail fields, not `headers`")

    # Text first: multipart/alternative lists parts in increasing preference.
    if mail.text is not None and mail.html is not None:
        msg = MIMEMultipart("alternative", policy=_POLICY)
        msg.attach(_text_part(mail.text, "plain", top=False))
        msg.attach(_text_part(mail.html, "html", top=False))
    else:
        msg = _text_part(mail.text if mail.text is not None else mail.html, "plain" if mail.text is not None else "html", top=True)
    fields = {"Message-ID": mid, "Date": format_datetime(datetime.now(timezone.utc)), "From": mail.sender, "To": mail.to,
              "Subject": mail.subject, **({"Reply-To": mail.reply_to} if mail.reply_to else {}), **mail.headers}
    for name, value in fields.items():
        msg[name] = _header_value(name, value)
    return msg


def _text_part(body: str, subtype: str, *, top: bool) -> MIMEText:
    plain_ascii = body.isascii() and all(len(line) <= _MAX_LINE for line in body.splitlines())
    part = MIMEText(body, subtype, "us-ascii" if plain_ascii else _UTF8_QP, policy=_POLICY)
    if not top:
        del part["MIME-Version"]  # once, on the message itself
    return part


def _header_value(name: str, value: str) -> str | Header:
    if "\r" in value or "\n" in value:
        raise ValueError(f"Header values may not contain linefeed or carriage return characters ({name})")
    if value.isascii():
        return value
    if name in _ADDRESS_HEADERS:  # RFC 2047 for display names only; the address itself stays as it is
        return ", ".join(formataddr((display, address), charset="utf-8") for display, address in getaddresses([value]))
    return Header(value, "utf-8", header_name=name)


def envelope(msg: Message) -> tuple[str, list[str]]:
    """Envelope addresses from the From/To headers ("Name <a@b>" -> "a@b"); ValueError when one is not an address."""

    def addresses(name: str) -> list[str]:
        found = [address for _, address in getaddresses([str(msg[name] or "")])]
        if not found or any(not _is_address(a) for a in found):
            raise ValueError(f"invalid {name} address: {str(msg[name])!r}")
        return found

    return addresses("From")[0], addresses("To")


def _is_address(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return bool(local and domain) and not any(c.isspace() or c in "<>,;" for c in address)


def render_or_reject(mail: OutgoingEmail) -> WireEmail:
    """build_mime and envelope for transports: a malformed message is a permanent failure."""
    try:
        msg = build_mime(mail)
        sender, recipients = envelope(msg)
        data = msg.as_bytes()
    except (ValueError, UnicodeError) as exc:
        raise TransportError(f"malformed message: {exc}", permanent=True) from exc
    if mail.dkim is not None:
        data = dkim_sign(data, mail.dkim) + data
    return WireEmail(data=data, sender=sender, recipients=recipients)


def dkim_sign(data: bytes, key: Any) -> bytes:
    """The DKIM-Signature header (RFC 6376, rsa-sha256, relaxed/relaxed) for the message bytes, CRLF-terminated.

    Signed last, over the exact bytes sent, so nothing may change the message afterwards."""
    try:
        return dkimpy.sign(data, key.selector.encode(), key.domain.encode(), key.private_key, canonicalize=(b"relaxed", b"relaxed"))
    except dkimpy.DKIMException as exc:  # a stored key dkimpy cannot use: no retry makes it usable
        raise TransportError(f"DKIM signing with {key.selector}._domainkey.{key.domain} failed: {exc}", permanent=True) from exc
