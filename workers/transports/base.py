"""Transport interface shared by every delivery backend.

After listmonk's Messenger: workers only talk to a `Transport`; which one
(SMTP, file outbox, later HTTP SMS) is chosen by configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol, runtime_checkable


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


def build_mime(mail: OutgoingEmail) -> EmailMessage:
    """Render `mail` as an RFC 5322 message.

    Raises ValueError for input no retry can fix (no body, bad Message-ID,
    CR/LF in a header, reserved extra header).
    """
    if mail.text is None and mail.html is None:
        raise ValueError("email has neither a text nor an html body")
    mid = mail.message_id
    if not (mid.startswith("<") and mid.endswith(">") and "@" in mid):
        raise ValueError(f"Message-ID must look like <id@domain>, got {mid!r}")

    # policy.SMTP: CRLF line endings and RFC 2047 encoding of non-ASCII headers.
    msg = EmailMessage(policy=policy.SMTP)
    msg["Message-ID"] = mid
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["From"] = mail.sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    for name, value in mail.headers.items():
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"header {name!r} is set from OutgoingEmail fields, not `headers`")
        msg[name] = value

    # Text first: multipart/alternative lists parts in increasing preference.
    if mail.text is not None:
        msg.set_content(mail.text)
        if mail.html is not None:
            msg.add_alternative(mail.html, subtype="html")
    else:
        msg.set_content(mail.html, subtype="html")
    return msg


def render_or_reject(mail: OutgoingEmail) -> EmailMessage:
    """build_mime for transports: a malformed message is a permanent failure."""
    try:
        return build_mime(mail)
    except ValueError as exc:
        raise TransportError(f"malformed message: {exc}", permanent=True) from exc
    except IndexError as exc:  # the stdlib address parser crashes on e.g. "foo@"
        raise TransportError("malformed message: unparsable address", permanent=True) from exc
