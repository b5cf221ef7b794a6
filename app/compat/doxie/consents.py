"""Doxie MPM consents (API users): initiate a double opt-in consent, revoke one or all.

A consent purpose is a double opt-in list, named by its id (`purpose_id`); the rules live in
domain/contacts/consents.py. Body keys other than `purpose_id`, `event_slug`, `email` and `phone`
are passed to the DOI mail, as a mailer's payload is.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id

MEMBER_FIELDS = "databaseId status subscribedAt unsubscribedAt list { databaseId name } contact { email phone }"
INITIATE = f"""
mutation Initiate($input: InitiateConsentInput!) {{
  initiateConsent(input: $input) {{ member {{ {MEMBER_FIELDS} }} process {{ uuid }} userErrors {{ field message code }} }}
}}"""
REVOKE = f"""
mutation Revoke($input: RevokeConsentInput!) {{
  revokeConsent(input: $input) {{ members {{ {MEMBER_FIELDS} }} userErrors {{ field message code }} }}
}}"""
RESERVED = ("purpose_id", "event_slug", "email", "phone")


async def _body(call: Call) -> dict:
    body = await call.json()
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object", code="INVALID_BODY", field="body")
    return body


def _purpose(body: dict, *, required: bool) -> str | None:
    value = body.get("purpose_id")
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit() or len(str(value)) > 18:
        raise Invalid("purpose_id must be the integer id of a consent purpose", code="INVALID_TYPE" if value is not None else "REQUIRED",
                      field="purpose_id")
    return to_global_id("ContactList", int(value))


async def initiate(call: Call) -> JSONResponse:
    body = await _body(call)
    variables = {
        "tenantId": await tenant_id(call), "listId": _purpose(body, required=True), "email": body.get("email"),
        "phone": body.get("phone"), "eventSlug": body.get("event_slug"),
        "payload": {k: v for k, v in body.items() if k not in RESERVED},
    }
    result = (await call.graphql(INITIATE, {"input": variables}))["initiateConsent"]
    process = result["process"]
    return JSONResponse({"success": True, "error_message": None, "process_uuid": process and process["uuid"],
                         "data": shapes.consent(result["member"])})


async def revoke(call: Call) -> JSONResponse:
    body = await _body(call)
    variables = {"tenantId": await tenant_id(call), "listId": _purpose(body, required=False), "email": body.get("email"), "phone": body.get("phone")}
    result = (await call.graphql(REVOKE, {"input": variables}))["revokeConsent"]
    return JSONResponse({"success": True, "error_message": None, "data": {"revoked": [shapes.consent(m) for m in result["members"]]}})


ROUTES = [
    CompatRoute("POST", "/api/v1/{tenant}/mpm/consents", initiate, Role.WRITE, "Initiate consent for a contact (MPM section; DOI flow)"),
    CompatRoute("POST", "/api/v1/{tenant}/mpm/consents/revoke", revoke, Role.WRITE, "Revoke one or all consents for a contact (MPM section)"),
]
