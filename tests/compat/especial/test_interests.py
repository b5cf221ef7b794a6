"""Especial interests over real HTTP: a list's registry (create, show, rename, re-alias, delete, list with usage), adding
and removing interests on contacts of the list; renaming and deleting reach the list's members only; bad input."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import add_contact, add_list
from tests.compat.especial.conftest import assert_valid

MANY = "/lists/{list_id}/interests"
ONE = "/lists/{list_id}/interests/{interest_name}"


async def interests_of(client, list_id: int, contact_id: int) -> list[str]:
    response = await client.get(f"/lists/{list_id}/contacts/{contact_id}")
    return assert_valid(response, "/lists/{list_id}/contacts/{contact_id}", "GET")["data"]["interests"]


@pytest.fixture
async def people(client):
    first, second = await add_list(client), await add_list(client)
    ada, bob = await add_contact(client, first["id"]), await add_contact(client, first["id"])
    cy = await add_contact(client, second["id"])
    return first["id"], second["id"], ada["id"], bob["id"], cy["id"]


async def test_an_interest_is_created_shown_listed_updated_and_deleted(client, people):
    first, _, ada, bob, _ = people
    response = await client.post(f"/lists/{first}/interests", json={"name": "cooking", "alias": "Cooking"})
    assert response.status_code == 201, response.text
    assert assert_valid(response, MANY, "POST") == {"object": "interest", "created": True, "data": {"name": "cooking", "alias": "Cooking", "usage": 0}}
    response = await client.post(f"/lists/{first}/interests", json={"name": "cooking"})
    assert response.status_code == 400 and assert_valid(response, MANY, "POST")["detail"][0]["type"] == "interest_taken"

    response = await client.post(f"/lists/{first}/contacts/add-interests", json={"interests": ["cooking", "travel"], "contact_ids": [ada, bob]})
    assert response.status_code == 200, response.text
    assert assert_valid(response, "/lists/{list_id}/contacts/add-interests", "POST") == {"object": "interests", "added": True}
    response = await client.get(f"/lists/{first}/interests", params={"with_count": "true"})
    listed = assert_valid(response, MANY, "GET")
    assert listed["pagination"]["count"] == 2
    assert listed["data"] == [{"name": "cooking", "alias": "Cooking", "usage": 2}, {"name": "travel", "usage": 2}]

    response = await client.patch(f"/lists/{first}/interests/cooking", json={"name": "baking", "alias": "Baking"})
    assert response.status_code == 200, response.text
    assert assert_valid(response, ONE, "PATCH") == {"object": "interest", "patched": True, "data": {"name": "baking", "alias": "Baking", "usage": 2}}
    assert await interests_of(client, first, ada) == ["baking", "travel"]
    response = await client.get(f"/lists/{first}/interests/baking")
    assert assert_valid(response, ONE, "GET") == {"data": {"name": "baking", "alias": "Baking", "usage": 2}}

    response = await client.post(f"/lists/{first}/contacts/remove-interests", json={"interests": ["travel"], "contact_ids": [bob]})
    assert response.status_code == 200
    assert assert_valid(response, "/lists/{list_id}/contacts/remove-interests", "POST") == {"object": "interests", "removed": True}
    assert await interests_of(client, first, bob) == ["baking"]

    response = await client.delete(f"/lists/{first}/interests/baking")
    assert response.status_code == 200 and assert_valid(response, ONE, "DELETE")["deleted"] is True
    assert await interests_of(client, first, ada) == ["travel"] and await interests_of(client, first, bob) == []
    response = await client.get(f"/lists/{first}/interests/baking")
    assert response.status_code == 404 and assert_valid(response, ONE, "GET")["detail"][0]["loc"] == ["body", "interest_name"]


async def test_renaming_an_interest_leaves_other_lists_alone(client, people):
    first, second, ada, _, cy = people
    await client.post(f"/lists/{first}/contacts/add-interests", json={"interests": ["golf"], "contact_ids": [ada]})
    await client.post(f"/lists/{second}/contacts/add-interests", json={"interests": ["golf"], "contact_ids": [cy]})

    assert (await client.patch(f"/lists/{first}/interests/golf", json={"name": "tennis"})).status_code == 200

    assert await interests_of(client, first, ada) == ["tennis"] and await interests_of(client, second, cy) == ["golf"]


@pytest.mark.parametrize("path, body, loc", [
    (MANY, {}, ["body", "name"]),
    (MANY, {"name": "two words"}, ["body", "name"]),
    (MANY, {"name": 3}, ["body", "name"]),
    ("/lists/{list_id}/contacts/add-interests", {"contact_ids": [1]}, ["body", "interests"]),
    ("/lists/{list_id}/contacts/add-interests", {"interests": ["ok"]}, ["body", "contact_ids"]),
    ("/lists/{list_id}/contacts/add-interests", {"interests": ["ok"], "contact_ids": ["x"]}, ["body", "contact_ids", "0"]),
    ("/lists/{list_id}/contacts/remove-interests", {"interests": [], "contact_ids": [1]}, ["body", "interests"]),
    ("/lists/{list_id}/contacts/remove-interests", {"interests": ["ok"], "fiql": "email==a"}, ["body", "fiql"]),
])
async def test_bad_bodies_are_422_with_the_field(client, people, path, body, loc):
    first = people[0]
    response = await client.post(path.format(list_id=first), json=body)
    assert response.status_code == 422, response.text
    assert assert_valid(response, path, "POST")["detail"][0]["loc"] == loc


async def test_unknown_lists_interests_and_contacts_are_404(client, people):
    first, _, ada, _, cy = people
    for method, body in (("GET", None), ("PATCH", {"alias": "x"}), ("DELETE", None)):
        response = await client.request(method, f"/lists/{first}/interests/nope", json=body)
        assert response.status_code == 404, response.text
        assert assert_valid(response, ONE, method)["detail"]
    response = await client.get("/lists/999999999/interests")
    assert response.status_code == 404 and assert_valid(response, MANY, "GET")["detail"][0]["loc"] == ["body", "list_id"]
    response = await client.post(f"/lists/{first}/contacts/add-interests", json={"interests": ["x"], "contact_ids": [ada, cy]})
    assert response.status_code == 404
    assert assert_valid(response, "/lists/{list_id}/contacts/add-interests", "POST")["detail"][0]["loc"] == ["body", "contact_ids"]
    assert await interests_of(client, first, ada) == []
