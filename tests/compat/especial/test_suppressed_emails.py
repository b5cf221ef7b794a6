"""Especial suppressed emails (GET/POST /suppressed-emails, DELETE /suppressed-emails/{email}) over real HTTP:
onto the graph's suppressions, a suppressed address receives nothing, bad input and other accounts get Especial's errors."""
from __future__ import annotations

import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import graph_messages, make_sender, received, unique_email
from tests.compat.especial.test_emails import email_body
from tests.support.fixtures import eventually

SUPPRESSIONS = """query($slug: String!) { tenant(slug: $slug) { suppressions(first: 100) { totalCount nodes { address reason } } } }"""


async def _suppress(client, email: str, **kwargs):
    return await client.post("/suppressed-emails", json={"email": email}, **kwargs)


async def _graph_suppressions(tenant) -> list[dict]:
    return (await tenant.graph(SUPPRESSIONS, {"slug": tenant.slug}))["tenant"]["suppressions"]["nodes"]


async def test_added_emails_are_listed_paged_and_filtered(client):
    emails = [unique_email("s") for _ in range(3)]
    for email in emails:
        response = await _suppress(client, email.upper())
        assert response.status_code == 201, response.text
        assert assert_valid(response, "/suppressed-emails", "POST") == {"email": email, "created": True}

    response = await client.get("/suppressed-emails", params={"with_count": "true"})
    body = assert_valid(response, "/suppressed-emails", "GET")
    assert response.status_code == 200
    assert body["pagination"] == {"page": 1, "per_page": 50, "count": 3}
    assert [d["email"] for d in body["data"]] == emails[::-1]  # newest first
    assert {d["source"] for d in body["data"]} == {"manual"}
    assert {s["address"] for s in await _graph_suppressions(client.user.tenant)} == set(emails)

    pages = []
    for page in (1, 2, 3):
        response = await client.get("/suppressed-emails", params={"page": page, "per_page": 2})
        pages.append([d["email"] for d in assert_valid(response, "/suppressed-emails", "GET")["data"]])
    assert pages == [emails[::-1][:2], emails[::-1][2:], []]
    assert "count" not in assert_valid(response, "/suppressed-emails", "GET")["pagination"]

    response = await client.get("/suppressed-emails", params={"filter": f"email=={emails[1]}", "with_count": "1"})
    body = assert_valid(response, "/suppressed-emails", "GET")
    assert body["data"] == [{"email": emails[1], "source": "manual"}] and body["pagination"]["count"] == 1


async def test_adding_twice_keeps_one_entry(client):
    email = unique_email("twice")
    for _ in range(2):
        response = await _suppress(client, email)
        assert response.status_code == 201 and assert_valid(response, "/suppressed-emails", "POST")["email"] == email
    assert [s["address"] for s in await _graph_suppressions(client.user.tenant)] == [email]


async def test_a_suppressed_email_receives_nothing_until_it_is_deleted(client, mailbox):
    sender_id = await make_sender(client.user.tenant)
    email = unique_email("blocked")
    assert (await _suppress(client, email)).status_code == 201

    sent = await client.post("/emails", json=email_body(email, sender_id, subject="Blocked", text="never"))
    assert sent.status_code == 201, sent.text

    async def failed():
        messages = await graph_messages(client.user.tenant, email)
        return messages if messages and messages[0]["status"] == "FAILED" else None

    await eventually(failed)
    assert received(mailbox, email) == []

    response = await client.delete(f"/suppressed-emails/{email}")
    assert response.status_code == 200, response.text
    assert assert_valid(response, "/suppressed-emails/{email}", "DELETE") == {"email": email, "deleted": True}
    assert await _graph_suppressions(client.user.tenant) == []

    sent = await client.post("/emails", json=email_body(email, sender_id, subject="Allowed", text="now"))
    assert sent.status_code == 201
    await eventually(lambda: received(mailbox, email))


async def test_deleting_an_email_that_is_not_suppressed_is_not_found(client):
    response = await client.delete(f"/suppressed-emails/{unique_email('never')}")
    assert response.status_code == 404
    assert assert_valid(response, "/suppressed-emails/{email}", "DELETE")["detail"][0]["loc"] == ["body", "email"]


@pytest.mark.parametrize("body, loc", [
    ({}, ["body", "email"]),
    ({"email": ""}, ["body", "email"]),
    ({"email": 42}, ["body", "email"]),
    ({"email": "not-an-address"}, ["body", "email"]),
    ({"email": "*@example.com"}, ["body", "email"]),  # wildcards: the graph suppresses exact addresses only
    ({"email": "+4915112345678"}, ["body", "email"]),  # a phone number is no email
    ([], ["body"]),
])
async def test_bad_bodies_are_422_with_the_field(client, body, loc):
    response = await client.post("/suppressed-emails", json=body)
    assert response.status_code == 422, response.text
    assert assert_valid(response, "/suppressed-emails", "POST")["detail"][0]["loc"] == loc
    assert await _graph_suppressions(client.user.tenant) == []


async def test_bad_query_and_path_are_422(client):
    for params, loc in [({"page": "zero"}, ["body", "page"]), ({"per_page": "0"}, ["body", "per_page"]),
                        ({"with_count": "maybe"}, ["body", "with_count"]), ({"filter": "reason==manual"}, ["body", "filter"]),
                        ({"account_id": "abc"}, ["body", "account_id"])]:
        response = await client.get("/suppressed-emails", params=params)
        assert response.status_code == 422, (params, response.text)
        assert assert_valid(response, "/suppressed-emails", "GET")["detail"][0]["loc"] == loc
    for email in ("not-an-address", "john@*", "*@example.com"):
        response = await client.delete(f"/suppressed-emails/{email}")
        assert response.status_code == 422, (email, response.text)
        assert assert_valid(response, "/suppressed-emails/{email}", "DELETE")["detail"][0]["loc"] == ["body", "email"]
    response = await client.post("/suppressed-emails", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and assert_valid(response, "/suppressed-emails", "POST")


async def test_other_accounts_see_and_change_nothing(client, other_client, anonymous):
    email = unique_email("mine")
    assert (await _suppress(client, email)).status_code == 201
    victim = {"account_id": str(client.user.account_id)}

    for response, path, method in [
        (await other_client.get("/suppressed-emails", params=victim), "/suppressed-emails", "GET"),
        (await _suppress(other_client, unique_email("x"), params=victim), "/suppressed-emails", "POST"),
        (await other_client.delete(f"/suppressed-emails/{email}", params=victim), "/suppressed-emails/{email}", "DELETE"),
        (await other_client.delete(f"/suppressed-emails/{email}"), "/suppressed-emails/{email}", "DELETE"),
        (await anonymous.get("/suppressed-emails"), "/suppressed-emails", "GET"),
        (await anonymous.post("/suppressed-emails", json={"email": unique_email()}), "/suppressed-emails", "POST"),
    ]:
        assert response.status_code in (401, 403, 404), (method, path, response.status_code, response.text)
        assert assert_valid(response, path, method)["detail"]
        assert email not in response.text or method == "DELETE"

    response = await other_client.get("/suppressed-emails", params={"with_count": "true"})
    assert assert_valid(response, "/suppressed-emails", "GET") == {"pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}
    assert [s["address"] for s in await _graph_suppressions(client.user.tenant)] == [email]
