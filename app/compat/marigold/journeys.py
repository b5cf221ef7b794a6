"""Marigold journeys onto campaigns: the journey list (every kind with an api name, CUSTOM included), single-batch journeys (kind SINGLE_BATCH,
`api_name` = Campaign.externalId), and get / delete of AB and recurring journeys.

A journey's audience: its message's `audience_api_name` names a contact list, `segment_api_name` a
segment (both by name), and `audience_filter` is read into audience rules (kept verbatim in options).
`send_in_waves` becomes options.waves, which the launch job honours. A reference that does not
resolve does not stop the journey from being created: the answer is PartiallySucceeded and says what
is missing, as the seed's samples do.
"""
from __future__ import annotations

from datetime import datetime

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.marigold import audience, content
from app.compat.marigold import requests as r
from app.compat.marigold import shapes
from app.compat.marigold.organization import absent, organization
from domain.errors import Conflict, DomainError, Invalid
from domain.identity.models import Role

CAMPAIGN_FIELDS = "id kind name externalId status options scheduledAt"
JOURNEY_KINDS = list(shapes.JOURNEY_TYPES)
PAGE = f"""query Journeys($slug: String!, $kinds: [CampaignKind!], $after: String, $before: String, $first: Int, $last: Int) {{
  tenant(slug: $slug) {{ id campaigns(kinds: $kinds, first: $first, after: $after, last: $last, before: $before) {{
    nodes {{ {CAMPAIGN_FIELDS} }} pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }} }}"""
JOURNEY = f"""query Journey($slug: String!, $apiName: String!, $kind: CampaignKind) {{
  tenant(slug: $slug) {{ id campaign(externalId: $apiName, kind: $kind) {{ {CAMPAIGN_FIELDS} }} }} }}"""
REFERENCES = """query References($slug: String!, $apiName: String!, $message: String!, $segment: String!, $hasSegment: Boolean!) {
  tenant(slug: $slug) { id campaign(externalId: $apiName) { id } template(apiName: $message) { id channel settings }
    segments(name: $segment, first: 1) @include(if: $hasSegment) { nodes { id } } } }"""
SEGMENT = """query Segment($slug: String!, $name: String!) { tenant(slug: $slug) { id segments(name: $name, first: 1) { nodes { id } } } }"""
LIST = """query AudienceList($slug: String!, $name: String!) { tenant(slug: $slug) { id lists(name: $name, first: 1) { nodes { id } } } }"""
PAYLOAD = f"campaign {{ {CAMPAIGN_FIELDS} }} userErrors {{ field message code }}"
CREATE = f"mutation CreateJourney($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ {PAYLOAD} }} }}"
UPDATE = f"mutation UpdateJourney($input: UpdateCampaignInput!) {{ updateCampaign(input: $input) {{ {PAYLOAD} }} }}"
LAUNCH = f"mutation LaunchJourney($id: ID!, $at: DateTime) {{ launchCampaign(input: {{campaignId: $id, at: $at}}) {{ {PAYLOAD} }} }}"
CANCEL = f"mutation CancelJourney($id: ID!) {{ cancelCampaign(input: {{campaignId: $id}}) {{ {PAYLOAD} }} }}"
DELETE = "mutation DeleteJourney($id: ID!) { deleteCampaign(input: {id: $id}) { deletedId userErrors { field message code } } }"
CREATE_TEMPLATE = content.CREATE
DELETE_TEMPLATE = content.DELETE
DEDUPLICATED = {"MASTER.MAIL", "MASTER.ID", "MAIL", "ID"}  # unique per contact already: every contact gets one message


async def campaigns(call: Call, kinds: list[str], *, newest: int | None = None) -> list[dict]:
    """Every campaign of these kinds with an api name, oldest first; or the `newest` ones, newest first."""
    found, cursor = [], None
    while newest is None or len(found) < newest:
        variables = {"kinds": kinds, **({"last": 100, "before": cursor} if newest else {"first": 100, "after": cursor})}
        page = (await organization(call, PAGE, variables))["campaigns"]
        nodes = [c for c in page["nodes"] if c["externalId"]]
        found += list(reversed(nodes)) if newest else nodes
        more = page["pageInfo"]["hasPreviousPage"] if newest else page["pageInfo"]["hasNextPage"]
        if not more:
            break
        cursor = page["pageInfo"]["startCursor"] if newest else page["pageInfo"]["endCursor"]
    return found[:newest] if newest else found


async def journey_of(call: Call, kind: str) -> dict:
    campaign = (await organization(call, JOURNEY, {"apiName": call.params["api_name"], "kind": kind}))["campaign"]
    if campaign is None:
        raise absent("Journey", call.params["api_name"], "api_name")
    return campaign


# -- reading a journey body ---------------------------------------------------------------------------

def journey_fields(journey: dict, *, field: str) -> dict:
    """name, externalId, options and audienceFilter for the graph; launch and segment for the route."""
    options = {}
    for key in ("campaign_analytics_tag", "message_analytics_tag"):
        if journey.get(key) is not None:
            options[key] = r.text(journey, key, field=f"{field}.{key}")
    for key in ("disable_flags", "disable_tracking"):
        if journey.get(key) is not None:
            options[key] = r.flag(journey, key, field=f"{field}.{key}")
    if journey.get("deduplication") is not None:
        options["deduplication"] = _deduplication(r.obj(journey["deduplication"], f"{field}.deduplication"), f"{field}.deduplication")
    if journey.get("send_in_waves") is not None:
        waves = r.obj(journey["send_in_waves"], f"{field}.send_in_waves")
        options["send_in_waves"] = waves
        options["waves"] = _waves(waves, f"{field}.send_in_waves")
    if journey.get("sending_limit") is not None:
        raise Invalid("sending_limit (sending only a percentage or number of the audience) is not supported here; "
                      "send_in_waves spreads a journey over time", code="SENDING_LIMIT_UNSUPPORTED", field=f"{field}.sending_limit")
    expression = r.text(journey, "audience_filter", field=f"{field}.audience_filter", max_length=4000)
    fields = {"options": options}
    if expression is not None:
        fields["audienceFilter"] = audience.rules(expression, field=f"{field}.audience_filter")
        options["audience_filter"] = expression
    if journey.get("name") is not None:
        fields["name"] = r.text(journey, "name", field=f"{field}.name", required=True)
    launch_state = r.text(journey, "launch_state", field=f"{field}.launch_state")
    return {"graph": fields, "launch": _launch(launch_state, journey.get("scheduling"), field=field),
            "segment": r.text(journey, "segment_api_name", field=f"{field}.segment_api_name")}


def _deduplication(dedup: dict, field: str) -> dict:
    fields = r.strings(dedup, "fields", field=f"{field}.fields") or []
    unsupported = [f for f in fields if f.upper() not in DEDUPLICATED]
    if unsupported:
        raise Invalid(f"Deduplication on {', '.join(unsupported)} is not supported here (each contact gets one message; "
                      "MASTER.MAIL and MASTER.ID are unique per contact)", code="DEDUPLICATION_UNSUPPORTED", field=f"{field}.fields")
    return dedup


def _waves(waves: dict, field: str) -> dict:
    size = r.number(waves, "items_per_wave", field=f"{field}.items_per_wave", minimum=1)
    if size is None or size != int(size):
        raise Invalid("send_in_waves needs items_per_wave (a whole number >= 1)", code="REQUIRED", field=f"{field}.items_per_wave")
    minutes = r.number(waves, "interval_in_minutes", field=f"{field}.interval_in_minutes", minimum=0) or 0
    r.number(waves, "number_of_waves", field=f"{field}.number_of_waves", minimum=1)
    return {"size": int(size), "interval_seconds": float(minutes) * 60}


def _launch(state: str | None, scheduling, *, field: str) -> tuple[str, datetime | None]:
    """("none" | "launch" | "schedule", the launch date)."""
    state = {"scheduled": "schedule", None: "none"}.get(state, state)
    if state not in ("none", "launch", "schedule"):
        raise Invalid("launch_state must be none, launch or schedule", code="INVALID_VALUE", field=f"{field}.launch_state")
    at = None
    if state == "schedule":
        scheduling = r.obj(scheduling, f"{field}.scheduling")
        at = r.timestamp(scheduling.get("launch_date"), field=f"{field}.scheduling.launch_date")
    return state, at


# -- creating, launching ------------------------------------------------------------------------------

async def references(call: Call, api_name: str, message: str, segment: str | None) -> tuple[dict, list[DomainError], dict]:
    """The tenant, what does not resolve, and the campaign fields for what does (template, segment, list)."""
    tenant = await organization(call, REFERENCES, {"apiName": api_name, "message": message, "segment": segment or "", "hasSegment": bool(segment)})
    if tenant["campaign"] is not None:
        raise _taken(api_name)
    missing, fields = [], {}
    if tenant["template"] is None:
        missing.append(absent("Message", message, "message.api_name"))
    else:
        fields["templateId"] = tenant["template"]["id"]
    if segment:
        nodes = tenant["segments"]["nodes"]
        fields.update({"segmentId": nodes[0]["id"]} if nodes else {})
        missing += [] if nodes else [absent("Segment", segment, "segment_api_name")]
    audience_list = tenant["template"] and (tenant["template"]["settings"] or {}).get("audience_api_name")
    if audience_list:
        list_id, error = await audience_list_id(call, audience_list)
        fields.update({"listId": list_id} if list_id else {})
        missing += [error] if error else []
    return tenant, missing, fields


async def audience_list_id(call: Call, name: str) -> tuple[str | None, DomainError | None]:
    nodes = (await organization(call, LIST, {"name": name}))["lists"]["nodes"]
    return (nodes[0]["id"], None) if nodes else (None, absent("Audience list", name, "properties.audience_api_name"))


def _taken(api_name: str) -> DomainError:
    return Conflict(f"A journey with api name {api_name!r} already exists", code="EXTERNAL_ID_TAKEN", field="api_name")


async def launch(call: Call, campaign: dict, state: str, at: datetime | None, errors: list[DomainError]) -> dict:
    """Launch or schedule as asked; a journey that cannot start yet is still created (its error is reported)."""
    if state == "none":
        return campaign
    try:
        data = await call.graphql(LAUNCH, {"id": campaign["id"], "at": at.isoformat() if at else None})
        return data["launchCampaign"]["campaign"]
    except DomainError as error:
        errors.append(error)
        return campaign


def answer(campaign: dict, errors: list[DomainError], *, status: int = 200) -> JSONResponse:
    return JSONResponse({"journey": shapes.journey(campaign), "result_code": "PartiallySucceeded" if errors else "Succeeded",
                         "errors": [shapes.error(e) for e in errors]}, status_code=status)


async def create_single_batch(call: Call) -> JSONResponse:
    body = r.obj(await call.json(), "body")
    journey = r.obj(body.get("journey"), "journey")
    api_name = r.text(journey, "api_name", field="journey.api_name", required=True)
    r.text(journey, "name", field="journey.name", required=True)
    message = r.text(r.obj(body.get("message"), "message"), "api_name", field="message.api_name", required=True)
    parsed = journey_fields(journey, field="journey")
    folder = r.folder(body.get("folder"), field="folder")
    tenant, errors, refs = await references(call, api_name, message, parsed["segment"])
    graph = parsed["graph"]
    graph["options"] = {**graph["options"], "message_api_name": message, **({"folder": folder} if folder else {})}
    created = await call.graphql(CREATE, {"input": {"tenantId": tenant["id"], "kind": "SINGLE_BATCH", "externalId": api_name, **graph, **refs}})
    campaign = await launch(call, created["createCampaign"]["campaign"], *parsed["launch"], errors)
    return answer(campaign, errors, status=201)


def sender(model_key: str, channel: str):
    """Send a single batch with a new message: the content and the journey in one call, launched as asked."""

    async def send_single_batch(call: Call) -> JSONResponse:
        body = r.obj(await call.json(), "body")
        journey = r.obj(body.get("journey_model"), "journey_model")
        api_name = r.text(journey, "api_name", field="journey_model.api_name", required=True)
        r.text(journey, "name", field="journey_model.name", required=True)
        parsed = journey_fields(journey, field="journey_model")
        template = content.template_input(r.obj(body.get(model_key), model_key), channel)
        tenant, errors, refs = await references(call, api_name, template["apiName"], parsed["segment"])
        if refs.get("templateId"):
            raise Invalid(f"Content with api name {template['apiName']!r} already exists", code="DUPLICATE", field=f"{model_key}.properties.api_name")
        errors = [e for e in errors if e.field != "message.api_name"]  # the message is made here
        list_id, list_error = await audience_list_id(call, template["settings"]["audience_api_name"])
        errors += [list_error] if list_error else []
        made = (await call.graphql(content.CREATE, {"input": {"tenantId": tenant["id"], **template}}))["createTemplate"]["template"]
        graph = parsed["graph"]
        graph["options"] = {**graph["options"], "message_api_name": template["apiName"]}
        if folder := r.folder(body.get("folder"), field="folder"):
            graph["options"]["folder"] = folder
        audience_refs = {k: v for k, v in {"segmentId": refs.get("segmentId"), "listId": list_id}.items() if v}
        try:
            created = await call.graphql(CREATE, {"input": {
                "tenantId": tenant["id"], "kind": "SINGLE_BATCH", "externalId": api_name, "templateId": made["id"], **graph, **audience_refs}})
        except DomainError:
            await call.graphql(DELETE_TEMPLATE, {"id": made["id"]})  # nothing is left behind by a call that failed
            raise
        campaign = await launch(call, created["createCampaign"]["campaign"], *parsed["launch"], errors)
        return answer(campaign, errors, status=201)

    send_single_batch.__name__ = f"send_single_batch_{channel.lower()}"
    return send_single_batch


async def list_journeys(call: Call) -> JSONResponse:
    found = await campaigns(call, JOURNEY_KINDS, newest=1000)  # "the last 1000 created journeys"
    return JSONResponse({"journeys": [shapes.journey_base(c) for c in found]})


async def list_single_batch(call: Call) -> JSONResponse:
    return JSONResponse({"journeys": [shapes.journey_base(c) for c in await campaigns(call, ["SINGLE_BATCH"])]})


async def get_single_batch(call: Call) -> JSONResponse:
    return JSONResponse({"journey": shapes.journey(await journey_of(call, "SINGLE_BATCH"))})


async def delete_single_batch(call: Call) -> JSONResponse:
    campaign = await journey_of(call, "SINGLE_BATCH")
    await call.graphql(DELETE, {"id": campaign["id"]})
    return JSONResponse(shapes.result("The journey has been deleted successfully"))


async def cancel_single_batch(call: Call) -> JSONResponse:
    campaign = await journey_of(call, "SINGLE_BATCH")
    await call.graphql(CANCEL, {"id": campaign["id"]})
    return JSONResponse(shapes.result("The journey has been cancelled successfully."))


async def launch_single_batch(call: Call) -> JSONResponse:
    body = r.obj(await call.json(), "body")
    state, at = _launch(r.text(body, "launch_state", field="launch_state") or "launch", body.get("scheduling"), field="body")
    if state == "none":
        raise Invalid("launch_state none launches nothing: use launch or schedule", code="INVALID_VALUE", field="launch_state")
    campaign = await journey_of(call, "SINGLE_BATCH")
    await call.graphql(LAUNCH, {"id": campaign["id"], "at": at.isoformat() if at else None})
    return JSONResponse(shapes.result("The journey has been launched successfully."))


async def trigger_single_batch(call: Call) -> JSONResponse:
    """Run the journey: what the body changes is saved first, then it is launched (now unless it says otherwise)."""
    body = r.obj(await call.json(), "body")
    journey = r.obj(body.get("journey"), "journey")
    if journey.get("api_name") not in (None, call.params["api_name"]):
        raise Invalid("journey.api_name must be the journey's api name", code="INVALID_VALUE", field="journey.api_name")
    parsed = journey_fields(journey, field="journey")
    campaign = await journey_of(call, "SINGLE_BATCH")
    errors: list[DomainError] = []
    graph = parsed["graph"]
    graph["options"] = {**(campaign["options"] or {}), **graph["options"]}
    if parsed["segment"]:
        nodes = (await organization(call, SEGMENT, {"name": parsed["segment"]}))["segments"]["nodes"]
        if not nodes:
            raise absent("Segment", parsed["segment"], "journey.segment_api_name")
        graph["segmentId"] = nodes[0]["id"]
    campaign = (await call.graphql(UPDATE, {"input": {"id": campaign["id"], **graph}}))["updateCampaign"]["campaign"]
    state, at = parsed["launch"]
    campaign = await launch(call, campaign, "launch" if state == "none" else state, at, errors)
    return answer(campaign, errors)


def kind_routes(path: str, kind: str, label: str) -> list[CompatRoute]:
    """Get and delete for a journey kind that is made elsewhere (AB_TEST, RECURRING campaigns): found by
    api name within that kind only, so another kind's journey of the same name is not found here."""

    async def get_journey(call: Call) -> JSONResponse:
        campaign = await journey_of(call, kind)
        return JSONResponse({**shapes.journey_base(campaign), "name": campaign["name"],
                             "description": (campaign["options"] or {}).get("description")})

    async def delete_journey(call: Call) -> JSONResponse:
        campaign = await journey_of(call, kind)
        await call.graphql(DELETE, {"id": campaign["id"]})
        return JSONResponse(shapes.result("The journey has been deleted successfully"))

    get_journey.__name__, delete_journey.__name__ = f"get_{path}_journey", f"delete_{path}_journey"
    return [CompatRoute("GET", f"{BASE}/{path}/{{api_name}}", get_journey, Role.READ, f"Get {label} journey"),
            CompatRoute("DELETE", f"{BASE}/{path}/{{api_name}}", delete_journey, Role.WRITE, f"Delete {label} journey")]


BASE = "/Portal/Api/organizations/{organization}/journeys"
ROUTES = [
    CompatRoute("GET", BASE, list_journeys, Role.READ, "list journeys"),
    CompatRoute("GET", f"{BASE}/singlebatch", list_single_batch, Role.READ, "List Single Batch journeys"),
    CompatRoute("POST", f"{BASE}/singlebatch", create_single_batch, Role.WRITE, "Create Single Batch journey"),
    CompatRoute("POST", f"{BASE}/singlebatch/message", sender("message_model", "EMAIL"), Role.WRITE, "Send Single Batch email journey"),
    CompatRoute("POST", f"{BASE}/singlebatch/sms", sender("sms_model", "SMS"), Role.WRITE, "Send Single Batch SMS journey"),
    CompatRoute("POST", f"{BASE}/singlebatch/mobile", sender("mobile_message_model", "PUSH"), Role.WRITE, "Send Single Batch mobile push journey"),
    CompatRoute("GET", f"{BASE}/singlebatch/{{api_name}}", get_single_batch, Role.READ, "Get Single Batch journey"),
    CompatRoute("DELETE", f"{BASE}/singlebatch/{{api_name}}", delete_single_batch, Role.WRITE, "Delete Single Batch journey"),
    CompatRoute("POST", f"{BASE}/singlebatch/{{api_name}}/cancel", cancel_single_batch, Role.WRITE, "Cancel a journey"),
    CompatRoute("POST", f"{BASE}/singlebatch/{{api_name}}/launch", launch_single_batch, Role.WRITE, "Launch a single batch journey"),
    CompatRoute("POST", f"{BASE}/singlebatch/{{api_name}}/trigger", trigger_single_batch, Role.WRITE, "Trigger single batch journey"),
    *kind_routes("ab", "AB_TEST", "AB"),
    *kind_routes("recurring", "RECURRING", "recurring"),
]
