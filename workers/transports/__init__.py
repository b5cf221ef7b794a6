"""Delivery transports. Which one a worker uses is configuration, not code."""

from __future__ import annotations

from pathlib import Path

from .base import (
    OutgoingEmail,
    OutgoingSms,
    Transport,
    TransportError,
    build_mime,
)
from .file import FileTransport
from .smtp import SmtpTransport

__all__ = [
    "FileTransport",
    "OutgoingEmail",
    "OutgoingSms",
    "SmtpTransport",
    "Transport",
    "TransportError",
    "build_mime",
    "transport_from_settings",
]


def transport_from_settings(*, smtp_url: str | None, outbox_dir: Path) -> Transport:
    """SMTP when a URL is configured (an empty string counts as unset, as env
    vars often are), otherwise the .eml outbox in `outbox_dir`."""
    if smtp_url:
        return SmtpTransport.from_url(smtp_url)
    return FileTransport(outbox_dir)
