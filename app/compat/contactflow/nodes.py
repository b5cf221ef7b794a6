"""Contactflow nodes: tenants addressed by their UUID (`/nodes`, no Node header needed).

A node is created as a sub-tenant of a node the caller administers: the one named by the `Node`
header, else the only one its token administers.
"""
from __future__ import annotations

import uuid

from starlette.responses import JSONResponse, Response

from app.compat.contactflow import inputs, shapes
from app.compat.contactflow.auth import node_of, node_uuid
from app.compat.contactflow.shapes import NODE_FIELDS
from app.compat.framework import Call, CompatRoute
from domain.errors import Forbidden, Invalid, NotFound
from domain.identity.models import Role

NODES = f"""query Nodes($first: Int!, $offset: Int!, $workspace: UUID, $portfolio: UUID) {{
  tenants(first: $first, offset: $offset, workspaceUuid: $workspace, portfolioUuid: $portfolio) {{ totalCount nodes {{ {NODE_FIELDS} }} }} }}"""
NODE = f"""query Node($uuid: UUID!) {{ tenant(uuid: $uuid) {{ {NODE_FIELDS} }} }}"""
PARENT = """query ParentNode($uuid: UUID!) { tenant(uuid: $uuid) { id } }"""
ADMINISTERED = """query AdministeredNodes { viewer { memberships { role tenant { id } } } }"""
CREATE = f"""mutation CreateNode($input: CreateTenantInput!) {{
  createTenant(input: $input) {{ tenant {{ {NODE_FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE = f"""mutation UpdateNode($input: UpdateTenantInput!) {{
  updateTenant(input: $input) {{ tenant {{ {NODE_FIELDS} }} userErrors {{ field message code }} }} }}"""
DELETE = """mutation DeleteNode($input: DeleteInput!) { deleteTenant(input: $input) { deletedId userErrors { field message code } } }"""


async def _node(call: Call) -> dict:
    tenant = (await call.graphql(NODE, {"uuid": call.params["nodeUuid"]}))["tenant"]
    if tenant is None:
        raise NotFound(f"Node {call.params['nodeUuid']} not found", code="NODE_NOT_FOUND", field="nodeUuid")
    return tenant


async def list_nodes(call: Call) -> JSONResponse:
    page, size = inputs.paging(call)
    variables = {"first": size, "offset": page * size, "workspace": call.query.get("workspaceUuid") or None,
                 "portfolio": call.query.get("portfolioUuid") or None}
    found = (await call.graphql(NODES, variables))["tenants"]
    return JSONResponse(shapes.page([shapes.node(t) for t in found["nodes"]], number=page, size=size, total=found["totalCount"]))


async def get_node(call: Call) -> JSONResponse:
    return JSONResponse(shapes.node(await _node(call)))


async def _parent_id(call: Call) -> str:
    if call.request.headers.get("node"):
        return node_of(await call.graphql(PARENT, {"uuid": node_uuid(call)}))["id"]
    administered = [m["tenant"]["id"] for m in (await call.graphql(ADMINISTERED))["viewer"]["memberships"] if m["role"] == "ADMIN"]
    if not administered:
        raise Forbidden("This token administers no node to create nodes under", code="FORBIDDEN")
    if len(administered) > 1:
        raise Invalid("This token administers several nodes: name the parent node in the Node header", code="NODE_REQUIRED", field="Node")
    return administered[0]


async def create_node(call: Call) -> JSONResponse:
    body = await inputs.body_object(call)
    parent_id = await _parent_id(call)
    node = inputs.uuid_text(body, "uuid") or str(uuid.uuid4())
    extra = {name: body[name] for name in shapes.NODE_SETTINGS if body.get(name) is not None}
    variables = {"input": {
        "slug": f"node-{node}".lower(), "name": inputs.text(body, "name", required=True), "parentId": parent_id, "uuid": node,
        **{name: body.get(name) for name in ("workspaceUuid", "workspaceName", "portfolioUuid", "portfolioName")},
        **{name: value for name in ("active", "emailActive", "smsActive") if (value := inputs.flag(body, name)) is not None},
        "settings": {"contactflow": extra} if extra else None,
    }}
    created = (await call.graphql(CREATE, variables))["createTenant"]["tenant"]
    return JSONResponse(shapes.node(created), status_code=201)


async def update_node(call: Call) -> JSONResponse:
    body = await inputs.body_object(call)
    changes = {"active": inputs.flag(body, "active", required=True)}
    for name in ("smsActive", "emailActive"):
        if (value := inputs.flag(body, name)) is not None:
            changes[name] = value
    tenant = await _node(call)
    if "hubPhoneField" in body:
        settings = tenant["settings"] or {}
        extra = {**shapes.node_settings(tenant), "hubPhoneField": inputs.text(body, "hubPhoneField")}
        changes["settings"] = {**settings, "contactflow": extra}
    updated = (await call.graphql(UPDATE, {"input": {"id": tenant["id"], **changes}}))["updateTenant"]["tenant"]
    return JSONResponse(shapes.node(updated))


async def delete_node(call: Call) -> Response:
    tenant = await _node(call)
    await call.graphql(DELETE, {"input": {"id": tenant["id"]}})
    return Response(status_code=204)


ROUTES = [
    CompatRoute("GET", "/nodes", list_nodes, Role.READ, "Get all nodes"),
    CompatRoute("POST", "/nodes", create_node, Role.ADMIN, "Create a node"),
    CompatRoute("GET", "/nodes/{nodeUuid}", get_node, Role.READ, "Get a node"),
    CompatRoute("DELETE", "/nodes/{nodeUuid}", delete_node, Role.ADMIN, "Delete a node"),
    CompatRoute("PATCH", "/nodes/{nodeUuid}", update_node, Role.ADMIN, "Update a node"),
]
