"""FileTransport writes a real .eml outbox."""

from __future__ import annotations

import email
from email import policy

import pytest

from workers.transports import FileTransport, OutgoingSms, TransportError


def read_eml(path):
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


async def test_file_writes_a_parsable_eml_with_headers_and_both_parts(tmp_path, make_email):
    transport = FileTransport(tmp_path)
    mail = make_email(
        42,
        subject="Grüße aus Köln ✓",
        reply_to="support@sendgraph.local",
        headers={"List-Unsubscribe": "<https://sendgraph.local/u/42>"},
        text="Grüße, Ada",
    )

    provider_id = await transport.send_email(mail)

    assert provider_id == "<42.msg@sendgraph.local>"
    [path] = tmp_path.iterdir()  # no temp file left behind
    assert path.suffix == ".eml" and "42.msg" in path.name
    msg = read_eml(path)
    assert msg["Message-ID"] == "<42.msg@sendgraph.local>"
    assert msg["From"] == "Sendgraph <noreply@sendgraph.local>"
    assert msg["To"] == "ada@example.org"
    assert msg["Subject"] == "Grüße aus Köln ✓"
    assert msg["Reply-To"] == "support@sendgraph.local"
    assert msg["List-Unsubscribe"] == "<https://sendgraph.local/u/42>"
    assert msg["Date"].datetime is not None
    assert msg.get_content_type() == "multipart/alternative"
    assert msg.get_body(("plain",)).get_content().strip() == "Grüße, Ada"
    assert msg.get_body(("html",)).get_content().strip() == "<p>Hello <b>#42</b></p>"


async def test_file_creates_the_outbox_directory(tmp_path, make_email):
    outbox = tmp_path / "var" / "outbox"

    await FileTransport(outbox).send_email(make_email())

    assert len(list(outbox.glob("*.eml"))) == 1


async def test_file_keeps_one_file_per_send_even_for_a_retried_message(tmp_path, make_email):
    transport = FileTransport(tmp_path)

    await transport.send_email(make_email(1))
    await transport.send_email(make_email(1))

    assert len(list(tmp_path.glob("*.eml"))) == 2


async def test_file_malformed_message_is_a_permanent_error(tmp_path, make_email):
    with pytest.raises(TransportError) as err:
        await FileTransport(tmp_path).send_email(make_email(text=None, html=None))

    assert err.value.permanent
    assert list(tmp_path.iterdir()) == []


async def test_file_cannot_send_sms(tmp_path):
    with pytest.raises(TransportError) as err:
        await FileTransport(tmp_path).send_sms(
            OutgoingSms("<1.sms@sendgraph.local>", None, "+15550100", "hi")
        )

    assert err.value.permanent
    assert err.value.reason == "file cannot send SMS: no SMS provider configured"
