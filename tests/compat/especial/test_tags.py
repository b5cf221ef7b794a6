"""Especial tags over real HTTP: the account's registry (create, show, rename, delete, list), tagging and untagging
contacts of a list one by one and many at once; renaming and deleting reach every contact of the account; bad input."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import add_contact, add_list
from tests.compat.especial.conftest import assert_valid

ONE = "/tags/{tag}"


async def contact_tags(client, list_id: int, contact_id: int) -> list[str]:
    response = await client.get(f"/lists/{list_id}/contacts/{contact_id}")
    return assert_valid(response, "/lists/{list_id}/contacts/{contact_id}", "GET")["data"]["tags"]


async def tags_of_account(client) -> list[str]:
    response = await client.get("/tags", params={"with_count": "true"})
    assert response.status_code == 200, response.text
    return [t["tag"] for t in assert_valid(response, "/tags", "GET")["data"]]


@pytest.fixture
async def people(client):
    """Two lists; ada and bob on the first, cy on the second."""
    first, second = await add_list(client), await add_list(client)
    ada, bob = await add_contact(client, first["id"]), await add_contact(client, first["id"])
    cy = await add_contact(client, second["id"])
    return first["id"], second["id"], ada["id"], bob["id"], cy["id"]


async def test_a_tag_is_created_shown_listed_and_deleted(client):
    response = await client.post("/tags", json={"tag": "vip"})
    assert response.status_code == 201 and assert_valid(response, "/tags", "POST") == {"tag": "vip", "object": "tag", "created": True, "data": {"tag": "vip"}}
    response = await client.get("/tags/vip")
    assert response.status_code == 200 and assert_valid(response, ONE, "GET") == {"data": {"tag": "vip"}}
    assert await tags_of_account(client) == ["vip"]

    response = await client.post("/tags", json={"tag": "vip"})
    assert response.status_code == 400 and assert_valid(response, "/tags", "POST")["detail"][0]["type"] == "tag_taken"

    response = await client.delete("/tags/vip")
    assert response.status_code == 200 and assert_valid(response, ONE, "DELETE") == {"tag": "vip", "object": "tag", "deleted": True}
    response = await client.get("/tags/vip")
    assert response.status_code == 404 and assert_valid(response, ONE, "GET")["detail"][0]["loc"] == ["body", "tag"]


async def test_contacts_are_tagged_and_untagged_one_by_one_and_many_at_once(client, people):
    first, _, ada, bob, _ = people
    response = await client.post(f"/lists/{first}/contacts/tag", json={"tags": ["vip", "beta"], "contact_ids": [ada, bob]})
    assert response.status_code == 200 and assert_valid(response, "/lists/{list_id}/contacts/tag", "POST") == {"tagged": True}
    response = await client.post(f"/lists/{first}/contacts/{ada}/tag", json={"tags": ["gold", "vip"]})
    assert response.status_code == 200 and assert_valid(response, "/lists/{list_id}/contacts/{contact_id}/tag", "POST") == {"tagged": True}
    assert await contact_tags(client, first, ada) == ["vip", "beta", "gold"] and await contact_tags(client, first, bob) == ["vip", "beta"]
    assert await tags_of_account(client) == ["beta", "gold", "vip"]

    response = await client.post(f"/lists/{first}/contacts/untag", json={"tags": ["beta"], "contact_ids": [ada, bob]})
    assert response.status_code == 200 and assert_valid(response, "/lists/{list_id}/contacts/untag", "POST") == {"untagged": True}
    response = await client.post(f"/lists/{first}/contacts/{bob}/untag", json={"tags": ["vip"]})
    assert response.status_code == 200 and assert_valid(response, "/lists/{list_id}/contacts/{contact_id}/untag", "POST") == {"untagged": True}
    assert await contact_tags(client, first, ada) == ["vip", "gold"] and await contact_tags(client, first, bob) == []


async def test_renaming_and_deleting_a_tag_reaches_every_contact_of_the_account(client, people):
    first, second, ada, bob, cy = people
    await client.post(f"/lists/{first}/contacts/tag", json={"tags": ["old", "keep"], "contact_ids": [ada]})
    await client.post(f"/lists/{first}/contacts/tag", json={"tags": ["new", "old"], "contact_ids": [bob]})
    await client.post(f"/lists/{second}/contacts/tag", json={"tags": ["old"], "contact_ids": [cy]})

    response = await client.patch("/tags/old", json={"tag": "renamed"})
    assert response.status_code == 200, response.text
    assert assert_valid(response, ONE, "PATCH") == {"tag": "renamed", "object": "tag", "updated": True, "data": {"tag": "renamed"}}
    assert await contact_tags(client, first, ada) == ["renamed", "keep"]
    assert await contact_tags(client, first, bob) == ["new", "renamed"]
    assert await contact_tags(client, second, cy) == ["renamed"]
    response = await client.patch("/tags/renamed", json={"tag": "keep"})
    assert response.status_code == 400 and assert_valid(response, ONE, "PATCH")["detail"][0]["type"] == "tag_taken"

    response = await client.delete("/tags/renamed")
    assert response.status_code == 200, response.text
    assert await contact_tags(client, first, ada) == ["keep"] and await contact_tags(client, second, cy) == []
    assert await tags_of_account(client) == ["keep", "new"]


async def test_another_accounts_tags_are_untouched(client, other_client, people):
    first, _, ada, _, _ = people
    await client.post(f"/lists/{first}/contacts/tag", json={"tags": ["shared"], "contact_ids": [ada]})
    other_list = await add_list(other_client)
    theirs = await add_contact(other_client, other_list["id"])
    await other_client.post(f"/lists/{other_list['id']}/contacts/{theirs['id']}/tag", json={"tags": ["shared"]})

    assert (await client.delete("/tags/shared")).status_code == 200

    assert await contact_tags(other_client, other_list["id"], theirs["id"]) == ["shared"]
    assert await tags_of_account(other_client) == ["shared"]


@pytest.mark.parametrize("path, body, loc", [
    ("/tags", {}, ["body", "tag"]),
    ("/tags", {"tag": "with space"}, ["body", "tag"]),
    ("/tags", {"tag": 7}, ["body", "tag"]),
    ("/tags", {"tag": "x" * 65}, ["body", "tag"]),
    ("/lists/{list_id}/contacts/tag", {"contact_ids": [1]}, ["body", "tags"]),
    ("/lists/{list_id}/contacts/tag", {"tags": []}, ["body", "tags"]),
    ("/lists/{list_id}/contacts/tag", {"tags": ["ok"], "contact_ids": ["a"]}, ["body", "contact_ids", "0"]),
    ("/lists/{list_id}/contacts/tag", {"tags": ["ok"]}, ["body", "contact_ids"]),
    ("/lists/{list_id}/contacts/tag", {"tags": ["ok"], "query": "email = 'a@b.example'"}, ["body", "query"]),
    ("/lists/{list_id}/contacts/{contact_id}/untag", {"tags": ["bad tag"]}, ["body", "tags", "0"]),
])
async def test_bad_bodies_are_422_with_the_field(client, people, path, body, loc):
    first, _, ada, _, _ = people
    response = await client.post(path.format(list_id=first, contact_id=ada), json=body)
    assert response.status_code == 422, response.text
    assert assert_valid(response, path, "POST")["detail"][0]["loc"] == loc


async def test_unknown_tags_lists_and_contacts_are_404_and_change_nothing(client, people):
    first, second, ada, _, cy = people
    for method, path, body in [("GET", "/tags/nope", None), ("PATCH", "/tags/nope", {"tag": "x"}), ("DELETE", "/tags/nope", None)]:
        response = await client.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)
        assert assert_valid(response, ONE, method)["detail"][0]["loc"] == ["body", "tag"]
    response = await client.post(f"/lists/{first}/contacts/tag", json={"tags": ["vip"], "contact_ids": [ada, cy]})  # cy is on the other list
    assert response.status_code == 404 and assert_valid(response, "/lists/{list_id}/contacts/tag", "POST")["detail"][0]["loc"] == ["body", "contact_ids"]
    assert await contact_tags(client, first, ada) == []
    response = await client.post(f"/lists/999999999/contacts/{ada}/tag", json={"tags": ["vip"]})
    assert response.status_code == 404 and assert_valid(response, "/lists/{list_id}/contacts/{contact_id}/tag", "POST")["detail"]
