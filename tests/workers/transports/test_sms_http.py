"""SevenSmsTransport against a local fake of seven.io's SMS API (tests/support/sms_provider.py)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.support.sms_provider import Reply, SevenSmsProvider
from workers.transports import OutgoingSms, SevenSmsTransport, TransportError
from workers.transports.sms_http import foreign_id

KEY = "unit-test-key"


@pytest.fixture
def provider():
    p = SevenSmsProvider(api_key=KEY).start()
    yield p
    p.stop()


@pytest.fixture
async def transport(provider):
    t = SevenSmsTransport(provider.url, KEY, timeout=2)
    yield t
    await t.close()


def sms(n: int = 1, **overrides) -> OutgoingSms:
    fields = dict(message_id=f"<msg-{n}.t1@sendgraph.local>", sender="Acme", to="+4915112345678", text=f"Hello #{n}")
    fields.update(overrides)
    return OutgoingSms(**fields)


async def test_sms_posts_seven_json_and_returns_the_provider_id(transport, provider):
    provider_id = await transport.send_sms(sms(7))

    [request] = provider.requests
    assert request.path == "/api/sms"
    assert request.headers["x-api-key"] == KEY
    assert request.headers["content-type"] == "application/json"
    assert request.json == {"to": "+4915112345678", "text": "Hello #7", "from": "Acme", "foreign_id": "msg-7.t1@sendgraph.local"}
    assert provider_id == "77000001"


async def test_sms_without_a_sender_leaves_from_to_the_account_default(transport, provider):
    await transport.send_sms(sms(sender=None))

    assert "from" not in provider.requests[0].json


async def test_sms_numeric_provider_id_is_returned_as_text(transport, provider):
    provider.respond_next(Reply(200, {"success": "100", "total_price": 0.075, "balance": 1.0,
                                      "messages": [{"id": 1234567, "recipient": "4915112345678", "success": True, "error": None}]}))

    assert await transport.send_sms(sms()) == "1234567"


async def test_sms_reuses_one_connection_for_a_batch(transport, provider):
    for n in range(3):
        await transport.send_sms(sms(n))
    await asyncio.gather(*(transport.send_sms(sms(n)) for n in range(3, 6)))

    assert len(provider.requests) == 6
    # Sequential sends share one keep-alive connection; concurrent ones draw on the same pool.
    assert len({r.peer for r in provider.requests[:3]}) == 1
    assert len({r.peer for r in provider.requests}) <= 4


def test_foreign_id_keeps_only_what_seven_accepts():
    assert foreign_id("<msg-42.t7@sendgraph.local>") == "msg-42.t7@sendgraph.local"
    assert foreign_id("<a b/c@x>") == "a_b_c@x"
    assert len(foreign_id(f"<msg-1.t1@{'x' * 100}.example>")) == 64


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(500, {"error": "boom"}), "HTTP 500"),
        (Reply(502, b"<html>Bad Gateway</html>"), "HTTP 502"),
        (Reply(503, None), "HTTP 503"),
        (Reply(429, {"error": "Too Many Requests"}), "HTTP 429"),
        (Reply(200, b"<html>maintenance</html>"), "unexpected SMS provider response"),
        (Reply(200, {"success": "500", "messages": []}), "not enough credit"),
        (Reply(200, {"success": "11", "messages": []}), "carrier temporarily unavailable"),
    ],
)
async def test_sms_failures_a_retry_can_cure_are_transient(transport, provider, reply, expected):
    provider.respond_next(reply)

    with pytest.raises(TransportError) as err:
        await transport.send_sms(sms())

    assert not err.value.permanent
    assert expected in err.value.reason


async def test_sms_transport_stays_usable_after_a_server_error(transport, provider):
    provider.respond_next(Reply(500, {"error": "boom"}))
    with pytest.raises(TransportError):
        await transport.send_sms(sms(1))

    assert await transport.send_sms(sms(2)) == "77000001"


async def test_sms_wrong_api_key_is_permanent(provider):
    transport = SevenSmsTransport(provider.url, "wrong-key")
    try:
        with pytest.raises(TransportError) as err:
            await transport.send_sms(sms())
    finally:
        await transport.close()

    assert err.value.permanent
    assert "401" in err.value.reason
    assert "wrong-key" not in err.value.reason


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(403, {"error": "Forbidden"}), "HTTP 403"),
        (Reply(400, {"error": "Bad Request"}), "HTTP 400"),
        (Reply(422, {"error_text": "to is invalid"}), "to is invalid"),
        (Reply(200, 900), "error 900"),  # seven.io's bare code for a bad key
        (Reply(200, b"900"), "error 900"),
        (Reply(200, {"success": "201", "messages": []}), "invalid sender"),
        (Reply(200, {"success": "401", "messages": []}), "text too long"),
        (Reply(200, {"success": "100", "messages": [{"id": None, "success": True}]}), "no message id"),
    ],
)
async def test_sms_failures_no_retry_can_cure_are_permanent(transport, provider, reply, expected):
    provider.respond_next(reply)

    with pytest.raises(TransportError) as err:
        await transport.send_sms(sms())

    assert err.value.permanent
    assert expected in err.value.reason


async def test_sms_invalid_recipient_code_202_is_permanent(transport, provider):
    with pytest.raises(TransportError) as err:
        await transport.send_sms(sms(to="+49abc"))  # the fake answers like seven.io: success "202"

    assert err.value.permanent
    assert err.value.reason == "SMS provider error 202: invalid recipient (Invalid recipient)"


async def test_sms_partly_sent_101_with_a_failed_recipient_is_that_recipients_error(transport, provider):
    provider.respond_next(Reply(200, {"success": "101", "messages": [
        {"id": None, "recipient": "4915112345678", "success": False, "error": "202", "error_text": "Invalid recipient"}]}))

    with pytest.raises(TransportError) as err:
        await transport.send_sms(sms())

    assert err.value.permanent
    assert "202" in err.value.reason


async def test_sms_unreachable_provider_is_transient():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    transport = SevenSmsTransport(f"http://127.0.0.1:{port}/api", KEY, timeout=2)
    try:
        with pytest.raises(TransportError) as err:
            await transport.send_sms(sms())
    finally:
        await transport.close()

    assert not err.value.permanent
    assert "unreachable" in err.value.reason


async def test_sms_slow_provider_times_out_as_transient(provider):
    provider.respond_next(Reply(200, {"success": "100"}, delay=1.0))
    transport = SevenSmsTransport(provider.url, KEY, timeout=0.2)
    try:
        with pytest.raises(TransportError) as err:
            await transport.send_sms(sms())
    finally:
        await transport.close()

    assert not err.value.permanent
    assert "timed out" in err.value.reason


async def test_sms_transport_cannot_send_email(transport, make_email, provider):
    with pytest.raises(TransportError) as err:
        await transport.send_email(make_email())

    assert err.value.permanent
    assert provider.requests == []


async def test_sms_transport_is_reusable_after_close(transport, provider):
    await transport.send_sms(sms(1))
    await transport.close()
    await transport.send_sms(sms(2))

    assert len(provider.requests) == 2
    assert provider.requests[0].peer != provider.requests[1].peer


def test_sms_transport_keeps_the_key_out_of_repr_and_rejects_bad_configuration():
    assert "secret" not in repr(SevenSmsTransport("https://gateway.seven.io/api/", "secret"))
    assert SevenSmsTransport("https://gateway.seven.io/api/", "k").base_url == "https://gateway.seven.io/api"
    with pytest.raises(ValueError):
        SevenSmsTransport("gateway.seven.io/api", "k")
    with pytest.raises(ValueError):
        SevenSmsTransport("https://gateway.seven.io/api", "")
