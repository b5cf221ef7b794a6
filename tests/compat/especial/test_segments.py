"""Especial segments over real HTTP: create / read / update / delete a list's segment, its contacts, and that those
contacts are exactly who a campaign on the segment sends to; conditions sendgraph cannot apply are refused; bad input."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import add_contact, add_list, unique_email
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import received
from tests.compat.especial.test_campaigns import campaign_body
from tests.support.fixtures import eventually

MANY = "/lists/{list_id}/segments"
ONE = "/lists/{list_id}/segments/{segment_id}"
CONTACTS = "/lists/{list_id}/segments/{segment_id}/contacts"


def segment_body(**overrides) -> dict:
    """The seed's request sample for "Create a segment", with one selection (the seed: use one of query, fiql and json)."""
    return {"name": "Gmail readers", "query": "email LIKE '%@gmail.example'", **overrides}


async def create(client, list_id: int, body: dict, expect: int = 201) -> dict:
    response = await client.post(f"/lists/{list_id}/segments", json=body)
    assert response.status_code == expect, response.text
    return assert_valid(response, MANY, "POST")


@pytest.fixture
async def audience(client):
    """A list with two gmail.example contacts, one other, and one unsubscribed gmail.example contact."""
    lst = await add_list(client)
    ada = await add_contact(client, lst["id"], email=unique_email("ada").replace("example.com", "gmail.example"))
    bob = await add_contact(client, lst["id"], email=unique_email("bob").replace("example.com", "gmail.example"))
    eve = await add_contact(client, lst["id"], email=unique_email("eve"))
    gone = await add_contact(client, lst["id"], email=unique_email("gone").replace("example.com", "gmail.example"))
    response = await client.post(f"/lists/{lst['id']}/contacts/{gone['id']}/unsubscribe")
    assert response.status_code == 200, response.text
    return lst, {"ada": ada, "bob": bob, "eve": eve, "gone": gone}


async def contacts_of(client, list_id: int, segment_id: int, **params) -> dict:
    response = await client.get(f"/lists/{list_id}/segments/{segment_id}/contacts", params={"with_count": "true", **params})
    assert response.status_code == 200, response.text
    return assert_valid(response, CONTACTS, "GET")


async def test_a_segment_is_created_read_listed_updated_and_deleted(client, audience):
    lst, _ = audience
    created = await create(client, lst["id"], segment_body())
    segment_id = created["id"]
    assert created["object"] == "segment" and created["created"] is True
    assert created["data"]["name"] == "Gmail readers" and created["data"]["query"] == "email LIKE '%@gmail.example'"
    assert created["data"]["campaigns_count"] == 0 and created["data"]["last_used"] == 0 and created["data"]["created_on"] > 0

    response = await client.get(f"/lists/{lst['id']}/segments/{segment_id}")
    assert assert_valid(response, ONE, "GET")["data"] == created["data"]
    response = await client.get(f"/lists/{lst['id']}/segments", params={"with_count": "true"})
    listed = assert_valid(response, MANY, "GET")
    assert listed["pagination"] == {"page": 1, "per_page": 50, "count": 1} and listed["data"] == [created["data"]]

    response = await client.patch(f"/lists/{lst['id']}/segments/{segment_id}", json={"name": "Gmail, renamed", "fiql": "email==*@gmail.example"})
    updated = assert_valid(response, ONE, "PATCH")
    assert response.status_code == 200 and updated["updated"] is True
    assert updated["data"]["name"] == "Gmail, renamed" and updated["data"]["fiql"] == "email==*@gmail.example" and "query" not in updated["data"]

    response = await client.delete(f"/lists/{lst['id']}/segments/{segment_id}")
    assert response.status_code == 200 and assert_valid(response, ONE, "DELETE") == {"id": segment_id, "object": "segment", "deleted": True}
    response = await client.get(f"/lists/{lst['id']}/segments/{segment_id}")
    assert response.status_code == 404 and assert_valid(response, ONE, "GET")["detail"][0]["loc"] == ["body", "segment_id"]


@pytest.mark.parametrize("selection", [
    {"query": "email LIKE '%@gmail.example'"},
    {"fiql": "email==*@gmail.example"},
    {"json": {"field": "email", "op": "endswith", "value": "@gmail.example"}},
])
async def test_each_selection_language_selects_the_subscribed_members_it_names(client, audience, selection):
    lst, people = audience
    segment = await create(client, lst["id"], {"name": "Gmail", **selection})
    assert {k: segment["data"][k] for k in selection} == selection  # read back in its own language

    body = await contacts_of(client, lst["id"], segment["id"])

    assert body["pagination"]["count"] == 2
    assert sorted(c["id"] for c in body["data"]) == sorted([people["ada"]["id"], people["bob"]["id"]])
    assert all(c["status"] == "active" for c in body["data"])


async def test_the_segments_contacts_are_exactly_who_a_campaign_on_it_sends_to(client, audience, mailbox):
    lst, people = audience
    segment = await create(client, lst["id"], segment_body(query="email LIKE '%@gmail.example' AND email <> '" + people["bob"]["email"] + "'"))
    expected = {c["email"] for c in (await contacts_of(client, lst["id"], segment["id"]))["data"]}
    assert expected == {people["ada"]["email"]}

    sender_id = int((await client.get("/brands/default/senders")).json()["data"][0]["id"])
    campaign = await client.post("/campaigns", json=campaign_body(lst["id"], sender_id, audience={"list_id": lst["id"], "segment_id": segment["id"]}))
    assert campaign.status_code == 201, campaign.text
    response = await client.post(f"/campaigns/{campaign.json()['id']}/schedule", json={})
    assert response.status_code == 200, response.text

    await eventually(lambda: received(mailbox, people["ada"]["email"]), timeout=30)
    async def finished():
        return (await client.get(f"/campaigns/{campaign.json()['id']}")).json()["data"]["status"] == "delivered"
    await eventually(finished, timeout=30)
    sent_to = {email for email in (p["email"] for p in people.values()) if received(mailbox, email)}
    assert sent_to == expected

    used = assert_valid(await client.get(f"/lists/{lst['id']}/segments/{segment['id']}"), ONE, "GET")["data"]
    assert used["campaigns_count"] == 1 and used["last_used"] > 0


async def test_a_segment_an_unfinished_campaign_sends_to_cannot_be_deleted(client, audience):
    lst, _ = audience
    segment = await create(client, lst["id"], segment_body())
    sender_id = (await client.get("/brands/default/senders")).json()["data"][0]["id"]
    campaign = await client.post("/campaigns", json=campaign_body(lst["id"], int(sender_id), audience={"list_id": lst["id"], "segment_id": segment["id"]}))
    assert campaign.status_code == 201, campaign.text

    response = await client.delete(f"/lists/{lst['id']}/segments/{segment['id']}")

    assert response.status_code == 400, response.text
    assert assert_valid(response, ONE, "DELETE")["detail"][0]["type"] == "segment_in_use"


@pytest.mark.parametrize("selection, field", [
    ({"query": "email LIKE '%@x.example' OR email = 'a@b.example'"}, "query"),
    ({"query": "first_name = 'Ada'"}, "query"),
    ({"fiql": "email==a@x.example,email==b@x.example"}, "fiql"),
    ({"fiql": "tags==vip"}, "fiql"),
    ({"json": {"field": "email", "op": "regex", "value": ".*"}}, "json"),
    ({"json": {"or": []}}, "json"),
])
async def test_a_condition_sendgraph_cannot_apply_is_refused_not_ignored(client, audience, selection, field):
    lst, _ = audience
    response = await client.post(f"/lists/{lst['id']}/segments", json={"name": "Unsupported", **selection})
    assert response.status_code == 422, response.text
    detail = assert_valid(response, MANY, "POST")["detail"][0]
    assert detail["loc"] == ["body", field] and detail["type"] == "value_error.unsupported_segment_condition"
    listed = assert_valid(await client.get(f"/lists/{lst['id']}/segments"), MANY, "GET")
    assert listed["data"] == []


@pytest.mark.parametrize("body, loc", [
    ({}, ["body", "name"]),
    ({"name": ""}, ["body", "name"]),
    ({"name": 5}, ["body", "name"]),
    ({"name": "x", "query": ""}, ["body", "query"]),
    ({"name": "x", "json": "email"}, ["body", "json"]),
    ({"name": "x", "query": "email = 'a@b.example'", "fiql": "email==a@b.example"}, ["body", "fiql"]),
])
async def test_bad_bodies_are_422_with_the_field(client, audience, body, loc):
    lst, _ = audience
    response = await client.post(f"/lists/{lst['id']}/segments", json=body)
    assert response.status_code == 422, response.text
    assert assert_valid(response, MANY, "POST")["detail"][0]["loc"] == loc


async def test_a_name_already_used_in_the_list_is_a_conflict(client, audience):
    lst, _ = audience
    first = await create(client, lst["id"], segment_body())
    response = await client.post(f"/lists/{lst['id']}/segments", json=segment_body())
    assert response.status_code == 400 and assert_valid(response, MANY, "POST")["detail"][0]["type"] == "segment_name_taken"
    other = await create(client, lst["id"], segment_body(name="Other"))
    response = await client.patch(f"/lists/{lst['id']}/segments/{other['id']}", json={"name": "Gmail readers"})
    assert response.status_code == 400 and assert_valid(response, ONE, "PATCH")["detail"][0]["loc"] == ["body", "name"]
    assert first["id"] != other["id"]


async def test_unknown_ids_and_a_segment_of_another_list_are_404(client, audience):
    lst, _ = audience
    segment = await create(client, lst["id"], segment_body())
    other_list = await add_list(client)
    for path, template in [
        (f"/lists/{lst['id']}/segments/999999999", ONE), (f"/lists/{other_list['id']}/segments/{segment['id']}", ONE),
        (f"/lists/{other_list['id']}/segments/{segment['id']}/contacts", CONTACTS), ("/lists/999999999/segments", MANY),
    ]:
        response = await client.get(path)
        assert response.status_code == 404, (path, response.text)
        assert assert_valid(response, template, "GET")["detail"]
    response = await client.get(f"/lists/{lst['id']}/segments/abc")
    assert response.status_code == 422 and assert_valid(response, ONE, "GET")["detail"][0]["loc"] == ["body", "segment_id"]
    response = await client.post("/lists/999999999/segments", json=segment_body())
    assert response.status_code == 404 and assert_valid(response, MANY, "POST")["detail"]


async def test_segment_contacts_page_by_number_and_refuse_what_they_cannot_apply(client, audience):
    lst, _ = audience
    segment = await create(client, lst["id"], segment_body())
    first = await contacts_of(client, lst["id"], segment["id"], per_page="1")
    second = await contacts_of(client, lst["id"], segment["id"], per_page="1", page="2")
    assert len(first["data"]) == len(second["data"]) == 1 and first["data"] != second["data"]
    assert "cursor" in first["pagination"]
    by_cursor = await contacts_of(client, lst["id"], segment["id"], per_page="1", cursor=first["pagination"]["cursor"]["next"])
    assert by_cursor["data"] == second["data"]
    for params in ({"filter": "tags==vip"}, {"sort": "-email"}, {"query": "email = 'x'"}, {"per_page": "0"}):
        response = await client.get(f"/lists/{lst['id']}/segments/{segment['id']}/contacts", params=params)
        assert response.status_code == 422, (params, response.text)
        assert assert_valid(response, CONTACTS, "GET")["detail"]
