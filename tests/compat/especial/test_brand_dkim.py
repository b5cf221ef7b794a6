"""Especial DKIM keys (/brands/default/dkim) over real HTTP: a created key is a real RSA key pair whose private half
is never shown (and is stored encrypted); the workers sign the account's mail from the key's domain with it, and
the signature verifies (dkimpy) against the published record."""
from __future__ import annotations

import secrets

import dkim
import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import make_sender, unique_email
from tests.compat.especial.test_emails import email_body
from tests.support.environment import DATABASE_URL
from tests.support.fixtures import eventually

KEYS, ONE = "/brands/default/dkim", "/brands/default/dkim/{id}"
SAMPLE = {"selector": "string", "domain": "string"}  # the seed's request sample, with real values below


def domain_name() -> str:
    return f"acme-{secrets.token_hex(4)}.example"


async def create_key(client, domain: str, selector: str | None = "s1") -> dict:
    response = await client.post(KEYS, json={**SAMPLE, "domain": domain, "selector": selector} if selector else {"domain": domain})
    assert response.status_code == 201, response.text
    return assert_valid(response, KEYS, "POST")["data"]


def dns_of(*keys: dict):
    """A dnsfunc for dkim.verify: answers the TXT record of each key, as DNS would once it is published."""
    records = {f"{k['selector']}._domainkey.{k['domain']}.".encode(): k["public_key"].encode() for k in keys}
    return lambda name, timeout=5: records.get(name)


def raw_mail(mailbox, to: str) -> bytes:
    found = mailbox.to(to)
    return found[0] if found else b""


def signature_of(raw: bytes) -> dict[str, str]:
    from email import message_from_bytes

    header = message_from_bytes(raw)["DKIM-Signature"] or ""
    return {k.strip(): v.strip() for k, _, v in (part.partition("=") for part in "".join(header.split()).split(";")) if k}


async def test_created_key_shows_only_its_public_record(client):
    domain = domain_name()
    response = await client.post(KEYS, json={**SAMPLE, "domain": domain.upper(), "selector": "mail2026"})

    assert response.status_code == 201, response.text
    body = assert_valid(response, KEYS, "POST")
    assert body["object"] == "dkim" and body["created"] is True
    key = body["data"]
    assert key["domain"] == domain and key["selector"] == "mail2026" and key["status"] == "active"
    assert key["public_key"].startswith("v=DKIM1; k=rsa; p=") and "PRIVATE" not in response.text
    listed = assert_valid(await client.get(KEYS), KEYS, "GET")["data"]
    assert listed == [{**key, "account_default": True}]
    assert assert_valid(await client.get(f"{KEYS}/{key['id']}"), ONE, "GET")["data"] == {**key, "account_default": True}


async def test_private_key_is_stored_encrypted(client):
    from sqlalchemy import select

    from domain.brands.models import DkimKey
    from domain.db import create_engine, session_factory

    key = await create_key(client, domain_name())

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            row = (await session.execute(select(DkimKey).where(DkimKey.id == key["id"]))).scalar_one()
    finally:
        await engine.dispose()
    assert "PRIVATE KEY" not in row.private_key_encrypted and row.private_key_encrypted.startswith("gAAAA")  # a Fernet token
    assert f"p={row.public_key}" in key["public_key"]


async def test_without_a_selector_one_is_chosen(client):
    key = await create_key(client, domain_name(), selector=None)

    assert key["selector"].startswith("sg") and len(key["selector"]) == 10


async def test_mail_from_the_keys_domain_is_signed_and_verifies(client, mailbox):
    domain = domain_name()
    key = await create_key(client, domain)
    sender_id = await make_sender(client.user.tenant, name="Acme News", address=f"news@{domain}")
    to = unique_email()

    response = await client.post("/emails", json=email_body(to, sender_id))
    assert response.status_code == 201, response.text

    raw = await eventually(lambda: raw_mail(mailbox, to))
    signature = signature_of(raw)
    assert signature["d"] == domain and signature["s"] == "s1" and signature["a"] == "rsa-sha256"
    assert dkim.verify(raw, dnsfunc=dns_of(key)) is True
    assert dkim.verify(raw.replace(b"Thanks for order A-1001", b"Thanks for order B-2002"), dnsfunc=dns_of(key)) is False


async def test_a_subdomain_is_signed_by_its_parent_domains_key(client, mailbox):
    domain = domain_name()
    key = await create_key(client, domain)
    sender_id = await make_sender(client.user.tenant, address=f"news@mail.{domain}")
    to = unique_email()

    await client.post("/emails", json=email_body(to, sender_id))

    raw = await eventually(lambda: raw_mail(mailbox, to))
    assert signature_of(raw)["d"] == domain and dkim.verify(raw, dnsfunc=dns_of(key))


async def test_mail_from_another_domain_is_not_signed(client, mailbox):
    await create_key(client, domain_name())
    sender_id = await make_sender(client.user.tenant, address=f"news@{domain_name()}")
    to = unique_email()

    await client.post("/emails", json=email_body(to, sender_id))

    raw = await eventually(lambda: raw_mail(mailbox, to))
    assert b"DKIM-Signature" not in raw


async def test_the_newest_key_signs_and_deleting_it_brings_back_the_older(client, mailbox):
    domain = domain_name()
    old = await create_key(client, domain, selector="old")
    new = await create_key(client, domain, selector="new")
    sender_id = await make_sender(client.user.tenant, address=f"news@{domain}")
    listed = {k["selector"]: k for k in assert_valid(await client.get(KEYS), KEYS, "GET")["data"]}
    assert (listed["old"]["account_default"], listed["old"]["status"], listed["new"]["account_default"]) == (False, "inactive", True)

    first = unique_email()
    await client.post("/emails", json=email_body(first, sender_id))
    raw = await eventually(lambda: raw_mail(mailbox, first))
    assert signature_of(raw)["s"] == "new" and dkim.verify(raw, dnsfunc=dns_of(new))

    deleted = await client.delete(f"{KEYS}/{new['id']}")
    assert deleted.status_code == 200, deleted.text
    body = assert_valid(deleted, ONE, "DELETE")
    assert body["object"] == "dkim" and body["deleted"] is True and body["data"]["id"] == new["id"]
    assert (await client.get(f"{KEYS}/{new['id']}")).status_code == 404

    second = unique_email()
    await client.post("/emails", json=email_body(second, sender_id))
    raw = await eventually(lambda: raw_mail(mailbox, second))
    assert signature_of(raw)["s"] == "old" and dkim.verify(raw, dnsfunc=dns_of(old))


@pytest.mark.parametrize("body, field, kind", [
    ({"selector": "s1"}, "domain", "value_error.missing"),
    ({"domain": "not a domain"}, "domain", "value_error.invalid_domain"),
    ({"domain": "localhost"}, "domain", "value_error.invalid_domain"),
    ({"domain": "acme.example", "selector": "two.labels"}, "selector", "value_error.invalid_selector"),
])
async def test_bad_input_is_a_422(client, body, field, kind):
    response = await client.post(KEYS, json=body)

    assert response.status_code == 422, response.text
    detail = assert_valid(response, KEYS, "POST")["detail"][0]
    assert detail["loc"][-1] == field and detail["type"] == kind


async def test_the_same_selector_twice_for_a_domain_is_a_400(client):
    domain = domain_name()
    await create_key(client, domain)

    response = await client.post(KEYS, json={"domain": domain, "selector": "S1"})

    assert response.status_code == 400
    assert assert_valid(response, KEYS, "POST")["detail"][0]["type"] == "dkim_selector_taken"


async def test_another_accounts_key_is_not_found_and_never_signs_its_mail(client, other_client, mailbox):
    domain = domain_name()
    key = await create_key(client, domain)

    assert (await other_client.get(f"{KEYS}/{key['id']}")).status_code == 404
    assert (await other_client.delete(f"{KEYS}/{key['id']}")).status_code == 404
    assert assert_valid(await other_client.get(KEYS), KEYS, "GET")["data"] == []
    # The other account sends from the same domain: this account's key is not its key.
    sender_id = await make_sender(other_client.user.tenant, address=f"news@{domain}")
    to = unique_email()
    await other_client.post("/emails", json=email_body(to, sender_id))
    raw = await eventually(lambda: raw_mail(mailbox, to))
    assert b"DKIM-Signature" not in raw


async def test_keys_are_in_the_graph_without_their_private_half(client):
    key = await create_key(client, domain_name())

    data = await client.user.tenant.graph("""query($id: ID!) { node(id: $id) { ... on Tenant {
        dkimKeys { databaseId domain selector dnsName dnsRecord isDefault brand } brandDomains { auth dkim } } } }""", {"id": client.user.tenant.id})

    assert data["node"]["dkimKeys"] == [{"databaseId": key["id"], "domain": key["domain"], "selector": "s1", "brand": "default",
                                         "dnsName": f"s1._domainkey.{key['domain']}", "dnsRecord": key["public_key"], "isDefault": True}]
    assert data["node"]["brandDomains"] == {"auth": key["domain"], "dkim": f"s1._domainkey.{key['domain']}"}
