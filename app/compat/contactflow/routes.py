"""Contactflow routes, each a thin adapter onto a GraphQL operation (see app/compat/framework.py)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.contactflow import shapes
from app.compat.framework import Call, CompatRoute
from domain.identity.models import Role

VIEWER = """
query Viewer {
  viewer { kind subject memberships { role tenant { uuid name active emailActive smsActive workspaceUuid workspaceName portfolioUuid portfolioName createdAt } } }
}"""


async def current_user(call: Call) -> JSONResponse:
    return JSONResponse(shapes.user_info((await call.graphql(VIEWER))["viewer"]))


ROUTES = [
    CompatRoute("GET", "/user", current_user, Role.READ, "Get current user info"),
]
