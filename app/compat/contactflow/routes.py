"""Contactflow routes, each a thin adapter onto a GraphQL operation (see app/compat/framework.py).

The current user lives here; each other context keeps its routes in its own module (nodes, node settings,
definitions, automations, customers and tokens, external contents, Send subscriptions, PageBuilder, KPIs and reports). Node-scoped routes name their tenant in the
`Node` header: a node the token may not see is a 403, a resource of another node is not found.
"""
from __future__ import annotations

from dataclasses import replace

from starlette.responses import JSONResponse

from app.compat.contactflow import automations, contents, customers, definitions, inputs, nodes, pagebuilder, reports, settings, shapes, subscriptions
from app.compat.contactflow.shapes import NODE_FIELDS
from app.compat.framework import Call, CompatRoute
from domain.identity.models import Role

CURRENT_USER = f"""query CurrentUser($after: String) {{
  viewer {{ kind subject }}
  tenants(first: 100, after: $after) {{ nodes {{ {NODE_FIELDS} viewerRole }} pageInfo {{ hasNextPage endCursor }} }} }}"""


async def current_user(call: Call) -> JSONResponse:
    tenants, after = [], None
    while True:
        data = await call.graphql(CURRENT_USER, {"after": after})
        tenants += data["tenants"]["nodes"]
        if not data["tenants"]["pageInfo"]["hasNextPage"]:
            return JSONResponse(shapes.user_info(data["viewer"], tenants))
        after = data["tenants"]["pageInfo"]["endCursor"]


def _checked(route: CompatRoute) -> CompatRoute:
    """The route, refusing NUL characters in its path and query parameters before its handler runs (bodies: `inputs.body_object`)."""
    handler = route.handler

    async def checked(call: Call):
        inputs.check_request(call)
        return await handler(call)

    return replace(route, handler=checked)


ROUTES = [_checked(route) for route in [
    CompatRoute("GET", "/user", current_user, Role.READ, "Get current user info"),
    *nodes.ROUTES, *settings.ROUTES, *definitions.ROUTES, *reports.ROUTES, *automations.ROUTES, *customers.ROUTES, *contents.ROUTES, *pagebuilder.ROUTES, *subscriptions.ROUTES,
]]
