"""Especial email activity logs (`GET /logs/emails`) from the graph's messages and their events.

A log entry is one MessageEvent of one of the account's email messages (transactional and campaign alike: the
contract calls them "email activity logs"). The graph pages messages, not events, so a page is `per_page`
emails with their entries of `log_type` (an email may give none, or several), and `count` counts the emails
that match. `start_time`/`end_time` select the emails created in that window and their entries in it.
Especial's `group_id` is kept with the message but the graph cannot filter on it: that filter is refused.

Not served: `/logs/campaigns/{id}` and `/logs/lists/{id}` (the graph has no campaign or list filter on messages),
and the workflow and export routes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parseaddr

from starlette.responses import JSONResponse

from app.compat.especial import auth, validation
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import filters, paging
from app.compat.especial.numbered_pages import numbered_page
from app.compat.framework import Call, CompatRoute
from app.compat.especial.openapi import contract
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id

MESSAGE_FIELDS = """databaseId channel recipient sender data createdAt error tenant { id } events { type detail occurredAt }"""
LIST_MESSAGES = f"""
query EspecialEmailLogs($account: ID!, $first: Int!, $after: String, $filter: MessageFilter!, $nodes: Boolean!) {{
  node(id: $account) {{ ... on Tenant {{
    messages(first: $first, after: $after, filter: $filter) {{
      totalCount pageInfo {{ endCursor hasNextPage }} nodes @include(if: $nodes) {{ {MESSAGE_FIELDS} }} }} }} }} }}"""
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
        dsn = detail.get("detail") if kind in ("bounce", "skipped") else None
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
        async def fetch(first: int, after: str | None, nodes: bool) -> dict:
            variables = {"account": account, "first": first, "after": after, "filter": graph_filter, "nodes": nodes}
            return (await call.graphql(LIST_MESSAGES, variables))["node"]["messages"]

        connection = await numbered_page(fetch, page, per_page)
    types = LOG_TYPES[log_type]
    data = [entry for message in connection["nodes"] for entry in _entries(message, types, start, end)]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count), "data": data})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/logs/emails", email_logs, Role.READ, "Show transactional email logs"),
]
