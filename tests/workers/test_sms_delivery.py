"""SMS end to end: sendMessage(channel: SMS) is rendered by a worker and posted to the (fake) seven.io API."""
import secrets

from tests.support.environment import SMS_API_KEY
from tests.support.fixtures import eventually
from tests.support.sms_provider import Reply

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id databaseId status } userErrors { field code message } } }"""
STATUS = """query($id: ID!) { node(id: $id) { ... on Message { status text providerMessageId attempts errorCode error events { type } } } }"""


async def _send_sms(tenant, to: str, text: str, data: dict | None = None) -> dict:
    payload = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "channel": "SMS", "to": to, "text": text, "data": data}}))["sendMessage"]
    assert payload["userErrors"] == []
    assert payload["message"]["status"] == "QUEUED"
    return payload["message"]


async def _final(graph, message_id: str) -> dict:
    async def done():
        node = (await graph(STATUS, {"id": message_id}))["node"]
        return node if node["status"] not in ("QUEUED", "SENDING") else None

    return await eventually(done, timeout=30)


async def test_sms_is_rendered_and_sent_through_the_provider(make_tenant, sms_provider):
    tenant = await make_tenant()
    name = f"Ada {secrets.token_hex(3)}"
    message = await _send_sms(tenant, "+4915112345678", "Hi {{ name }}", {"name": name})

    node = await _final(tenant.graph, message["id"])

    assert node["status"] == "SENT", node
    assert node["text"] == f"Hi {name}"
    [request] = [r for r in sms_provider.requests if isinstance(r.json, dict) and r.json.get("text") == f"Hi {name}"]
    assert request.path == "/api/sms"
    assert request.headers["x-api-key"] == SMS_API_KEY
    assert request.json["to"] == "+4915112345678"
    assert request.json["foreign_id"].startswith(f"msg-{message['databaseId']}.")
    assert node["providerMessageId"] == request.reply.body["messages"][0]["id"]
    assert [e["type"] for e in node["events"]][-1] == "SENT"


async def test_sms_the_provider_rejects_fails_with_its_reason(make_tenant, sms_provider):
    tenant = await make_tenant()
    to = "+4915199999999"  # a valid number; the provider refuses it as seven.io does an unknown one
    sms_provider.respond_for(to, Reply(200, {"success": "202", "messages": [
        {"id": None, "recipient": to.lstrip("+"), "success": False, "error": "202", "error_text": "Invalid recipient"}]}))
    message = await _send_sms(tenant, to, "Hi")

    node = await _final(tenant.graph, message["id"])

    assert (node["status"], node["errorCode"]) == ("FAILED", "REJECTED")
    assert "invalid recipient" in node["error"]
    assert len(sms_provider.sent_to(to)) == 1  # permanent: not retried


async def test_sms_a_provider_outage_is_retried_until_sent(make_tenant, sms_provider):
    tenant = await make_tenant()
    to = "+4915188888888"
    sms_provider.respond_for(to, Reply(503, {"error": "Service Unavailable"}))
    message = await _send_sms(tenant, to, "Retry me")

    node = await _final(tenant.graph, message["id"])

    assert node["status"] == "SENT", node
    assert node["attempts"] == 2
    assert len(sms_provider.sent_to(to)) == 2
