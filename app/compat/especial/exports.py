"""Especial asynchronous exports and tasks (see app/compat/especial/routes.py): thin adapters onto the graph's exports
(`Tenant.exports`, `createExport`, `deleteExport`, `exportDownload`; rules in `domain.exports`).

- A contacts export is a CONTACTS export of the list; a campaign log export a CAMPAIGN_LOG export of the campaign;
  `/tasks` shows both (type `contactsexport`, `campaignlogexport`). Especial's other task types are never created here.
- Status: PENDING and RUNNING are `pending`, DONE `ready`, FAILED `failed` (a task's `error`). A deleted export is
  gone: DELETE answers it once with status `deleted`, and a `status==deleted` filter finds nothing.
- `progress` is the percent of rows written. Exports expire 7 days after the request.
- Download answers `{expires_on, url}`: `url` is a signed link that serves the CSV (text/csv) without a credential
  until it expires; before the export is ready the answer is a 400 (EXPORT_NOT_READY, EXPORT_NOT_BUILT when failed,
  EXPORT_NOT_AVAILABLE when expired).
- A contacts export takes `segment_id`, or one of `query`, `fiql`, `json` (the segment languages), and filter terms
  `status` and `email`; `tags` and `interests` filters are refused (UNSUPPORTED_FILTER), as are the campaign log
  export's deprecated filters, task and export filters on `progress`, and any sort but `-created_on` (newest first).
- `requested_by` is the user who asked; an export requested through the graph with an API token names no user
  (`{"id": 0, "email": ""}`).
"""
from __future__ import annotations

import json

from starlette.responses import JSONResponse

from app.compat.especial import auth, validation
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.openapi import contract
from app.compat.especial.messaging_common import filters, json_body, owned, paging, path_id, run
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

FIELDS = """databaseId kind status description parameters progress createdAt expiresAt requestedBy requestedByUserId
  tenant { id } list { databaseId } campaign { databaseId }"""
ERRORS = "userErrors { field message code }"
LIST = f"""query EspecialExports($account: ID!, $first: Int!, $offset: Int!, $kind: ExportKind, $list: ID, $campaign: ID,
  $statuses: [ExportStatus!], $owner: ID!, $withOwner: Boolean!) {{
  owner: node(id: $owner) @include(if: $withOwner) {{ ... on Campaign {{ tenant {{ id }} }} ... on ContactList {{ tenant {{ id }} }} }}
  node(id: $account) {{ ... on Tenant {{ exports(first: $first, offset: $offset, kind: $kind, listId: $list, campaignId: $campaign,
    statuses: $statuses) {{ totalCount nodes {{ {FIELDS} }} }} }} }} }}"""
OWNER = """query EspecialExportOwner($id: ID!) { node(id: $id) { ... on Campaign { tenant { id } } ... on ContactList { tenant { id } } } }"""
ONE = f"query EspecialExport($id: ID!) {{ node(id: $id) {{ ... on Export {{ {FIELDS} }} }} }}"
CREATE = f"mutation EspecialCreateExport($input: CreateExportInput!) {{ createExport(input: $input) {{ export {{ {FIELDS} }} {ERRORS} }} }}"
DELETE = f"mutation EspecialDeleteExport($input: DeleteInput!) {{ deleteExport(input: $input) {{ export {{ {FIELDS} }} {ERRORS} }} }}"
DOWNLOAD = f"query EspecialDownloadExport($id: ID!) {{ exportDownload(id: $id) {{ url expiresAt {ERRORS} }} }}"

STATUS = {"PENDING": "pending", "RUNNING": "pending", "DONE": "ready", "FAILED": "failed"}
STATUS_FILTER = {"pending": ["PENDING", "RUNNING"], "ready": ["DONE"], "failed": ["FAILED"], "error": ["FAILED"], "deleted": []}
TASK_TYPES = {"CONTACTS": "contactsexport", "CAMPAIGN_LOG": "campaignlogexport"}
MEMBER_STATUS = {"active": "SUBSCRIBED", "unsubscribed": "UNSUBSCRIBED", "unconfirmed": "PENDING", "bounced": "BOUNCED"}
MEMBER_STATUS_NAMES = {v: k for k, v in MEMBER_STATUS.items()}
LANGUAGES = {"query": "sql", "fiql": "fiql", "json": "json"}
# Where this dialect's client put what the graph names (filled per request for `condition`).
FIELD_NAMES = {"listId": "list_id", "campaignId": "campaign_id", "segmentId": "segment_id", "email": "filter", "status": "filter",
               "description": "description"}


# --- shapes ---------------------------------------------------------------------------------------------
def _common(node: dict) -> dict:
    return {"id": str(node["databaseId"]), "created_on": shapes.unix(node["createdAt"]), "expires_on": shapes.unix(node["expiresAt"]),
            "progress": node["progress"]}


def _requested_by(node: dict) -> dict:
    return {"id": node["requestedByUserId"] or 0, "email": node["requestedBy"] if node["requestedByUserId"] else ""}


def contacts_export(node: dict, status: str | None = None) -> dict:
    """ContactsExportFullResponse: what was asked for is shown back in Especial's terms."""
    p = node["parameters"] or {}
    terms = [f"status=={MEMBER_STATUS_NAMES[p['status']]}"] if p.get("status") and not p.get("segment_id") else []
    terms += [f"email=={p['email']}"] if p.get("email") else []
    language, condition = p.get("condition_language"), p.get("condition")
    shape = {**_common(node), "status": status or STATUS[node["status"]], "description": node["description"], "segment_id": p.get("segment_id"),
             "filter": ";".join(terms) or None, "query": condition if language == "sql" else None,
             "fiql": condition if language == "fiql" else None}
    if language == "json":
        try:
            parsed = json.loads(condition)
            shape["json"] = parsed if isinstance(parsed, dict) else None
        except (TypeError, ValueError):
            pass
    return shapes.compact(shape)


def campaign_log_export(node: dict) -> dict:
    return shapes.compact({**_common(node), "campaign_id": node["campaign"]["databaseId"] if node["campaign"] else None,
                           "status": STATUS[node["status"]], "description": node["description"], "requested_by": _requested_by(node)})


def task(node: dict, status: str | None = None) -> dict:
    payload = {"list_id": node["list"]["databaseId"]} if node["list"] else {"campaign_id": node["campaign"]["databaseId"]} if node["campaign"] else {}
    return shapes.compact({**_common(node), "status": status or ("error" if node["status"] == "FAILED" else STATUS[node["status"]]),
                           "requested_by": _requested_by(node), "type": TASK_TYPES[node["kind"]], "description": node["description"],
                           "payload": payload})


# --- reading --------------------------------------------------------------------------------------------
async def _owner(call: Call, account: str, field: str) -> str:
    """The list or campaign in the path, when it is the account's; its global id."""
    type_name, what = {"list_id": ("ContactList", "List"), "campaign_id": ("Campaign", "Campaign")}[field]
    owner_id = path_id(call, field)
    global_id = to_global_id(type_name, owner_id)
    owned((await call.graphql(OWNER, {"id": global_id}))["node"], account, what, owner_id, field)
    return global_id


async def _export(call: Call, field: str, *, kind: str | None = None, owner: str | None = None) -> dict:
    """The export (task) in the path, when it is the account's, of that kind and of the list or campaign in the path."""
    account = await auth.account(call)
    raw = call.params[field].strip()
    node = None
    if raw.isdigit() and len(raw) < 19:
        node = (await call.graphql(ONE, {"id": to_global_id("Export", int(raw))}))["node"]
    if node and owner:
        parent = node["list"] if owner == "list_id" else node["campaign"]
        node = node if parent and parent["databaseId"] == path_id(call, owner) else None
    if not node or node["tenant"]["id"] != account or (kind and node["kind"] != kind):
        raise NotFound(f"Export {raw} not found", code="EXPORT_NOT_FOUND", field=field)
    return node


def _sort(call: Call) -> None:
    sort = (call.query.get("sort") or "").strip()
    if sort and sort != "-created_on":
        raise Invalid(f"Sorting by {sort!r} is not supported here; exports come newest first (-created_on)", code="UNSUPPORTED_SORT", field="sort")


def _statuses(terms: dict) -> list[str] | None:
    if "progress" in terms:
        raise Invalid("Filtering on progress is not supported by this server", code="UNSUPPORTED_FILTER", field="filter")
    if "status" not in terms:
        return None
    if terms["status"] not in STATUS_FILTER:
        raise Invalid(f"status must be one of {', '.join(STATUS_FILTER)}", code="INVALID_FILTER", field="filter")
    return STATUS_FILTER[terms["status"]]


async def _page(call: Call, account: str, *, kind: str | None, owner: str | None, field: str = "", statuses: list[str] | None = None,
                list_id: str | None = None) -> tuple[int, int, bool, dict]:
    page, per_page, with_count = paging(call)
    variables = {"account": account, "first": per_page, "offset": (page - 1) * per_page, "kind": kind, "statuses": statuses,
                 "list": owner if field == "list_id" else list_id, "campaign": owner if field == "campaign_id" else None,
                 "owner": owner or account, "withOwner": owner is not None}
    data = await call.graphql(LIST, variables)
    if owner is not None:
        owned(data.get("owner") or None, account, "List" if field == "list_id" else "Campaign", call.params[field], field)
    return page, per_page, with_count, data["node"]["exports"]


# --- contacts exports -----------------------------------------------------------------------------------
async def list_contacts_exports(call: Call) -> JSONResponse:
    _sort(call)
    statuses = _statuses(filters(call, {"status", "progress"}))
    account = await auth.account(call)
    owner = to_global_id("ContactList", path_id(call, "list_id"))
    page, per_page, with_count, connection = await _page(call, account, kind="CONTACTS", owner=owner, field="list_id", statuses=statuses)
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count), "data": [contacts_export(n) for n in connection["nodes"]]})


def _contacts_input(call: Call) -> tuple[dict, dict]:
    """createExport's input from the query string, and where each of its fields came from."""
    query = call.query
    given = [name for name in LANGUAGES if query.get(name) is not None]
    if len(given) > 1:
        raise Invalid(f"Give one of query, fiql or json, not {' and '.join(given)}", code="INVALID_EXPORT_FILTER", field=given[1])
    terms = filters(call, {"status", "email", "tags", "interests"})
    for unsupported in ("tags", "interests"):
        if unsupported in terms:
            raise Invalid(f"Exporting by {unsupported} is not supported by this server", code="UNSUPPORTED_FILTER", field="filter")
    if "status" in terms and terms["status"] not in MEMBER_STATUS:
        raise Invalid(f"status must be one of {', '.join(MEMBER_STATUS)}", code="INVALID_FILTER", field="filter")
    segment_id = validation.integer(query.get("segment_id"), name="segment_id", minimum=1)
    values = {"description": query.get("description"), "status": MEMBER_STATUS.get(terms.get("status", "")), "email": terms.get("email") or None,
              "segmentId": to_global_id("Segment", segment_id) if segment_id else None,
              "conditionLanguage": LANGUAGES[given[0]] if given else None, "condition": query.get(given[0]) if given else None}
    return values, {**FIELD_NAMES, "condition": given[0] if given else "query", "conditionLanguage": given[0] if given else "query"}


async def create_contacts_export(call: Call) -> JSONResponse:
    values, names = _contacts_input(call)
    account = await auth.account(call)
    owner = await _owner(call, account, "list_id")
    data = await run(call, CREATE, {"input": {"kind": "CONTACTS", "listId": owner, **values}}, names)
    shape = contacts_export(data["createExport"]["export"])
    return JSONResponse({"id": shape["id"], "object": "task", "created": True, "data": shape}, status_code=201)


async def get_contacts_export(call: Call) -> JSONResponse:
    return JSONResponse({"data": contacts_export(await _export(call, "export_id", kind="CONTACTS", owner="list_id"))})


async def delete_contacts_export(call: Call) -> JSONResponse:
    node = await _export(call, "export_id", kind="CONTACTS", owner="list_id")
    await run(call, DELETE, {"input": {"id": to_global_id("Export", node["databaseId"])}})
    shape = contacts_export(node, status="deleted")
    return JSONResponse({"id": shape["id"], "object": "contactsexport", "deleted": True, "data": shape})


def _download(field: str, kind: str, owner: str):
    async def handler(call: Call) -> JSONResponse:
        node = await _export(call, field, kind=kind, owner=owner)
        data = (await run(call, DOWNLOAD, {"id": to_global_id("Export", node["databaseId"])}, {"id": field}))["exportDownload"]
        return JSONResponse({"data": {"expires_on": shapes.unix(data["expiresAt"]), "url": data["url"]}})

    return handler


# --- campaign log exports -------------------------------------------------------------------------------
async def list_campaign_log_exports(call: Call) -> JSONResponse:
    account = await auth.account(call)
    owner = to_global_id("Campaign", path_id(call, "campaign_id"))
    page, per_page, with_count, connection = await _page(call, account, kind="CAMPAIGN_LOG", owner=owner, field="campaign_id")
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count),
                         "data": [campaign_log_export(n) for n in connection["nodes"]]})


async def create_campaign_log_export(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateCampaignLogExportRequest", optional=True)
    if body.get("filter") or call.query.get("filter"):
        raise Invalid("Filtering a campaign log export is not supported by this server: it holds every event of the campaign",
                      code="UNSUPPORTED_FILTER", field="filter")
    account = await auth.account(call)
    owner = await _owner(call, account, "campaign_id")
    description = body.get("description", call.query.get("description"))
    data = await run(call, CREATE, {"input": {"kind": "CAMPAIGN_LOG", "campaignId": owner, "description": description}}, FIELD_NAMES)
    shape = campaign_log_export(data["createExport"]["export"])
    return JSONResponse({"id": shape["id"], "object": "task", "created": True, "data": shape}, status_code=201)


# --- tasks ----------------------------------------------------------------------------------------------
async def list_tasks(call: Call) -> JSONResponse:
    _sort(call)
    terms = filters(call, {"type", "status", "list_id", "progress"})
    statuses = _statuses(terms)
    task_types = contract()["components"]["schemas"]["TaskType"]["enum"]
    if "type" in terms and terms["type"] not in task_types:
        raise Invalid(f"type must be one of {', '.join(task_types)}", code="INVALID_FILTER", field="filter")
    kind = {v: k for k, v in TASK_TYPES.items()}.get(terms.get("type", ""))
    if "type" in terms and kind is None:
        statuses = []  # a task type this server never creates
    list_id = validation.integer(terms["list_id"], name="filter", minimum=1) if "list_id" in terms else None
    account = await auth.account(call)
    page, per_page, with_count, connection = await _page(call, account, kind=kind, owner=None, statuses=statuses,
                                                         list_id=to_global_id("ContactList", list_id) if list_id else None)
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count), "data": [task(n) for n in connection["nodes"]]})


async def get_task(call: Call) -> JSONResponse:
    return JSONResponse({"data": task(await _export(call, "task_id"))})


async def delete_task(call: Call) -> JSONResponse:
    node = await _export(call, "task_id")
    await run(call, DELETE, {"input": {"id": to_global_id("Export", node["databaseId"])}})
    return JSONResponse({"data": task(node, status="deleted")})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/lists/{list_id}/exports", list_contacts_exports, Role.READ, "Show all Contacts Exports"),
    CompatRoute("POST", "/lists/{list_id}/exports", create_contacts_export, Role.WRITE, "Create a Contacts Export"),
    CompatRoute("GET", "/lists/{list_id}/exports/{export_id}", get_contacts_export, Role.READ, "Show a Contacts Export"),
    CompatRoute("DELETE", "/lists/{list_id}/exports/{export_id}", delete_contacts_export, Role.WRITE, "Delete a Contacts Export"),
    CompatRoute("GET", "/lists/{list_id}/exports/{export_id}/download", _download("export_id", "CONTACTS", "list_id"), Role.READ,
                "Download a Contacts Export"),
    CompatRoute("GET", "/logs/campaigns/{campaign_id}/exports", list_campaign_log_exports, Role.READ, "Show all campaign log exports"),
    CompatRoute("POST", "/logs/campaigns/{campaign_id}/exports", create_campaign_log_export, Role.WRITE, "Create a campaign log export"),
    CompatRoute("GET", "/logs/campaigns/{campaign_id}/exports/{campaign_log_export_id}/download",
                _download("campaign_log_export_id", "CAMPAIGN_LOG", "campaign_id"), Role.READ, "Download a campaign log export"),
    CompatRoute("GET", "/tasks", list_tasks, Role.READ, "Show all asynchronous Tasks"),
    CompatRoute("GET", "/tasks/{task_id}", get_task, Role.READ, "Show an asynchronous Task"),
    CompatRoute("DELETE", "/tasks/{task_id}", delete_task, Role.WRITE, "Delete an asynchronous Task"),
]
