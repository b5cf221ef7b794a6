"""Contactflow external contents: the test email of a step's mail, sent as one transactional message."""
from __future__ import annotations

from starlette.responses import Response

from app.compat.contactflow import inputs
from app.compat.contactflow.auth import node_tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id

SEND = """mutation SendTestEmail($input: SendMessageInput!) { sendMessage(input: $input) { message { id status } userErrors { field message code } } }"""


def _attributes(body: dict) -> dict:
    """Contactflow attributes ([{key|name, value}]) as the template's data."""
    raw = body.get("attributes")
    raw = [] if raw is None else raw
    if not isinstance(raw, list):
        raise Invalid("attributes must be an array", code="INVALID_TYPE", field="attributes")
    data = {}
    for index, item in enumerate(raw):
        name = item.get("key", item.get("name")) if isinstance(item, dict) else None
        if not isinstance(name, str) or not name:
            raise Invalid(f"attributes[{index}] needs a key and a value", code="INVALID_TYPE", field=f"attributes[{index}]")
        data[name] = item.get("value")
    return data


async def send_test_email(call: Call) -> Response:
    body = await inputs.body_object(call)
    model = inputs.model_id(body.get("modelIdentifier"), field="modelIdentifier")
    inline = any(body.get(name) for name in ("htmlContent", "textContent"))
    sender_name, sender_email = inputs.text(body, "senderName"), inputs.text(body, "senderEmail")
    reply_to = inputs.text(body, "senderReplyTo")
    variables = {"input": {
        "tenantId": await node_tenant_id(call), "to": inputs.text(body, "email", required=True), "channel": "EMAIL",
        "subject": inputs.text(body, "subject"), "html": inputs.text(body, "htmlContent"), "text": inputs.text(body, "textContent"),
        "templateId": to_global_id("Template", model) if model is not None and not inline else None,
        "sender": (f"{sender_name} <{sender_email}>" if sender_name else sender_email) if sender_email else None,
        "externalId": inputs.text(body, "customRef"), "data": _attributes(body),
        "headers": {"Reply-To": reply_to} if reply_to else None,
    }}
    await call.graphql(SEND, variables)
    return Response(status_code=204)


ROUTES = [
    CompatRoute("POST", "/external-contents/test-email", send_test_email, Role.WRITE, "Send email test for step mail"),
]
