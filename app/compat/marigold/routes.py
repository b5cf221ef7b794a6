"""Marigold routes, each a thin adapter onto a GraphQL operation (see app/compat/framework.py).

Organizations live here; each other context keeps its routes in its own module (content, journeys,
transactional, custom). `{organization}` is a tenant's slug: another organization's slug is simply not found.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.marigold import content, custom, dictionaries, journeys, shapes, transactional
from app.compat.marigold.organization import ORGANIZATION, organization
from domain.identity.models import Role

ORGANIZATIONS = """query Organizations($after: String) {
  tenants(first: 100, after: $after) { edges { node { slug name active createdAt } } pageInfo { hasNextPage endCursor } } }"""


async def list_organizations(call: Call) -> JSONResponse:
    found, after = [], None
    while True:
        page = (await call.graphql(ORGANIZATIONS, {"after": after}))["tenants"]
        found += [shapes.organization(edge["node"]) for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return JSONResponse(found)
        after = page["pageInfo"]["endCursor"]


async def get_organization(call: Call) -> JSONResponse:
    tenant = await organization(call, ORGANIZATION)
    return JSONResponse(shapes.organization(tenant))


ORGANIZATION_ROUTES = [
    CompatRoute("GET", "/Portal/Api/organizations", list_organizations, Role.READ, "List organizations"),
    CompatRoute("GET", "/Portal/Api/organizations/{organization}", get_organization, Role.READ, "Get an organization"),
]

ROUTES = [*ORGANIZATION_ROUTES, *content.ROUTES, *dictionaries.ROUTES, *journeys.ROUTES, *transactional.ROUTES, *custom.ROUTES]
