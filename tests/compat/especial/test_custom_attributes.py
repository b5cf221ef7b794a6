"""Especial custom attributes over real HTTP: a list's definitions (create, show, list, delete), reserved and
malformed names, unknown types, duplicates, unknown lists and names; contacts keep their values."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import add_contact, add_list
from tests.compat.especial.conftest import assert_valid

MANY = "/lists/{list_id}/custom-attributes"
ONE = "/lists/{list_id}/custom-attributes/{name}"


async def test_a_custom_attribute_is_created_shown_listed_and_deleted(client):
    lst = (await add_list(client))["id"]
    response = await client.post(f"/lists/{lst}/custom-attributes", json={"name": "first_name", "type": "text"})
    assert response.status_code == 201, response.text
    assert assert_valid(response, MANY, "POST") == {"name": "first_name", "object": "attribute", "created": True,
                                                    "data": {"name": "first_name", "type": "text"}}
    await client.post(f"/lists/{lst}/custom-attributes", json={"name": "age", "type": "integer"})
    response = await client.get(f"/lists/{lst}/custom-attributes", params={"with_count": "true"})
    listed = assert_valid(response, MANY, "GET")
    assert listed["pagination"]["count"] == 2 and listed["data"] == [{"name": "age", "type": "integer"}, {"name": "first_name", "type": "text"}]
    response = await client.get(f"/lists/{lst}/custom-attributes/age")
    assert response.status_code == 200 and assert_valid(response, ONE, "GET") == {"data": {"name": "age", "type": "integer"}}

    response = await client.delete(f"/lists/{lst}/custom-attributes/age")
    assert response.status_code == 200 and assert_valid(response, ONE, "DELETE") == {"name": "age", "object": "attribute", "deleted": True}
    response = await client.get(f"/lists/{lst}/custom-attributes/age")
    assert response.status_code == 404 and assert_valid(response, ONE, "GET")["detail"][0]["loc"] == ["body", "name"]


async def test_deleting_a_definition_keeps_the_contacts_values(client):
    lst = (await add_list(client))["id"]
    await client.post(f"/lists/{lst}/custom-attributes", json={"name": "first_name", "type": "text"})
    contact = await add_contact(client, lst)  # the seed sample: custom_attributes first_name = Ada

    assert (await client.delete(f"/lists/{lst}/custom-attributes/first_name")).status_code == 200

    response = await client.get(f"/lists/{lst}/contacts/{contact['id']}")
    assert {"name": "first_name", "value": "Ada"} in response.json()["data"]["custom_attributes"]


@pytest.mark.parametrize("body, loc, status", [
    ({}, ["body", "name"], 422),
    ({"name": "age"}, ["body", "type"], 422),
    ({"name": "age", "type": "float"}, ["body", "type"], 422),
    ({"name": "two words", "type": "text"}, ["body", "name"], 422),
    ({"name": 5, "type": "text"}, ["body", "name"], 422),
    ({"name": "email", "type": "text"}, ["body", "name"], 422),
    ({"name": "Tags", "type": "text"}, ["body", "name"], 422),
])
async def test_bad_bodies_are_refused_with_the_field(client, body, loc, status):
    lst = (await add_list(client))["id"]
    response = await client.post(f"/lists/{lst}/custom-attributes", json=body)
    assert response.status_code == status, response.text
    assert assert_valid(response, MANY, "POST")["detail"][0]["loc"] == loc


async def test_a_duplicate_is_a_conflict_and_unknown_lists_and_names_are_404(client):
    lst = (await add_list(client))["id"]
    await client.post(f"/lists/{lst}/custom-attributes", json={"name": "age", "type": "integer"})
    response = await client.post(f"/lists/{lst}/custom-attributes", json={"name": "age", "type": "text"})
    assert response.status_code == 400 and assert_valid(response, MANY, "POST")["detail"][0]["type"] == "attribute_name_taken"
    response = await client.delete(f"/lists/{lst}/custom-attributes/nope")
    assert response.status_code == 404 and assert_valid(response, ONE, "DELETE")["detail"]
    response = await client.get("/lists/999999999/custom-attributes")
    assert response.status_code == 404 and assert_valid(response, MANY, "GET")["detail"][0]["loc"] == ["body", "list_id"]
    response = await client.get("/lists/abc/custom-attributes/age")
    assert response.status_code == 422 and assert_valid(response, ONE, "GET")["detail"][0]["loc"] == ["body", "list_id"]
