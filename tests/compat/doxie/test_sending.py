"""Doxie's public sending routes over real HTTP: mails, injections, survey inquiries, QR codes, events,
cancelling a process; with the seed's request and response samples."""
from __future__ import annotations

import uuid
from email import message_from_bytes, policy

import httpx

from tests.support.fixtures import eventually

PROCESS = """query($slug: String!, $uuid: String!) { tenant(slug: $slug) { process(uuid: $uuid) {
  kind status payload qrCode { uuid targetUrl status } messages { nodes { status recipient } } } } }"""


def subjects(raw_messages: list[bytes]) -> list[str]:
    return sorted(str(message_from_bytes(raw, policy=policy.default)["Subject"]) for raw in raw_messages)


async def test_sending_a_mail_answers_the_seed_sample_and_the_worker_delivers_it(doxie, mailbox):
    await doxie.mailer("welcome_email")
    address = f"ada.{doxie.tenant.slug}@example.com"

    async with doxie.public() as client:
        response = await client.post("/mailer/welcome_email", json={"any_keys": "any value", "email": address, "first_name": "Ada"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"success", "process_uuid", "sent_email_templates", "sent_sms_templates"}
    assert body["success"] is True
    assert uuid.UUID(body["process_uuid"])
    assert body["sent_email_templates"] == ["welcome_email_mail"]
    assert body["sent_sms_templates"] == []
    received = await eventually(lambda: mailbox.to(address))
    assert subjects(received) == ["Hello Ada"]
    process = (await doxie.tenant.graph(PROCESS, {"slug": doxie.tenant.slug, "uuid": body["process_uuid"]}))["tenant"]["process"]
    assert process["kind"] == "mailer"
    assert process["payload"] == {"any_keys": "any value", "email": address, "first_name": "Ada"}


async def test_an_injection_starts_a_process_of_an_injector_event(doxie, mailbox):
    await doxie.mailer("journey_entry", type="INJECTOR")
    address = f"inject.{doxie.tenant.slug}@example.com"

    async with doxie.public() as client:
        response = await client.post("/injector/journey_entry", json={"any_keys": "any value", "email": address})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {"success": True, "error_message": None, "process_uuid": body["process_uuid"], "data": None}
    process = (await doxie.tenant.graph(PROCESS, {"slug": doxie.tenant.slug, "uuid": body["process_uuid"]}))["tenant"]["process"]
    assert process["kind"] == "injector"
    await eventually(lambda: mailbox.to(address))


async def test_a_mailer_slug_is_not_an_injector_event(doxie):
    await doxie.mailer("only_a_mailer")

    async with doxie.public() as client:
        response = await client.post("/injector/only_a_mailer", json={"email": "x@example.com"})

    assert response.status_code == 404
    assert response.json()["error"] == "EVENT_NOT_FOUND"


async def test_a_survey_inquiry_sends_the_invitation_to_the_respondent(doxie, mailbox):
    await doxie.mailer("satisfaction", type="SURVEY")
    address = f"respondent.{doxie.tenant.slug}@example.com"

    async with doxie.public() as client:
        response = await client.post("/survey/satisfaction", json={"email": address, "phone": "+491771234567", "any_keys": "any value"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {"success": True, "error_message": None, "process_uuid": body["process_uuid"], "data": None}
    await eventually(lambda: mailbox.to(address))


async def test_a_survey_inquiry_without_email_or_phone_is_refused(doxie):
    await doxie.mailer("satisfaction", type="SURVEY")

    async with doxie.public() as client:
        response = await client.post("/survey/satisfaction", json={"any_keys": "any value"})

    assert response.status_code == 422
    assert response.json()["success"] is False
    assert response.json()["error"] == "RECIPIENT_REQUIRED"


async def test_a_qr_code_takes_the_events_target_and_is_active(doxie, mailbox):
    await doxie.mailer("concert_ticket", type="QR_CODE", settings={"target_url": "https://tickets.example.com/concert"})
    address = f"fan.{doxie.tenant.slug}@example.com"

    async with doxie.public() as client:
        response = await client.post("/qr_code/concert_ticket", json={"any_keys": "any value", "email": address})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["error_message"] is None
    qr_code_url = body["data"].pop("qr_code_url")
    assert body["data"] == {"qr_code_uuid": body["process_uuid"], "target_url": "https://tickets.example.com/concert",
                            "valid_until": None, "status": "active"}
    assert "/q/" in qr_code_url
    process = (await doxie.tenant.graph(PROCESS, {"slug": doxie.tenant.slug, "uuid": body["process_uuid"]}))["tenant"]["process"]
    assert process["qrCode"] == {"uuid": body["process_uuid"], "targetUrl": "https://tickets.example.com/concert", "status": "active"}
    await eventually(lambda: mailbox.to(address))


async def test_a_qr_codes_own_target_and_validity_win_over_the_events(doxie):
    await doxie.mailer("voucher", type="QR_CODE", settings={"target_url": "https://shop.example.com/"})

    async with doxie.public() as client:
        response = await client.post("/qr_code/voucher", json={
            "email": "v@example.com", "target_url": "https://shop.example.com/v/42", "valid_until": "2099-12-31T23:59:59Z"})

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["target_url"] == "https://shop.example.com/v/42"
    assert data["valid_until"].startswith("2099-12-31T23:59:59")
    assert data["status"] == "active"


async def test_a_qr_code_without_a_usable_target_or_with_a_past_validity_is_refused(doxie):
    await doxie.mailer("no_target", type="QR_CODE")

    async with doxie.public() as client:
        no_target = await client.post("/qr_code/no_target", json={"email": "q@example.com"})
        bad_target = await client.post("/qr_code/no_target", json={"email": "q@example.com", "target_url": "javascript:alert(1)"})
        expired = await client.post("/qr_code/no_target", json={"email": "q@example.com", "target_url": "https://x.example.com",
                                                                "valid_until": "2001-01-01T00:00:00Z"})
        not_a_time = await client.post("/qr_code/no_target", json={"email": "q@example.com", "target_url": "https://x.example.com",
                                                                   "valid_until": 12})

    assert [(r.status_code, r.json()["field"]) for r in (no_target, bad_target, expired, not_a_time)] == [
        (422, "payload.target_url"), (422, "payload.target_url"), (422, "payload.valid_until"), (422, "payload.valid_until")]


async def test_showing_an_event_by_id_and_type(doxie):
    event = await doxie.mailer("welcome_email", parameters=[{"name": "email", "required": True}])

    async with doxie.public() as client:
        response = await client.get(f"/events/{event['databaseId']}", params={"type": "mailer"})
        wrong_type = await client.get(f"/events/{event['databaseId']}", params={"type": "survey"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["error_message"] is None and body["type"] == "mailer"
    assert body["event"]["id"] == event["databaseId"]
    assert body["event"]["slug"] == "welcome_email"
    assert body["event"]["type"] == "mailer"
    assert body["event"]["parameters"] == [{"name": "email", "required": True}]
    assert body["event"]["email_templates"] == ["welcome_email_mail"]
    assert wrong_type.status_code == 404
    assert wrong_type.json()["error"] == "EVENT_NOT_FOUND"


async def test_showing_an_event_needs_a_known_type_and_a_known_id(doxie):
    async with doxie.public() as client:
        no_type = await client.get("/events/1")
        bad_type = await client.get("/events/1", params={"type": "newsletter"})
        not_a_number = await client.get("/events/abc", params={"type": "mailer"})
        unknown = await client.get("/events/999999999", params={"type": "mailer"})

    assert (no_type.status_code, no_type.json()["error"]) == (422, "INVALID_TYPE")
    assert (bad_type.status_code, bad_type.json()["field"]) == (422, "type")
    assert not_a_number.status_code == 404
    assert unknown.status_code == 404


async def test_cancelling_a_process_answers_the_seed_sample_and_a_second_cancel_is_refused(doxie):
    await doxie.mailer("welcome_email")
    async with doxie.public() as client:
        started = (await client.post("/mailer/welcome_email", json={"email": "c@example.com"})).json()

        response = await client.post(f"/processes/{started['process_uuid']}/cancel")
        again = await client.post(f"/processes/{started['process_uuid']}/cancel")

    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "error_message": None, "process_uuid": started["process_uuid"]}
    process = (await doxie.tenant.graph(PROCESS, {"slug": doxie.tenant.slug, "uuid": started["process_uuid"]}))["tenant"]["process"]
    assert process["status"] == "CANCELLED"
    assert again.status_code == 422
    assert again.json()["error"] == "PROCESS_ALREADY_CANCELLED"


async def test_cancelling_an_unknown_or_malformed_process_uuid_is_not_found(doxie):
    async with doxie.public() as client:
        unknown = await client.post(f"/processes/{uuid.uuid4()}/cancel")
        malformed = await client.post("/processes/1234567890/cancel")

    assert (unknown.status_code, unknown.json()["error"]) == (404, "PROCESS_NOT_FOUND")
    assert (malformed.status_code, malformed.json()["error"]) == (404, "PROCESS_NOT_FOUND")


SCANS = """query($slug: String!, $uuid: String!) { tenant(slug: $slug) { process(uuid: $uuid) {
  qrCode { status } messages { nodes { events { type detail } } } } } }"""
CREATE_ENDPOINT = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { userErrors { code } } }"""


async def test_a_scanned_qr_code_redirects_to_its_target_is_recorded_and_notified_until_cancelled(doxie, mailbox, api, receiver):
    template = await doxie.template(name="Ticket", api_name="ticket", subject="Your ticket", text="Scan {{ qr_code_url }}")
    await doxie.event(slug="ticket", type="QR_CODE", templates=[template], settings={"target_url": "https://tickets.example.com/t/1"})
    await doxie.tenant.graph(CREATE_ENDPOINT, {"input": {"tenantId": doxie.tenant.id, "url": f"{receiver.url}/qr-{doxie.tenant.slug}",
                                                         "events": ["qr_code.visited"]}})
    address = f"guest.{doxie.tenant.slug}@example.com"
    async with doxie.public() as client:
        created = (await client.post("/qr_code/ticket", json={"email": address})).json()
    mail = message_from_bytes((await eventually(lambda: mailbox.to(address)))[0], policy=policy.default).get_body(("plain",)).get_content()
    path = "/q/" + mail.split("/q/", 1)[1].split()[0]
    assert created["data"]["qr_code_url"].endswith(path)

    async with httpx.AsyncClient(base_url=api.url) as phone:
        scanned = await phone.get(path, headers={"user-agent": "camera/1.0"})
        forged = await phone.get(path[:-2] + "zz")
        async with doxie.public() as client:
            await client.post(f"/processes/{created['process_uuid']}/cancel")
        after_cancel = await phone.get(path)

    assert (scanned.status_code, scanned.headers["location"]) == (302, "https://tickets.example.com/t/1")
    assert forged.status_code == 404
    assert after_cancel.status_code == 410
    process = (await doxie.tenant.graph(SCANS, {"slug": doxie.tenant.slug, "uuid": created["process_uuid"]}))["tenant"]["process"]
    assert process["qrCode"]["status"] == "expired"
    scans = [e["detail"] for e in process["messages"]["nodes"][0]["events"] if e["type"] == "SCANNED"]
    assert [(s["status"], s["user_agent"]) for s in scans] == [("active", "camera/1.0"), ("expired", "python-httpx/" + httpx.__version__)]
    notified = (await eventually(lambda: len(receiver.to(f"/qr-{doxie.tenant.slug}")) == 2 and receiver.to(f"/qr-{doxie.tenant.slug}")))
    first = next(r.json() for r in notified if r.json()["status"] == "active")
    assert (first["qr_code_uuid"], first["process_id"], first["target_url"], first["status"]) == (
        created["process_uuid"], created["process_uuid"], "https://tickets.example.com/t/1", "active")
    assert first["original_payload"]["email"] == address
