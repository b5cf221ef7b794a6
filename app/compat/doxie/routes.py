"""Doxie routes, each a thin adapter onto a GraphQL operation (see app/compat/framework.py)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.doxie import shapes
from domain.identity.models import Role

TRIGGER = """
mutation Trigger($input: TriggerEventInput!) {
  triggerEvent(input: $input) {
    process { uuid }
    messages { id channel template { apiName name } }
    userErrors { field message code }
  }
}"""
TENANT = """query Tenant($slug: String!) { tenant(slug: $slug) { id } }"""


async def tenant_id(call: Call) -> str:
    """The tenant in the path, as the caller may see it (another tenant's slug is simply not found)."""
    from domain.errors import NotFound

    data = await call.graphql(TENANT, {"slug": call.params["tenant"]})
    if data["tenant"] is None:
        raise NotFound(f"Tenant {call.params['tenant']} not found", code="TENANT_NOT_FOUND", field="tenant")
    return data["tenant"]["id"]


async def send_mail(call: Call) -> JSONResponse:
    payload = await call.json()
    data = await call.graphql(TRIGGER, {"input": {"tenantId": await tenant_id(call), "eventSlug": call.params["event_slug"], "payload": payload, "type": "MAILER"}})
    return JSONResponse(shapes.mail_sent(data["triggerEvent"]))


ROUTES = [
    CompatRoute("POST", "/api/v1/{tenant}/mailer/{event_slug}", send_mail, Role.WRITE, "Sends a mail"),
]
