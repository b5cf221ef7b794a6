"""Contactflow automations: campaigns of kind AUTOMATION, known by their UUID (`Campaign.externalId`).

A status change is one or two campaign operations: RUNNING launches (or resumes a PAUSED one),
PAUSED suspends, COMMITTED launches at `startDate`, DRAFT unschedules (or unarchives), ARCHIVED
cancels a live automation and archives it, TO_DELETE deletes it.
"""
from __future__ import annotations

from starlette.responses import JSONResponse, Response

from app.compat.contactflow import inputs, shapes
from app.compat.contactflow.auth import node_of, node_uuid
from app.compat.contactflow.shapes import AUTOMATION_FIELDS
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, InvalidTransition, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

AUTOMATIONS = f"""query Automations($node: UUID!, $first: Int!, $offset: Int!, $statuses: [CampaignStatus!], $filter: CampaignFilter, $full: Boolean!) {{
  tenant(uuid: $node) {{ id timezone campaigns(kinds: [AUTOMATION], statuses: $statuses, filter: $filter, first: $first, offset: $offset) {{
    totalCount nodes {{ {AUTOMATION_FIELDS} }} }} }} }}"""
AUTOMATION = f"""query Automation($node: UUID!, $uuid: String!, $full: Boolean!) {{
  tenant(uuid: $node) {{ id timezone campaign(externalId: $uuid, kind: AUTOMATION) {{ {AUTOMATION_FIELDS} }} }} }}"""
AUTHOR = """query Author($node: UUID!) { viewer { subject } tenant(uuid: $node) { id } }"""
PAYLOAD = "campaign { id externalId status } userErrors { field message code }"
CREATE = f"mutation CreateAutomation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ {PAYLOAD} }} }}"
UPDATE = f"mutation UpdateAutomation($input: UpdateCampaignInput!) {{ updateCampaign(input: $input) {{ {PAYLOAD} }} }}"
DELETE = """mutation DeleteAutomation($input: DeleteInput!) { deleteCampaign(input: $input) { deletedId userErrors { field message code } } }"""
OPERATIONS = {
    name: f"mutation {name.title()}Automation($id: ID!{', $at: DateTime' if name == 'launch' else ''}) {{ {name}Campaign(input: {{campaignId: $id{', at: $at' if name == 'launch' else ''}}}) {{ {PAYLOAD} }} }}"
    for name in ("launch", "resume", "suspend", "cancel", "archive", "unarchive", "unschedule")
}
CREATE_STATUSES = ("DRAFT", "COMMITTED", "RUNNING")
LIVE = ("RUNNING", "SCHEDULED", "SUSPENDED")


def _status_operations(current: str, target: str) -> list[str]:
    """The campaign operations that take an automation from `current` (a campaign status) to `target` (Contactflow's)."""
    if target == "RUNNING":
        return [] if current == "RUNNING" else ["resume"] if current == "SUSPENDED" else ["launch"]
    if target == "PAUSED":
        return [] if current == "SUSPENDED" else ["suspend"]
    if target == "COMMITTED":
        return [] if current == "SCHEDULED" else ["launch_at"]
    if target == "DRAFT":
        if current in ("DRAFT", "SCHEDULED", "ARCHIVED"):
            return {"DRAFT": [], "SCHEDULED": ["unschedule"], "ARCHIVED": ["unarchive"]}[current]
        raise InvalidTransition(f"A {shapes.STATUS_OUT[current]} automation cannot go back to DRAFT", code="INVALID_TRANSITION", field="status")
    if target in ("ARCHIVED", "TO_ARCHIVE"):
        return [] if current == "ARCHIVED" else ["cancel", "archive"] if current in LIVE else ["archive"]
    return []


async def _change_status(call: Call, campaign: dict, target: str | None, start_at: str | None) -> None:
    for operation in _status_operations(campaign["status"], target) if target else []:
        variables = {"id": campaign["id"]}
        if operation == "launch_at":
            operation, variables["at"] = "launch", start_at
        await call.graphql(OPERATIONS[operation], variables)


async def _automation(call: Call, *, full: bool = True, uuid: str | None = None) -> tuple[dict, dict]:
    """(the node's tenant, the automation in the path or `uuid`); a missing automation is a 404."""
    uuid = uuid or call.params["automationUuid"]
    data = await call.graphql(AUTOMATION, {"node": node_uuid(call), "uuid": uuid, "full": full})
    tenant = node_of(data)
    if tenant["campaign"] is None:
        raise NotFound(f"Automation {uuid} not found", code="AUTOMATION_NOT_FOUND", field="automationUuid")
    return tenant, tenant["campaign"]


async def _render(call: Call, *, uuid: str | None = None, status_code: int = 200) -> JSONResponse:
    tenant, campaign = await _automation(call, uuid=uuid)
    return JSONResponse(shapes.automation(campaign, timezone=tenant["timezone"]), status_code=status_code)


def _filter(call: Call) -> dict:
    query = call.query
    if query.get("endDateBefore") or query.get("endDateAfter"):
        raise Invalid("Filtering by endDate is not supported", code="FILTER_UNSUPPORTED", field="endDateBefore")
    return {
        "nameContains": query.get("name") or None, "descriptionContains": query.get("description") or None,
        "categories": inputs.query_list(call, "category") or None, "stepType": query.get("stepType") or None,
        "createdAfter": inputs.date_time(query.get("createdAfter"), field="createdAfter"),
        "createdBefore": inputs.date_time(query.get("createdBefore"), field="createdBefore"),
        "scheduledAfter": inputs.date_time(query.get("startDateAfter"), field="startDateAfter"),
        "scheduledBefore": inputs.date_time(query.get("startDateBefore"), field="startDateBefore"),
        "optionsTrue": ["hasTrigger"] if query.get("hasTrigger", "").lower() == "true" else None,
    }


async def list_automations(call: Call) -> JSONResponse:
    page, size = inputs.paging(call)
    compact = call.query.get("style") == "compact"
    variables = {"node": node_uuid(call), "first": size, "offset": page * size, "full": not compact,
                 "statuses": inputs.statuses_in(inputs.query_list(call, "status")), "filter": _filter(call)}
    tenant = node_of(await call.graphql(AUTOMATIONS, variables))
    found = tenant["campaigns"]
    elements = [shapes.automation(c, timezone=tenant["timezone"], compact=compact) for c in found["nodes"]]
    return JSONResponse(shapes.page(elements, number=page, size=size, total=found["totalCount"]))


async def get_automation(call: Call) -> JSONResponse:
    compact = call.query.get("style") == "compact"
    tenant, campaign = await _automation(call, full=not compact)
    return JSONResponse(shapes.automation(campaign, timezone=tenant["timezone"], compact=compact))


async def create_automation(call: Call) -> JSONResponse:
    body = await inputs.body_object(call)
    target = inputs.target_status(body) or "DRAFT"
    if target not in CREATE_STATUSES:
        raise Invalid(f"A new automation is {', '.join(CREATE_STATUSES)}, not {target}", code="INVALID_STATUS", field="status")
    data = await call.graphql(AUTHOR, {"node": node_uuid(call)})
    tenant = node_of(data)
    options = inputs.automation_options(body)
    options.setdefault("createdBy", data["viewer"]["subject"])
    options.setdefault("author", options["createdBy"])
    variables = {"input": {
        "tenantId": tenant["id"], "kind": "AUTOMATION", "name": inputs.text(body, "name", required=True),
        "externalId": inputs.uuid_text(body, "uuid"), "options": options, "steps": inputs.steps(body) or [],
    }}
    campaign = (await call.graphql(CREATE, variables))["createCampaign"]["campaign"]
    await _change_status(call, campaign, target, options.get("startDate"))
    return await _render(call, uuid=campaign["externalId"], status_code=201)


def _current_steps(campaign: dict) -> list[dict]:
    return [{"externalId": s["externalId"], "type": s["type"], "name": s["name"], "settings": s["settings"],
             "templateId": to_global_id("Template", s["templateId"]) if s["templateId"] is not None else None} for s in campaign["steps"]]


async def _update(call: Call, body: dict) -> Response:
    target = inputs.target_status(body)
    _, campaign = await _automation(call)
    if target == "TO_DELETE":
        await call.graphql(DELETE, {"input": {"id": campaign["id"]}})
        return Response(status_code=204)
    changes = {}
    if body.get("name") is not None and inputs.text(body, "name") != campaign["name"]:
        changes["name"] = body["name"]
    options = inputs.automation_options(body, current=campaign["options"])
    if options != campaign["options"]:
        changes["options"] = options
    steps = inputs.steps(body)
    if steps is not None and steps != _current_steps(campaign):
        changes["steps"] = steps
    start_at = options.get("startDate")
    if target in ("PAUSED", "DRAFT"):  # stop first: a paused or draft automation can be edited
        await _change_status(call, campaign, target, start_at)
    if changes:
        await call.graphql(UPDATE, {"input": {"id": campaign["id"], **changes}})
    if target not in ("PAUSED", "DRAFT"):
        await _change_status(call, campaign, target, start_at)
    return await _render(call)


async def replace_automation(call: Call) -> Response:
    return await _update(call, await inputs.body_object(call))


async def patch_automation(call: Call) -> Response:
    body = await inputs.body_object(call)
    return await _update(call, {name: body[name] for name in ("name", "status") if name in body})


async def delete_automation(call: Call) -> Response:
    _, campaign = await _automation(call, full=False)
    await call.graphql(DELETE, {"input": {"id": campaign["id"]}})
    return Response(status_code=204)


ROUTES = [
    CompatRoute("GET", "/automations", list_automations, Role.READ, "Get all automations"),
    CompatRoute("POST", "/automations", create_automation, Role.WRITE, "Create an automation"),
    CompatRoute("GET", "/automations/{automationUuid}", get_automation, Role.READ, "Get an automation"),
    CompatRoute("PUT", "/automations/{automationUuid}", replace_automation, Role.WRITE, "Update an automation"),
    CompatRoute("PATCH", "/automations/{automationUuid}", patch_automation, Role.WRITE, "Update an automation status and name"),
    CompatRoute("DELETE", "/automations/{automationUuid}", delete_automation, Role.WRITE, "Delete an automation"),
]
