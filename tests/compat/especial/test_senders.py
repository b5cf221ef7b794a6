"""Especial senders (/brands/default/senders) over real HTTP: add, list, show, update, delete; bad input; isolation."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import SENDER, add_list, add_sender, oversized_json, unique_email
from tests.compat.especial.conftest import assert_valid

SENDERS, ONE = "/brands/default/senders", "/brands/default/senders/{sender_id}"


async def test_added_sender_is_unconfirmed_and_reads_back(client):
    email = unique_email("news")
    response = await client.post(SENDERS, json={**SENDER, "email": email})

    assert response.status_code == 201, response.text
    created = assert_valid(response, SENDERS, "POST")
    assert created["object"] == "sender" and created["created"] is True
    assert created["data"] == {"id": created["id"], "name": "Acme News", "email": email, "confirmed": False, "language": "en_US"}
    shown = assert_valid(await client.get(f"{SENDERS}/{created['id']}"), ONE, "GET")
    assert shown["data"] == created["data"]


async def test_sender_is_a_sender_of_the_accounts_default_brand_in_the_graph(client):
    sender = await add_sender(client, email="Marketing@Example.com")

    data = await client.user.tenant.graph("""query($id: ID!) { node(id: $id) { ... on Tenant {
        senders(brand: "default") { nodes { databaseId address name brand verified channel } } } } }""", {"id": client.user.tenant.id})

    assert data["node"]["senders"]["nodes"] == [{"databaseId": int(sender["id"]), "address": "marketing@example.com", "name": "Acme News",
                                                 "brand": "default", "verified": False, "channel": "EMAIL"}]


async def test_senders_are_listed_page_by_page_with_a_count(client):
    made = [await add_sender(client) for _ in range(3)]

    first = assert_valid(await client.get(SENDERS, params={"per_page": 2, "with_count": "true"}), SENDERS, "GET")
    second = assert_valid(await client.get(SENDERS, params={"per_page": 2, "page": 2}), SENDERS, "GET")

    assert first["pagination"] == {"page": 1, "per_page": 2, "count": 3}
    assert second["pagination"] == {"page": 2, "per_page": 2}
    assert [s["id"] for s in first["data"] + second["data"]] == [s["id"] for s in made]


async def test_patch_changes_name_and_language_only(client):
    sender = await add_sender(client)

    response = await client.patch(f"{SENDERS}/{sender['id']}", json={"name": "Acme Deals", "language": "fr_FR"})

    assert response.status_code == 200, response.text
    body = assert_valid(response, ONE, "PATCH")
    assert body["updated"] is True and body["id"] == sender["id"]
    assert body["data"] == {**sender, "name": "Acme Deals", "language": "fr_FR"}


async def test_deleted_sender_is_gone(client):
    sender = await add_sender(client)

    response = await client.delete(f"{SENDERS}/{sender['id']}")

    assert assert_valid(response, ONE, "DELETE") == {"id": sender["id"], "deleted": True, "object": "sender"}
    gone = await client.get(f"{SENDERS}/{sender['id']}")
    assert gone.status_code == 404
    assert assert_valid(gone, ONE, "GET")["detail"][0]["type"] == "not_found"


async def test_the_same_address_twice_is_a_400(client):
    sender = await add_sender(client)

    response = await client.post(SENDERS, json={**SENDER, "email": sender["email"].upper()})

    assert response.status_code == 400
    assert assert_valid(response, SENDERS, "POST")["detail"][0]["type"] == "sender_taken"


async def test_a_lists_default_sender_cannot_be_deleted(client):
    sender = await add_sender(client)
    await add_list(client, sender["id"])

    response = await client.delete(f"{SENDERS}/{sender['id']}")

    assert response.status_code == 400
    assert assert_valid(response, ONE, "DELETE")["detail"][0]["type"] == "sender_in_use"
    assert (await client.get(f"{SENDERS}/{sender['id']}")).status_code == 200


@pytest.mark.parametrize("body, loc", [
    ({"name": "Acme"}, ["body", "email"]),
    ({"email": "news@example.com"}, ["body", "name"]),
    ({"name": "", "email": "news@example.com"}, ["body", "name"]),
    ({"name": "Acme", "email": "not an address"}, ["body", "email"]),
    ({"name": 5, "email": "news@example.com"}, ["body", "name"]),
    ({"name": "Acme", "email": "news@example.com", "language": "klingon"}, ["body", "language"]),
    ([], ["body"]),
])
async def test_bad_sender_bodies_are_422_naming_the_field(client, body, loc):
    response = await client.post(SENDERS, json=body)

    assert response.status_code == 422, response.text
    assert assert_valid(response, SENDERS, "POST")["detail"][0]["loc"] == loc


async def test_malformed_and_oversized_bodies_are_refused(client):
    malformed = await client.post(SENDERS, content=b"{not json", headers={"Content-Type": "application/json"})
    oversized = await client.post(SENDERS, content=oversized_json(), headers={"Content-Type": "application/json"})
    empty = await client.post(SENDERS, content=b"", headers={"Content-Type": "application/json"})

    assert malformed.status_code == 422 and assert_valid(malformed, SENDERS, "POST")
    assert oversized.status_code == 413 and assert_valid(oversized, SENDERS, "POST")
    assert empty.status_code == 422 and assert_valid(empty, SENDERS, "POST")


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize("sender_id", ["999999999", "abc", "0"])
async def test_unknown_sender_ids_are_404(client, method, sender_id):
    response = await client.request(method, f"{SENDERS}/{sender_id}", json={"name": "x"} if method == "PATCH" else None)

    assert response.status_code == 404
    assert assert_valid(response, ONE, method)["detail"][0]["loc"] == ["body", "sender_id"]


@pytest.mark.parametrize("params", [{"page": "0"}, {"per_page": "0"}, {"per_page": "101"}, {"page": "x"}, {"with_count": "maybe"},
                                    {"sort": "name"}, {"account_id": "abc"}])
async def test_bad_list_parameters_are_422(client, params):
    response = await client.get(SENDERS, params=params)

    assert response.status_code == 422, response.text
    assert_valid(response, SENDERS, "GET")


async def test_another_accounts_sender_is_not_found_and_unchanged(client, other_client):
    theirs = await add_sender(other_client)

    for method, body in (("GET", None), ("PATCH", {"name": "Hijacked"}), ("DELETE", None)):
        response = await client.request(method, f"{SENDERS}/{theirs['id']}", json=body)
        assert response.status_code == 404, (method, response.text)
        assert_valid(response, ONE, method)
    listed = assert_valid(await client.get(SENDERS), SENDERS, "GET")
    assert theirs["id"] not in [s["id"] for s in listed["data"]]
    assert assert_valid(await other_client.get(f"{SENDERS}/{theirs['id']}"), ONE, "GET")["data"] == theirs


async def test_another_account_id_is_404_and_adds_nothing(client, other_client):
    response = await client.post(SENDERS, params={"account_id": other_client.user.account_id}, json=SENDER)
    listing = await client.get(SENDERS, params={"account_id": other_client.user.account_id})

    assert response.status_code == 404 and listing.status_code == 404
    assert assert_valid(response, SENDERS, "POST")["detail"][0]["loc"] == ["body", "account_id"]
    assert assert_valid(await other_client.get(SENDERS, params={"with_count": "true"}), SENDERS, "GET")["pagination"]["count"] == 0


async def test_a_parent_accounts_user_manages_its_sub_accounts_senders(make_tenant, make_user, login):
    parent_user = await make_user()
    sub = await make_tenant(parent=parent_user.tenant)
    sub_user = await make_user(sub)
    parent, child = await login(parent_user), await login(sub_user)

    response = await parent.post(SENDERS, params={"account_id": sub.account_id}, json={**SENDER, "email": unique_email()})

    assert response.status_code == 201, response.text
    made = assert_valid(response, SENDERS, "POST")["data"]
    assert [s["id"] for s in assert_valid(await child.get(SENDERS), SENDERS, "GET")["data"]] == [made["id"]]
    assert assert_valid(await parent.get(SENDERS), SENDERS, "GET")["data"] == []
    upward = await child.get(SENDERS, params={"account_id": parent_user.account_id})
    assert upward.status_code == 404 and assert_valid(upward, SENDERS, "GET")


async def test_without_a_token_senders_are_401(anonymous):
    response = await anonymous.get(SENDERS)

    assert response.status_code == 401
    assert assert_valid(response, SENDERS, "GET")["detail"][0]["type"] == "unauthorized"
