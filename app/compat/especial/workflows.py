"""Especial workflows and their actions: a workflow is a `Campaign` of kind WORKFLOW, an action one of its `CampaignStep`s.

The workflow's `goal`, `description` and `trigger` live in `Campaign.options`; its audience is the campaign's list
(and segment). activate = launchCampaign (resumeCampaign when suspended), deactivate = suspendCampaign; lock /
unlock = lockCampaign / unlockCampaign, and `lock_key` goes with every edit (updateCampaign refuses a workflow
another key holds: CAMPAIGN_LOCKED). While active, a `subscribed` workflow enrolls each new subscriber of its list
and its email actions are sent to it (domain.campaigns.enrollment).

An email action is a `send_email` step: its id is the step's `externalId`, `delay` its `delaySeconds`; its inline
content is a template of its own (`settings.campaign_content`, out of the template library), or a library template
named by `content.template.id`; `parent_id`, tracking, the sender and the content's meta live in the step's settings.
"""
from __future__ import annotations

import copy

from starlette.responses import JSONResponse, Response

from app.compat.especial import auth, blueprints, validation
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import (
    CREATE_TEMPLATE, DELETE_TEMPLATE, LANGUAGE, RENDER_TEMPLATE, SAMPLE_CONTACT, SEND_MESSAGE, TEMPLATE_FIELDS, UPDATE_TEMPLATE,
    check_sort, json_body, library_template, owned, paging, part_input, part_of, path_id, run, sender_of,
)
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

STEP_FIELDS = "position externalId type name delaySeconds condition templateId settings"
WORKFLOW_FIELDS = f"""id databaseId name kind status options launchedAt createdAt updatedAt tenant {{ id }}
  list {{ databaseId }} segment {{ databaseId }} steps {{ {STEP_FIELDS} }}"""
GET_WORKFLOW = f"""query EspecialWorkflow($id: ID!) {{ node(id: $id) {{ ... on Campaign {{ {WORKFLOW_FIELDS} }} }} }}"""
LIST_WORKFLOWS = f"""query EspecialWorkflows($account: ID!, $first: Int!, $offset: Int!) {{
  node(id: $account) {{ ... on Tenant {{ campaigns(first: $first, offset: $offset, kinds: [WORKFLOW]) {{ totalCount nodes {{ {WORKFLOW_FIELDS} }} }} }} }} }}"""
CREATE_WORKFLOW = f"""mutation EspecialCreateWorkflow($input: CreateCampaignInput!) {{
  createCampaign(input: $input) {{ campaign {{ {WORKFLOW_FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE_WORKFLOW = f"""mutation EspecialUpdateWorkflow($input: UpdateCampaignInput!) {{
  updateCampaign(input: $input) {{ campaign {{ {WORKFLOW_FIELDS} }} userErrors {{ field message code }} }} }}"""
DELETE_WORKFLOW = """mutation EspecialDeleteWorkflow($input: DeleteInput!) { deleteCampaign(input: $input) { deletedId userErrors { field message code } } }"""
MOVE = """mutation EspecialWorkflow{name}($input: {type}!) {{ {field}(input: $input) {{ campaign {{ status }} userErrors {{ field message code }} }} }}"""
MOVES = {name: MOVE.format(name=name, type=f"{name}CampaignInput", field=f"{name.lower()}Campaign") for name in ("Launch", "Resume", "Suspend")}
LOCK = """mutation EspecialWorkflow{name}($input: {name}CampaignInput!) {{
  {field}Campaign(input: $input) {{ locked expiresIn userErrors {{ field message code }} }} }}"""
LOCKS = {"lock": LOCK.format(name="Lock", field="lock"), "unlock": LOCK.format(name="Unlock", field="unlock")}
GET_TEMPLATE = f"""query EspecialActionTemplate($id: ID!) {{ node(id: $id) {{ ... on Template {{ id {TEMPLATE_FIELDS} }} }} }}"""
FIELD_NAMES = {"listId": "audience.list_id", "segmentId": "audience.segment_id", "name": "name", "lockKey": "lock_key", "key": "key",
               "steps": "email_settings", "parts.0.subject": "email_settings.content.subject", "parts.0.html": "email_settings.content.html",
               "parts.0.text": "email_settings.content.text", "parts": "email_settings.content", "templateId": "email_settings.content",
               "contactId": "contact_id", "to": "email"}
DEFAULT_TRACKING = {"opens": True, "clicks_html": True, "clicks_text": True}
BODY_KEYS = ("subject", "html", "text")
META_KEYS = ("type", "json", "encoding")
STEP_TYPES = {"email": "send_email"}
ACTION_TYPES = {v: k for k, v in STEP_TYPES.items()}


# --- shapes ---------------------------------------------------------------------------------------------

def workflow_shape(campaign: dict) -> dict:
    options = campaign["options"] or {}
    audience = shapes.compact({"list_id": (campaign["list"] or {}).get("databaseId"), "segment_id": (campaign["segment"] or {}).get("databaseId")})
    return shapes.compact({
        "id": str(campaign["databaseId"]), "name": campaign["name"], "description": options.get("description"), "goal": options.get("goal"),
        "status": "active" if campaign["status"] == "RUNNING" else "inactive", "trigger": options.get("trigger", "subscribed"),
        "audience": audience or None, "created_on": shapes.unix(campaign["createdAt"]), "updated_on": shapes.unix(campaign["updatedAt"]),
        "activated_on": shapes.unix(campaign["launchedAt"]),
    })


def action_summary(step: dict) -> dict:
    settings = step["settings"] or {}
    return shapes.compact({
        "id": step["externalId"], "name": step["name"], "parent_id": settings.get("parent_id"), "condition": step["condition"] or "none",
        "delay": step["delaySeconds"], "type": ACTION_TYPES.get(step["type"], "email"), "created_on": settings.get("created_on"),
        "updated_on": settings.get("updated_on"), "thumbnail_url": settings.get("thumbnail_url", ""),
    })


def action_full(step: dict, template: dict | None) -> dict:
    settings = step["settings"] or {}
    content = dict(settings.get("content") or {})
    if template is not None and (template["settings"] or {}).get("campaign_content"):
        part = part_of(template)
        content.update({k: part.get(k) for k in BODY_KEYS if part.get(k)})
    elif template is not None:
        content["template"] = {"id": template["databaseId"]}
    email = shapes.compact({"tracking": settings.get("tracking") or dict(DEFAULT_TRACKING), "content": content,
                            "sender": settings.get("sender")})
    return {**action_summary(step), "email_settings": email}


# --- lookups --------------------------------------------------------------------------------------------

async def workflow_of(call: Call, account: str) -> dict:
    """The `{workflow_id}` of the path: a workflow of the account acted on, else not found."""
    workflow_id = path_id(call, "workflow_id")
    node = (await call.graphql(GET_WORKFLOW, {"id": to_global_id("Campaign", workflow_id)}))["node"]
    if node and node["kind"] != "WORKFLOW":
        node = None
    return owned(node, account, "Workflow", workflow_id, "workflow_id")


def action_of(call: Call, workflow: dict) -> dict:
    action_id = call.params["action_id"]
    step = next((s for s in workflow["steps"] if s["externalId"] == action_id), None)
    if step is None:
        raise NotFound(f"Action {action_id} not found", code="NOT_FOUND", field="action_id")
    return step


async def _template(call: Call, step: dict) -> dict | None:
    if step["templateId"] is None:
        return None
    return (await call.graphql(GET_TEMPLATE, {"id": to_global_id("Template", step["templateId"])}))["node"]


def _lock_key(call: Call) -> str | None:
    key = call.query.get("lock_key")
    if key is not None:
        validation.body({"key": key}, "LockWorkflow")  # the contract's pattern for a key
    return key


def _step_input(step: dict) -> dict:
    return {"externalId": step["externalId"], "type": step["type"], "name": step["name"], "delaySeconds": step["delaySeconds"],
            "condition": step["condition"], "settings": step["settings"],
            "templateId": to_global_id("Template", step["templateId"]) if step["templateId"] is not None else None}


async def _save_steps(call: Call, workflow: dict, steps: list[dict]) -> dict:
    variables = {"input": {"id": workflow["id"], "steps": steps, "lockKey": _lock_key(call)}}
    return (await run(call, UPDATE_WORKFLOW, variables, FIELD_NAMES))["updateCampaign"]["campaign"]


async def _discard(call: Call, template: dict | None) -> None:
    if template and (template["settings"] or {}).get("campaign_content"):
        await call.graphql(DELETE_TEMPLATE, {"input": {"id": template["id"]}})


# --- workflows ------------------------------------------------------------------------------------------

def _workflow_fields(payload: dict, options: dict) -> dict:
    for name in ("goal", "description", "trigger"):
        if name in payload:
            options[name] = payload[name]
    fields: dict = {"options": options}
    if "name" in payload:
        fields["name"] = payload["name"]
    audience = payload.get("audience") or {}
    if "list_id" in audience:
        fields["listId"] = to_global_id("ContactList", audience["list_id"])
    if "segment_id" in audience:
        fields["segmentId"] = to_global_id("Segment", audience["segment_id"])
    return fields


async def list_workflows(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    check_sort(call, {"created_on"})
    variables = {"account": await auth.account(call), "first": per_page, "offset": (page - 1) * per_page}
    found = (await call.graphql(LIST_WORKFLOWS, variables))["node"]["campaigns"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, found, with_count), "data": [workflow_shape(c) for c in found["nodes"]]})


async def _from_blueprint(call: Call, account: str, chosen: dict, payload: dict) -> tuple[dict, list[dict], list[str]]:
    """A workflow blueprint copied for the account: the body with the blueprint's name, goal, description and trigger
    where the body has none; its actions as steps, each sending a copy of the blueprint's content (the templates made)
    from `email_settings.sender`."""
    blueprint = await blueprints.workflow_blueprint(call, chosen["id"], field="blueprint.id")
    sender = (chosen.get("email_settings") or {}).get("sender")
    if sender is not None:
        await sender_of(call, account, sender)  # the account's own sender, else not found
    options = blueprint["options"] or {}
    payload = {"name": blueprint["name"], **{k: options[k] for k in ("goal", "description", "trigger") if options.get(k)}, **payload}
    steps, made = [], []
    try:
        for action in blueprint["actions"]:
            template_id = None
            if action["content"]:
                part = {**part_input(part_of(action["content"])), "headers": None}
                variables = {"input": {"tenantId": account, "name": action["name"] or blueprint["name"], "channel": "EMAIL", "parts": [part],
                                       "settings": {"campaign_content": True}}}
                template_id = (await run(call, CREATE_TEMPLATE, variables, FIELD_NAMES))["createTemplate"]["template"]["id"]
                made.append(template_id)
            settings = {**(action["settings"] or {}), "tracking": dict(DEFAULT_TRACKING), **({"sender": {"id": sender["id"]}} if sender else {})}
            steps.append({"externalId": action["externalId"], "type": action["type"], "name": action["name"], "delaySeconds": action["delaySeconds"],
                          "condition": action["condition"], "settings": settings, "templateId": template_id})
    except DomainError:
        await _discard_all(call, made)
        raise
    return payload, steps, made


async def _discard_all(call: Call, template_ids: list[str]) -> None:
    for template_id in template_ids:
        await call.graphql(DELETE_TEMPLATE, {"input": {"id": template_id}})


async def create_workflow(call: Call) -> JSONResponse:
    """A workflow; with `blueprint`, a copy of that workflow blueprint (its actions and their content) for this account."""
    payload = await json_body(call, "Workflow")
    account = await auth.account(call)
    steps, made = [], []
    if "blueprint" in payload:
        payload, steps, made = await _from_blueprint(call, account, payload.pop("blueprint"), payload)
    fields = _workflow_fields({"trigger": "subscribed", **payload}, {})
    variables = {"input": {"tenantId": account, "kind": "WORKFLOW", "name": fields.pop("name", ""), **fields, **({"steps": steps} if steps else {})}}
    try:
        campaign = (await run(call, CREATE_WORKFLOW, variables, FIELD_NAMES))["createCampaign"]["campaign"]
    except DomainError:
        await _discard_all(call, made)
        raise
    return JSONResponse(shapes.done("workflow", str(campaign["databaseId"]), "created", data=workflow_shape(campaign)), status_code=201)


async def get_workflow(call: Call) -> JSONResponse:
    return JSONResponse({"data": workflow_shape(await workflow_of(call, await auth.account(call)))})


async def patch_workflow(call: Call) -> JSONResponse:
    payload = await json_body(call, "PatchWorkflow")
    if "blueprint" in payload:
        raise Invalid("A workflow's blueprint is copied when the workflow is created; it cannot be changed", code="BLUEPRINT_UNSUPPORTED",
                      field="blueprint")
    workflow = await workflow_of(call, await auth.account(call))
    fields = _workflow_fields(payload, copy.deepcopy(workflow["options"] or {}))
    variables = {"input": {"id": workflow["id"], "lockKey": _lock_key(call), **fields}}
    campaign = (await run(call, UPDATE_WORKFLOW, variables, FIELD_NAMES))["updateCampaign"]["campaign"]
    return JSONResponse(shapes.done("workflow", str(campaign["databaseId"]), "patched", data=workflow_shape(campaign)))


async def delete_workflow(call: Call) -> JSONResponse:
    workflow = await workflow_of(call, await auth.account(call))
    templates = [await _template(call, step) for step in workflow["steps"]]
    await run(call, DELETE_WORKFLOW, {"input": {"id": workflow["id"]}}, FIELD_NAMES)
    for template in templates:
        await _discard(call, template)  # the actions' own content goes with it
    return JSONResponse(shapes.done("workflow", str(workflow["databaseId"]), "deleted", data=workflow_shape(workflow)))


async def activate_workflow(call: Call) -> JSONResponse:
    workflow = await workflow_of(call, await auth.account(call))
    move = "Resume" if workflow["status"] == "SUSPENDED" else "Launch"
    await run(call, MOVES[move], {"input": {"campaignId": workflow["id"]}}, FIELD_NAMES)
    return JSONResponse({"id": str(workflow["databaseId"]), "object": "workflow", "activated": True})


async def deactivate_workflow(call: Call) -> JSONResponse:
    workflow = await workflow_of(call, await auth.account(call))
    await run(call, MOVES["Suspend"], {"input": {"campaignId": workflow["id"]}}, FIELD_NAMES)
    return JSONResponse({"id": str(workflow["databaseId"]), "object": "workflow", "deactivated": True})


def _lock(name: str):
    async def handle(call: Call) -> JSONResponse:
        payload = await json_body(call, "LockWorkflow" if name == "lock" else "UnlockWorkflow")
        workflow = await workflow_of(call, await auth.account(call))
        done = (await run(call, LOCKS[name], {"input": {"campaignId": workflow["id"], "key": payload["key"]}}, FIELD_NAMES))[f"{name}Campaign"]
        return JSONResponse({"object": "workflow", "locked": done["locked"], "expires_in": done["expiresIn"]})

    return handle


# --- actions --------------------------------------------------------------------------------------------

async def _action_content(call: Call, account: str, name: str, current: dict | None, content: dict) -> tuple[str | None, bool]:
    """The template an action sends: (its global id, whether it was made now); None when unchanged."""
    if "template" in content:
        await library_template(call, account, content["template"]["id"], field="email_settings.content.template.id")
        return to_global_id("Template", content["template"]["id"]), False
    body = {k: content[k] for k in BODY_KEYS if k in content}
    if not body:
        return None, False
    if current and (current["settings"] or {}).get("campaign_content"):
        shown = part_of(current)
        parts = [part_input({**p, **body}) if p is shown else part_input(p) for p in current["parts"]]
        await run(call, UPDATE_TEMPLATE, {"input": {"id": current["id"], "parts": parts}}, FIELD_NAMES)
        return None, False
    part = {**part_input({}), "language": LANGUAGE, **body}
    variables = {"input": {"tenantId": account, "name": name, "channel": "EMAIL", "parts": [part], "settings": {"campaign_content": True}}}
    created = (await run(call, CREATE_TEMPLATE, variables, FIELD_NAMES))["createTemplate"]["template"]
    return created["id"], True


async def _action_settings(call: Call, account: str, payload: dict, settings: dict) -> dict:
    email = payload.get("email_settings") or {}
    if "parent_id" in payload:
        settings["parent_id"] = payload["parent_id"]
    if "sender" in email:
        await sender_of(call, account, email["sender"])  # the account's own sender, else not found
        settings["sender"] = {"id": email["sender"]["id"]}
    settings["tracking"] = {**(settings.get("tracking") or DEFAULT_TRACKING), **(email.get("tracking") or {})}
    meta = {k: v for k, v in (email.get("content") or {}).items() if k in META_KEYS}
    settings["content"] = {**(settings.get("content") or {"type": "html"}), **meta}
    return settings


async def list_actions(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    check_sort(call, {"created_on"})
    steps = (await workflow_of(call, await auth.account(call)))["steps"]
    found = {"totalCount": len(steps)}
    return JSONResponse({"pagination": shapes.pagination(page, per_page, found, with_count),
                         "data": [action_summary(s) for s in steps[(page - 1) * per_page: page * per_page]]})


async def create_action(call: Call) -> JSONResponse:
    payload = await json_body(call, "Action")
    account = await auth.account(call)
    workflow = await workflow_of(call, account)
    if payload.get("parent_id") is not None:
        action_of_id(workflow, payload["parent_id"], field="parent_id")
    settings = await _action_settings(call, account, payload, {})
    template_id, made = await _action_content(call, account, payload["name"], None, (payload.get("email_settings") or {}).get("content") or {})
    step = {"type": STEP_TYPES[payload["type"]], "name": payload["name"], "delaySeconds": payload["delay"], "condition": payload["condition"],
            "settings": settings, "templateId": template_id}
    try:
        saved = await _save_steps(call, workflow, [*map(_step_input, workflow["steps"]), step])
    except DomainError:
        if made:
            await call.graphql(DELETE_TEMPLATE, {"input": {"id": template_id}})
        raise
    created = saved["steps"][-1]
    return JSONResponse(shapes.done("action", created["externalId"], "created", data=action_full(created, await _template(call, created))), status_code=201)


def action_of_id(workflow: dict, action_id: str, *, field: str) -> dict:
    step = next((s for s in workflow["steps"] if s["externalId"] == action_id), None)
    if step is None:
        raise NotFound(f"Action {action_id} not found", code="NOT_FOUND", field=field)
    return step


async def get_action(call: Call) -> JSONResponse:
    step = action_of(call, await workflow_of(call, await auth.account(call)))
    return JSONResponse({"data": action_full(step, await _template(call, step))})


async def patch_action(call: Call) -> JSONResponse:
    payload = await json_body(call, "PatchAction")
    account = await auth.account(call)
    workflow = await workflow_of(call, account)
    step = action_of(call, workflow)
    if payload.get("parent_id") is not None:
        action_of_id(workflow, payload["parent_id"], field="parent_id")
    changed = {**_step_input(step), "settings": await _action_settings(call, account, payload, copy.deepcopy(step["settings"] or {}))}
    for name, graph_name in (("name", "name"), ("delay", "delaySeconds"), ("condition", "condition")):
        if name in payload:
            changed[graph_name] = payload[name]
    if "type" in payload:
        changed["type"] = STEP_TYPES[payload["type"]]
    steps = [changed if s["externalId"] == step["externalId"] else _step_input(s) for s in workflow["steps"]]
    saved = await _save_steps(call, workflow, steps)  # refused first when locked or active: no content is touched then
    current = await _template(call, step)
    template_id, made = await _action_content(call, account, changed["name"], current, (payload.get("email_settings") or {}).get("content") or {})
    if template_id:
        changed["templateId"] = template_id
        try:
            saved = await _save_steps(call, workflow, [changed if s["externalId"] == step["externalId"] else _step_input(s) for s in workflow["steps"]])
        except DomainError:
            if made:
                await call.graphql(DELETE_TEMPLATE, {"input": {"id": template_id}})
            raise
        if current and current["id"] != template_id:
            await _discard(call, current)
    updated = action_of_id(saved, step["externalId"], field="action_id")
    return JSONResponse(shapes.done("action", updated["externalId"], "patched", data=action_full(updated, await _template(call, updated))))


async def delete_action(call: Call) -> JSONResponse:
    workflow = await workflow_of(call, await auth.account(call))
    step = action_of(call, workflow)
    template = await _template(call, step)
    await _save_steps(call, workflow, [_step_input(s) for s in workflow["steps"] if s["externalId"] != step["externalId"]])
    await _discard(call, template)
    return JSONResponse(shapes.done("action", step["externalId"], "deleted", data=action_full(step, template)))


def _action_template(step: dict) -> str:
    if step["templateId"] is None:
        raise Invalid("The action has no content yet", code="ACTION_HAS_NO_CONTENT", field="email_settings.content")
    return to_global_id("Template", step["templateId"])


async def render_action(call: Call) -> Response:
    """The action's email for one contact (`contact_id`), else for a sample contact, as HTML."""
    step = action_of(call, await workflow_of(call, await auth.account(call)))
    contact_id = validation.integer(call.query.get("contact_id"), name="contact_id", minimum=1)
    render = {"templateId": _action_template(step)}
    if contact_id is None:
        render["data"] = SAMPLE_CONTACT
    else:
        render["contactId"] = to_global_id("Contact", contact_id)
    rendered = (await run(call, RENDER_TEMPLATE, {"input": render}, FIELD_NAMES))["renderTemplate"]["rendered"]
    return Response(rendered["html"] or rendered["text"] or "", media_type="text/html")


async def send_test_action(call: Call) -> JSONResponse:
    """sendMessage of the action's email to one address, from the action's sender (not an enrollment)."""
    payload = await json_body(call, "SendTestAction")
    account = await auth.account(call)
    step = action_of(call, await workflow_of(call, account))
    sender = (step["settings"] or {}).get("sender")
    message = {"tenantId": account, "to": payload["email"], "templateId": _action_template(step), "data": {"email": payload["email"]},
               "sender": await sender_of(call, account, sender) if sender else None}
    await run(call, SEND_MESSAGE, {"input": message}, FIELD_NAMES)
    return JSONResponse({"id": step["externalId"], "object": "action", "sent": True})


ROUTES = [
    CompatRoute("GET", "/workflows", list_workflows, Role.READ, "Show all workflows"),
    CompatRoute("POST", "/workflows", create_workflow, Role.WRITE, "Create a workflow"),
    CompatRoute("GET", "/workflows/{workflow_id}", get_workflow, Role.READ, "Show a workflow"),
    CompatRoute("PATCH", "/workflows/{workflow_id}", patch_workflow, Role.WRITE, "Update a workflow"),
    CompatRoute("DELETE", "/workflows/{workflow_id}", delete_workflow, Role.WRITE, "Delete a workflow"),
    CompatRoute("POST", "/workflows/{workflow_id}/activate", activate_workflow, Role.WRITE, "Activate a workflow"),
    CompatRoute("POST", "/workflows/{workflow_id}/deactivate", deactivate_workflow, Role.WRITE, "Deactivate a workflow"),
    CompatRoute("POST", "/workflows/{workflow_id}/lock", _lock("lock"), Role.WRITE, "Lock a workflow"),
    CompatRoute("POST", "/workflows/{workflow_id}/unlock", _lock("unlock"), Role.WRITE, "Unlock a workflow"),
    CompatRoute("GET", "/workflows/{workflow_id}/actions", list_actions, Role.READ, "List actions"),
    CompatRoute("POST", "/workflows/{workflow_id}/actions", create_action, Role.WRITE, "Create an action"),
    CompatRoute("GET", "/workflows/{workflow_id}/actions/{action_id}", get_action, Role.READ, "Get an action"),
    CompatRoute("PATCH", "/workflows/{workflow_id}/actions/{action_id}", patch_action, Role.WRITE, "Update an action"),
    CompatRoute("DELETE", "/workflows/{workflow_id}/actions/{action_id}", delete_action, Role.WRITE, "Delete an action"),
    CompatRoute("GET", "/workflows/{workflow_id}/actions/{action_id}/render", render_action, Role.READ, "Render an action"),
    CompatRoute("POST", "/workflows/{workflow_id}/actions/{action_id}/send-test", send_test_action, Role.WRITE, "Send a test of an action"),
]
