"""Doxie admin / shared: messaging schedules (bearer tokens): create, update, delete.

A messaging schedule is a follow-up of its owning event (for example the DOI mail of a consent
purpose): every trigger of the event also queues the schedule's template, due `delay_seconds` later
(see `domain/events/schedules.py`). `shared_messaging_schedule` holds:

- the owning event: `event_id`, or `event_slug` with `event_type` (mailer, survey, qr_code, injector; default mailer);
- the template: `template` (its Doxie template key, the api name) or `template_id`; `channel` (email, sms, rcs),
  when given, must be the template's;
- `delay_seconds` (required on create): seconds after the trigger, 0 to a year;
- `condition`: null, or `unless_consented` (a reminder that is not sent once the process's consent is confirmed);
- `active` (default true) and `name`.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import node_of_tenant, ok, tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id

FIELDS = """id databaseId name delaySeconds condition active channel createdAt updatedAt tenant { id }
  event { databaseId slug type } template { databaseId apiName name }"""
FIND = f"""query Schedule($slug: String!, $id: ID!) {{ tenant(slug: $slug) {{ id }} node(id: $id) {{ ... on MessagingSchedule {{ {FIELDS} }} }} }}"""
CREATE = f"""
mutation CreateSchedule($input: CreateMessagingScheduleInput!) {{
  createMessagingSchedule(input: $input) {{ messagingSchedule {{ {FIELDS} }} userErrors {{ field message code }} }}
}}"""
UPDATE = f"""
mutation UpdateSchedule($input: UpdateMessagingScheduleInput!) {{
  updateMessagingSchedule(input: $input) {{ messagingSchedule {{ {FIELDS} }} userErrors {{ field message code }} }}
}}"""
DELETE = """mutation DeleteSchedule($input: DeleteInput!) { deleteMessagingSchedule(input: $input) { deletedId userErrors { field message code } } }"""

EVENT_TYPES = ("mailer", "survey", "qr_code", "injector")
CHANNELS = ("email", "sms", "rcs")
CONDITIONS = ("unless_consented",)
# Doxie attribute -> (graph field, the JSON type it must have, how to convert it); None values pass as null.
ATTRIBUTES = {
    "name": ("name", str, None),
    "delay_seconds": ("delaySeconds", int, None),
    "active": ("active", bool, None),
    "event_id": ("eventId", int, lambda v: to_global_id("Event", v)),
    "event_slug": ("eventSlug", str, None),
    "event_type": ("eventType", str, lambda v: _choice(v, EVENT_TYPES, "event_type")),
    "template": ("templateApiName", str, None),
    "template_id": ("templateId", int, lambda v: to_global_id("Template", v)),
    "channel": ("channel", str, lambda v: _choice(v, CHANNELS, "channel")),
    "condition": ("condition", str, lambda v: _choice(v, CONDITIONS, "condition")),
}
IGNORED = ("id", "created_at", "updated_at")  # read-only attributes a client may send back
NOT_NULL = ("delay_seconds", "active", "event_type")


def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value.lower() not in allowed:
        raise Invalid(f"{field} must be one of {', '.join(allowed)}", code="INVALID_VALUE", field=field)
    return value.upper()


def _input(body: object, *, creating: bool) -> dict:
    """`{"shared_messaging_schedule": {...}}` as the graph's input fields."""
    attributes = body.get("shared_messaging_schedule") if isinstance(body, dict) else None
    if not isinstance(attributes, dict):
        raise Invalid("The body needs a shared_messaging_schedule object", code="REQUIRED", field="shared_messaging_schedule")
    unknown = sorted(set(attributes) - set(ATTRIBUTES) - set(IGNORED))
    if unknown:
        raise Invalid(f"Unknown attributes: {', '.join(unknown)}", code="UNKNOWN_ATTRIBUTE", field=unknown[0])
    if creating and attributes.get("delay_seconds") is None:
        raise Invalid("delay_seconds is required: seconds after the trigger", code="REQUIRED", field="delay_seconds")
    fields = {}
    for name, (graph, kind, convert) in ATTRIBUTES.items():
        if name not in attributes:
            continue
        value = attributes[name]
        if value is None and name in NOT_NULL:
            raise Invalid(f"{name} cannot be null", code="REQUIRED", field=name)
        if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
            raise Invalid(f"{name} must be {'an integer' if kind is int else 'a boolean' if kind is bool else 'a string'}", code="INVALID_TYPE", field=name)
        if kind is int and value is not None and not 0 <= value < 2**31:
            raise Invalid(f"{name} is out of range", code="INVALID_VALUE", field=name)
        fields[graph] = convert(value) if convert and value is not None else value
    return fields


async def _schedule(call: Call) -> dict:
    """The schedule in the path, when it belongs to the tenant in the path."""
    return await node_of_tenant(call, FIND, param="id", type_name="MessagingSchedule", what="Messaging schedule", code="SCHEDULE_NOT_FOUND")


async def create_schedule(call: Call) -> JSONResponse:
    fields = _input(await call.json(), creating=True)
    result = (await call.graphql(CREATE, {"input": {"tenantId": await tenant_id(call), **fields}}))["createMessagingSchedule"]
    return ok(shapes.messaging_schedule(result["messagingSchedule"]), "Erfolgreich erstellt")


async def update_schedule(call: Call) -> JSONResponse:
    fields = _input(await call.json(), creating=False)
    schedule = await _schedule(call)
    result = (await call.graphql(UPDATE, {"input": {"id": schedule["id"], **fields}}))["updateMessagingSchedule"]
    return ok(shapes.messaging_schedule(result["messagingSchedule"]), "Erfolgreich editiert")


async def delete_schedule(call: Call) -> JSONResponse:
    schedule = await _schedule(call)
    await call.graphql(DELETE, {"input": {"id": schedule["id"]}})
    return ok(shapes.messaging_schedule(schedule), "Erfolgreich gelöscht")


PATH = "/api/v1/admin/{tenant}/shared/messaging_schedules"
ROUTES = [
    CompatRoute("POST", PATH, create_schedule, Role.WRITE, "Create a messaging schedule"),
    CompatRoute("PATCH", PATH + "/{id}", update_schedule, Role.WRITE, "Update a messaging schedule"),
    CompatRoute("DELETE", PATH + "/{id}", delete_schedule, Role.WRITE, "Delete a messaging schedule"),
]
