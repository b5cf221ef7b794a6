"""SmtpTransport against a real aiosmtpd server (fixtures in conftest.py)."""

from __future__ import annotations

import asyncio
import email
from email import policy
from urllib.parse import quote

import pytest

from workers.transports import OutgoingSms, SmtpTransport, TransportError


@pytest.fixture
async def transport(smtp_server):
    t = SmtpTransport.from_url(smtp_server.url())
    yield t
    await t.close()


async def test_smtp_delivers_text_and_html_with_the_callers_message_id(
    transport, smtp_server, make_email
):
    provider_id = await transport.send_email(make_email(7))

    assert provider_id == "<7.msg@sendgraph.local>"
    [got] = smtp_server.handler.delivered
    assert got.mail_from == "noreply@sendgraph.local"  # display name stripped
    assert got.rcpt_tos == ["ada@example.org"]
    msg = email.message_from_bytes(got.content, policy=policy.default)
    assert msg["Message-ID"] == "<7.msg@sendgraph.local>"
    assert msg.get_content_type() == "multipart/alternative"
    assert msg.get_body(("plain",)).get_content().strip() == "Hello #7"
    assert msg.get_body(("html",)).get_content().strip() == "<p>Hello <b>#7</b></p>"


async def test_smtp_reuses_one_connection_for_a_batch(transport, smtp_server, make_email):
    for n in range(3):
        await transport.send_email(make_email(n))

    assert len(smtp_server.handler.delivered) == 3
    assert smtp_server.handler.connections == 1


async def test_smtp_concurrent_sends_share_the_connection(transport, smtp_server, make_email):
    await asyncio.gather(*(transport.send_email(make_email(n)) for n in range(5)))

    assert len(smtp_server.handler.delivered) == 5
    assert smtp_server.handler.connections == 1


async def test_smtp_reconnects_when_the_server_closed_an_idle_connection(
    idle_closing_smtp_server, make_email
):
    transport = SmtpTransport.from_url(idle_closing_smtp_server.url())
    try:
        await transport.send_email(make_email(1))
        await asyncio.sleep(1.0)  # longer than the server's idle timeout
        await transport.send_email(make_email(2))
    finally:
        await transport.close()

    assert len(idle_closing_smtp_server.handler.delivered) == 2
    assert idle_closing_smtp_server.handler.connections == 2


async def test_smtp_550_recipient_is_a_permanent_error(transport, make_email):
    with pytest.raises(TransportError) as err:
        await transport.send_email(make_email(to="reject@example.org"))

    assert err.value.permanent
    assert "550" in err.value.reason


async def test_smtp_451_recipient_is_a_transient_error(transport, make_email):
    with pytest.raises(TransportError) as err:
        await transport.send_email(make_email(to="later@example.org"))

    assert not err.value.permanent
    assert "451" in err.value.reason


async def test_smtp_connection_stays_usable_after_a_refused_recipient(
    transport, smtp_server, make_email
):
    await transport.send_email(make_email(1))
    with pytest.raises(TransportError):
        await transport.send_email(make_email(2, to="reject@example.org"))
    await transport.send_email(make_email(3))

    assert [d.rcpt_tos for d in smtp_server.handler.delivered] == [
        ["ada@example.org"], ["ada@example.org"]
    ]
    assert smtp_server.handler.connections == 1


@pytest.mark.parametrize("to", ["not an address", "", "@example.org", "ada@"])
async def test_smtp_invalid_recipient_address_is_a_permanent_error(
    transport, smtp_server, make_email, to
):
    with pytest.raises(TransportError) as err:
        await transport.send_email(make_email(to=to))

    assert err.value.permanent
    assert smtp_server.handler.delivered == []


async def test_smtp_connection_refused_is_transient(unused_tcp_port, make_email):
    transport = SmtpTransport.from_url(f"smtp://127.0.0.1:{unused_tcp_port}")

    with pytest.raises(TransportError) as err:
        await transport.send_email(make_email())

    assert not err.value.permanent


async def test_smtp_silent_server_times_out_as_transient(unused_tcp_port, make_email):
    # Accepts TCP but never sends the SMTP greeting.
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", unused_tcp_port)
    transport = SmtpTransport.from_url(f"smtp://127.0.0.1:{unused_tcp_port}", timeout=0.3)
    try:
        with pytest.raises(TransportError) as err:
            await transport.send_email(make_email())
    finally:
        server.close()
        await transport.close()

    assert not err.value.permanent


# aiosmtpd warns about AUTH without TLS; fine on loopback.
no_plaintext_auth_warning = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS"
)


@no_plaintext_auth_warning
async def test_smtp_authenticates_with_credentials_from_the_url(auth_smtp_server, make_email):
    user, password = auth_smtp_server.user, auth_smtp_server.password
    userinfo = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    transport = SmtpTransport.from_url(auth_smtp_server.url(userinfo=userinfo))
    try:
        await transport.send_email(make_email())
    finally:
        await transport.close()

    [got] = auth_smtp_server.handler.delivered
    assert got.login == auth_smtp_server.user.encode()


@no_plaintext_auth_warning
async def test_smtp_wrong_password_is_a_permanent_error(auth_smtp_server, make_email):
    transport = SmtpTransport.from_url(auth_smtp_server.url(userinfo="mailer:wrong@"))

    with pytest.raises(TransportError) as err:
        await transport.send_email(make_email())

    assert err.value.permanent  # retrying with the same password cannot help
    assert "535" in err.value.reason
    assert auth_smtp_server.handler.delivered == []


async def test_smtp_close_quits_politely(transport, smtp_server, make_email):
    await transport.send_email(make_email())
    await transport.close()
    await asyncio.sleep(0.1)  # the server runs in its own thread

    assert smtp_server.handler.quits == 1


async def test_smtp_cannot_send_sms(transport):
    with pytest.raises(TransportError) as err:
        await transport.send_sms(OutgoingSms("<1.sms@sendgraph.local>", None, "+15550100", "hi"))

    assert err.value.permanent
    assert err.value.reason == "smtp cannot send SMS: no SMS provider configured"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mx.example.org", ("mx.example.org", 25, False, False)),
        ("smtp://mx.example.org:2525", ("mx.example.org", 2525, False, False)),
        ("smtps://mx.example.org", ("mx.example.org", 465, True, False)),
        ("smtp://mx.example.org?starttls=true", ("mx.example.org", 25, False, True)),
        ("smtp+starttls://mx.example.org", ("mx.example.org", 587, False, True)),
        ("smtp+starttls://mx.example.org:2587", ("mx.example.org", 2587, False, True)),
    ],
)
def test_smtp_url_selects_port_and_tls_mode(url, expected):
    t = SmtpTransport.from_url(url)

    assert (t.host, t.port, t.use_tls, t.start_tls) == expected


def test_smtp_url_credentials_are_percent_decoded_and_kept_out_of_repr():
    t = SmtpTransport.from_url("smtp://me%40corp:p%40ss%2Fw@mx.example.org", timeout=5)

    assert (t.username, t._password, t.timeout) == ("me@corp", "p@ss/w", 5)
    assert "p@ss" not in repr(t)


@pytest.mark.parametrize(
    "url",
    [
        "http://mx.example.org",  # not SMTP
        "smtp://",  # no host
        "smtps://mx.example.org?starttls=true",  # TLS twice
        "smtp://mx.example.org?startls=true",  # typo must not mean plain text
        "smtp://mx.example.org?starttls=maybe",
    ],
)
def test_smtp_url_rejects_bad_configuration(url):
    with pytest.raises(ValueError):
        SmtpTransport.from_url(url)
