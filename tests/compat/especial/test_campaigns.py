"""Especial campaigns over real HTTP: authoring, render, send-test, the status moves, delivery through the
workers to the mailbox (read back through Especial and GraphQL), bad input and isolation."""
from __future__ import annotations

import time

import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import (
    body_of, graph_campaign, graph_messages, make_audience, make_sender, received, unique_email,
)
from tests.support.fixtures import eventually

ONE = "/campaigns/{campaign_id}"


def campaign_body(list_id: int | None = None, sender_id: int | None = None, **overrides) -> dict:
    """The seed's request sample for "Create a campaign"."""
    body = {
        "name": "Spring newsletter",
        "audience": {"list_id": list_id} if list_id else {},
        "tracking": {"opens": True, "clicks_html": True, "clicks_text": True},
        "reply_to_email": "replies@acme.example",
        "content": {"subject": "Spring news for {{ first_name }}", "html": '<p>Hello {{ first_name }}</p><a href="https://acme.example/spring">Read</a>',
                    "text": "Hello {{ first_name }}", "type": "html", "encoding": "utf-8"},
    }
    if sender_id:
        body["sender"] = {"id": str(sender_id), "name": "Acme Spring"}
    return {**body, **overrides}


async def create(client, body: dict) -> dict:
    response = await client.post("/campaigns", json=body)
    assert response.status_code == 201, response.text
    return assert_valid(response, "/campaigns", "POST")


async def get(client, campaign_id: int) -> dict:
    response = await client.get(f"/campaigns/{campaign_id}")
    assert response.status_code == 200, response.text
    return assert_valid(response, ONE, "GET")["data"]


async def move(client, campaign_id: int, action: str, json: dict | None = None, expect: int = 200) -> dict:
    response = await client.post(f"/campaigns/{campaign_id}/{action}", json=json)
    assert response.status_code == expect, response.text
    return assert_valid(response, f"{ONE}/{action}", "POST")


@pytest.fixture
async def ready(client):
    """A sender and a list of two subscribed contacts in the client's account."""
    tenant = client.user.tenant
    sender_id = await make_sender(tenant, name="Acme News", address="news@acme.example")
    audience = await make_audience(tenant, [(unique_email("ada"), "Ada"), (unique_email("bob"), "Bob")])
    return sender_id, audience


async def test_launched_campaign_is_delivered_by_the_workers_and_reads_delivered(client, ready, mailbox):
    sender_id, audience = ready
    created = await create(client, campaign_body(audience.list_id, sender_id))
    campaign_id, data = created["id"], created["data"]
    assert created["object"] == "campaign" and created["created"] is True
    assert data["status"] == "active" and data["type"] == "standard" and data["audience"]["list_id"] == audience.list_id
    assert data["sender"] == {"name": "Acme Spring", "email": "news@acme.example"} and data["reply_to_email"] == "replies@acme.example"
    assert data["content"]["subject"] == "Spring news for {{ first_name }}" and data["tracking"]["opens"] is True

    assert await move(client, campaign_id, "schedule") == {"id": campaign_id, "object": "campaign", "scheduled": True}

    for email, name in zip(audience.emails, ("Ada", "Bob")):
        mail = (await eventually(lambda: received(mailbox, email), timeout=30))[0]
        assert mail["Subject"] == f"Spring news for {name}" and mail["From"] == "Acme Spring <news@acme.example>"
        assert mail["Reply-To"] == "replies@acme.example" and "List-Unsubscribe" in mail
        html = body_of(mail)
        assert f"Hello {name}" in html and "/c/" in html and "/o/" in html  # tracked as the campaign asked
    async def delivered():
        return (await get(client, campaign_id))["status"] == "delivered"

    await eventually(delivered, timeout=30)
    data = await get(client, campaign_id)
    assert isinstance(data["delivery_finished_on"], int)
    node = await graph_campaign(client.user.tenant, campaign_id)
    assert node["status"] == "SENT" and node["recipientsCount"] == 2
    for email in audience.emails:
        assert [m["status"] for m in await graph_messages(client.user.tenant, email)] == ["SENT"]


async def test_scheduled_campaign_can_be_rescheduled_and_unscheduled(client, ready):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    later = int(time.time()) + 3600
    await move(client, campaign_id, "schedule", {"date": later})
    data = await get(client, campaign_id)
    assert data["status"] == "scheduled" and data["scheduled_for"] == later

    await move(client, campaign_id, "reschedule", {"date": later + 600})
    assert (await get(client, campaign_id))["scheduled_for"] == later + 600
    assert (await graph_campaign(client.user.tenant, campaign_id))["status"] == "SCHEDULED"

    assert await move(client, campaign_id, "unschedule") == {"id": campaign_id, "object": "campaign", "scheduled": False}
    data = await get(client, campaign_id)
    assert data["status"] == "active" and "scheduled_for" not in data
    node = await graph_campaign(client.user.tenant, campaign_id)
    assert node["status"] == "DRAFT" and node["scheduledAt"] is None


async def test_suspend_resume_cancel_archive_unarchive(client, ready):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    await move(client, campaign_id, "schedule", {"date": int(time.time()) + 3600})

    assert await move(client, campaign_id, "suspend") == {"id": campaign_id, "object": "campaign", "suspended": True}
    data = await get(client, campaign_id)
    assert data["suspended"] is True and data["status"] == "scheduled"
    assert (await graph_campaign(client.user.tenant, campaign_id))["status"] == "SUSPENDED"

    assert await move(client, campaign_id, "resume") == {"id": campaign_id, "object": "campaign", "resumed": True}
    assert (await get(client, campaign_id))["suspended"] is False

    assert await move(client, campaign_id, "cancel") == {"id": campaign_id, "object": "campaign", "cancelled": True}
    assert (await graph_campaign(client.user.tenant, campaign_id))["status"] == "CANCELLED"
    assert (await get(client, campaign_id))["status"] == "delivered"  # Especial has no "cancelled": its nearest final state

    assert await move(client, campaign_id, "archive") == {"id": campaign_id, "object": "campaign", "archived": True}
    assert (await get(client, campaign_id))["status"] == "archived"
    assert await move(client, campaign_id, "unarchive") == {"id": campaign_id, "object": "campaign", "archived": False}
    assert (await get(client, campaign_id))["status"] == "active"
    assert (await graph_campaign(client.user.tenant, campaign_id))["status"] == "DRAFT"


@pytest.mark.parametrize("action", ["unschedule", "suspend", "resume", "unarchive"])
async def test_a_move_the_status_does_not_allow_is_a_400(client, ready, action):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    body = await move(client, campaign_id, action, expect=400)
    assert body["detail"][0]["loc"] == ["body", "campaign_id"]
    assert (await graph_campaign(client.user.tenant, campaign_id))["status"] == "DRAFT"


async def test_incomplete_campaign_cannot_be_scheduled(client):
    created = await create(client, {"name": "No audience yet", "content": {"subject": "Hi", "html": "<p>Hi</p>"}})
    assert created["data"]["status"] == "incomplete" and created["data"]["next_building_step"] == "audience"
    body = await move(client, created["id"], "schedule", expect=422)
    assert body["detail"][0]["loc"] == ["body", "audience", "list_id"]


async def test_render_uses_the_contact_or_a_sample(client, ready):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    response = await client.get(f"/campaigns/{campaign_id}/render", params={"contact_id": audience.contact_ids[1]})
    data = assert_valid(response, f"{ONE}/render", "GET")["data"]
    assert data["html"].startswith("<p>Hello Bob</p>") and data["text"] == "Hello Bob"
    data = assert_valid(await client.get(f"/campaigns/{campaign_id}/render"), f"{ONE}/render", "GET")["data"]
    assert data["text"] == "Hello Jane"
    response = await client.get(f"/campaigns/{campaign_id}/render", params={"contact_id": 987654321})
    assert response.status_code == 404
    assert_valid(response, f"{ONE}/render", "GET")


async def test_send_test_delivers_one_email_and_leaves_the_campaign_alone(client, ready, mailbox):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    to = unique_email("tester")
    body = await move(client, campaign_id, "send-test", {"email": to, "type": "merged"})
    assert body == {"email": to, "type": "merged", "object": "test_email", "sent": True}
    mail = (await eventually(lambda: received(mailbox, to)))[0]
    assert mail["From"] == "Acme Spring <news@acme.example>" and mail["Reply-To"] == "replies@acme.example"
    assert "Hello" in body_of(mail)
    node = await graph_campaign(client.user.tenant, campaign_id)
    assert node["status"] == "DRAFT" and node["recipientsCount"] == 0
    assert all(received(mailbox, email) == [] for email in audience.emails)


async def test_patch_changes_settings_and_content(client, ready):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    response = await client.patch(f"/campaigns/{campaign_id}", json={
        "name": "Spring newsletter v2", "tracking": {"opens": False}, "content": {"html": "<p>New body {{ first_name }}</p>"}})
    assert response.status_code == 200, response.text
    body = assert_valid(response, ONE, "PATCH")
    assert body["updated"] is True
    data = body["data"]
    assert data["name"] == "Spring newsletter v2"
    assert data["tracking"] == {"opens": False, "clicks_html": True, "clicks_text": True}
    assert data["content"]["html"] == "<p>New body {{ first_name }}</p>" and data["content"]["subject"] == "Spring news for {{ first_name }}"
    assert await get(client, campaign_id) == data


async def test_linked_library_template_is_never_changed_by_the_campaign(client, ready):
    sender_id, audience = ready
    template = (await client.post("/templates", json={"name": "Library", "content": {"type": "html", "subject": "Lib", "html": "<p>Library</p>"}})).json()
    created = await create(client, campaign_body(audience.list_id, sender_id, content={"template": {"id": template["id"]}}))
    assert created["data"]["content"]["html"] == "<p>Library</p>"
    response = await client.patch(f"/campaigns/{created['id']}", json={"content": {"html": "<p>Own copy</p>"}})
    assert response.status_code == 200, response.text
    assert assert_valid(response, ONE, "PATCH")["data"]["content"] == {**created["data"]["content"], "html": "<p>Own copy</p>",
                                                                       "last_updated_on": response.json()["data"]["content"]["last_updated_on"]}
    library = (await client.get(f"/templates/{template['id']}")).json()["data"]
    assert library["content"]["html"] == "<p>Library</p>"
    # Linking a library template again drops the campaign's own copy.
    own = (await graph_campaign(client.user.tenant, created["id"]))["template"]["databaseId"]
    response = await client.patch(f"/campaigns/{created['id']}", json={"content": {"template": {"id": template["id"]}}})
    assert assert_valid(response, ONE, "PATCH")["data"]["content"]["html"] == "<p>Library</p>"
    from schema.relay import to_global_id

    assert (await client.user.tenant.graph("query($id: ID!) { node(id: $id) { id } }", {"id": to_global_id("Template", own)}))["node"] is None


async def test_subject_alone_waits_for_a_body(client):
    created = await create(client, {"name": "Step by step", "content": {"subject": "Coming soon"}})
    assert created["data"]["content"]["subject"] == "Coming soon" and "html" not in created["data"]["content"]
    assert created["data"]["status"] == "incomplete" and created["data"]["next_building_step"] == "audience"
    response = await client.patch(f"/campaigns/{created['id']}", json={"content": {"html": "<p>Now with a body</p>"}})
    content = assert_valid(response, ONE, "PATCH")["data"]["content"]
    assert content["subject"] == "Coming soon" and content["html"] == "<p>Now with a body</p>"


async def test_delete_removes_the_campaign_and_its_own_content(client, ready):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    node = await graph_campaign(client.user.tenant, campaign_id)
    response = await client.delete(f"/campaigns/{campaign_id}")
    assert assert_valid(response, ONE, "DELETE") == {"id": campaign_id, "object": "campaign", "deleted": True}
    response = await client.get(f"/campaigns/{campaign_id}")
    assert response.status_code == 404
    assert_valid(response, ONE, "GET")
    from schema.relay import to_global_id

    template = (await client.user.tenant.graph("query($id: ID!) { node(id: $id) { id } }",
                                               {"id": to_global_id("Template", node["template"]["databaseId"])}))["node"]
    assert template is None


async def test_scheduled_campaign_cannot_be_deleted_nor_a_cancelled_one_edited(client, ready):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    await move(client, campaign_id, "schedule", {"date": int(time.time()) + 3600})
    response = await client.delete(f"/campaigns/{campaign_id}")
    assert response.status_code == 400
    assert_valid(response, ONE, "DELETE")
    await move(client, campaign_id, "cancel")
    response = await client.patch(f"/campaigns/{campaign_id}", json={"name": "Too late", "content": {"html": "<p>changed</p>"}})
    assert response.status_code == 400
    assert_valid(response, ONE, "PATCH")
    data = await get(client, campaign_id)
    assert data["name"] == "Spring newsletter" and "changed" not in data["content"]["html"]


async def test_list_pages_and_filters(client, ready):
    sender_id, audience = ready
    ids = [(await create(client, campaign_body(audience.list_id, sender_id, name=f"C{i}")))["id"] for i in range(3)]
    incomplete = (await create(client, {"name": "Draft only"}))["id"]
    body = assert_valid(await client.get("/campaigns", params={"page": 2, "per_page": 2, "with_count": "true"}), "/campaigns", "GET")
    assert body["pagination"] == {"page": 2, "per_page": 2, "count": 4} and [c["id"] for c in body["data"]] == [ids[2], incomplete]
    for filter_, expected in [("status==active", ids), ("status==incomplete", [incomplete]), ("name==C1", [ids[1]]),
                              ("type==standard;status==active", ids), ("type==absplit", []), (f"list_id=={audience.list_id}", ids)]:
        body = assert_valid(await client.get("/campaigns", params={"filter": filter_}), "/campaigns", "GET")
        assert [c["id"] for c in body["data"]] == expected, filter_
    for filter_ in ("colour==red", "status==cancelled", "type==weekly", "list_id==abc"):
        response = await client.get("/campaigns", params={"filter": filter_})
        assert response.status_code == 422, filter_
        assert_valid(response, "/campaigns", "GET")


@pytest.mark.parametrize("body, loc, status", [
    ({}, ["body", "name"], 422),
    ({"name": ""}, ["body", "name"], 422),
    ({"name": 7}, ["body", "name"], 422),
    ({"name": "x", "audience": {"list_id": "one"}}, ["body", "audience", "list_id"], 422),
    ({"name": "x", "audience": {"list_id": 987654321}}, ["body", "audience", "list_id"], 404),
    ({"name": "x", "sender": {"id": "987654321"}}, ["body", "sender", "id"], 404),
    ({"name": "x", "content": {"template": {"id": 987654321}}}, ["body", "content", "template", "id"], 404),
    ({"name": "x", "content": {"type": "mjml"}}, ["body", "content", "type"], 422),
    ({"name": "x", "reply_to_email": "nope"}, ["body", "reply_to_email"], 422),
    ({"name": "x", "tracking": {"opens": "yes"}}, ["body", "tracking", "opens"], 422),
    ({"name": "x", "content": {"subject": "s", "html": "{{ broken"}}, ["body", "content", "html"], 422),
])
async def test_bad_campaign_bodies_name_the_field(client, body, loc, status):
    response = await client.post("/campaigns", json=body)
    assert response.status_code == status, response.text
    assert assert_valid(response, "/campaigns", "POST")["detail"][0]["loc"] == loc


async def test_bad_ids_dates_and_oversized_bodies_are_errors_not_500(client, ready):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    response = await client.get("/campaigns/abc")
    assert response.status_code == 422
    assert_valid(response, ONE, "GET")
    for action in ("schedule", "cancel", "archive", "send-test"):
        response = await client.post(f"/campaigns/987654321/{action}", json={"email": "a@b.example"})
        assert response.status_code == 404, action
        assert_valid(response, f"{ONE}/{action}", "POST")
    for body in ({"date": "tomorrow"}, {"date": 0}, {"date": 2**40}, [1]):
        response = await client.post(f"/campaigns/{campaign_id}/schedule", json=body)
        assert response.status_code == 422, body
        assert_valid(response, f"{ONE}/schedule", "POST")
    response = await client.post(f"/campaigns/{campaign_id}/reschedule", json={})
    assert response.status_code == 422
    assert_valid(response, f"{ONE}/reschedule", "POST")
    response = await client.post(f"/campaigns/{campaign_id}/send-test", json={"email": "nope"})
    assert response.status_code == 422
    response = await client.patch(f"/campaigns/{campaign_id}", json={"name": "x" * 1_100_000})
    assert response.status_code == 413
    assert_valid(response, ONE, "PATCH")
    assert (await graph_campaign(client.user.tenant, campaign_id))["status"] == "DRAFT"


ROUTES = [
    ("GET", "", None), ("PATCH", "", {"name": "Hijacked"}), ("DELETE", "", None), ("GET", "/render", None),
    ("POST", "/send-test", {"email": "thief@example.com"}), ("POST", "/schedule", {}), ("POST", "/unschedule", None),
    ("POST", "/reschedule", {"date": 2_000_000_000}), ("POST", "/suspend", None), ("POST", "/resume", None),
    ("POST", "/cancel", None), ("POST", "/archive", None), ("POST", "/unarchive", None),
]


async def test_another_account_gets_404_on_every_campaign_route_and_changes_nothing(client, other_client, ready, mailbox):
    sender_id, audience = ready
    campaign_id = (await create(client, campaign_body(audience.list_id, sender_id)))["id"]
    before = await get(client, campaign_id)
    for method, suffix, body in ROUTES:
        response = await other_client.request(method, f"/campaigns/{campaign_id}{suffix}", json=body)
        assert response.status_code == 404, (method, suffix, response.text)
        assert_valid(response, f"{ONE}{suffix}", method)
        response = await other_client.request(method, f"/campaigns/{campaign_id}{suffix}", json=body, params={"account_id": client.user.account_id})
        assert response.status_code in (403, 404), (method, suffix, response.text)
    listed = assert_valid(await other_client.get("/campaigns"), "/campaigns", "GET")
    assert campaign_id not in [c["id"] for c in listed["data"]]
    assert await get(client, campaign_id) == before
    assert received(mailbox, "thief@example.com") == []
    # Nor can another account's list or sender be used.
    response = await other_client.post("/campaigns", json=campaign_body(audience.list_id))
    assert response.status_code == 404
    response = await other_client.post("/campaigns", json=campaign_body(None, sender_id))
    assert response.status_code == 404


async def test_sub_account_campaigns_are_reached_with_account_id(client, make_tenant):
    child = await make_tenant(parent=client.user.tenant)
    created = await client.post("/campaigns", json={"name": "Child campaign"}, params={"account_id": child.account_id})
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    assert (await client.get(f"/campaigns/{campaign_id}", params={"account_id": child.account_id})).status_code == 200
    response = await client.get(f"/campaigns/{campaign_id}")  # the user's own account does not hold it
    assert response.status_code == 404
    node = await graph_campaign(child, campaign_id)
    assert node["status"] == "DRAFT"


async def test_campaign_routes_need_a_token(anonymous):
    response = await anonymous.get("/campaigns")
    assert response.status_code == 401
    assert_valid(response, "/campaigns", "GET")
