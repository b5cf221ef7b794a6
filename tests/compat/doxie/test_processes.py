"""Doxie admin / shared processes over real HTTP: the whole send scenario read back through the
dialect and through GraphQL, paging, cancelling."""
from __future__ import annotations

import uuid

from tests.support.fixtures import eventually

MESSAGES = """query($slug: String!, $uuid: String!) { tenant(slug: $slug) { process(uuid: $uuid) {
  status messages { nodes { recipient status subject } } } } }"""


async def test_a_mail_sent_by_an_api_user_is_delivered_and_reads_back_as_successful(doxie, mailbox):
    # given an event with an email and an SMS template
    mail = await doxie.template(name="Order mail", api_name="order_mail", subject="Order {{ order_id }}")
    sms = await doxie.template(name="Order sms", api_name="order_sms", channel="SMS", text="Order {{ order_id }} is on its way")
    await doxie.event(slug="order_shipped", templates=[mail, sms], parameters=[{"name": "order_id", "required": True}])
    address = f"buyer.{doxie.tenant.slug}@example.com"

    # when the API user sends it
    async with doxie.public() as client:
        sent = await client.post("/mailer/order_shipped", json={"email": address, "phone": "+491771234567", "order_id": "A-17"})
    assert sent.status_code == 200, sent.text
    assert sent.json()["sent_email_templates"] == ["order_mail"]
    assert sent.json()["sent_sms_templates"] == ["order_sms"]
    process_uuid = sent.json()["process_uuid"]

    # then the worker delivers the mail to the mailbox
    await eventually(lambda: mailbox.to(address))

    # and the admin API shows the process with its successful email and SMS
    async def shown():
        async with doxie.admin() as client:
            response = await client.get(f"/shared/processes/{process_uuid}")
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        done = data["successful_emails"]["pagination"]["count"] == 1 and data["successful_sms_messages"]["pagination"]["count"] == 1
        return done and response.json()

    body = await eventually(shown)
    assert body["success"] is True and body["error"] is None
    data = body["data"]
    assert data["process"]["uuid"] == process_uuid
    assert data["process"]["type"] == "mailer"
    assert data["process"]["event"]["slug"] == "order_shipped"
    assert data["process"]["payload"]["order_id"] == "A-17"
    email = data["successful_emails"]["items"][0]
    assert (email["recipient"], email["status"], email["subject"], email["template"]) == (address, "sent", "Order A-17", "order_mail")
    assert data["successful_sms_messages"]["items"][0]["recipient"] == "+491771234567"
    assert data["unsuccessful_emails"] == {"items": [], "pagination": {"page": 1, "limit": 20, "count": 0, "pages": 0}}
    assert "webhook_interactions" in data

    # and GraphQL reads the same
    process = (await doxie.tenant.graph(MESSAGES, {"slug": doxie.tenant.slug, "uuid": process_uuid}))["tenant"]["process"]
    assert sorted((m["recipient"], m["status"]) for m in process["messages"]["nodes"]) == [("+491771234567", "SENT"), (address, "SENT")]


async def test_processes_are_listed_newest_first_page_by_page(doxie):
    await doxie.mailer("welcome_email")
    started = []
    async with doxie.public() as client:
        for n in range(5):
            started.append((await client.post("/mailer/welcome_email", json={"email": f"p{n}@example.com"})).json()["process_uuid"])

    async with doxie.admin() as client:
        first = await client.get("/shared/processes", params={"limit": 2})
        third = await client.get("/shared/processes", params={"limit": 2, "page": 3})
        beyond = await client.get("/shared/processes", params={"limit": 2, "page": 9})

    assert first.status_code == 200, first.text
    assert [p["uuid"] for p in first.json()["data"]["processes"]] == started[::-1][:2]
    assert first.json()["data"]["pagination"] == {"page": 1, "limit": 2, "count": 5, "pages": 3}
    assert [p["uuid"] for p in third.json()["data"]["processes"]] == [started[0]]
    assert beyond.json()["data"]["processes"] == []
    assert first.json()["data"]["processes"][0]["status"] == "running"


async def test_an_admin_cancels_a_process_once_and_a_second_cancel_is_422(doxie):
    await doxie.mailer("welcome_email")
    async with doxie.public() as client:
        process_uuid = (await client.post("/mailer/welcome_email", json={"email": "cancel@example.com"})).json()["process_uuid"]

    async with doxie.admin() as client:
        cancelled = await client.post(f"/shared/processes/{process_uuid}/cancel")
        again = await client.post(f"/shared/processes/{process_uuid}/cancel")

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["message"] == "Prozessvorgang erfolgreich abgebrochen"
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert cancelled.json()["data"]["cancelled_at"]
    assert again.status_code == 422
    assert again.json() | {"error_code": None} == {
        "success": False, "message": None, "error": "The process is already cancelled", "error_code": None, "data": None, "field": "processId"}


async def test_unknown_processes_and_bad_paging_are_errors_in_the_admin_envelope(doxie):
    async with doxie.admin() as client:
        unknown = await client.get(f"/shared/processes/{uuid.uuid4()}")
        malformed = await client.post("/shared/processes/not-a-uuid/cancel")
        bad_limit = await client.get("/shared/processes", params={"limit": "many"})
        zero_page = await client.get("/shared/processes", params={"page": "0"})
        huge = await client.get("/shared/processes", params={"limit": "100000"})

    for response, status in ((unknown, 404), (malformed, 404), (bad_limit, 422), (zero_page, 422), (huge, 422)):
        assert response.status_code == status, response.text
        assert response.json()["success"] is False and response.json()["data"] is None
        assert response.json()["error"]
