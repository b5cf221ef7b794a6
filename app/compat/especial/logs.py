"""Especial activity logs from the graph's messages and their events: the account's emails (`GET /logs/emails`),
a campaign's (`GET /logs/campaigns/{id}`: messages of that campaign), a list's (`GET /logs/lists/{id}`: messages
of the campaigns sent to that list) and a workflow action's (`GET /logs/workflows/{id}/actions/{action_id}`: messages
of that step).

A log entry is one MessageEvent of one of those email messages. The graph pages messages, not events, so a page is
`per_page` messages (read with `offset`) with their entries of the types asked for (a message may give none, or
several), and `count` counts the messages that match. `start_time`/`end_time` select the messages created in that
window and their entries in it. Especial's `group_id` is kept with the message but the graph cannot filter on it:
that filter is refused, as are the campaign and list logs' terms the graph has no data for (uniques, totals, ...),
sorting and cursors.

Campaign log exports are served by app/compat/especial/exports.py.
"""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parseaddr

from starlette.responses import JSONResponse

from app.compat.especial import auth, validation, workflows
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import filters, owned, path_id, paging
from app.compat.framework import Call, CompatRoute
from app.compat.especial.openapi import contract
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id

MESSAGE_FIELDS = """databaseId channel recipient sender data createdAt error tenant { id } contact { databaseId } campaign { databaseId }
  events { databaseId type detail occurredAt }"""
LIST_MESSAGES = f"""
query EspecialEmailLogs($account: ID!, $first: Int!, $offset: Int!, $filter: MessageFilter!, $owner: ID!, $withOwner: Boolean!) {{
  owner: node(id: $owner) @include(if: $withOwner) {{ ... on Campaign {{ tenant {{ id }} }} ... on ContactList {{ tenant {{ id }} }} }}
  node(id: $account) {{ ... on Tenant {{
    messages(first: $first, offset: $offset, filter: $filter) {{ totalCount nodes {{ {MESSAGE_FIELDS} }} }} }} }} }}"""
GET_MESSAGE = f"""query EspecialEmailLog($id: ID!) {{ node(id: $id) {{ ... on Message {{ {MESSAGE_FIELDS} }} }} }}"""

# MessageEventType -> Especial's event type in a log entry.
EVENT_TYPES = {
    "QUEUED": "in_queue", "SENDING": "generating", "SENT": "sent", "DELIVERED": "received", "BOUNCED": "bounce",
    "FAILED": "skipped", "CANCELLED": "skipped", "OPENED": "open", "CLICKED": "clickthru", "COMPLAINED": "spam",
    "UNSUBSCRIBED": "unsubscribe", "REPLIED": "other", "SCANNED": "other",
}
# `log_type` -> the entry types it shows (`resubscribe` and `global_unsubscribe` have no event in the graph).
LOG_TYPES = {"bounce": {"bounce"}, "clickthru": {"clickthru"}, "sent": {"sent"}, "open": {"open"}, "unsubscribe": {"unsubscribe"},
             "resubscribe": set(), "spam": {"spam"}, "global_unsubscribe": set(), "all": set(EVENT_TYPES.values())}


def _time(call: Call, name: str) -> int | None:
    return validation.integer(call.query.get(name), name=name, minimum=1, maximum=2147483647)


def _log_type(call: Call) -> str:
    raw = call.query.get("log_type")
    if raw is None:
        raise Invalid("field required", code="missing", field="log_type")
    allowed = contract()["components"]["schemas"]["LogType"]["enum"]
    if raw not in allowed:
        raise Invalid("value is not one of " + ", ".join(map(repr, allowed)), code="enum", field="log_type")
    return raw


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()


def _entries(message: dict, types: set[str], start: int | None, end: int | None) -> list[dict]:
    name, address = parseaddr(message.get("sender") or "")
    extras = (message.get("data") or {}).get("_especial") or {}
    group_id = extras.get("group_id") if isinstance(extras, dict) else None
    entries = []
    for event in message["events"]:
        kind, at, detail = EVENT_TYPES[event["type"]], shapes.unix(event["occurredAt"]), event.get("detail") or {}
        if kind not in types or (start is not None and at < start) or (end is not None and at > end):
            continue
        agent = detail.get("user_agent")
        # The event carries its own reason: the message row may have been read before the worker recorded its error.
        dsn = (detail.get("detail") or detail.get("reason")) if kind in ("bounce", "skipped") else None
        entries.append(shapes.compact({
            "type": kind, "timestamp": at, "email": message["recipient"], "email_id": message["databaseId"],
            "group_id": group_id if isinstance(group_id, int) and not isinstance(group_id, bool) else None,
            "sender_name": name or None, "sender_email": address or None,
            "clickthru_url": detail.get("url") if kind == "clickthru" else None,
            "user_agent": {"raw": agent, "os": {}, "browser": {}, "device": {}} if isinstance(agent, str) else None,
            "dsn_message": (dsn if isinstance(dsn, str) else None) or (message.get("error") if kind in ("bounce", "skipped") else None),
        }))
    return entries


async def email_logs(call: Call) -> JSONResponse:
    log_type = _log_type(call)
    page, per_page, with_count = paging(call)
    start, end = _time(call, "start_time"), _time(call, "end_time")
    terms = filters(call, {"group_id", "email", "email_id"})
    if "group_id" in terms:
        raise Invalid("Filtering logs by group_id is not supported by this server", code="UNSUPPORTED_FILTER", field="filter")
    email_id = validation.integer(terms["email_id"], name="filter") if "email_id" in terms else None
    account = await auth.account(call)
    graph_filter = {"channel": "EMAIL", "recipient": terms.get("email") or None,
                    "createdAfter": _iso(start) if start else None, "createdBefore": _iso(end + 1) if end else None}

    if email_id is not None:  # one email: the graph reads it by id; it must be the account's and match the other filters
        message = (await call.graphql(GET_MESSAGE, {"id": to_global_id("Message", email_id)}))["node"]
        matches = bool(message) and message["tenant"]["id"] == account and message["channel"] == "EMAIL" and (
            not graph_filter["recipient"] or message["recipient"].lower() == graph_filter["recipient"].lower()) and (
            not start or shapes.unix(message["createdAt"]) >= start) and (not end or shapes.unix(message["createdAt"]) <= end)
        connection = {"totalCount": int(matches), "nodes": [message] if matches and page == 1 else []}
    else:
        connection = await _messages(call, account, graph_filter, page, per_page)
    types = LOG_TYPES[log_type]
    data = [entry for message in connection["nodes"] for entry in _entries(message, types, start, end)]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count), "data": data})


async def _messages(call: Call, account: str, graph_filter: dict, page: int, per_page: int, owner: str | None = None, what: str = "",
                    field: str = "") -> dict:
    """A page of the account's messages matching `graph_filter`; `owner` (a campaign or list) must be the account's."""
    variables = {"account": account, "first": per_page, "offset": (page - 1) * per_page, "filter": graph_filter,
                 "owner": owner or account, "withOwner": owner is not None}
    data = await call.graphql(LIST_MESSAGES, variables)
    if owner is not None:
        owned(data.get("owner") or None, account, what, call.params[field], field)
    return data["node"]["messages"]


def _owned_entries(message: dict, types: set[str], start: int | None, end: int | None, campaign_id: bool) -> list[dict]:
    """A campaign's or list's log entries: each names its event (`id`) and the contact (a message sent to no contact has none)."""
    if not message.get("contact"):
        return []
    entries = []
    for entry, event in zip(_entries(message, set(EVENT_TYPES.values()), None, None), message["events"]):
        if entry["type"] not in types or (start is not None and entry["timestamp"] < start) or (end is not None and entry["timestamp"] > end):
            continue
        entries.append(shapes.compact({
            "id": event["databaseId"], "contact_id": message["contact"]["databaseId"], "email": entry["email"], "type": entry["type"],
            "timestamp": entry["timestamp"], "clickthru_url": entry.get("clickthru_url"), "user_agent": entry.get("user_agent"),
            **({"campaign_id": (message.get("campaign") or {}).get("databaseId"), "dsn_message": entry.get("dsn_message")} if campaign_id else {}),
        }))
    return entries


def _owned_logs(kind: str):
    """GET /logs/campaigns/{campaign_id} or /logs/lists/{list_id}: the events of the messages of that campaign / its list's campaigns."""
    field, what, type_name, filter_key = {"campaign": ("campaign_id", "Campaign", "Campaign", "campaignId"),
                                          "list": ("list_id", "List", "ContactList", "listId")}[kind]

    async def handler(call: Call) -> JSONResponse:
        owner_id = path_id(call, field)
        page, per_page, with_count = paging(call)
        start, end = _time(call, "start_time"), _time(call, "end_time")
        for unsupported in ("sort", "cursor"):
            if call.query.get(unsupported):
                raise Invalid(f"`{unsupported}` is not supported by this server: logs come newest message first, paged by number",
                              code="UNSUPPORTED_" + unsupported.upper(), field=unsupported)
        terms = filters(call, {"email", "type"})
        types = set(EVENT_TYPES.values())
        if "type" in terms:
            allowed = contract()["components"]["schemas"]["EventTypeResponse"]["enum"]
            if terms["type"] not in allowed:
                raise Invalid("value is not one of " + ", ".join(map(repr, allowed)), code="enum", field="filter")
            types = {terms["type"]}
        account = await auth.account(call)
        graph_filter = {"channel": "EMAIL", "recipient": terms.get("email") or None, filter_key: to_global_id(type_name, owner_id),
                        "createdAfter": _iso(start) if start else None, "createdBefore": _iso(end + 1) if end else None}
        connection = await _messages(call, account, graph_filter, page, per_page, to_global_id(type_name, owner_id), what, field)
        data = [entry for message in connection["nodes"] for entry in _owned_entries(message, types, start, end, kind == "list")]
        return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count), "data": data})

    return handler


async def action_logs(call: Call) -> JSONResponse:
    """GET /logs/workflows/{workflow_id}/actions/{action_id}: the events of the messages that action (workflow step) sent;
    each entry is one event (`occurrences` 1: the graph keeps events, not grouped counts)."""
    page, per_page, with_count = paging(call)
    start, end = _time(call, "start_time"), _time(call, "end_time")
    sort = (call.query.get("sort") or "").strip()
    if sort:
        raise Invalid("`sort` is not supported by this server: logs come newest message first", code="UNSUPPORTED_SORT", field="sort")
    terms = filters(call, {"email", "type"})
    types = set(EVENT_TYPES.values())
    if "type" in terms:
        if terms["type"] not in contract()["components"]["schemas"]["EventTypeResponse"]["enum"]:
            raise Invalid("value is not one of the event types", code="enum", field="filter")
        types = {terms["type"]}
    account = await auth.account(call)
    workflow = await workflows.workflow_of(call, account)
    step = workflows.action_of(call, workflow)
    graph_filter = {"channel": "EMAIL", "recipient": terms.get("email") or None, "campaignId": workflow["id"], "stepExternalId": step["externalId"],
                    "createdAfter": _iso(start) if start else None, "createdBefore": _iso(end + 1) if end else None}
    connection = await _messages(call, account, graph_filter, page, per_page)
    keys = ("id", "contact_id", "email", "type", "timestamp", "user_agent")
    data = [{**{k: entry[k] for k in keys if k in entry}, "occurrences": 1}
            for message in connection["nodes"] for entry in _owned_entries(message, types, start, end, False)]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count), "data": data})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/logs/emails", email_logs, Role.READ, "Show transactional email logs"),
    CompatRoute("GET", "/logs/campaigns/{campaign_id}", _owned_logs("campaign"), Role.READ, "Show campaign logs"),
    CompatRoute("GET", "/logs/lists/{list_id}", _owned_logs("list"), Role.READ, "Show list logs"),
    CompatRoute("GET", "/logs/workflows/{workflow_id}/actions/{action_id}", action_logs, Role.READ, "Show action logs"),
]
