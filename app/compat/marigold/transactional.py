"""Marigold transactional journeys onto TRANSACTIONAL campaigns (`api_name` = Campaign.externalId, the
campaign's template is the message): list, get, delete, send per call (one message per item),
update the profile and send, bulk send to the audience, and message status by id.

Message ids are UUIDs written from sendgraph's message ids (see `shapes.message_uuid`); a client's
`sg_external_id` is the message's externalId, and also its idempotency key: sending the same
`sg_external_id` again answers with the same message instead of sending a second one.
"""
from __future__ import annotations

import uuid

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.marigold import requests as r
from app.compat.marigold import shapes
from app.compat.marigold.journeys import DELETE, campaigns, journey_of
from app.compat.marigold.organization import tenant_of
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

SEND = """mutation SendTransactional($input: SendTransactionalInput!) { sendTransactional(input: $input) {
  results { message { databaseId } userErrors { field message code } } userErrors { field message code } } }"""
BULK = """mutation BulkSend($id: ID!) { bulkSendTransactional(input: {campaignId: $id}) { campaign { id } userErrors { field message code } } }"""
MESSAGE_FIELDS = "databaseId externalId status error tenant { databaseId }"
STATUS = f"""query Status($slug: String!, $ids: [ID!]!, $externalIds: [String!], $byExternalId: Boolean!) {{
  tenant(slug: $slug) {{ databaseId
    messages(filter: {{externalIds: $externalIds}}, first: 100) @include(if: $byExternalId) {{ nodes {{ {MESSAGE_FIELDS} }} }} }}
  nodes(ids: $ids) {{ ... on Message {{ {MESSAGE_FIELDS} }} }} }}"""
LOOKUPS = {"MAIL": "EMAIL", "EMAIL": "EMAIL", "ID": "EXTERNAL_ID", "USERID": "EXTERNAL_ID", "MOBILE": "PHONE", "PHONE": "PHONE", "GSM": "PHONE"}
PROFILE_FIELDS = {"MAIL": "email", "EMAIL": "email", "MOBILE": "phone", "PHONE": "phone", "GSM": "phone", "ID": "externalId",
                  "USERID": "externalId", "NAME": "firstName", "FIRSTNAME": "firstName", "LASTNAME": "lastName",
                  "LANGUAGE": "language", "LANG": "language"}
ECHOED = ("email", "recipient", "language", "data", "dtsdata", "lookup", "sg_external_id")
MAX_IDS = 100


def trace_id(value, *, field: str) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise Invalid(f"{value!r} is not a UUID", code="INVALID_ID", field=field) from exc


def lookup(value, *, field: str) -> str:
    """MASTER.MAIL (the default) finds contacts by email, MASTER.ID by user id, MASTER.MOBILE by phone."""
    spec = r.obj(value, field, required=False) or {}
    scope = r.text(spec, "scope", field=f"{field}.scope") or "MASTER"
    name = r.text(spec, "field", field=f"{field}.field") or "MAIL"
    if scope.upper() != "MASTER" or name.upper() not in LOOKUPS:
        raise Invalid(f"Lookup on {scope}.{name} is not supported here (MASTER.MAIL, MASTER.ID or MASTER.MOBILE)",
                      code="UNSUPPORTED_LOOKUP", field=field)
    return LOOKUPS[name.upper()]


def profile(entries, *, field: str) -> dict:
    """`profile`: MASTER fields onto the contact's columns (others into its attributes); a related list's
    fields into attributes[<list>]. Each entry is `{"scope", "fields": {...}}`, or a MASTER fields object."""
    if not isinstance(entries, list):
        raise Invalid(f"{field} must be a list", code="INVALID_TYPE", field=field)
    contact, attributes = {}, {}
    for index, entry in enumerate(entries):
        entry = r.obj(entry, f"{field}.{index}")
        scope, fields = "MASTER", entry
        if "fields" in entry:
            scope = r.text(entry, "scope", field=f"{field}.{index}.scope") or "MASTER"
            fields = r.obj(entry["fields"], f"{field}.{index}.fields")
        if scope.upper() != "MASTER":
            attributes[scope] = {**attributes.get(scope, {}), **fields}
            continue
        for name, value in fields.items():
            target = PROFILE_FIELDS.get(name.upper())
            if target is None:
                attributes[name] = value
            elif value is not None and not isinstance(value, str):
                raise Invalid(f"{field}.{index}.{name} must be a string", code="INVALID_TYPE", field=f"{field}.{index}.{name}")
            else:
                contact[target] = r.language(value, field=f"{field}.{index}.{name}") if target == "language" else value
    if attributes:
        contact["attributes"] = attributes
    return contact


def item_input(raw, index: int, *, with_profile: bool) -> dict:
    where = f"items.{index}" if index >= 0 else "items"
    item = r.obj(raw, where)
    recipient = r.text(item, "recipient", field=f"{where}.recipient", max_length=320) or r.text(item, "email", field=f"{where}.email", max_length=320)
    if not recipient:
        raise Invalid(f"{where}.recipient is required", code="REQUIRED", field=f"{where}.recipient")
    data = dict(r.obj(item.get("data"), f"{where}.data", required=False) or {})
    if item.get("dtsdata") is not None:
        if not isinstance(item["dtsdata"], list):
            raise Invalid(f"{where}.dtsdata must be a list", code="INVALID_TYPE", field=f"{where}.dtsdata")
        data["dtsdata"] = item["dtsdata"]
    sg_external_id = trace_id(item.get("sg_external_id"), field=f"{where}.sg_external_id")
    result = {
        "recipient": recipient, "lookup": lookup(item.get("lookup"), field=f"{where}.lookup"), "data": data,
        "language": r.language(r.text(item, "language", field=f"{where}.language", required=True), field=f"{where}.language"),
        "externalId": sg_external_id, "idempotencyKey": f"marigold:{sg_external_id}" if sg_external_id else None,
    }
    if with_profile:
        result["profile"] = profile(item.get("profile") or [], field=f"{where}.profile")
    return result


def items_of(body: dict, *, with_profile: bool) -> tuple[list, list[dict]]:
    """The body's `items` as sent, and as the graph's TransactionalItemInput."""
    raw = body.get("items")
    items = [raw] if isinstance(raw, dict) else raw  # the seed's sample sends one object; clients send lists
    if not isinstance(items, list) or not items:
        raise Invalid("items is required: an item object or a list of them", code="REQUIRED", field="items")
    return items, [item_input(item, index if isinstance(raw, list) else -1, with_profile=with_profile) for index, item in enumerate(items)]


def send(*, with_profile: bool):
    async def send_transactional(call: Call) -> JSONResponse:
        items, inputs = items_of(r.obj(await call.json(), "body"), with_profile=with_profile)
        campaign = await journey_of(call, "TRANSACTIONAL")
        results = (await call.graphql(SEND, {"input": {"campaignId": campaign["id"], "items": inputs}}))["sendTransactional"]["results"]
        return answer(items, results)

    send_transactional.__name__ = "update_profile_and_send" if with_profile else "send_transactional"
    return send_transactional


def answer(items: list[dict], results: list[dict]) -> JSONResponse:
    """`response_data` echoes each item with its errors; `messages` holds the ids of the messages made."""
    response_data, messages, errors = [], [], []
    for item, outcome in zip(items, results):
        item_errors = [{"error_code": e["code"], "description": e["message"]} for e in outcome["userErrors"]]
        response_data.append({**{k: item[k] for k in ECHOED if k in item}, "errors": item_errors})
        errors += item_errors
        if outcome["message"]:
            messages.append({"id": shapes.message_uuid(outcome["message"]["databaseId"])})
    code = "Succeeded" if not errors else "PartiallySucceeded" if messages else "Failed"
    return JSONResponse({"result_code": code, "errors": errors, "response_data": response_data, "messages": messages},
                        status_code=200 if messages else 400)


async def statuses(call: Call, ids: list[str], external_ids: list[str] | None) -> list[dict]:
    """Messages of this organization by our UUIDs and by the client's sg_external_ids, each once."""
    database_ids = [d for d in (shapes.message_database_id(i, field="ids") for i in ids) if d is not None]
    data = await call.graphql(STATUS, {"slug": call.params["organization"], "ids": [to_global_id("Message", d) for d in database_ids],
                                       "externalIds": external_ids, "byExternalId": bool(external_ids)})
    tenant = tenant_of(call, data)
    found = [n for n in data["nodes"] if n] + (tenant.get("messages") or {"nodes": []})["nodes"]
    seen, answer = set(), []
    for message in found:
        if message["tenant"]["databaseId"] == tenant["databaseId"] and message["databaseId"] not in seen:
            seen.add(message["databaseId"])
            answer.append(shapes.message_status(message))
    return answer


async def status_by_ids(call: Call) -> JSONResponse:
    body = r.obj(await call.json(), "body")
    ids = r.strings(body, "ids") or []
    external_ids = [trace_id(v, field="sg_external_ids") for v in r.strings(body, "sg_external_ids") or []]
    if not ids and not external_ids:
        raise Invalid("Give ids or sg_external_ids", code="REQUIRED", field="ids")
    if len(ids) > MAX_IDS or len(external_ids) > MAX_IDS:
        raise Invalid(f"At most {MAX_IDS} ids and {MAX_IDS} sg_external_ids per call", code="TOO_MANY_IDS", field="ids")
    return JSONResponse(await statuses(call, ids, external_ids or None))


async def status_by_id(call: Call) -> JSONResponse:
    found = await statuses(call, [call.params["id"]], None)
    if not found:
        raise NotFound(f"Message {call.params['id']} not found", code="MESSAGE_NOT_FOUND", field="id")
    return JSONResponse(found[0])


async def list_transactional(call: Call) -> JSONResponse:
    return JSONResponse({"journeys": [shapes.journey_base(c) for c in await campaigns(call, ["TRANSACTIONAL"])]})


async def get_transactional(call: Call) -> JSONResponse:
    return JSONResponse(shapes.transactional_journey(await journey_of(call, "TRANSACTIONAL")))


async def delete_transactional(call: Call) -> JSONResponse:
    campaign = await journey_of(call, "TRANSACTIONAL")
    await call.graphql(DELETE, {"id": campaign["id"]})
    return JSONResponse(shapes.result("The journey has been deleted successfully."))


async def bulk_send(call: Call) -> JSONResponse:
    campaign = await journey_of(call, "TRANSACTIONAL")
    await call.graphql(BULK, {"id": campaign["id"]})
    return JSONResponse(shapes.result("The journey has been triggered successfully."))


BASE = "/Portal/Api/organizations/{organization}/journeys/transactional"
ROUTES = [
    CompatRoute("GET", BASE, list_transactional, Role.READ, "List Transactional journeys"),
    CompatRoute("POST", f"{BASE}/status", status_by_ids, Role.READ, "List status Transactional journeys"),
    CompatRoute("GET", f"{BASE}/status/{{id}}", status_by_id, Role.READ, "Get status transactional journey"),
    CompatRoute("GET", f"{BASE}/{{api_name}}", get_transactional, Role.READ, "Get Transactional journey"),
    CompatRoute("DELETE", f"{BASE}/{{api_name}}", delete_transactional, Role.WRITE, "Delete Transactional journey"),
    CompatRoute("POST", f"{BASE}/{{api_name}}/send", send(with_profile=False), Role.WRITE, "Trigger Transactional journey(s)"),
    CompatRoute("POST", f"{BASE}/shortcut/{{api_name}}/updateProfileAndSend", send(with_profile=True), Role.WRITE,
                "Update User and trigger Transactional journey"),
    CompatRoute("POST", f"{BASE}/bulk/{{api_name}}/send", bulk_send, Role.WRITE, "Trigger Transactional Bulk journey"),
]
