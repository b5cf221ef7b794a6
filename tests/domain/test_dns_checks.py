"""Domain checks need DNS, and say so when they cannot have it: no resolver configured, or one that does not answer,
is DNS_UNREACHABLE (an Unavailable error), never a domain reported valid or invalid."""
from __future__ import annotations

import pytest

from domain.brands import domains
from domain.errors import Unavailable
from tests.support.dns_zone import Zone


def test_without_a_resolver_dns_is_unreachable():
    with pytest.raises(Unavailable) as raised:
        domains._resolver(None)

    assert raised.value.code == "DNS_UNREACHABLE" and "SENDGRAPH_DNS_RESOLVER" in raised.value.message


async def test_a_resolver_that_does_not_answer_is_unreachable_not_invalid(monkeypatch):
    monkeypatch.setattr(domains, "LIFETIME", 0.5)
    resolver = domains._resolver("127.0.0.1")  # nothing answers DNS on loopback here

    with pytest.raises(Unavailable) as raised:
        await domains._cname_points_to(resolver, "track.acme.example", "mail.example.com")

    assert raised.value.code == "DNS_UNREACHABLE"



async def test_a_cname_to_the_public_host_is_valid_and_a_missing_one_is_not():
    zone = Zone({"track.acme.example": "mail.example.com", "bounce.acme.example": "elsewhere.example"})
    try:
        resolver = domains._resolver(f"127.0.0.1:{zone.port}")

        assert await domains._cname_points_to(resolver, "track.acme.example", "mail.example.com") is True
        assert await domains._cname_points_to(resolver, "bounce.acme.example", "mail.example.com") is False
        assert await domains._cname_points_to(resolver, "nothing.acme.example", "mail.example.com") is False
    finally:
        zone.close()
