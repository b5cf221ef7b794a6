"""Doxie's public sending routes (API users): mails, injections, survey inquiries, QR codes, events
and cancelling a process. Each triggers or reads the graph; no rule lives here."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import require_tenant, tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

TRIGGER = """
mutation Trigger($input: TriggerEventInput!) {
  triggerEvent(input: $input) {
    process { uuid qrCode { uuid targetUrl validUntil status url } }
    messages { id channel template { apiName name } }
    userErrors { field message code }
  }
}"""
EVENT = """
query Event($slug: String!, $id: ID!) {
  tenant(slug: $slug) { id }
  node(id: $id) {
    ... on Event {
      databaseId slug type name active parameters recipientField phoneField settings createdAt
      tenant { id }
      templates { databaseId apiName name channel }
    }
  }
}"""
PROCESS = """query Process($slug: String!, $uuid: String!) { tenant(slug: $slug) { process(uuid: $uuid) { id uuid } } }"""
CANCEL = """
mutation Cancel($input: CancelProcessInput!) {
  cancelProcess(input: $input) { process { uuid status cancelledAt } userErrors { field message code } }
}"""

EVENT_TYPES = {"mailer": "MAILER", "injector": "INJECTOR", "survey": "SURVEY", "qr_code": "QR_CODE"}


async def _trigger(call: Call, type: str) -> dict:
    payload = await call.json()
    data = await call.graphql(TRIGGER, {"input": {"tenantId": await tenant_id(call), "eventSlug": call.params["event_slug"], "payload": payload, "type": type}})
    return data["triggerEvent"]


async def send_mail(call: Call) -> JSONResponse:
    return JSONResponse(shapes.mail_sent(await _trigger(call, "MAILER")))


async def inject(call: Call) -> JSONResponse:
    return JSONResponse(shapes.process_started(await _trigger(call, "INJECTOR")))


async def survey(call: Call) -> JSONResponse:
    return JSONResponse(shapes.process_started(await _trigger(call, "SURVEY")))


async def qr_code(call: Call) -> JSONResponse:
    result = await _trigger(call, "QR_CODE")
    return JSONResponse(shapes.process_started(result, data=shapes.qr_code(result["process"]["qrCode"])))


async def show_event(call: Call) -> JSONResponse:
    kind = call.query.get("type", "")
    if kind not in EVENT_TYPES:
        raise Invalid(f"type must be one of {', '.join(EVENT_TYPES)}", code="INVALID_TYPE", field="type")
    raw_id = call.params["event_id"]
    missing = NotFound(f"No {kind} event {raw_id}", code="EVENT_NOT_FOUND", field="event_id")
    if not raw_id.isdigit() or len(raw_id) > 18:
        raise missing
    data = await call.graphql(EVENT, {"slug": call.params["tenant"], "id": to_global_id("Event", int(raw_id))})
    tenant = require_tenant(call, data["tenant"])
    event = data["node"]
    if not event or event["tenant"]["id"] != tenant["id"] or event["type"] != EVENT_TYPES[kind]:
        raise missing
    return JSONResponse({"success": True, "error_message": None, "type": kind, "event": shapes.event(event)})


async def cancel_process(call: Call) -> JSONResponse:
    process = await find_process(call, call.params["process_uuid"])
    data = await call.graphql(CANCEL, {"input": {"processId": process["id"]}})
    return JSONResponse({"success": True, "error_message": None, "process_uuid": data["cancelProcess"]["process"]["uuid"]})


async def find_process(call: Call, raw_uuid: str) -> dict:
    """The process of the path's tenant with this uuid, or NotFound."""
    data = await call.graphql(PROCESS, {"slug": call.params["tenant"], "uuid": raw_uuid})
    process = require_tenant(call, data["tenant"])["process"]
    if process is None:
        raise NotFound(f"Process {raw_uuid} not found", code="PROCESS_NOT_FOUND", field="process_uuid")
    return process


ROUTES = [
    CompatRoute("POST", "/api/v1/{tenant}/mailer/{event_slug}", send_mail, Role.WRITE, "Sends a mail"),
    CompatRoute("POST", "/api/v1/{tenant}/injector/{event_slug}", inject, Role.WRITE, "Creates an injection for an embedded journey"),
    CompatRoute("POST", "/api/v1/{tenant}/survey/{event_slug}", survey, Role.WRITE, "Creates an inquiry for a survey response"),
    CompatRoute("POST", "/api/v1/{tenant}/qr_code/{event_slug}", qr_code, Role.WRITE, "Creates a QR code for an event"),
    CompatRoute("GET", "/api/v1/{tenant}/events/{event_id}", show_event, Role.READ, "Show event details"),
    CompatRoute("POST", "/api/v1/{tenant}/processes/{process_uuid}/cancel", cancel_process, Role.WRITE, "Cancel a process"),
]
