"""Delivery reports from providers over real HTTP: seven.io SMS status reports and the generic email event
webhook turn into message statuses and events; hard bounces and complaints suppress the address."""
import secrets

import httpx

from tests.support.campaigns import final_message, mail_to
from tests.support.environment import INBOUND_SECRET
from tests.support.fixtures import eventually

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }"""
MESSAGE = """query($id: ID!) { node(id: $id) { ... on Message { status errorCode error providerMessageId deliveredAt
  events { type detail } } } }"""
SUPPRESSIONS = """query($slug: String!) { tenant(slug: $slug) { suppressions { nodes { address reason } } } }"""
AUTH = {"X-Sendgraph-Inbound-Secret": INBOUND_SECRET}


async def post(api, path: str, *, json=None, content=None, headers=None, params=None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(f"{api.url}{path}", json=json, content=content, headers=headers, params=params)


async def send(tenant, **input) -> str:
    payload = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, **input}}))["sendMessage"]
    assert payload["userErrors"] == []
    return payload["message"]["id"]


async def settled(tenant, message_id: str) -> dict:
    async def done():
        node = (await tenant.graph(MESSAGE, {"id": message_id}))["node"]
        return node if node["status"] not in ("QUEUED", "SENDING") else None

    return await eventually(done, timeout=20)


async def sent_email(tenant, mailbox, to: str) -> tuple[str, str]:
    """(graph id, Message-ID header) of a delivered-to-SMTP email."""
    message_id = await send(tenant, to=to, subject="Hello", text="Hi")
    assert (await settled(tenant, message_id))["status"] == "SENT"
    [mail] = await mail_to(mailbox, to)
    return message_id, str(mail["Message-ID"])


async def test_a_seven_delivery_report_marks_the_sms_delivered(make_tenant, sms_provider, api):
    tenant = await make_tenant()
    message_id = await send(tenant, channel="SMS", to="+4915111122233", text=f"Code {secrets.token_hex(2)}")
    node = await settled(tenant, message_id)
    assert node["status"] == "SENT"
    report = {"webhook_event": "dlr", "webhook_timestamp": "2026-11-23T18:08:00+01:00",
              "data": {"msg_id": node["providerMessageId"], "status": "DELIVERED", "timestamp": "2026-11-23 18:08:00.000000"}}

    # seven.io cannot send our header: the secret comes in the URL configured there
    transmitted = await post(api, "/inbound/sms/seven", params={"secret": INBOUND_SECRET},
                             json={**report, "data": {**report["data"], "status": "TRANSMITTED"}})
    assert transmitted.status_code == 200 and "ignored" in transmitted.json()
    assert (await tenant.graph(MESSAGE, {"id": message_id}))["node"]["status"] == "SENT"

    response = await post(api, "/inbound/sms/seven", params={"secret": INBOUND_SECRET}, json=report)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "DELIVERED"
    node = (await tenant.graph(MESSAGE, {"id": message_id}))["node"]
    assert node["status"] == "DELIVERED" and node["deliveredAt"]
    assert [e["type"] for e in node["events"]][-1] == "DELIVERED"

    again = await post(api, "/inbound/sms/seven", params={"secret": INBOUND_SECRET}, json=report)
    assert again.status_code == 200 and again.json()["changed"] is False
    node = (await tenant.graph(MESSAGE, {"id": message_id}))["node"]
    assert [e["type"] for e in node["events"]].count("DELIVERED") == 1


async def test_a_seven_report_of_an_undelivered_sms_marks_it_bounced_by_foreign_id_too(make_tenant, sms_provider, api):
    tenant = await make_tenant()
    message_id = await send(tenant, channel="SMS", to="+4915111122244", text="Hi")
    assert (await settled(tenant, message_id))["status"] == "SENT"
    [request] = sms_provider.sent_to("+4915111122244")[-1:]

    # the flat form-encoded callback, naming our foreign_id
    response = await post(api, "/inbound/sms/seven", headers={**AUTH, "Content-Type": "application/x-www-form-urlencoded"},
                          content=f"msg_id=unknown&foreign_id={request['foreign_id']}&status=NOTDELIVERED".encode())

    assert response.status_code == 200, response.text
    node = (await tenant.graph(MESSAGE, {"id": message_id}))["node"]
    assert (node["status"], node["errorCode"]) == ("BOUNCED", "SOFT_BOUNCE")


async def test_a_hard_bounce_marks_bounced_suppresses_and_the_next_send_fails_suppressed(make_tenant, mailbox, api):
    tenant = await make_tenant()
    to = f"gone.{tenant.slug}@example.com"
    message_id, header = await sent_email(tenant, mailbox, to)

    response = await post(api, "/inbound/email", headers=AUTH, json={
        "message_id": header, "event": "bounced", "bounce_type": "hard", "detail": "550 5.1.1 user unknown"})

    assert response.status_code == 200, response.text
    node = (await tenant.graph(MESSAGE, {"id": message_id}))["node"]
    assert (node["status"], node["errorCode"], node["error"]) == ("BOUNCED", "HARD_BOUNCE", "550 5.1.1 user unknown")
    bounce = next(e for e in node["events"] if e["type"] == "BOUNCED")
    assert bounce["detail"]["bounce_type"] == "hard"
    assert (await tenant.graph(SUPPRESSIONS, {"slug": tenant.slug}))["tenant"]["suppressions"]["nodes"] == [
        {"address": to, "reason": "hard_bounce"}]

    next_id = await send(tenant, to=to, subject="Again", text="Hi again")
    node = await settled(tenant, next_id)
    assert (node["status"], node["errorCode"]) == ("FAILED", "SUPPRESSED")
    assert len(mailbox.to(to)) == 1


async def test_email_delivered_and_complaint_events(make_tenant, mailbox, api):
    tenant = await make_tenant()
    to = f"reader.{tenant.slug}@example.com"
    message_id, header = await sent_email(tenant, mailbox, to)

    delivered = await post(api, "/inbound/email", headers={"Authorization": f"Bearer {INBOUND_SECRET}"},
                           json={"message_id": header, "event": "delivered"})
    complained = await post(api, "/inbound/email", headers=AUTH, json={"message_id": header, "event": "complained", "detail": {"feedback": "abuse"}})

    assert delivered.status_code == 200 and complained.status_code == 200
    node = (await tenant.graph(MESSAGE, {"id": message_id}))["node"]
    assert node["status"] == "DELIVERED"
    assert [e["type"] for e in node["events"]][-2:] == ["DELIVERED", "COMPLAINED"]
    assert (await tenant.graph(SUPPRESSIONS, {"slug": tenant.slug}))["tenant"]["suppressions"]["nodes"] == [
        {"address": to, "reason": "complaint"}]
    assert (await final_message(tenant, to))["status"] == "DELIVERED"


async def test_without_the_secret_reports_are_refused(make_tenant, mailbox, api):
    tenant = await make_tenant()
    to = f"secret.{tenant.slug}@example.com"
    message_id, header = await sent_email(tenant, mailbox, to)
    body = {"message_id": header, "event": "bounced", "bounce_type": "hard"}

    for headers, params in (({}, None), ({"X-Sendgraph-Inbound-Secret": "wrong"}, None), ({}, {"secret": "wrong"}),
                            ({"Authorization": "Bearer wrong"}, None)):
        assert (await post(api, "/inbound/email", json=body, headers=headers, params=params)).status_code == 401
        assert (await post(api, "/inbound/sms/seven", json={"data": {"msg_id": "1", "status": "DELIVERED"}},
                           headers=headers, params=params)).status_code == 401

    node = (await tenant.graph(MESSAGE, {"id": message_id}))["node"]
    assert node["status"] == "SENT"
    assert (await tenant.graph(SUPPRESSIONS, {"slug": tenant.slug}))["tenant"]["suppressions"]["nodes"] == []


async def test_malformed_and_unknown_reports_are_4xx_not_errors(make_tenant, mailbox, api):
    tenant = await make_tenant()
    _, header = await sent_email(tenant, mailbox, f"odd.{tenant.slug}@example.com")
    cases = [
        ("/inbound/email", {"content": b"not json"}, 400),
        ("/inbound/email", {"json": ["a", "list"]}, 400),
        ("/inbound/email", {"json": {"event": "delivered"}}, 400),
        ("/inbound/email", {"json": {"message_id": header, "event": "exploded"}}, 400),
        ("/inbound/email", {"json": {"message_id": header, "event": "bounced", "bounce_type": "medium"}}, 400),
        ("/inbound/email", {"json": {"message_id": "<msg-999999999.t1@nowhere>", "event": "delivered"}}, 404),
        ("/inbound/email", {"json": {"message_id": "<someone-elses@id>", "event": "delivered"}}, 404),
        ("/inbound/sms/seven", {"json": {"data": {"status": "DELIVERED"}}}, 400),
        ("/inbound/sms/seven", {"json": {"data": {"msg_id": "no-such-sms", "status": "DELIVERED"}}}, 404),
        ("/inbound/sms/seven", {"json": {"webhook_event": "sms_mo", "data": {"id": "1", "text": "hi"}}}, 200),
    ]
    for path, kwargs, expected in cases:
        response = await post(api, path, headers=AUTH, **kwargs)
        assert response.status_code == expected, (path, kwargs, response.status_code, response.text)
