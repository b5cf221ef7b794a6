"""Especial segments of a list (see app/compat/especial/routes.py): thin adapters onto the graph's segment operations.

A segment's `query` / `fiql` / `json` is handed to the graph as a condition (language + expression); what it means, and
whether sendgraph can apply it, is the domain's call (`domain.contacts.segments`). Its contacts are the graph's
`Segment.members`: exactly who a campaign on the segment sends to.
"""
from __future__ import annotations

import json

from starlette.responses import JSONResponse

from app.compat.especial import auth
from app.compat.especial import audience_shapes as shapes
from app.compat.especial.audience import filters, graph, json_body, no_sort, owned, paging, path_id
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

FIELDS = "databaseId name createdAt campaignsCount lastUsedAt condition { language expression } list { databaseId } tenant { id }"
ERRORS = "userErrors { field message code }"
SEGMENT = f"query EspecialSegment($id: ID!) {{ node(id: $id) {{ ... on Segment {{ {FIELDS} }} }} }}"
SEGMENTS = f"""query EspecialSegments($list: ID!, $first: Int!, $offset: Int!, $count: Boolean!) {{
  node(id: $list) {{ ... on ContactList {{ tenant {{ id }} segments(first: $first, offset: $offset) {{
    totalCount @include(if: $count) nodes {{ {FIELDS} }} }} }} }} }}"""
MEMBERS = f"""query EspecialSegmentContacts($id: ID!, $first: Int!, $offset: Int, $after: String, $count: Boolean!) {{
  node(id: $id) {{ ... on Segment {{ members(first: $first, offset: $offset, after: $after) {{
    totalCount @include(if: $count) pageInfo {{ hasNextPage endCursor }} nodes {{ {shapes.MEMBER_FIELDS} }} }} }} }} }}"""
CREATE = f"mutation EspecialCreateSegment($input: CreateSegmentInput!) {{ createSegment(input: $input) {{ segment {{ {FIELDS} }} {ERRORS} }} }}"
UPDATE = f"mutation EspecialUpdateSegment($input: UpdateSegmentInput!) {{ updateSegment(input: $input) {{ segment {{ {FIELDS} }} {ERRORS} }} }}"
DELETE = f"mutation EspecialDeleteSegment($input: DeleteInput!) {{ deleteSegment(input: $input) {{ deletedId {ERRORS} }} }}"

LANGUAGES = {"query": "SQL", "fiql": "FIQL", "json": "JSON"}  # Especial body field -> SegmentExpressionLanguage


def shape(node: dict) -> dict:
    """SegmentFullResponse; `last_used` is 0 when no campaign on the segment was launched yet."""
    data = {"id": node["databaseId"], "name": node["name"], "campaigns_count": node["campaignsCount"],
            "last_used": shapes.unix(node["lastUsedAt"]) or 0, "created_on": shapes.unix(node["createdAt"])}
    condition = node.get("condition")
    if condition:
        field = {v: k for k, v in LANGUAGES.items()}[condition["language"]]
        data[field] = json.loads(condition["expression"]) if field == "json" else condition["expression"]
    return data


def condition(body: dict) -> dict | None:
    """The one selection the body gives (query, fiql or json) as the graph's condition."""
    given = [name for name in LANGUAGES if name in body]
    if len(given) > 1:
        raise Invalid("Use only one of query, fiql and json", code="AMBIGUOUS_SELECTION", field=given[1])
    if not given:
        return None
    value = body[given[0]]
    return {"language": LANGUAGES[given[0]], "expression": json.dumps(value) if given[0] == "json" else value}


async def _write(call: Call, document: str, input: dict, body: dict) -> dict:
    """`graph`, with an error on the condition pointing at the body field it came from (query, fiql or json)."""
    try:
        return await graph(call, document, {"input": input})
    except DomainError as error:
        if error.field in ("condition", "rules"):
            error.field = next((name for name in LANGUAGES if name in body), "query")
        raise


async def _segment(call: Call) -> dict:
    """The segment in the path, of the list in the path, of the account acted on; else 404."""
    account = await auth.account(call)
    list_id, segment_id = path_id(call, "list_id"), path_id(call, "segment_id")
    node = (await call.graphql(SEGMENT, {"id": to_global_id("Segment", segment_id)}))["node"]
    node = owned(node, account, "Segment", segment_id, "segment_id")
    if (node["list"] or {}).get("databaseId") != list_id:
        raise NotFound(f"Segment {segment_id} not found in list {list_id}", code="NOT_FOUND", field="segment_id")
    return node


async def list_segments(call: Call) -> JSONResponse:
    account = await auth.account(call)
    list_id = path_id(call, "list_id")
    page, per_page, with_count = paging(call)
    no_sort(call, "segments come in the order they were created", allowed=("id", "created_on"))
    data = await call.graphql(SEGMENTS, {"list": to_global_id("ContactList", list_id), "first": per_page, "offset": (page - 1) * per_page, "count": with_count})
    node = owned(data["node"], account, "List", list_id, "list_id")
    connection = node["segments"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count=with_count),
                         "data": [shape(n) for n in connection["nodes"]]})


async def create_segment(call: Call) -> JSONResponse:
    body = await json_body(call, "Segment")
    account = await auth.account(call)
    list_id = path_id(call, "list_id")
    owned((await call.graphql(shapes.LIST, {"id": to_global_id("ContactList", list_id)}))["node"], account, "List", list_id, "list_id")
    data = await _write(call, CREATE, {
        "tenantId": account, "listId": to_global_id("ContactList", list_id), "name": body["name"], "condition": condition(body),
    }, body)
    segment = shape(data["createSegment"]["segment"])
    return JSONResponse({"id": segment["id"], "object": "segment", "created": True, "data": segment}, status_code=201)


async def get_segment(call: Call) -> JSONResponse:
    return JSONResponse({"data": shape(await _segment(call))})


async def update_segment(call: Call) -> JSONResponse:
    body = await json_body(call, "UpdateSegment")
    node = await _segment(call)
    changes: dict = {"id": to_global_id("Segment", node["databaseId"])}
    if "name" in body:
        changes["name"] = body["name"]
    if condition(body):
        changes["condition"] = condition(body)
    data = await _write(call, UPDATE, changes, body)
    segment = shape(data["updateSegment"]["segment"])
    return JSONResponse({"id": segment["id"], "object": "segment", "updated": True, "data": segment})


async def delete_segment(call: Call) -> JSONResponse:
    node = await _segment(call)
    await graph(call, DELETE, {"input": {"id": to_global_id("Segment", node["databaseId"])}})
    return JSONResponse({"id": node["databaseId"], "object": "segment", "deleted": True})


async def segment_contacts(call: Call) -> JSONResponse:
    node = await _segment(call)
    page, per_page, with_count = paging(call)
    for name in ("query", "fiql", "json"):
        if call.query.get(name):
            raise Invalid(f"Selecting contacts with `{name}` is not supported by this server", code="UNSUPPORTED_SELECTION", field=name)
    filters(call, supported=set(), known={"status", "email", "tags", "interests"})
    no_sort(call, "a segment's contacts come in the order they joined the list", allowed=("id",))
    cursor = call.query.get("cursor") or None
    connection = (await call.graphql(MEMBERS, {
        "id": to_global_id("Segment", node["databaseId"]), "first": per_page, "after": cursor,
        "offset": None if cursor else (page - 1) * per_page, "count": with_count,
    }))["node"]["members"]
    pagination = shapes.pagination(page, per_page, connection, with_count=with_count)
    if connection["pageInfo"]["hasNextPage"]:
        pagination["cursor"] = {"next": connection["pageInfo"]["endCursor"]}
    return JSONResponse({"pagination": pagination, "data": [shapes.contact(m) for m in connection["nodes"]]})


ONE = "/lists/{list_id}/segments/{segment_id}"
ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/lists/{list_id}/segments", list_segments, Role.READ, "Show all segments"),
    CompatRoute("POST", "/lists/{list_id}/segments", create_segment, Role.WRITE, "Create a segment"),
    CompatRoute("GET", ONE, get_segment, Role.READ, "Show a segment details"),
    CompatRoute("PATCH", ONE, update_segment, Role.WRITE, "Update a segment"),
    CompatRoute("DELETE", ONE, delete_segment, Role.WRITE, "Delete a segment"),
    CompatRoute("GET", f"{ONE}/contacts", segment_contacts, Role.READ, "Show contacts of a segment"),
]
