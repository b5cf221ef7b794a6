"""Signed message links: tokens round-trip, anything altered is refused, and no database is needed to check them."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from domain.messaging.links import CLICK, OPEN, UNSUBSCRIBE, Links, make_token, verify_token

KEY = "a-secret-key-for-links"
URL_SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")


@pytest.mark.parametrize("purpose", [UNSUBSCRIBE, OPEN, CLICK])
@pytest.mark.parametrize("message_id", [1, 42, 9_223_372_036_854_775_807])
def test_a_token_round_trips_and_is_url_safe(purpose, message_id):
    token = make_token(KEY, purpose, message_id)
    assert URL_SAFE.match(token)
    assert verify_token(KEY, purpose, token) == message_id


def test_a_changed_message_id_is_refused():
    token = make_token(KEY, UNSUBSCRIBE, 41)
    signature = token.split(".", 1)[1]
    assert verify_token(KEY, UNSUBSCRIBE, f"42.{signature}") is None


def test_a_changed_signature_is_refused():
    token = make_token(KEY, UNSUBSCRIBE, 7)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert verify_token(KEY, UNSUBSCRIBE, flipped) is None
    assert verify_token(KEY, UNSUBSCRIBE, token[:-2]) is None
    assert verify_token(KEY, UNSUBSCRIBE, token + "x") is None


def test_a_token_is_good_for_its_purpose_only():
    pixel = make_token(KEY, OPEN, 7)
    assert verify_token(KEY, UNSUBSCRIBE, pixel) is None
    assert verify_token(KEY, CLICK, pixel) is None


def test_another_key_does_not_verify():
    assert verify_token("another-key", UNSUBSCRIBE, make_token(KEY, UNSUBSCRIBE, 7)) is None


def test_a_click_token_signs_its_url():
    token = make_token(KEY, CLICK, 7, url="https://example.org/a")
    assert verify_token(KEY, CLICK, token, url="https://example.org/a") == 7
    assert verify_token(KEY, CLICK, token, url="https://evil.example/a") is None
    assert verify_token(KEY, CLICK, token) is None


@pytest.mark.parametrize("garbage", ["", ".", "7", "7.", ".abc", "abc.def", "07.x", "-7.x", "٣.x", "1" * 30 + ".x", None, 7])
def test_garbage_is_refused_not_raised(garbage):
    assert verify_token(KEY, UNSUBSCRIBE, garbage) is None


def test_links_put_tokens_under_the_public_url():
    links = Links(KEY, "https://mail.example.com/")
    unsubscribe = urlsplit(links.unsubscribe_url(5))
    assert (unsubscribe.scheme, unsubscribe.netloc) == ("https", "mail.example.com")
    assert verify_token(KEY, UNSUBSCRIBE, unsubscribe.path.removeprefix("/u/")) == 5

    pixel = urlsplit(links.open_url(5)).path
    assert pixel.startswith("/o/") and pixel.endswith(".gif")
    assert verify_token(KEY, OPEN, pixel[3:-4]) == 5

    target = "https://example.org/read?a=1&b=2#top"
    click = urlsplit(links.click_url(5, target))
    [u] = parse_qs(click.query)["u"]
    assert u == target
    assert verify_token(KEY, CLICK, click.path.removeprefix("/c/"), url=u) == 5
    assert links.is_ours("https://mail.example.com/u/x") and not links.is_ours("https://mail.example.com.evil/u/x")
