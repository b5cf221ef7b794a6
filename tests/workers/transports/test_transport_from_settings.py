"""Choosing a transport is configuration."""

from __future__ import annotations

from workers.transports import FileTransport, SmtpTransport, Transport, transport_from_settings


def test_settings_with_an_smtp_url_select_smtp(tmp_path):
    t = transport_from_settings(smtp_url="smtps://u:p@mx.example.org", outbox_dir=tmp_path)

    assert isinstance(t, SmtpTransport) and isinstance(t, Transport)
    assert (t.host, t.port, t.use_tls) == ("mx.example.org", 465, True)


def test_settings_without_an_smtp_url_select_the_file_outbox(tmp_path):
    for unset in (None, ""):
        t = transport_from_settings(smtp_url=unset, outbox_dir=tmp_path)

        assert isinstance(t, FileTransport) and isinstance(t, Transport)
        assert t.directory == tmp_path
