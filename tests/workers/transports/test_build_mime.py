"""build_mime renders OutgoingEmail with the stdlib email package."""

from __future__ import annotations

import email
from email import policy

import pytest

from workers.transports import build_mime


def roundtrip(msg):
    return email.message_from_bytes(msg.as_bytes(), policy=policy.default)


def test_mime_with_only_text_is_a_single_plain_part(make_email):
    msg = roundtrip(build_mime(make_email(html=None, text="just text")))

    assert msg.get_content_type() == "text/plain"
    assert msg.get_content().strip() == "just text"


def test_mime_with_only_html_is_a_single_html_part(make_email):
    msg = roundtrip(build_mime(make_email(text=None, html="<p>hi</p>")))

    assert msg.get_content_type() == "text/html"


def test_mime_omits_reply_to_when_not_given(make_email):
    assert "Reply-To" not in build_mime(make_email())


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"text": None, "html": None}, "neither"),
        ({"message_id": "42@sendgraph.local"}, "Message-ID"),
        ({"subject": "hi\r\nBcc: victim@example.org"}, "linefeed"),  # header injection
        ({"headers": {"Subject": "again"}}, "Subject"),
    ],
)
def test_mime_rejects_what_no_retry_can_fix(make_email, overrides, problem):
    with pytest.raises(ValueError, match=problem):
        build_mime(make_email(**overrides))
