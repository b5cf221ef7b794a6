"""Especial list moves over real HTTP: an archived list keeps its contacts but takes no new one (added or imported to
`active`) and no campaign launch; unarchiving opens it again; accepting its policy shows in the list. Repeating a move
changes nothing; unknown or foreign lists are 404, a non-numeric id 422."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import CONTACT, add_contact, add_list, add_sender, unique_email
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_campaigns import campaign_body

ARCHIVE, UNARCHIVE, POLICY = "/lists/{list_id}/archive", "/lists/{list_id}/unarchive", "/lists/{list_id}/accept-policy"


async def _move(client, template: str, list_id: int) -> dict:
    response = await client.post(template.format(list_id=list_id))
    assert response.status_code == 200, response.text
    return assert_valid(response, template, "POST")


async def _status(client, list_id: int) -> str:
    response = await client.get(f"/lists/{list_id}")
    return assert_valid(response, "/lists/{list_id}", "GET")["data"]["status"]


@pytest.fixture
async def audience(client):
    sender = await add_sender(client)
    contact_list = await add_list(client, sender["id"])
    contact = await add_contact(client, contact_list["id"])
    return int(sender["id"]), contact_list["id"], contact["id"]


async def test_an_archived_list_takes_no_new_contact_until_unarchived(client, audience):
    _, list_id, contact_id = audience
    assert await _move(client, ARCHIVE, list_id) == {"id": list_id, "object": "list", "archived": True}
    assert await _move(client, ARCHIVE, list_id) == {"id": list_id, "object": "list", "archived": True}  # again: nothing changes
    assert await _status(client, list_id) == "archived"

    added = await client.post(f"/lists/{list_id}/contacts", json={**CONTACT, "email": unique_email()})
    assert added.status_code == 400, added.text
    assert assert_valid(added, "/lists/{list_id}/contacts", "POST")["detail"][0]["type"] == "list_archived"
    imported = await client.post(f"/lists/{list_id}/import-contacts", json={"import_to": "active", "contacts": [{"email": unique_email()}]})
    assert imported.status_code == 400, imported.text
    assert assert_valid(imported, "/lists/{list_id}/import-contacts", "POST")["detail"][0]["type"] == "list_archived"
    # What it holds stays: its contact is there and can still unsubscribe.
    assert (await client.get(f"/lists/{list_id}/contacts/{contact_id}")).status_code == 200
    assert (await client.post(f"/lists/{list_id}/contacts/{contact_id}/unsubscribe")).status_code == 200

    assert await _move(client, UNARCHIVE, list_id) == {"id": list_id, "object": "list", "archived": False}
    assert await _move(client, UNARCHIVE, list_id) == {"id": list_id, "object": "list", "archived": False}
    assert await _status(client, list_id) == "active"
    await add_contact(client, list_id)


async def test_no_campaign_is_launched_to_an_archived_list(client, audience):
    sender_id, list_id, _ = audience
    created = await client.post("/campaigns", json=campaign_body(list_id, sender_id))
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    await _move(client, ARCHIVE, list_id)

    response = await client.post(f"/campaigns/{campaign_id}/schedule", json={})
    assert response.status_code == 400, response.text
    assert assert_valid(response, "/campaigns/{campaign_id}/schedule", "POST")["detail"][0]["type"] == "list_archived"

    await _move(client, UNARCHIVE, list_id)
    response = await client.post(f"/campaigns/{campaign_id}/schedule", json={})
    assert response.status_code == 200, response.text


async def test_no_workflow_of_an_archived_list_is_activated(client, audience):
    _, list_id, _ = audience
    workflow = await client.post("/workflows", json={"name": "Welcome", "audience": {"list_id": list_id}})
    assert workflow.status_code == 201, workflow.text
    await _move(client, ARCHIVE, list_id)
    response = await client.post(f"/workflows/{workflow.json()['id']}/activate")
    assert response.status_code == 400 and response.json()["detail"][0]["type"] == "list_archived", response.text


async def test_accepting_a_lists_policy_shows_in_the_list(client, audience):
    _, list_id, _ = audience
    response = await client.get(f"/lists/{list_id}")
    assert response.json()["data"]["policy_accepted"] is False
    assert await _move(client, POLICY, list_id) == {"id": list_id, "object": "list", "policy_accepted": True}
    assert await _move(client, POLICY, list_id) == {"id": list_id, "object": "list", "policy_accepted": True}
    assert (await client.get(f"/lists/{list_id}")).json()["data"]["policy_accepted"] is True


@pytest.mark.parametrize("template", [ARCHIVE, UNARCHIVE, POLICY])
async def test_unknown_foreign_and_malformed_lists(client, other_client, audience, template):
    _, list_id, _ = audience
    for caller, id in [(client, 999_999_999), (other_client, list_id)]:
        response = await caller.post(template.format(list_id=id))
        assert response.status_code == 404, response.text
        assert assert_valid(response, template, "POST")["detail"]
    assert await _status(client, list_id) == "active"
    response = await client.post(template.format(list_id="abc"))
    assert response.status_code == 422 and assert_valid(response, template, "POST")["detail"][0]["loc"] == ["body", "list_id"]
