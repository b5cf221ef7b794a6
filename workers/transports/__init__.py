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
from .router import ChannelRouter
from .sms_http import SevenSmsTransport
from .smtp import SmtpTransport

__all__ = [
    "ChannelRouter",
    "FileTransport",
    "OutgoingEmail",
    "OutgoingSms",
    "SevenSmsTransport",
    "SmtpTransport",
    "Transport",
    "TransportError",
    "build_mime",
    "transport_from_settings",
]


def transport_from_settings(
    *,
    smtp_url: str | None,
    outbox_dir: Path,
    sms_url: str | None = None,
    sms_api_key: str | None = None,
) -> ChannelRouter:
    """Email over SMTP when a URL is configured, otherwise into the .eml outbox in
    `outbox_dir`; SMS through the seven.io-style HTTP API at `sms_url` when one is
    configured, otherwise SMS fail permanently. Empty strings count as unset, as
    env vars often are."""
    email: Transport = SmtpTransport.from_url(smtp_url) if smtp_url else FileTransport(outbox_dir)
    sms = None
    if sms_url:
        if not sms_api_key:
            raise ValueError("SMS_URL is set but SMS_API_KEY is not")
        sms = SevenSmsTransport(sms_url, sms_api_key)
    return ChannelRouter(email=email, sms=sms)
