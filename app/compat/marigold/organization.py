"""`{organization}` in a Marigold path: a tenant by slug, as the calling service account may see it."""
from __future__ import annotations

from app.compat.framework import Call
from domain.errors import NotFound

ORGANIZATION = """query Organization($slug: String!) { tenant(slug: $slug) { id slug name active createdAt } }"""


async def organization(call: Call, document: str, variables: dict | None = None) -> dict:
    """Run `document` (which reads `tenant(slug: $slug)`) and return the tenant; another organization's
    slug, or an unknown one, is a 404 without telling which."""
    return tenant_of(call, await call.graphql(document, {"slug": call.params["organization"], **(variables or {})}))


def tenant_of(call: Call, data: dict) -> dict:
    if data.get("tenant") is None:
        raise NotFound(f"Organization {call.params['organization']!r} not found", code="ORGANIZATION_NOT_FOUND", field="organization")
    return data["tenant"]


def absent(what: str, api_name: str, field: str) -> NotFound:
    return NotFound(f"{what} with api name {api_name!r} doesn't exist", code="NOT_FOUND", field=field)
