"""Marigold routes, each a thin adapter onto a GraphQL operation (see app/compat/framework.py)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.marigold import shapes
from domain.identity.models import Role

ORGANIZATIONS = """query Organizations { tenants(first: 100) { edges { node { slug name active createdAt } } } }"""


async def list_organizations(call: Call) -> JSONResponse:
    data = await call.graphql(ORGANIZATIONS)
    return JSONResponse([shapes.organization(edge["node"]) for edge in data["tenants"]["edges"]])


ROUTES = [
    CompatRoute("GET", "/Portal/Api/organizations", list_organizations, Role.READ, "List organizations"),
]
