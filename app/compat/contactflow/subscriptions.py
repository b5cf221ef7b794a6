"""Contactflow Send subscriptions: the subscriptions a node's Send source maps are the tenant's contact lists
(docs/domain.md 2.2), read through `Tenant.lists`, oldest first."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.contactflow.auth import node_of, node_uuid
from app.compat.contactflow.shapes import iso
from app.compat.framework import Call, CompatRoute
from domain.identity.models import Role

LISTS = """query SendSubscriptions($node: UUID!, $offset: Int!) {
  tenant(uuid: $node) { id lists(first: 100, offset: $offset) { nodes { databaseId name description doubleOptIn createdAt } pageInfo { hasNextPage } } } }"""


def subscription(contact_list: dict) -> dict:
    return {"id": contact_list["databaseId"], "name": contact_list["name"], "description": contact_list["description"],
            "doubleOptIn": contact_list["doubleOptIn"], "created": iso(contact_list["createdAt"])}


async def send_subscriptions(call: Call) -> JSONResponse:
    subscriptions, offset = [], 0
    while True:
        page = node_of(await call.graphql(LISTS, {"node": node_uuid(call), "offset": offset}))["lists"]
        subscriptions += [subscription(item) for item in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return JSONResponse({"subscriptions": subscriptions})
        offset += len(page["nodes"])


ROUTES = [CompatRoute("GET", "/send-subscriptions", send_subscriptions, Role.READ, "Get Send subscriptions")]
