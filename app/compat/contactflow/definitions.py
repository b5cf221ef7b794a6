"""Contactflow definitions and actions: what the node's automations can use, as the graph derives it from the domain
(`Tenant.automationDefinitions`): step operations, trigger events, their context, customer fields, categories."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.contactflow.auth import node_of, node_uuid
from app.compat.contactflow.shapes import DEFAULT_CATEGORY
from app.compat.framework import Call, CompatRoute
from domain.identity.models import Role


def _query(field: str) -> str:
    return f"query {field[0].upper() + field[1:]}Definitions($node: UUID!) {{ tenant(uuid: $node) {{ id automationDefinitions {{ {field} }} }} }}"


async def _definitions(call: Call, field: str):
    return node_of(await call.graphql(_query(field), {"node": node_uuid(call)}))["automationDefinitions"][field]


async def actions(call: Call) -> JSONResponse:
    return JSONResponse(await _definitions(call, "actions"))


async def trigger_events(call: Call) -> JSONResponse:
    return JSONResponse(await _definitions(call, "triggerEvents"))


async def events_context(call: Call) -> JSONResponse:
    return JSONResponse(await _definitions(call, "eventsContext"))


async def customers(call: Call) -> JSONResponse:
    return JSONResponse(await _definitions(call, "customers"))


async def categories(call: Call) -> JSONResponse:
    return JSONResponse({"categories": sorted({DEFAULT_CATEGORY, *await _definitions(call, "categories")})})


# Before the automation routes: `/automations/categories` is not an automation's uuid.
ROUTES = [
    CompatRoute("GET", "/actions", actions, Role.READ, "Get available actions for node"),
    CompatRoute("GET", "/definitions/trigger-events", trigger_events, Role.READ, "Get trigger events definitions"),
    CompatRoute("GET", "/definitions/events-context", events_context, Role.READ, "Get events context definitions"),
    CompatRoute("GET", "/definitions/customers", customers, Role.READ, "Get customers definitions"),
    CompatRoute("GET", "/definitions/automation-categories", categories, Role.READ, "Get automation categories"),
    CompatRoute("GET", "/automations/categories", categories, Role.READ, "Get automation categories (deprecated)"),
]
