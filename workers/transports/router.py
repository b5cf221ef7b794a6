"""One Transport per channel: email to SMTP (or the file outbox), SMS to an HTTP provider; push and RCS
go through the same interface and, with no provider configured, fail with that reason."""

from __future__ import annotations

from .base import OutgoingEmail, OutgoingSms, Transport, TransportError


class ChannelRouter:
    """A Transport that hands each send to the transport configured for its channel."""

    def __init__(self, email: Transport, sms: Transport | None = None) -> None:
        self.email = email
        self.sms = sms
        self.name = email.name if sms is None else f"{email.name}+{sms.name}"

    def __repr__(self) -> str:
        return f"ChannelRouter(email={self.email!r}, sms={self.sms!r})"

    async def send_email(self, mail: OutgoingEmail) -> str:
        return await self.email.send_email(mail)

    async def send_sms(self, sms: OutgoingSms) -> str:
        if self.sms is None:
            raise TransportError("no SMS provider configured", permanent=True)
        return await self.sms.send_sms(sms)

    async def send_push(self, push: OutgoingSms) -> str:
        raise TransportError("no push provider configured", permanent=True)

    async def send_rcs(self, rcs: OutgoingSms) -> str:
        raise TransportError("no RCS provider configured", permanent=True)

    async def close(self) -> None:
        try:
            await self.email.close()
        finally:
            if self.sms is not None:
                await self.sms.close()
