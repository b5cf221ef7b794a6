"""ChannelRouter sends each channel through its own transport."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from workers.transports import ChannelRouter, OutgoingSms, Transport, TransportError


@dataclass
class Recorder:
    name: str
    sent: list = field(default_factory=list)
    closed: int = 0

    async def send_email(self, mail):
        self.sent.append(mail)
        return f"{self.name}-email"

    async def send_sms(self, sms):
        self.sent.append(sms)
        return f"{self.name}-sms"

    async def close(self):
        self.closed += 1


SMS = OutgoingSms("<msg-1.t1@sendgraph.local>", None, "+4915112345678", "hi")


async def test_router_sends_email_and_sms_through_their_own_transports(make_email):
    email, sms = Recorder("smtp"), Recorder("seven")
    router = ChannelRouter(email=email, sms=sms)

    assert isinstance(router, Transport)
    assert await router.send_email(make_email()) == "smtp-email"
    assert await router.send_sms(SMS) == "seven-sms"
    assert [type(m).__name__ for m in email.sent] == ["OutgoingEmail"]
    assert sms.sent == [SMS]


async def test_router_without_an_sms_provider_fails_sms_permanently():
    email = Recorder("smtp")
    router = ChannelRouter(email=email, sms=None)

    with pytest.raises(TransportError) as err:
        await router.send_sms(SMS)

    assert err.value.permanent
    assert err.value.reason == "no SMS provider configured"
    assert email.sent == []  # never handed to the email transport


async def test_router_close_closes_both_transports():
    email, sms = Recorder("smtp"), Recorder("seven")

    await ChannelRouter(email=email, sms=sms).close()

    assert (email.closed, sms.closed) == (1, 1)
