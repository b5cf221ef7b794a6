"""What several Doxie routes share: the tenant in the path, query parameters, Doxie's page/limit
paging over the graph's cursor connections, and the admin API's success envelope."""
from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from app.compat.framework import Call
from schema.relay import to_global_id
from domain.errors import Invalid, NotFound

TENANT = """query Tenant($slug: String!) { tenant(slug: $slug) { id } }"""
DEFAULT_LIMIT = 200  # the seed's default page size
MAX_LIMIT = 1000


async def tenant_id(call: Call) -> str:
    """The tenant in the path, as the caller may see it (another tenant's slug is simply not found)."""
    data = await call.graphql(TENANT, {"slug": call.params["tenant"]})
    return require_tenant(call, data["tenant"])["id"]


def require_tenant(call: Call, tenant: dict | None) -> dict:
    if tenant is None:
        raise NotFound(f"Tenant {call.params['tenant']} not found", code="TENANT_NOT_FOUND", field="tenant")
    return tenant


def int_param(call: Call, name: str, default: int, *, maximum: int | None = None) -> int:
    """A positive integer query parameter; anything else is the caller's mistake."""
    raw = call.query.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f" up to {maximum}" if maximum else ""
        raise Invalid(f"{name} must be a positive integer{limit}", code="INVALID_PARAMETER", field=name)
    return int(raw)


def bool_param(call: Call, name: str) -> bool:
    raw = (call.query.get(name) or "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise Invalid(f"{name} must be true or false", code="INVALID_PARAMETER", field=name)


def id_param(call: Call, name: str, what: str) -> int:
    """An integer id from the path; anything else names nothing, so it is not found."""
    raw = call.params[name]
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(f"{what} {raw} not found", code="NOT_FOUND", field=name)
    return int(raw)


async def node_of_tenant(call: Call, find: str, *, param: str, type_name: str, what: str, code: str) -> dict:
    """The node the path's `param` names, run through `find` (which selects `tenant { id }` and `node`), when it
    belongs to the tenant in the path; anything else is not found."""
    raw = id_param(call, param, what)
    data = await call.graphql(find, {"slug": call.params["tenant"], "id": to_global_id(type_name, raw)})
    tenant = require_tenant(call, data["tenant"])
    if not data["node"] or data["node"]["tenant"]["id"] != tenant["id"]:
        raise NotFound(f"{what} {raw} not found", code=code, field=param)
    return data["node"]


def paging(call: Call) -> tuple[int, int]:
    """(page, limit) from the `page` and `limit` query parameters."""
    return int_param(call, "page", 1), int_param(call, "limit", DEFAULT_LIMIT, maximum=MAX_LIMIT)


async def page_of(call: Call, document: str, variables: dict, path: tuple[str, ...], *, page: int, limit: int) -> tuple[list, int] | None:
    """Doxie's `page`/`limit` over a keyset connection: walk the cursors past the earlier pages, then
    collect `limit` nodes. The document takes `$first`, `$after` and `$withNodes` (for `@include` on
    `nodes`) and returns `totalCount`, `pageInfo { hasNextPage endCursor }` at `path`; None when
    something on the path is null (a tenant or process the caller cannot see)."""
    cap = call.settings.max_page_size
    after, skip, nodes, total = None, (page - 1) * limit, [], 0
    while True:
        wanted = min(cap, skip) if skip else min(cap, limit - len(nodes))
        data = await call.graphql(document, {**variables, "first": wanted, "after": after, "withNodes": not skip})
        connection = _at(data, path)
        if connection is None:
            return None
        total = connection["totalCount"]
        if skip:
            skip -= wanted
        else:
            nodes.extend(connection["nodes"])
        after = connection["pageInfo"]["endCursor"]
        if not connection["pageInfo"]["hasNextPage"] or len(nodes) >= limit:
            return nodes, total


def pagination(page: int, limit: int, count: int) -> dict:
    return {"page": page, "limit": limit, "count": count, "pages": (count + limit - 1) // limit}


def _at(data: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        if data is None:
            return None
        data = data[key]
    return data


def ok(data: Any = None, message: str | None = None, status_code: int = 200) -> JSONResponse:
    """The admin API's envelope."""
    return JSONResponse({"success": True, "message": message, "error": None, "data": data}, status_code=status_code)
