"""Especial campaign and workflow blueprints: read-only designs of the platform's library (`domain.blueprints`), shown to
every account through the graph's `campaignBlueprints` / `workflowBlueprints`. A campaign blueprint's id is the library
template's number; a workflow blueprint's id (and each action's) is its key in the library.

No account owns a blueprint: `is_owner==true` (or `is_not_owner==false`) finds none, and every blueprint is shown with
`is_owner: false`. Creating a campaign or a workflow from one copies it into the account (campaigns.py, workflows.py).
"""
from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse, JSONResponse

from app.compat.especial import auth, validation
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import SAMPLE_CONTACT, filters, paging, path_id, run
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role

PART = "parts { language subject html text }"
CAMPAIGN_FIELDS = f"databaseId name description tags defaultLanguage settings createdAt updatedAt {PART}"
LIST_CAMPAIGNS = f"""query EspecialCampaignBlueprints($first: Int!, $offset: Int!, $name: String, $tag: String,
                                                      $orderBy: CampaignBlueprintOrder!, $descending: Boolean!) {{
  campaignBlueprints(first: $first, offset: $offset, name: $name, tag: $tag, orderBy: $orderBy, descending: $descending) {{
    totalCount nodes {{ {CAMPAIGN_FIELDS} }} }} }}"""
GET_CAMPAIGN = f"""query EspecialCampaignBlueprint($id: Int!) {{ campaignBlueprint(databaseId: $id) {{ {CAMPAIGN_FIELDS} }} }}"""
RENDER_CAMPAIGN = """query EspecialRenderCampaignBlueprint($id: Int!, $data: JSON) {
  campaignBlueprint(databaseId: $id) { rendered(data: $data) { html text } } }"""
ACTION_FIELDS = f"externalId position type name delaySeconds condition settings content {{ {CAMPAIGN_FIELDS} }}"
WORKFLOW_FIELDS = f"externalId name options createdAt updatedAt actions {{ {ACTION_FIELDS} }}"
LIST_WORKFLOWS = f"""query EspecialWorkflowBlueprints($first: Int!, $offset: Int!, $orderBy: WorkflowBlueprintOrder!, $descending: Boolean!) {{
  workflowBlueprints(first: $first, offset: $offset, orderBy: $orderBy, descending: $descending) {{ totalCount nodes {{ {WORKFLOW_FIELDS} }} }} }}"""
GET_WORKFLOW = f"""query EspecialWorkflowBlueprint($id: String!) {{ workflowBlueprint(externalId: $id) {{ {WORKFLOW_FIELDS} }} }}"""
CAMPAIGN_SORTS = {"id": "ID", "created_on": "CREATED_AT", "updated_on": "UPDATED_AT", "name": "NAME"}
WORKFLOW_SORTS = {"name": "NAME", "description": "DESCRIPTION", "goal": "GOAL", "created_on": "CREATED_AT", "updated_on": "UPDATED_AT"}
ACTION_SORTS = ("name", "created_on")
DEFAULT_TRACKING = {"opens": True, "clicks_html": True, "clicks_text": True}


def _sort(call: Call, terms, default: str | None) -> tuple[str | None, bool]:
    """`[-|+]term` of the route's terms: (term, descending)."""
    raw = (call.query.get("sort") or "").strip() or default
    if raw is None:
        return None, False
    term = raw.lstrip("+-")
    if term not in terms or len(raw) - len(term) > 1:
        raise Invalid(f"Invalid sort {raw!r}: valid terms are {', '.join(terms)}, with - or + before them", code="INVALID_SORT", field="sort")
    return term, raw.startswith("-")


def _part(blueprint: dict) -> dict:
    parts = blueprint.get("parts") or []
    return next((p for p in parts if p["language"] == blueprint["defaultLanguage"]), parts[0] if parts else {})


def campaign_summary(blueprint: dict) -> dict:
    settings = blueprint["settings"] or {}
    return shapes.compact({
        "id": blueprint["databaseId"], "name": blueprint["name"], "description": blueprint["description"],
        "created_on": shapes.unix(blueprint["createdAt"]), "updated_on": shapes.unix(blueprint["updatedAt"]), "tags": blueprint["tags"],
        "thumbnail_url": settings.get("thumbnail_url"),
    })


def content(blueprint: dict) -> dict:
    """Its content as Especial shows a template's: the default part, and the editor's `type` / `json`."""
    part, meta = _part(blueprint), (blueprint["settings"] or {}).get("content") or {}
    return shapes.compact({"type": meta.get("type") or ("html" if part.get("html") else "text"), "subject": part.get("subject"),
                           "html": part.get("html"), "text": part.get("text"), "json": meta.get("json")})


def campaign_full(blueprint: dict) -> dict:
    return {**campaign_summary(blueprint), "is_owner": False, "sharing": {"shared": True}, "content": content(blueprint)}


def workflow_shape(blueprint: dict) -> dict:
    options = blueprint["options"] or {}
    return shapes.compact({
        "id": blueprint["externalId"], "name": blueprint["name"], "description": options.get("description"), "goal": options.get("goal") or "",
        "trigger": options.get("trigger", "subscribed"), "created_on": shapes.unix(blueprint["createdAt"]),
        "updated_on": shapes.unix(blueprint["updatedAt"]),
    })


def action_summary(action: dict, workflow: dict) -> dict:
    settings = action["settings"] or {}
    return shapes.compact({
        "id": action["externalId"], "name": action["name"] or "", "parent_id": settings.get("parent_id"), "condition": action["condition"] or "none",
        "delay": action["delaySeconds"], "type": "email", "created_on": shapes.unix(workflow["createdAt"]),
        "updated_on": shapes.unix(workflow["updatedAt"]), "thumbnail_url": ((action["content"] or {}).get("settings") or {}).get("thumbnail_url", ""),
    })


def action_full(action: dict, workflow: dict) -> dict:
    summary = {k: v for k, v in action_summary(action, workflow).items() if k != "thumbnail_url"}
    body = content(action["content"]) if action["content"] else {"type": "html"}
    return {**summary, "email_settings": {"tracking": dict(DEFAULT_TRACKING), "content": body}}


# --- lookups, shared with campaigns.py and workflows.py -------------------------------------------------------

async def campaign_blueprint(call: Call, blueprint_id: int, *, field: str = "blueprint_id") -> dict:
    found = (await call.graphql(GET_CAMPAIGN, {"id": blueprint_id}))["campaignBlueprint"]
    if found is None:
        raise NotFound(f"Campaign blueprint {blueprint_id} not found", code="NOT_FOUND", field=field)
    return found


async def workflow_blueprint(call: Call, blueprint_id: str, *, field: str = "blueprint_id") -> dict:
    found = (await call.graphql(GET_WORKFLOW, {"id": blueprint_id}))["workflowBlueprint"]
    if found is None:
        raise NotFound(f"Workflow blueprint {blueprint_id} not found", code="NOT_FOUND", field=field)
    return found


# --- campaign blueprints ------------------------------------------------------------------------------------

async def list_campaign_blueprints(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    terms = filters(call, {"tag", "name", "is_owner", "is_not_owner"})
    term, descending = _sort(call, CAMPAIGN_SORTS, "id")
    await auth.account(call)
    owned = validation.boolean(terms.get("is_owner"), name="filter", default=False) or not validation.boolean(
        terms.get("is_not_owner"), name="filter", default=True)
    variables = {"first": 0 if owned else per_page, "offset": (page - 1) * per_page, "name": terms.get("name"), "tag": terms.get("tag"),
                 "orderBy": CAMPAIGN_SORTS[term], "descending": descending}
    found = (await call.graphql(LIST_CAMPAIGNS, variables))["campaignBlueprints"]
    if owned:  # no account owns a library blueprint
        found = {"totalCount": 0, "nodes": []}
    return JSONResponse({"pagination": shapes.pagination(page, per_page, found, with_count), "data": [campaign_summary(b) for b in found["nodes"]]})


async def get_campaign_blueprint(call: Call) -> JSONResponse:
    await auth.account(call)
    return JSONResponse({"data": campaign_full(await campaign_blueprint(call, path_id(call, "blueprint_id")))})


async def render_campaign_blueprint(call: Call) -> HTMLResponse:
    """Its HTML (its text when it has no HTML) rendered with a sample contact, as GET /templates/{id}/render."""
    await auth.account(call)
    blueprint_id = path_id(call, "blueprint_id")
    found = (await run(call, RENDER_CAMPAIGN, {"id": blueprint_id, "data": SAMPLE_CONTACT}))["campaignBlueprint"]
    if found is None:
        raise NotFound(f"Campaign blueprint {blueprint_id} not found", code="NOT_FOUND", field="blueprint_id")
    rendered = found["rendered"]
    if rendered["html"] is not None:
        return HTMLResponse(rendered["html"])
    return HTMLResponse(f"<pre>{escape(rendered['text'] or '')}</pre>")


# --- workflow blueprints ------------------------------------------------------------------------------------

async def list_workflow_blueprints(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    term, descending = _sort(call, WORKFLOW_SORTS, None)
    await auth.account(call)
    variables = {"first": per_page, "offset": (page - 1) * per_page, "orderBy": WORKFLOW_SORTS[term] if term else "ID", "descending": descending}
    found = (await call.graphql(LIST_WORKFLOWS, variables))["workflowBlueprints"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, found, with_count), "data": [workflow_shape(b) for b in found["nodes"]]})


async def get_workflow_blueprint(call: Call) -> JSONResponse:
    await auth.account(call)
    return JSONResponse({"data": workflow_shape(await workflow_blueprint(call, call.params["blueprint_id"]))})


async def list_action_blueprints(call: Call) -> JSONResponse:
    """Its actions in their order (`sort=name` / `-name` by name; `created_on`: they are made with their workflow)."""
    page, per_page, with_count = paging(call)
    term, descending = _sort(call, ACTION_SORTS, None)
    await auth.account(call)
    workflow = await workflow_blueprint(call, call.params["blueprint_id"])
    actions = list(workflow["actions"])
    if term == "name":
        actions.sort(key=lambda a: (a["name"] or "", a["position"]))
    if descending:
        actions.reverse()
    found = {"totalCount": len(actions)}
    return JSONResponse({"pagination": shapes.pagination(page, per_page, found, with_count),
                         "data": [action_summary(a, workflow) for a in actions[(page - 1) * per_page: page * per_page]]})


async def get_action_blueprint(call: Call) -> JSONResponse:
    await auth.account(call)
    workflow = await workflow_blueprint(call, call.params["blueprint_id"])
    action = next((a for a in workflow["actions"] if a["externalId"] == call.params["action_id"]), None)
    if action is None:
        raise NotFound(f"Action {call.params['action_id']} not found", code="NOT_FOUND", field="action_id")
    return JSONResponse({"data": action_full(action, workflow)})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/campaign-blueprints", list_campaign_blueprints, Role.READ, "Show all campaign blueprints"),
    CompatRoute("GET", "/campaign-blueprints/{blueprint_id}", get_campaign_blueprint, Role.READ, "Get a campaign blueprint"),
    CompatRoute("GET", "/campaign-blueprints/{blueprint_id}/render", render_campaign_blueprint, Role.READ, "Render campaign blueprint"),
    CompatRoute("GET", "/workflow-blueprints", list_workflow_blueprints, Role.READ, "Show all workflow blueprints"),
    CompatRoute("GET", "/workflow-blueprints/{blueprint_id}", get_workflow_blueprint, Role.READ, "Show a workflow blueprint"),
    CompatRoute("GET", "/workflow-blueprints/{blueprint_id}/actions", list_action_blueprints, Role.READ, "Show workflow blueprint actions"),
    CompatRoute("GET", "/workflow-blueprints/{blueprint_id}/actions/{action_id}", get_action_blueprint, Role.READ, "Show a workflow blueprint action"),
]
