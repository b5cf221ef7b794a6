"""Especial campaign and workflow blueprints over real HTTP: the platform's library (imported as `sendgraph blueprints
import` does) read by every account, answers checked against the contract, bad input in Especial's envelope, no
account's own templates or workflows shown as blueprints, and campaigns / workflows made from a blueprint."""
from __future__ import annotations

import secrets

import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_campaigns import campaign_body
from tests.compat.especial.test_templates import TEMPLATE
from tests.compat.especial.test_workflows import workflow_body
from tests.compat.especial.messaging_fixtures import make_audience, make_sender, unique_email
from tests.support.blueprints import blueprint_ids, import_blueprints, library_document

LIST = "/campaign-blueprints"
ONE = "/campaign-blueprints/{blueprint_id}"
FLOWS = "/workflow-blueprints"
FLOW = "/workflow-blueprints/{blueprint_id}"
ACTIONS = "/workflow-blueprints/{blueprint_id}/actions"
ACTION = "/workflow-blueprints/{blueprint_id}/actions/{action_id}"


@pytest.fixture
async def library() -> dict:
    """A fresh part of the library: its marker, and its campaign blueprints' ids by key."""
    marker = secrets.token_hex(4)
    await import_blueprints(library_document(marker))
    return {"marker": marker, **(await blueprint_ids(marker))}


async def test_every_account_lists_and_reads_the_campaign_blueprints(client, other_client, library):
    marker = library["marker"]
    for caller in (client, other_client):
        response = await caller.get(LIST, params={"filter": f"tag==bp-{marker}", "with_count": "true", "sort": "-name"})
        assert response.status_code == 200, response.text
        page = assert_valid(response, LIST, "GET")
        assert page["pagination"] == {"page": 1, "per_page": 50, "count": 2}
        assert [b["id"] for b in page["data"]] == [library["sale"], library["welcome"]]

    welcome = next(b for b in page["data"] if b["id"] == library["welcome"])
    assert welcome["tags"] == [f"bp-{marker}", "onboarding"] and welcome["description"] == "Greets a new subscriber"
    assert welcome["thumbnail_url"] == "https://cdn.example.com/welcome.png"

    response = await client.get(LIST, params={"filter": f"name==A welcome {marker}", "per_page": "1"})
    assert [b["id"] for b in assert_valid(response, LIST, "GET")["data"]] == [library["welcome"]]
    response = await client.get(LIST, params={"filter": f"tag==bp-{marker};is_not_owner==true", "sort": "+id"})
    assert [b["id"] for b in assert_valid(response, LIST, "GET")["data"]] == sorted([library["welcome"], library["sale"]])
    response = await client.get(LIST, params={"filter": f"tag==bp-{marker};is_owner==true", "with_count": "true"})
    assert assert_valid(response, LIST, "GET") == {"pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}  # no account owns one

    response = await client.get(ONE.format(blueprint_id=library["welcome"]))
    assert response.status_code == 200, response.text
    data = assert_valid(response, ONE, "GET")["data"]
    assert data["is_owner"] is False and data["name"] == f"A welcome {marker}"
    assert data["content"] == {"type": "html", "subject": "Welcome, {{ first_name }}!", "html": "<h1>Hello {{ first_name }}</h1><p>Glad you are here.</p>",
                               "text": "Hello {{ first_name }}"}


async def test_render_answers_the_blueprints_html_for_a_sample_contact(client, library):
    response = await client.get(f"{ONE.format(blueprint_id=library['welcome'])}/render")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == "<h1>Hello Jane</h1><p>Glad you are here.</p>"

    response = await client.get(f"{ONE.format(blueprint_id=library['sale'])}/render")  # text only
    assert response.text == "<pre>Everything must go</pre>"


async def test_unknown_and_foreign_ids_are_not_found_and_bad_parameters_refused(client, other_client, library):
    own = await client.post("/templates", json=TEMPLATE)
    foreign = await other_client.post("/templates", json=TEMPLATE)
    assert (own.status_code, foreign.status_code) == (201, 201)
    for blueprint_id in (987654321, own.json()["id"], foreign.json()["id"]):  # an account's template is no blueprint
        for path in (ONE, f"{ONE}/render"):
            response = await client.get(path.format(blueprint_id=blueprint_id))
            assert response.status_code == 404, (path, response.text)
            assert assert_valid(response, path, "GET")["detail"][0]["loc"] == ["body", "blueprint_id"]
    response = await client.get(ONE.format(blueprint_id="abc"))
    assert response.status_code == 422
    assert_valid(response, ONE, "GET")

    for params in ({"sort": "colour"}, {"sort": "--name"}, {"filter": "colour==red"}, {"filter": "name=A"}, {"per_page": "0"},
                   {"page": "x"}, {"with_count": "maybe"}, {"filter": "is_owner==maybe"}):
        response = await client.get(LIST, params=params)
        assert response.status_code == 422, (params, response.text)
        assert assert_valid(response, LIST, "GET")["detail"], params
    for path, params in ((FLOWS, {"sort": "id"}), (ACTIONS.format(blueprint_id=f"flow-{library['marker']}"), {"sort": "delay"})):
        response = await client.get(path, params=params)
        assert response.status_code == 422, (path, response.text)


async def test_workflow_blueprints_and_their_actions(client, other_client, library):
    key = f"flow-{library['marker']}"
    for caller in (client, other_client):
        response = await caller.get(FLOWS, params={"with_count": "true", "per_page": "100", "sort": "-created_on"})
        assert response.status_code == 200, response.text
        page = assert_valid(response, FLOWS, "GET")
        assert page["pagination"]["count"] >= 1 and key in [w["id"] for w in page["data"]]

    response = await client.get(FLOW.format(blueprint_id=key))
    data = assert_valid(response, FLOW, "GET")["data"]
    assert {k: data[k] for k in ("id", "name", "goal", "description", "trigger")} == {
        "id": key, "name": f"Welcome series {library['marker']}", "goal": "Onboard", "description": "Two mails for new subscribers",
        "trigger": "subscribed"}

    response = await client.get(ACTIONS.format(blueprint_id=key), params={"with_count": "true"})
    page = assert_valid(response, ACTIONS, "GET")
    assert page["pagination"]["count"] == 2
    assert [(a["id"], a["delay"], a["condition"], a.get("parent_id")) for a in page["data"]] == [("day-1", 0, "none", None), ("day-2", 86400, "opened", "day-1")]
    response = await client.get(ACTIONS.format(blueprint_id=key), params={"sort": "name", "per_page": "1", "page": "2"})
    assert [a["id"] for a in assert_valid(response, ACTIONS, "GET")["data"]] == ["day-1"]  # "A second day", then "Day one"

    response = await client.get(ACTION.format(blueprint_id=key, action_id="day-2"))
    assert response.status_code == 200, response.text
    action = assert_valid(response, ACTION, "GET")["data"]
    assert action["email_settings"]["content"] == {"type": "html", "subject": "Day two", "html": "<p>Day two</p>", "text": "Day two"}

    for path in (FLOW.format(blueprint_id="no-such-flow"), ACTIONS.format(blueprint_id="no-such-flow"),
                 ACTION.format(blueprint_id=key, action_id="day-9")):
        response = await client.get(path)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["detail"][0]["type"] == "not_found"


async def test_an_accounts_own_workflow_is_no_blueprint(client, other_client):
    audience = await make_audience(client.user.tenant, [(unique_email("ada"), "Ada")])
    made = await client.post("/workflows", json=workflow_body(audience.list_id))
    assert made.status_code == 201, made.text
    for caller in (client, other_client):
        response = await caller.get(FLOW.format(blueprint_id=made.json()["id"]))
        assert response.status_code == 404, response.text
    response = await client.get(FLOWS, params={"per_page": "100"})
    assert made.json()["id"] not in [w["id"] for w in assert_valid(response, FLOWS, "GET")["data"]]


async def test_a_campaign_made_from_a_blueprint_gets_a_copy_of_its_content(client, library):
    sender_id = await make_sender(client.user.tenant)
    body = campaign_body(None, sender_id, content={"blueprint": {"id": library["welcome"]}})
    response = await client.post("/campaigns", json=body)
    assert response.status_code == 201, response.text
    campaign = assert_valid(response, "/campaigns", "POST")
    content = campaign["data"]["content"]
    assert content["subject"] == "Welcome, {{ first_name }}!" and content["html"].startswith("<h1>Hello {{ first_name }}</h1>")

    # Its own copy: changing the campaign leaves the blueprint as it was.
    response = await client.patch(f"/campaigns/{campaign['id']}", json={"content": {"html": "<p>Changed</p>"}})
    assert response.status_code == 200, response.text
    blueprint = (await client.get(ONE.format(blueprint_id=library["welcome"]))).json()["data"]
    assert blueprint["content"]["html"] == "<h1>Hello {{ first_name }}</h1><p>Glad you are here.</p>"

    # What the body gives inline wins over the blueprint.
    response = await client.post("/campaigns", json=campaign_body(None, sender_id, content={"blueprint": {"id": library["welcome"]}, "subject": "Mine"}))
    assert response.json()["data"]["content"]["subject"] == "Mine"

    response = await client.post("/campaigns", json=campaign_body(None, sender_id, content={"blueprint": {"id": 987654321}}))
    assert response.status_code == 404, response.text
    assert assert_valid(response, "/campaigns", "POST")["detail"][0]["loc"] == ["body", "content", "blueprint", "id"]


async def test_a_workflow_made_from_a_blueprint_copies_its_actions(client, other_client, library):
    key = f"flow-{library['marker']}"
    audience = await make_audience(client.user.tenant, [(unique_email("ada"), "Ada")])
    sender_id = await make_sender(client.user.tenant)
    body = {"audience": {"list_id": audience.list_id}, "blueprint": {"id": key, "email_settings": {"sender": {"id": str(sender_id)}}}}
    response = await client.post("/workflows", json=body)
    assert response.status_code == 201, response.text
    workflow = assert_valid(response, "/workflows", "POST")
    assert {k: workflow["data"][k] for k in ("name", "goal", "trigger")} == {"name": f"Welcome series {library['marker']}", "goal": "Onboard",
                                                                             "trigger": "subscribed"}

    response = await client.get(f"/workflows/{workflow['id']}/actions")
    actions = assert_valid(response, "/workflows/{workflow_id}/actions", "GET")["data"]
    assert [(a["id"], a["delay"], a["condition"], a.get("parent_id")) for a in actions] == [("day-1", 0, "none", None), ("day-2", 86400, "opened", "day-1")]
    response = await client.get(f"/workflows/{workflow['id']}/actions/day-2")
    action = assert_valid(response, "/workflows/{workflow_id}/actions/{action_id}", "GET")["data"]
    assert action["email_settings"]["sender"] == {"id": str(sender_id)}
    assert action["email_settings"]["content"]["html"] == "<p>Day two</p>"

    # The copy is the account's: editing its action leaves the blueprint as it was.
    response = await client.patch(f"/workflows/{workflow['id']}/actions/day-2", json={"email_settings": {"content": {"html": "<p>Mine</p>"}}})
    assert response.status_code == 200, response.text
    response = await client.get(ACTION.format(blueprint_id=key, action_id="day-2"))
    assert response.json()["data"]["email_settings"]["content"]["html"] == "<p>Day two</p>"

    # The body's own fields win; an unknown blueprint, another account's sender: not found; a blueprint is not patched in.
    response = await client.post("/workflows", json={**body, "name": "Mine", "trigger": "manual"})
    assert (response.json()["data"]["name"], response.json()["data"]["trigger"]) == ("Mine", "manual")
    response = await client.post("/workflows", json={**body, "blueprint": {"id": "no-such-flow"}})
    assert response.status_code == 404 and response.json()["detail"][0]["loc"] == ["body", "blueprint", "id"]
    foreign_sender = await make_sender(other_client.user.tenant)
    response = await client.post("/workflows", json={**body, "blueprint": {"id": key, "email_settings": {"sender": {"id": str(foreign_sender)}}}})
    assert response.status_code == 404, response.text
    response = await client.patch(f"/workflows/{workflow['id']}", json={"blueprint": {"id": key}})
    assert response.status_code == 422
    assert_valid(response, "/workflows/{workflow_id}", "PATCH")


async def test_no_account_can_change_a_blueprint_through_the_graph(client, library):
    from schema.relay import to_global_id

    tenant = client.user.tenant
    update = """mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { template { name } userErrors { code } } }"""
    data = await tenant.graph(update, {"input": {"id": to_global_id("Template", library["welcome"]), "name": "Hijacked"}})
    assert data["updateTemplate"] == {"template": None, "userErrors": [{"code": "NOT_FOUND"}]}
    data = await tenant.graph("""query($id: ID!) { node(id: $id) { id } }""", {"id": to_global_id("Template", library["welcome"])})
    assert data["node"] is None
    data = await tenant.graph("""query($id: Int!) { campaignBlueprint(databaseId: $id) { name } }""", {"id": library["welcome"]})
    assert data["campaignBlueprint"]["name"] == f"A welcome {library['marker']}"
