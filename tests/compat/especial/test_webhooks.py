"""Especial webhooks over real HTTP: create, show, list (with and without archived ones), patch, archive and
unarchive; an Especial-created webhook receives a real send, signed, through the workers; an archived one receives
nothing; bad input; another account's webhooks are not found."""
from __future__ import annotations

import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_emails import email_body
from tests.compat.especial.messaging_fixtures import make_sender, unique_email
from tests.support.fixtures import eventually
from tests.workers.test_webhooks import independently_verified, receiver  # noqa: F401  (the receiver fixture)

ONE = "/webhooks/{webhook_id}"


def webhook_body(url: str, **fields) -> dict:
    """The seed's request sample for "Create a webhook", with an event sendgraph emits and a URL."""
    return {"event": "Email.Sent", "url": url, "rate_limit": 80, "rate_limit_period": "second", **fields}


async def create(client, url: str, **fields) -> dict:
    response = await client.post("/webhooks", json=webhook_body(url, **fields))
    assert response.status_code == 201, response.text
    return assert_valid(response, "/webhooks", "POST")


async def listed(client, **params) -> list[dict]:
    response = await client.get("/webhooks", params={"with_count": "true", **params})
    assert response.status_code == 200, response.text
    return assert_valid(response, "/webhooks", "GET")["data"]


async def test_a_webhook_is_created_shown_listed_patched_archived_and_unarchived(client):
    created = await create(client, "https://hooks.example.com/especial")
    webhook_id = created["id"]
    assert created["data"] == {"id": webhook_id, "status": "active", "event": "Email.Sent", "url": "https://hooks.example.com/especial"}
    assert created["signature"]["key"].startswith("whsec_") and created["signature"]["hash_function"] == "sha256"

    response = await client.get(f"/webhooks/{webhook_id}")
    assert response.status_code == 200
    assert assert_valid(response, ONE, "GET") == {"id": webhook_id, "signature": {"hash_function": "sha256"}, "data": created["data"]}

    response = await client.patch(f"/webhooks/{webhook_id}", json={"url": "https://hooks.example.com/v2", "rate_limit": 10})
    assert response.status_code == 200, response.text
    patched = assert_valid(response, ONE, "PATCH")
    assert patched == {"id": webhook_id, "object": "Webhook", "patched": True, "data": {**created["data"], "url": "https://hooks.example.com/v2"}}

    response = await client.post(f"/webhooks/{webhook_id}/archive")
    assert response.status_code == 200, response.text
    archived = assert_valid(response, "/webhooks/{webhook_id}/archive", "POST")
    assert archived["archived"] is True and archived["data"]["status"] == "archived" and archived["data"]["archived_at"] > 0
    assert await listed(client) == []
    assert [w["id"] for w in await listed(client, with_archived="true")] == [webhook_id]

    response = await client.post(f"/webhooks/{webhook_id}/unarchive")
    assert response.status_code == 200, response.text
    unarchived = assert_valid(response, "/webhooks/{webhook_id}/unarchive", "POST")
    assert unarchived["archived"] is False and unarchived["data"] == patched["data"]
    assert [w["id"] for w in await listed(client)] == [webhook_id]


async def test_pages_of_webhooks(client):
    ids = [(await create(client, f"https://hooks.example.com/{n}"))["id"] for n in range(3)]
    response = await client.get("/webhooks", params={"page": 2, "per_page": 2, "with_count": "true"})
    body = assert_valid(response, "/webhooks", "GET")
    assert body["pagination"] == {"page": 2, "per_page": 2, "count": 3} and [w["id"] for w in body["data"]] == ids[2:]


async def test_a_real_send_is_posted_signed_to_an_especial_webhook_and_not_while_archived(client, receiver):  # noqa: F811
    path = f"/{client.user.tenant.slug}/especial"
    created = await create(client, receiver.url + path)
    sender_id = await make_sender(client.user.tenant, name="Acme News", address="news@acme.example")

    to = unique_email()
    response = await client.post("/emails", json=email_body(to, sender_id))
    assert response.status_code == 201, response.text

    [request] = await eventually(lambda: receiver.to(path))
    assert independently_verified(created["signature"]["key"], request)
    assert request.headers["webhook-event"] == "message.sent"
    assert request.json()["recipient"] == to

    archived = await client.post(f"/webhooks/{created['id']}/archive")
    assert archived.status_code == 200
    response = await client.post("/emails", json=email_body(unique_email(), sender_id))
    assert response.status_code == 201
    await eventually(lambda: _sent(client))
    assert len(receiver.to(path)) == 1  # the second mail went out; nothing was posted to the archived webhook


async def _sent(client) -> bool:
    data = await client.user.tenant.graph("query($slug: String!) { tenant(slug: $slug) { messages(first: 10) { nodes { status } } } }",
                                          {"slug": client.user.tenant.slug})
    statuses = [m["status"] for m in data["tenant"]["messages"]["nodes"]]
    return len(statuses) == 2 and all(s == "SENT" for s in statuses)


@pytest.mark.parametrize("body, loc, kind", [
    ({"url": "https://hooks.example.com"}, ["body", "event"], "value_error.missing"),
    ({"event": "Email.Sent"}, ["body", "url"], "value_error.missing"),
    ({"event": "Email.Teleported", "url": "https://hooks.example.com"}, ["body", "event"], "value_error.enum"),
    ({"event": "Email.Sent", "url": "https://hooks.example.com", "rate_limit_period": "hour"}, ["body", "rate_limit_period"], "value_error.enum"),
    ({"event": "Email.Sent", "url": "ftp://hooks.example.com"}, ["body", "url"], "value_error.invalid_url"),
    ({"event": "Contact.Added", "url": "https://hooks.example.com"}, ["body", "event"], "value_error.unknown_event"),
])
async def test_bad_bodies_are_422_with_the_field(client, body, loc, kind):
    response = await client.post("/webhooks", json=body)
    assert response.status_code == 422, response.text
    error = assert_valid(response, "/webhooks", "POST")["detail"][0]
    assert (error["loc"], error["type"]) == (loc, kind)
    assert await listed(client, with_archived="true") == []


async def test_a_bad_patch_is_422_and_changes_nothing(client):
    created = await create(client, "https://hooks.example.com/keep")
    response = await client.patch(f"/webhooks/{created['id']}", json={"url": "not a url"})
    assert response.status_code == 422 and assert_valid(response, ONE, "PATCH")["detail"][0]["loc"] == ["body", "url"]
    assert (await client.get(f"/webhooks/{created['id']}")).json()["data"]["url"] == "https://hooks.example.com/keep"


async def test_unknown_and_other_accounts_webhooks_are_404(client, other_client):
    theirs = await create(other_client, "https://hooks.example.com/theirs")
    for webhook_id in ("999999999", "abc", theirs["id"]):
        for method, path in [("GET", ONE), ("PATCH", ONE), ("POST", ONE + "/archive"), ("POST", ONE + "/unarchive")]:
            response = await client.request(method, path.format(webhook_id=webhook_id), json={} if method == "PATCH" else None)
            assert response.status_code == 404, (method, path, response.text)
            assert assert_valid(response, path, method)["detail"][0]["loc"] == ["body", "webhook_id"]
    assert await listed(client, with_archived="true") == []
    assert (await other_client.get(f"/webhooks/{theirs['id']}")).json()["data"]["status"] == "active"
