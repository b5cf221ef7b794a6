"""SMTP transport over aiosmtplib, keeping one pooled connection."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from .base import OutgoingEmail, OutgoingSms, TransportError, WireEmail, no_sms_provider, render_or_reject

DEFAULT_TIMEOUT = 30.0

# scheme -> (implicit TLS, STARTTLS, default port)
_SCHEMES = {
    "smtp": (False, False, 25),
    "smtps": (True, False, 465),
    "smtp+starttls": (False, True, 587),  # the submission port
}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class SmtpTransport:
    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        start_tls: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if use_tls and start_tls:
            raise ValueError("implicit TLS (smtps) and STARTTLS are mutually exclusive")
        self.host, self.port, self.username = host, port, username
        self.use_tls, self.start_tls, self.timeout = use_tls, start_tls, timeout
        self._password = password
        self._client: aiosmtplib.SMTP | None = None
        # Concurrent sends from one worker share the connection; SMTP is one
        # transaction at a time, and (re)connecting must happen only once.
        self._lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> SmtpTransport:
        """smtp://user:pass@host:25, smtps://host:465, smtp+starttls://host:587,
        or smtp://host?starttls=true. User and password are percent-decoded."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES:
            raise ValueError(f"unsupported SMTP URL scheme {parts.scheme!r}")
        if not parts.hostname:
            raise ValueError("SMTP URL has no host")
        use_tls, start_tls, default_port = _SCHEMES[scheme]

        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = set(query) - {"starttls"}
        if unknown:  # a typo must not silently send in plain text
            raise ValueError(f"unknown SMTP URL parameters: {sorted(unknown)}")
        if "starttls" in query:
            flag = query["starttls"][-1].lower()
            if flag not in _TRUE | _FALSE:
                raise ValueError(f"starttls must be true or false, got {flag!r}")
            start_tls = start_tls or flag in _TRUE

        return cls(
            parts.hostname,
            parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            use_tls=use_tls,
            start_tls=start_tls,
            timeout=timeout,
        )

    def __repr__(self) -> str:  # never show the password
        return f"SmtpTransport(host={self.host!r}, port={self.port}, username={self.username!r})"

    async def send_email(self, mail: OutgoingEmail) -> str:
        wire = render_or_reject(mail)
        async with self._lock:
            try:
                await self._deliver(wire)
            except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError, ValueError) as exc:
                if not isinstance(exc, (aiosmtplib.SMTPResponseException,
                                        aiosmtplib.SMTPRecipientsRefused)):
                    # After a timeout or I/O error the session state is unknown;
                    # start the next send on a fresh connection. (On SMTP error
                    # replies aiosmtplib has sent RSET, so the connection is fine.)
                    self._drop()
                raise _classify(exc) from exc
        return mail.message_id

    async def send_sms(self, sms: OutgoingSms) -> str:
        raise no_sms_provider(self.name)

    async def close(self) -> None:
        async with self._lock:
            client, self._client = self._client, None
            if client is not None and client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError):
                    client.close()  # server gone or rude: just drop the socket

    async def _deliver(self, wire: WireEmail) -> None:
        reused = self._client is not None and self._client.is_connected
        client = await self._connection()
        try:
            await client.sendmail(wire.sender, wire.recipients, wire.data)
        except aiosmtplib.SMTPServerDisconnected:
            # A pooled connection the server dropped while idle is only noticed
            # on use. Retry once on a fresh one; a new connection failing is real.
            if not reused:
                raise
            self._drop()
            client = await self._connection()
            await client.sendmail(wire.sender, wire.recipients, wire.data)

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            self._drop()
            client = aiosmtplib.SMTP(
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self._password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,  # False, not None: no opportunistic upgrade
                timeout=self.timeout,
            )
            await client.connect()  # also does STARTTLS and AUTH when configured
            self._client = client
        return self._client

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _classify(exc: BaseException) -> TransportError:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = exc.recipients
        detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in refused)
        return TransportError(
            f"recipient refused: {detail}", permanent=all(r.code >= 500 for r in refused)
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        # 5xx: the server will say the same next time. 4xx: try again later.
        return TransportError(f"SMTP {exc.code}: {exc.message}", permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        # e.g. a non-ASCII address but no SMTPUTF8 on this server
        return TransportError(f"not supported by server: {exc.message}", permanent=True)
    if isinstance(exc, ValueError):  # address aiosmtplib refuses to put on the wire
        return TransportError(f"invalid address: {exc}", permanent=True)
    # Refused connections, resets, timeouts, TLS failures: the server may be back.
    return TransportError(f"{type(exc).__name__}: {exc}", permanent=False)
