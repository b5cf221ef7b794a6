"""Especial tracking and bounce domains (/brands/default/domains/default) over real HTTP: shown, changed, and validated
only through DNS. This machine has no resolver configured, so validation answers DNS_UNREACHABLE instead of
pretending the records are there."""
from __future__ import annotations

import pytest

from tests.compat.especial.conftest import assert_valid

DOMAINS, VALIDATE = "/brands/default/domains/default", "/brands/default/domains/default/validate"


async def test_a_new_account_has_no_domains(client):
    body = assert_valid(await client.get(DOMAINS), DOMAINS, "GET")

    assert body == {"data": {"auth": "", "bounce": "", "dkim": "", "tracking": ""}}


async def test_patch_changes_the_domains_given_and_keeps_the_others(client):
    first = await client.patch(DOMAINS, json={"domains": {"bounce": "Bounce.Acme.example", "tracking": "https://track.acme.example"}})
    assert first.status_code == 200, first.text
    assert assert_valid(first, DOMAINS, "PATCH") == {"object": "domains", "patched": True, "data": {
        "auth": "", "bounce": "bounce.acme.example", "dkim": "", "tracking": "https://track.acme.example"}}

    second = assert_valid(await client.patch(DOMAINS, json={"domains": {"tracking": "https://links.acme.example"}}), DOMAINS, "PATCH")

    assert second["data"]["bounce"] == "bounce.acme.example" and second["data"]["tracking"] == "https://links.acme.example"
    assert assert_valid(await client.get(DOMAINS), DOMAINS, "GET")["data"] == second["data"]


async def test_the_dkim_key_is_the_auth_domain(client):
    key = (await client.post("/brands/default/dkim", json={"domain": "mail.acme.example", "selector": "s1"})).json()["data"]

    body = assert_valid(await client.get(DOMAINS), DOMAINS, "GET")

    assert body["data"]["auth"] == key["domain"] and body["data"]["dkim"] == "s1._domainkey.mail.acme.example"


@pytest.mark.parametrize("domains, field", [
    ({"tracking": "ftp://track.acme.example"}, "tracking"),
    ({"tracking": "not a url"}, "tracking"),
    ({"forward": "https://"}, "forward"),
    ({"bounce": "not a domain"}, "bounce"),
])
async def test_bad_domains_are_a_422(client, domains, field):
    response = await client.patch(DOMAINS, json={"domains": domains})

    assert response.status_code == 422, response.text
    assert assert_valid(response, DOMAINS, "PATCH")["detail"][0]["loc"] == ["body", "domains", field]


async def test_patch_without_domains_is_a_422(client):
    response = await client.patch(DOMAINS, json={})

    assert response.status_code == 422
    assert assert_valid(response, DOMAINS, "PATCH")["detail"][0]["loc"][-1] == "domains"


async def test_validation_without_a_resolver_says_dns_is_unreachable(client):
    await client.patch(DOMAINS, json={"domains": {"bounce": "bounce.acme.example", "tracking": "https://track.acme.example"}})

    response = await client.get(VALIDATE)

    assert response.status_code == 400, response.text
    detail = assert_valid(response, VALIDATE, "GET")["detail"][0]
    assert detail["type"] == "dns_unreachable" and "DNS is unreachable" in detail["msg"]


async def test_validation_with_a_resolver_shows_each_record_and_whether_dns_has_it(client, monkeypatch):
    from app.settings import get_settings
    from domain.brands import domains
    from tests.support.dns_zone import Zone

    public_host = get_settings().public_url.split("//")[1].split(":")[0].split("/")[0]
    zone = Zone({"track.acme.example": public_host})  # the tracking CNAME is published, the bounce one is not
    resolver = domains._resolver
    monkeypatch.setattr(domains, "_resolver", lambda nameserver: resolver(f"127.0.0.1:{zone.port}"))  # as SENDGRAPH_DNS_RESOLVER would
    try:
        await client.patch(DOMAINS, json={"domains": {"bounce": "bounce.acme.example", "tracking": "https://track.acme.example"}})

        response = await client.get(VALIDATE)
    finally:
        zone.close()

    assert response.status_code == 200, response.text
    assert assert_valid(response, VALIDATE, "GET") == {"data": {
        "bounce": [{"entry": f"bounce.acme.example. CNAME {public_host}.", "valid": False}],
        "tracking": [{"entry": f"track.acme.example. CNAME {public_host}.", "valid": True}]}}


async def test_domains_are_the_accounts_own(client, other_client):
    await client.patch(DOMAINS, json={"domains": {"bounce": "bounce.acme.example"}})

    assert assert_valid(await other_client.get(DOMAINS), DOMAINS, "GET")["data"]["bounce"] == ""
    refused = await other_client.patch(DOMAINS, json={"domains": {"bounce": "x.example"}}, params={"account_id": client.user.account_id})
    assert refused.status_code in (403, 404)
    assert assert_valid(await client.get(DOMAINS), DOMAINS, "GET")["data"]["bounce"] == "bounce.acme.example"
