"""Especial workflow actions over real HTTP: CRUD, render, send-test through the workers to the mailbox, and a
`subscribed` workflow that, once active, mails its action to a contact added to its list (end to end)."""
from __future__ import annotations

import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import body_of, make_audience, make_sender, received, unique_email
from tests.compat.especial.test_workflows import create_workflow
from tests.support.fixtures import eventually

ACTIONS = "/workflows/{workflow_id}/actions"
ACTION = "/workflows/{workflow_id}/actions/{action_id}"
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { databaseId } userErrors { code message } } }"""


def action_body(sender_id: int, **overrides) -> dict:
    """The seed's request sample for "Create an action"."""
    return {"name": "Welcome mail", "condition": "none", "delay": 0, "type": "email",
            "email_settings": {"tracking": {"opens": True, "clicks_html": True, "clicks_text": True}, "sender": {"id": str(sender_id)},
                               "content": {"subject": "Welcome {{ first_name }}", "html": "<p>Hello {{ first_name }}</p>", "type": "html"}},
            **overrides}


@pytest.fixture
async def ready(client):
    tenant = client.user.tenant
    sender_id = await make_sender(tenant, name="Acme Flows", address="flows@acme.example")
    audience = await make_audience(tenant, [(unique_email("ada"), "Ada")])
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    return sender_id, audience, workflow_id


async def add_action(client, workflow_id: str, body: dict) -> dict:
    response = await client.post(f"/workflows/{workflow_id}/actions", json=body)
    assert response.status_code == 201, response.text
    return assert_valid(response, ACTIONS, "POST")


async def test_action_crud(client, ready):
    sender_id, _, workflow_id = ready
    created = await add_action(client, workflow_id, action_body(sender_id))
    action_id = created["id"]
    assert created["object"] == "action" and created["data"]["name"] == "Welcome mail" and created["data"]["type"] == "email"
    assert created["data"]["email_settings"]["content"]["subject"] == "Welcome {{ first_name }}"
    assert created["data"]["email_settings"]["sender"] == {"id": str(sender_id)}
    second = await add_action(client, workflow_id, action_body(sender_id, name="Reminder", parent_id=action_id, condition="not_opened", delay=86400))
    assert second["data"]["parent_id"] == action_id and second["data"]["delay"] == 86400

    response = await client.get(f"/workflows/{workflow_id}/actions", params={"with_count": "true"})
    page = assert_valid(response, ACTIONS, "GET")
    assert page["pagination"]["count"] == 2 and [a["id"] for a in page["data"]] == [action_id, second["id"]]

    response = await client.get(f"/workflows/{workflow_id}/actions/{action_id}")
    assert assert_valid(response, ACTION, "GET")["data"] == created["data"]

    response = await client.patch(f"/workflows/{workflow_id}/actions/{action_id}",
                                  json={"name": "Hello mail", "email_settings": {"content": {"subject": "Hi {{ first_name }}"}}})
    assert response.status_code == 200, response.text
    patched = assert_valid(response, ACTION, "PATCH")
    assert patched["data"]["name"] == "Hello mail" and patched["data"]["email_settings"]["content"]["subject"] == "Hi {{ first_name }}"
    assert patched["data"]["email_settings"]["content"]["html"] == "<p>Hello {{ first_name }}</p>"

    response = await client.delete(f"/workflows/{workflow_id}/actions/{second['id']}")
    assert response.status_code == 200, response.text
    assert assert_valid(response, ACTION, "DELETE")["deleted"] is True
    response = await client.get(f"/workflows/{workflow_id}/actions/{second['id']}")
    assert response.status_code == 404
    assert_valid(response, ACTION, "GET")


async def test_render_and_send_test(client, ready, mailbox):
    sender_id, _, workflow_id = ready
    action_id = (await add_action(client, workflow_id, action_body(sender_id)))["id"]
    response = await client.get(f"/workflows/{workflow_id}/actions/{action_id}/render")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Hello Jane" in response.text
    to = unique_email("tester")
    response = await client.post(f"/workflows/{workflow_id}/actions/{action_id}/send-test", json={"email": to, "type": "merged"})
    assert response.status_code == 200, response.text
    assert assert_valid(response, f"{ACTION}/send-test", "POST") == {"id": action_id, "object": "action", "sent": True}
    mail = (await eventually(lambda: received(mailbox, to), timeout=30))[0]
    assert "flows@acme.example" in mail["From"] and "Hello" in body_of(mail)


async def test_active_workflow_mails_a_contact_added_to_its_list(client, ready, mailbox):
    sender_id, audience, workflow_id = ready
    await add_action(client, workflow_id, action_body(sender_id))
    assert (await client.post(f"/workflows/{workflow_id}/activate")).status_code == 200
    tenant = client.user.tenant
    from schema.relay import to_global_id

    newcomer = unique_email("newcomer")
    made = await tenant.graph(CREATE_CONTACT, {"input": {"tenantId": tenant.id, "email": newcomer, "firstName": "Nora",
                                                         "listIds": [to_global_id("ContactList", audience.list_id)]}})
    assert not made["createContact"]["userErrors"]
    mail = (await eventually(lambda: received(mailbox, newcomer), timeout=30))[0]
    assert mail["Subject"] == "Welcome Nora" and "Hello Nora" in body_of(mail)
    assert received(mailbox, audience.emails[0]) == []  # members from before the activation are not enrolled

    assert (await client.post(f"/workflows/{workflow_id}/deactivate")).status_code == 200
    late = unique_email("late")
    await tenant.graph(CREATE_CONTACT, {"input": {"tenantId": tenant.id, "email": late, "listIds": [to_global_id("ContactList", audience.list_id)]}})
    assert received(mailbox, late) == []


async def test_bad_input_and_locked_or_active_edits(client, ready):
    sender_id, _, workflow_id = ready
    response = await client.post(f"/workflows/{workflow_id}/actions", json={"name": "x", "type": "email"})
    assert response.status_code == 422
    assert_valid(response, ACTIONS, "POST")
    response = await client.post(f"/workflows/{workflow_id}/actions", json=action_body(sender_id, condition="maybe"))
    assert response.status_code == 422
    response = await client.post(f"/workflows/{workflow_id}/actions", json=action_body(987654321))
    assert response.status_code == 404
    response = await client.post(f"/workflows/{workflow_id}/actions", json=action_body(sender_id, parent_id="nope"))
    assert response.status_code == 404
    response = await client.get(f"/workflows/{workflow_id}/actions/nope")
    assert response.status_code == 404
    assert_valid(response, ACTION, "GET")
    assert (await client.post(f"/workflows/{workflow_id}/lock", json={"key": "editor-one"})).status_code == 200
    response = await client.post(f"/workflows/{workflow_id}/actions", json=action_body(sender_id))
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "value_error.campaign_locked"
    action_id = (await client.post(f"/workflows/{workflow_id}/actions", params={"lock_key": "editor-one"}, json=action_body(sender_id))).json()["id"]
    response = await client.delete(f"/workflows/{workflow_id}/actions/{action_id}")
    assert response.status_code == 422
    assert (await client.get(f"/workflows/{workflow_id}/actions/{action_id}")).status_code == 200


async def test_another_account_sees_no_action(client, other_client, ready, mailbox):
    sender_id, _, workflow_id = ready
    action_id = (await add_action(client, workflow_id, action_body(sender_id)))["id"]
    for path in (f"/workflows/{workflow_id}/actions", f"/workflows/{workflow_id}/actions/{action_id}", f"/workflows/{workflow_id}/actions/{action_id}/render"):
        assert (await other_client.get(path)).status_code == 404
    response = await other_client.post(f"/workflows/{workflow_id}/actions/{action_id}/send-test", json={"email": "thief@example.com"})
    assert response.status_code == 404
    assert received(mailbox, "thief@example.com") == []
