"""Campaign revisions: each saved version of a campaign's content, listed newest first, and a campaign shown with
the content one revision saved (`GET /campaigns/{id}?revision_id=`)."""
from __future__ import annotations

import re

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_campaigns import campaign_body, create

REVISIONS = "/campaigns/{campaign_id}/revisions"
ONE = "/campaigns/{campaign_id}"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


async def revisions(client, campaign_id: int, **query) -> dict:
    response = await client.get(f"/campaigns/{campaign_id}/revisions", params=query)
    assert response.status_code == 200, response.text
    return assert_valid(response, REVISIONS, "GET")


async def shown(client, campaign_id: int, **query) -> dict:
    response = await client.get(f"/campaigns/{campaign_id}", params=query)
    assert response.status_code == 200, response.text
    return assert_valid(response, ONE, "GET")["data"]


async def test_each_content_change_is_a_revision_and_a_revision_shows_its_content(client):
    created = await create(client, campaign_body())
    campaign_id = created["id"]
    first = (await revisions(client, campaign_id))["data"]

    patched = await client.patch(f"/campaigns/{campaign_id}", json={"content": {"html": "<p>Second draft</p>"}})
    renamed = await client.patch(f"/campaigns/{campaign_id}", json={"name": "Renamed, same content"})
    listed = await revisions(client, campaign_id, with_count="true")

    assert patched.status_code == 200 and renamed.status_code == 200, (patched.text, renamed.text)
    assert len(first) == 1 and ISO_UTC.match(first[0]["date"])
    assert listed["pagination"] == {"page": 1, "per_page": 50, "count": 2}
    newest, oldest = listed["data"]
    assert oldest == first[0] and newest["id"] > oldest["id"]
    then = await shown(client, campaign_id, revision_id=oldest["id"])
    now = await shown(client, campaign_id)
    assert then["content"]["html"] == created["data"]["content"]["html"] and then["content"]["subject"] == "Spring news for {{ first_name }}"
    assert now["content"]["html"] == "<p>Second draft</p>" and now["name"] == then["name"] == "Renamed, same content"
    assert (await shown(client, campaign_id, revision_id=newest["id"]))["content"]["html"] == "<p>Second draft</p>"


async def test_revisions_page_by_number(client):
    campaign_id = (await create(client, campaign_body()))["id"]
    for n in range(2):
        assert (await client.patch(f"/campaigns/{campaign_id}", json={"content": {"text": f"Version {n}"}})).status_code == 200

    everything = (await revisions(client, campaign_id))["data"]
    second_page = await revisions(client, campaign_id, page="2", per_page="2")

    assert len(everything) == 3 and [r["id"] for r in everything] == sorted((r["id"] for r in everything), reverse=True)
    assert second_page == {"pagination": {"page": 2, "per_page": 2}, "data": [everything[2]]}


async def test_editing_a_linked_library_template_is_a_revision_of_the_campaign(client):
    template = (await client.post("/templates", json={"name": "Library", "content": {"type": "html", "subject": "Lib", "html": "<p>v1</p>"}})).json()
    campaign_id = (await create(client, campaign_body(content={"template": {"id": template["id"]}})))["id"]

    edited = await client.patch(f"/templates/{template['id']}", json={"content": {"html": "<p>v2</p>"}})
    renamed = await client.patch(f"/templates/{template['id']}", json={"name": "Library, renamed"})  # not content
    listed = (await revisions(client, campaign_id))["data"]

    assert edited.status_code == 200 and renamed.status_code == 200
    assert len(listed) == 2
    assert (await shown(client, campaign_id, revision_id=listed[1]["id"]))["content"]["html"] == "<p>v1</p>"
    assert (await shown(client, campaign_id, revision_id=listed[0]["id"]))["content"]["html"] == "<p>v2</p>"


async def test_a_campaign_without_content_has_no_revisions(client):
    campaign_id = (await create(client, {"name": "Empty"}))["id"]

    assert (await revisions(client, campaign_id))["data"] == []


async def test_unknown_or_foreign_revisions_and_bad_ids_are_errors(client, other_client):
    mine = (await create(client, campaign_body()))["id"]
    other = (await create(client, campaign_body(name="Other")))["id"]
    [other_revision] = (await revisions(client, other))["data"]

    cases = {
        "another campaign's revision": (await client.get(f"/campaigns/{mine}", params={"revision_id": other_revision["id"]}), 404),
        "unknown revision": (await client.get(f"/campaigns/{mine}", params={"revision_id": "999999"}), 404),
        "revision_id not a number": (await client.get(f"/campaigns/{mine}", params={"revision_id": "x"}), 422),
        "revision_id below 1": (await client.get(f"/campaigns/{mine}", params={"revision_id": "0"}), 422),
        "unknown campaign": (await client.get("/campaigns/999999/revisions"), 404),
        "campaign id not a number": (await client.get("/campaigns/x/revisions"), 422),
        "per_page above the cap": (await client.get(f"/campaigns/{mine}/revisions", params={"per_page": "1000"}), 422),
        "another account's campaign": (await other_client.get(f"/campaigns/{mine}/revisions"), 404),
    }

    for case, (response, status) in cases.items():
        assert response.status_code == status, (case, response.text)
        path = REVISIONS if "/revisions" in str(response.request.url) else ONE
        assert_valid(response, path, "GET")
