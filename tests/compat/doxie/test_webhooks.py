"""Doxie admin / webhook endpoints over real HTTP: create (the signing secret once), list with and
without inactive ones, show with its interactions, update, delete."""
from __future__ import annotations

from tests.support.fixtures import eventually


async def create(doxie, receiver, **attributes) -> dict:
    body = {"webhook_abstract_endpoint": {"url": f"{receiver.url}/{doxie.tenant.slug}", **attributes}}
    async with doxie.admin() as client:
        response = await client.post("/webhook/endpoints", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_endpoint_is_created_with_doxie_event_names_and_its_secret_shown_once(doxie, receiver):
    created = await create(doxie, receiver, events=["message_sent", "process_cancelled"], basic_auth_username="hook", basic_auth_password="s3cret")

    assert created["success"] is True and created["message"] == "Webhook erfolgreich erstellt" and created["error"] is None
    data = created["data"]
    assert data["url"] == f"{receiver.url}/{doxie.tenant.slug}"
    assert data["events"] == ["message_sent", "process_cancelled"]
    assert data["active"] is True and data["basic_auth_username"] == "hook"
    assert data["signing_secret"].startswith("whsec_")
    assert "basic_auth_password" not in data
    async with doxie.admin() as client:
        shown = (await client.get(f"/webhook/endpoints/{data['id']}")).json()["data"]
    assert "signing_secret" not in shown["endpoint"]


async def test_a_sent_mail_shows_up_as_an_interaction_of_the_endpoint(doxie, receiver):
    created = (await create(doxie, receiver, events=["message_sent"]))["data"]
    await doxie.mailer("welcome_email")
    async with doxie.public() as client:
        process_uuid = (await client.post("/mailer/welcome_email", json={"email": f"hooked.{doxie.tenant.slug}@example.com"})).json()["process_uuid"]

    async def interactions():
        async with doxie.admin() as client:
            data = (await client.get(f"/webhook/endpoints/{created['id']}")).json()["data"]
        return [i for i in data["interactions"] if i["succeeded"]] and data

    data = await eventually(interactions)
    interaction = data["interactions"][0]
    assert interaction["event"] == "message.sent"
    assert interaction["payload"]["process_id"] == process_uuid
    assert interaction["response_status"] == 200
    assert data["pagination"]["count"] >= 1
    assert receiver.to(f"/{doxie.tenant.slug}")


async def test_inactive_endpoints_are_listed_only_when_asked_for(doxie, receiver):
    active = (await create(doxie, receiver))["data"]
    inactive = (await create(doxie, receiver, active=False))["data"]

    async with doxie.admin() as client:
        default = (await client.get("/webhook/endpoints")).json()["data"]
        everything = (await client.get("/webhook/endpoints", params={"show_inactive": "true"})).json()["data"]

    assert [e["id"] for e in default["endpoints"]] == [active["id"]]
    assert sorted(e["id"] for e in everything["endpoints"]) == sorted([active["id"], inactive["id"]])
    assert everything["pagination"]["count"] == 2


async def test_an_endpoint_is_updated_and_deleted(doxie, receiver):
    created = (await create(doxie, receiver, events=["message_sent"]))["data"]

    async with doxie.admin() as client:
        updated = await client.patch(f"/webhook/endpoints/{created['id']}", json={"webhook_abstract_endpoint": {
            "active": False, "events": ["message_status_update", "doi_confirmation"], "description": "CRM"}})
        deleted = await client.delete(f"/webhook/endpoints/{created['id']}")
        gone = await client.get(f"/webhook/endpoints/{created['id']}")

    assert updated.status_code == 200, updated.text
    assert updated.json()["message"] == "Webhook endpoint updated successfully"
    data = updated.json()["data"]
    assert (data["active"], data["events"], data["description"]) == (False, ["message_status_update", "doi_confirmation"], "CRM")
    assert deleted.status_code == 200
    assert deleted.json()["message"] == "Webhook endpoint deleted successfully"
    assert deleted.json()["data"] == {"id": created["id"]}
    assert gone.status_code == 404
    assert gone.json()["success"] is False and gone.json()["data"] is None


async def test_bad_endpoint_input_is_a_422_in_the_admin_envelope(doxie, receiver):
    async with doxie.admin() as client:
        missing = await client.post("/webhook/endpoints", json={"url": "https://example.com"})
        bad_url = await client.post("/webhook/endpoints", json={"webhook_abstract_endpoint": {"url": "ftp://example.com"}})
        unknown_event = await client.post("/webhook/endpoints", json={"webhook_abstract_endpoint": {
            "url": "https://example.com", "events": ["rcs_message_response"]}})
        events_not_a_list = await client.post("/webhook/endpoints", json={"webhook_abstract_endpoint": {
            "url": "https://example.com", "events": "message_sent"}})
        active_not_a_bool = await client.post("/webhook/endpoints", json={"webhook_abstract_endpoint": {
            "url": "https://example.com", "active": "yes please"}})
        half_basic_auth = await client.post("/webhook/endpoints", json={"webhook_abstract_endpoint": {
            "url": "https://example.com", "basic_auth_username": "only-me"}})
        unknown_id = await client.patch("/webhook/endpoints/999999999", json={"webhook_abstract_endpoint": {"active": False}})
        not_an_id = await client.delete("/webhook/endpoints/abc")
        bad_flag = await client.get("/webhook/endpoints", params={"show_inactive": "maybe"})

    for response, status in ((missing, 422), (bad_url, 422), (unknown_event, 422), (events_not_a_list, 422),
                             (active_not_a_bool, 422), (half_basic_auth, 422), (unknown_id, 404), (not_an_id, 404), (bad_flag, 422)):
        assert response.status_code == status, response.text
        body = response.json()
        assert body["success"] is False and body["message"] is None and body["data"] is None and body["error"]
    async with doxie.admin() as client:
        assert (await client.get("/webhook/endpoints", params={"show_inactive": "true"})).json()["data"]["endpoints"] == []
