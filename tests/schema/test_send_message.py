"""sendMessage: queued at once, rendered and delivered by a worker over SMTP, status readable through node(id:)."""
from email import message_from_bytes, policy

from tests.support.fixtures import eventually

SEND = """
mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) { message { id status } userErrors { field message code } }
}"""
READ = """query Read($id: ID!) { node(id: $id) { ... on Message { status subject providerMessageId error events { type } } } }"""


async def test_send_message_is_queued_then_sent_by_a_worker(make_tenant, mailbox):
    tenant = await make_tenant()
    data = await tenant.graph(SEND, {"input": {
        "tenantId": tenant.id, "to": "Bob@Example.com", "subject": "Hi {{ name }}",
        "html": "<p>Hello {{ name }}</p>", "text": "Hello {{ name }}", "data": {"name": "Bob <3"},
    }})
    payload = data["sendMessage"]
    assert payload["userErrors"] == []
    assert payload["message"]["status"] == "QUEUED"

    async def sent():
        node = (await tenant.graph(READ, {"id": payload["message"]["id"]}))["node"]
        return node if node["status"] == "SENT" else None

    node = await eventually(sent)
    assert node["subject"] == "Hi Bob <3"
    assert [e["type"] for e in node["events"]] == ["QUEUED", "SENDING", "SENT"]
    received = [message_from_bytes(raw, policy=policy.default) for raw in mailbox.to("Bob@example.com")]
    assert len(received) == 1
    assert received[0]["Message-ID"] == node["providerMessageId"]
    html = received[0].get_body(("html",)).get_content()
    assert "Hello Bob &lt;3" in html  # values inserted into HTML are escaped


async def test_same_idempotency_key_sends_once(make_tenant, mailbox):
    tenant = await make_tenant()
    send = {"tenantId": tenant.id, "to": "once@example.com", "subject": "s", "text": "t", "idempotencyKey": "order-42"}
    first = (await tenant.graph(SEND, {"input": send}))["sendMessage"]["message"]["id"]
    second = (await tenant.graph(SEND, {"input": send}))["sendMessage"]["message"]["id"]
    assert first == second
    await eventually(lambda: mailbox.to("once@example.com"))


async def test_invalid_address_is_a_user_error(make_tenant):
    tenant = await make_tenant()
    data = await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": "not-an-address", "subject": "s", "text": "t"}})
    assert data["sendMessage"]["message"] is None
    assert data["sendMessage"]["userErrors"] == [
        {"field": "to", "code": "INVALID_ADDRESS", "message": "'not-an-address' is not a valid email address"}
    ]
