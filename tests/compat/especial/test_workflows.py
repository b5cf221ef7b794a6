"""Especial workflows over real HTTP: CRUD, activate / deactivate, the editing lock, bad input and isolation;
a `subscribed` workflow enrolls the list's new subscribers while active (end to end in test_workflow_actions.py)."""
from __future__ import annotations

import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import graph_campaign, make_audience, unique_email

ONE = "/workflows/{workflow_id}"


def workflow_body(list_id: int, **overrides) -> dict:
    """The seed's request sample for "Create a workflow" (no blueprint: see test_blueprints.py)."""
    return {"name": "Welcome series", "goal": "Onboard", "description": "Greets new subscribers", "trigger": "subscribed",
            "audience": {"list_id": list_id}, **overrides}


async def create_workflow(client, list_id: int, **overrides) -> dict:
    response = await client.post("/workflows", json=workflow_body(list_id, **overrides))
    assert response.status_code == 201, response.text
    return assert_valid(response, "/workflows", "POST")


@pytest.fixture
async def audience(client):
    return await make_audience(client.user.tenant, [(unique_email("ada"), "Ada")])


async def test_create_show_list_patch_delete(client, audience):
    body = await create_workflow(client, audience.list_id)
    workflow_id = body["id"]
    assert body["object"] == "workflow" and body["created"] is True
    assert body["data"]["name"] == "Welcome series" and body["data"]["status"] == "inactive"
    assert body["data"]["trigger"] == "subscribed" and body["data"]["audience"] == {"list_id": audience.list_id}
    assert body["data"]["goal"] == "Onboard" and body["data"]["description"] == "Greets new subscribers"

    response = await client.get(f"/workflows/{workflow_id}")
    assert response.status_code == 200
    assert assert_valid(response, ONE, "GET")["data"] == body["data"]

    response = await client.get("/workflows", params={"with_count": "true"})
    assert response.status_code == 200
    page = assert_valid(response, "/workflows", "GET")
    assert page["pagination"]["count"] == 1 and [w["id"] for w in page["data"]] == [workflow_id]

    response = await client.patch(f"/workflows/{workflow_id}", json={"name": "Renamed", "trigger": "manual"})
    assert response.status_code == 200, response.text
    patched = assert_valid(response, ONE, "PATCH")
    assert patched["patched"] is True and patched["data"]["name"] == "Renamed" and patched["data"]["trigger"] == "manual"
    assert patched["data"]["goal"] == "Onboard"

    node = await graph_campaign(client.user.tenant, int(workflow_id))
    assert node["status"] == "DRAFT"

    response = await client.delete(f"/workflows/{workflow_id}")
    assert response.status_code == 200, response.text
    assert assert_valid(response, ONE, "DELETE")["deleted"] is True
    response = await client.get(f"/workflows/{workflow_id}")
    assert response.status_code == 404
    assert_valid(response, ONE, "GET")


async def test_activate_and_deactivate(client, audience):
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    response = await client.post(f"/workflows/{workflow_id}/activate")
    assert response.status_code == 200, response.text
    assert assert_valid(response, f"{ONE}/activate", "POST") == {"id": workflow_id, "object": "workflow", "activated": True}
    shown = assert_valid(await client.get(f"/workflows/{workflow_id}"), ONE, "GET")["data"]
    assert shown["status"] == "active" and shown["activated_on"] > 0

    response = await client.patch(f"/workflows/{workflow_id}", json={"name": "Live edit"})
    assert response.status_code in (400, 409, 422)  # an active workflow is not edited
    response = await client.delete(f"/workflows/{workflow_id}")
    assert response.status_code in (400, 409, 422)

    response = await client.post(f"/workflows/{workflow_id}/deactivate")
    assert response.status_code == 200, response.text
    assert assert_valid(response, f"{ONE}/deactivate", "POST")["deactivated"] is True
    assert assert_valid(await client.get(f"/workflows/{workflow_id}"), ONE, "GET")["data"]["status"] == "inactive"
    response = await client.post(f"/workflows/{workflow_id}/deactivate")
    assert response.status_code in (400, 409, 422)

    response = await client.post(f"/workflows/{workflow_id}/activate")  # resumes
    assert response.status_code == 200, response.text
    assert assert_valid(await client.get(f"/workflows/{workflow_id}"), ONE, "GET")["data"]["status"] == "active"


async def test_lock_refuses_edits_without_the_key(client, audience):
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    response = await client.post(f"/workflows/{workflow_id}/lock", json={"key": "editor-one"})
    assert response.status_code == 200, response.text
    locked = assert_valid(response, f"{ONE}/lock", "POST")
    assert locked["locked"] is True and 0 < locked["expires_in"] <= 300

    response = await client.patch(f"/workflows/{workflow_id}", json={"name": "Sneaky"})
    assert response.status_code == 422, response.text
    assert assert_valid(response, ONE, "PATCH")["detail"][0]["type"] == "value_error.campaign_locked"
    response = await client.patch(f"/workflows/{workflow_id}", params={"lock_key": "editor-two"}, json={"name": "Sneaky"})
    assert response.status_code == 422
    response = await client.post(f"/workflows/{workflow_id}/lock", json={"key": "editor-two"})
    assert response.status_code == 422
    response = await client.post(f"/workflows/{workflow_id}/unlock", json={"key": "editor-two"})
    assert response.status_code == 422
    assert_valid(response, f"{ONE}/unlock", "POST")

    response = await client.patch(f"/workflows/{workflow_id}", params={"lock_key": "editor-one"}, json={"name": "Mine"})
    assert response.status_code == 200, response.text
    assert assert_valid(response, ONE, "PATCH")["data"]["name"] == "Mine"

    response = await client.post(f"/workflows/{workflow_id}/unlock", json={"key": "editor-one"})
    assert response.status_code == 200, response.text
    assert assert_valid(response, f"{ONE}/unlock", "POST") == {"object": "workflow", "locked": False, "expires_in": 0}
    response = await client.patch(f"/workflows/{workflow_id}", json={"name": "Anyone"})
    assert response.status_code == 200


async def test_bad_input(client, audience):
    response = await client.post("/workflows", json={"name": "No audience"})
    assert response.status_code == 422
    assert_valid(response, "/workflows", "POST")
    response = await client.post("/workflows", json=workflow_body(audience.list_id, trigger="sometimes"))
    assert response.status_code == 422
    response = await client.post("/workflows", json=workflow_body(987654321))
    assert response.status_code in (404, 422)
    response = await client.post("/workflows", json=workflow_body(audience.list_id, blueprint={"id": "no-such-blueprint"}))
    assert response.status_code == 404  # made from blueprints in test_blueprints.py
    assert_valid(response, "/workflows", "POST")
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    response = await client.post(f"/workflows/{workflow_id}/lock", json={"key": "short"})
    assert response.status_code == 422
    assert_valid(response, f"{ONE}/lock", "POST")
    response = await client.patch(f"/workflows/{workflow_id}", params={"lock_key": "bad key!"}, json={"name": "x"})
    assert response.status_code == 422
    for path in ("/workflows/abc", "/workflows/987654321"):
        response = await client.get(path)
        assert response.status_code in (404, 422)
        assert_valid(response, ONE, "GET")


async def test_another_account_sees_no_workflow(client, other_client, audience):
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    response = await other_client.get(f"/workflows/{workflow_id}")
    assert response.status_code == 404
    response = await other_client.post(f"/workflows/{workflow_id}/activate")
    assert response.status_code == 404
    response = await other_client.get("/workflows")
    assert assert_valid(response, "/workflows", "GET")["data"] == []
    assert (await graph_campaign(client.user.tenant, int(workflow_id)))["status"] == "DRAFT"
