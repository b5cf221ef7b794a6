"""Especial webhooks (see app/compat/especial/routes.py): thin adapters onto the graph's webhook endpoints
(`Tenant.webhookEndpoints`, `createWebhookEndpoint`, `updateWebhookEndpoint`; rules in `domain.webhooks.service`).

- An Especial webhook subscribes to one event; the ones with a counterpart among the graph's events are translated
  here (`EVENTS`). Any other name is passed on as given, so the graph refuses it (UNKNOWN_EVENT, a 422 on `event`).
- Archiving deactivates the endpoint: nothing is delivered to it while archived, not even retries already queued;
  `archived_at` is the graph's `deactivatedAt`.
- Deliveries are signed (Standard Webhooks, HMAC-SHA256). The signing key is the `whsec_...` secret, shown once, in
  the creation's answer (`signature.key`); later reads show the hash function only.
- sendgraph does not throttle deliveries: `rate_limit` and `rate_limit_period` are accepted (validated) and neither
  kept nor shown back.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import auth
from app.compat.especial import audience_shapes as shapes
from app.compat.especial.audience import json_body, paging
from app.compat.especial.messaging_common import run
from app.compat.especial import validation
from app.compat.framework import Call, CompatRoute
from domain.errors import NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

# Especial's event name -> the graph's events. message.status_updated covers every status change, so Especial's
# finer ones (Delivered, Opened, Bounced...) have no exact counterpart and are refused.
EVENTS = {"Email.Sent": ["message.sent"], "Email.Error": ["message.failed"]}
NAMES = {tuple(events): name for name, events in EVENTS.items()}
FIELDS = "databaseId url events active deactivatedAt tenant { id }"
ERRORS = "userErrors { field message code }"
LIST = f"""query EspecialWebhooks($account: ID!, $first: Int!, $offset: Int!, $active: Boolean) {{
  node(id: $account) {{ ... on Tenant {{ webhookEndpoints(first: $first, offset: $offset, active: $active) {{
    totalCount nodes {{ {FIELDS} }} }} }} }} }}"""
ONE = f"query EspecialWebhook($id: ID!) {{ node(id: $id) {{ ... on WebhookEndpoint {{ {FIELDS} }} }} }}"
CREATE = f"""mutation EspecialCreateWebhook($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{ webhookEndpoint {{ {FIELDS} }} signingSecret {ERRORS} }} }}"""
UPDATE = f"""mutation EspecialUpdateWebhook($input: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(input: $input) {{ webhookEndpoint {{ {FIELDS} }} {ERRORS} }} }}"""
FIELD_NAMES = {"events": "event", "tenantId": "account_id"}
SIGNATURE = {"hash_function": "sha256"}


def webhook(node: dict) -> dict:
    shape = {"id": str(node["databaseId"]), "status": "active" if node["active"] else "archived", "url": node["url"]}
    event = NAMES.get(tuple(node["events"] or ()))
    if event:
        shape["event"] = event
    if node["deactivatedAt"]:
        shape["archived_at"] = shapes.unix(node["deactivatedAt"])
    return shape


async def _webhook(call: Call) -> dict:
    """The webhook in the path, when it is the account's."""
    account = await auth.account(call)
    raw = call.params["webhook_id"].strip()
    node = None
    if raw.isdigit() and len(raw) < 19:
        node = (await call.graphql(ONE, {"id": to_global_id("WebhookEndpoint", int(raw))}))["node"]
    if not node or node["tenant"]["id"] != account:
        raise NotFound(f"Webhook {raw} not found", code="WEBHOOK_NOT_FOUND", field="webhook_id")
    return node


async def list_webhooks(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    with_archived = validation.boolean(call.query.get("with_archived"), name="with_archived")
    account = await auth.account(call)

    variables = {"account": account, "first": per_page, "offset": (page - 1) * per_page, "active": None if with_archived else True}
    connection = (await call.graphql(LIST, variables))["node"]["webhookEndpoints"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count=with_count),
                         "data": [webhook(n) for n in connection["nodes"]]})


async def create_webhook(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateWebhook")
    account = await auth.account(call)
    data = (await run(call, CREATE, {"input": {"tenantId": account, "url": body["url"], "events": EVENTS.get(body["event"], [body["event"]])}},
                      FIELD_NAMES))["createWebhookEndpoint"]
    shape = webhook(data["webhookEndpoint"])
    return JSONResponse({"id": shape["id"], "data": shape, "signature": {"key": data["signingSecret"], **SIGNATURE}}, status_code=201)


async def get_webhook(call: Call) -> JSONResponse:
    shape = webhook(await _webhook(call))
    return JSONResponse({"id": shape["id"], "signature": SIGNATURE, "data": shape})


async def _update(call: Call, changes: dict) -> dict:
    node = await _webhook(call)
    data = await run(call, UPDATE, {"input": {"id": to_global_id("WebhookEndpoint", node["databaseId"]), **changes}}, FIELD_NAMES)
    return webhook(data["updateWebhookEndpoint"]["webhookEndpoint"])


async def patch_webhook(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchWebhook")
    shape = await _update(call, {"url": body["url"]} if "url" in body else {})
    return JSONResponse({"id": shape["id"], "data": shape, "object": "Webhook", "patched": True})


async def archive_webhook(call: Call) -> JSONResponse:
    shape = await _update(call, {"active": False})
    return JSONResponse({"id": shape["id"], "data": shape, "object": "Webhook", "archived": True})


async def unarchive_webhook(call: Call) -> JSONResponse:
    shape = await _update(call, {"active": True})
    return JSONResponse({"id": shape["id"], "data": shape, "object": "Webhook", "archived": False})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/webhooks", list_webhooks, Role.READ, "List all webhooks"),
    CompatRoute("POST", "/webhooks", create_webhook, Role.WRITE, "Create a webhook"),
    CompatRoute("GET", "/webhooks/{webhook_id}", get_webhook, Role.READ, "Show a webhook"),
    CompatRoute("PATCH", "/webhooks/{webhook_id}", patch_webhook, Role.WRITE, "Patch a webhook"),
    CompatRoute("POST", "/webhooks/{webhook_id}/archive", archive_webhook, Role.WRITE, "Archive a webhook"),
    CompatRoute("POST", "/webhooks/{webhook_id}/unarchive", unarchive_webhook, Role.WRITE, "Unarchive a webhook"),
]
