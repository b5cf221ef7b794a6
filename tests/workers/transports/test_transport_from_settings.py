"""Choosing transports is configuration: email over SMTP or into the outbox, SMS through seven.io when configured."""

from __future__ import annotations

import pytest

from workers.transports import (
    ChannelRouter,
    FileTransport,
    SevenSmsTransport,
    SmtpTransport,
    Transport,
    transport_from_settings,
)


def test_settings_with_an_smtp_url_select_smtp(tmp_path):
    t = transport_from_settings(smtp_url="smtps://u:p@mx.example.org", outbox_dir=tmp_path, sms_url=None, sms_api_key=None)

    assert isinstance(t, ChannelRouter) and isinstance(t, Transport)
    assert isinstance(t.email, SmtpTransport)
    assert (t.email.host, t.email.port, t.email.use_tls) == ("mx.example.org", 465, True)


def test_settings_without_an_smtp_url_select_the_file_outbox(tmp_path):
    for unset in (None, ""):
        t = transport_from_settings(smtp_url=unset, outbox_dir=tmp_path, sms_url=None, sms_api_key=None)

        assert isinstance(t.email, FileTransport)
        assert t.email.directory == tmp_path


def test_settings_without_an_sms_url_have_no_sms_provider(tmp_path):
    for unset in (None, ""):
        assert transport_from_settings(smtp_url=None, outbox_dir=tmp_path, sms_url=unset, sms_api_key="k").sms is None


def test_settings_with_an_sms_url_and_key_select_seven(tmp_path):
    t = transport_from_settings(smtp_url=None, outbox_dir=tmp_path, sms_url="https://gateway.seven.io/api", sms_api_key="k")

    assert isinstance(t.sms, SevenSmsTransport) and isinstance(t.sms, Transport)
    assert t.sms.base_url == "https://gateway.seven.io/api"
    assert t.name == "file+seven"


@pytest.mark.parametrize("key", [None, ""])
def test_settings_with_an_sms_url_but_no_key_are_rejected(tmp_path, key):
    with pytest.raises(ValueError, match="SMS_API_KEY"):
        transport_from_settings(smtp_url=None, outbox_dir=tmp_path, sms_url="https://gateway.seven.io/api", sms_api_key=key)
