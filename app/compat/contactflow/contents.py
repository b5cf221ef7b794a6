"""Contactflow external contents: the node's mail and SMS models (its library templates; a model's id is what a
step's or a test email's `modelIdentifier` names), and the test email of a step's mail, sent as one transactional message."""
from __future__ import annotations

from starlette.responses import JSONResponse, Response

from app.compat.contactflow import inputs
from app.compat.contactflow.auth import node_of, node_tenant_id, node_uuid
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id

MODELS = """query Models($node: UUID!, $channel: Channel!, $offset: Int!) {
  tenant(uuid: $node) { id templates(channel: $channel, library: true, first: 100, offset: $offset) { nodes { databaseId name } pageInfo { hasNextPage } } } }"""
DESIGNER = """query EmailDesigner($node: UUID!) { tenant(uuid: $node) { id settings } }"""
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


async def _models(call: Call, channel: str) -> JSONResponse:
    models, offset = [], 0
    while True:
        page = node_of(await call.graphql(MODELS, {"node": node_uuid(call), "channel": channel, "offset": offset}))["templates"]
        models += [{"id": t["databaseId"], "name": t["name"]} for t in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return JSONResponse(models)
        offset += len(page["nodes"])


async def mail_models(call: Call) -> JSONResponse:
    return await _models(call, "EMAIL")


async def sms_models(call: Call) -> JSONResponse:
    return await _models(call, "SMS")


async def email_designer(call: Call) -> JSONResponse:
    """sendgraph has no Email Designer of its own: it reads as enabled only where the node's settings say so
    (`Tenant.settings["contactflow"]["emailDesigner"]`, docs/domain.md 2.2)."""
    settings = node_of(await call.graphql(DESIGNER, {"node": node_uuid(call)}))["settings"] or {}
    designer = (settings.get("contactflow") or {}).get("emailDesigner")
    return JSONResponse({"enabled": isinstance(designer, dict) and designer.get("enabled") is True})


ROUTES = [
    CompatRoute("GET", "/external-contents/email-designer", email_designer, Role.READ, "Get Email Designer configurations"),
    CompatRoute("GET", "/external-contents/mail-models", mail_models, Role.READ, "Get all message mail models"),
    CompatRoute("GET", "/external-contents/sms-models", sms_models, Role.READ, "Get all sms mail models"),
    CompatRoute("POST", "/external-contents/test-email", send_test_email, Role.WRITE, "Send email test for step mail"),
]
