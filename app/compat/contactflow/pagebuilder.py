"""Contactflow PageBuilder: the node's page templates (`Template` with channel PAGE, outside any campaign) and their pages,
kept in the template's settings as `pages: [{id, name}]` (docs/domain.md 2.2: `TemplatePart` is per language, not per page)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.contactflow import inputs, shapes
from app.compat.contactflow.auth import node_of, node_uuid
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

TEMPLATES = """query PageTemplates($node: UUID!, $first: Int!, $offset: Int!) {
  tenant(uuid: $node) { id templates(channel: PAGE, library: true, first: $first, offset: $offset) { totalCount nodes { databaseId name } } } }"""
TEMPLATE = """query PageTemplate($node: UUID!, $id: ID!) {
  tenant(uuid: $node) { id uuid } node(id: $id) { ... on Template { databaseId name channel settings tenant { uuid } } } }"""


def _whole(call: Call, name: str) -> int:
    raw = call.params[name]
    if not raw.isdigit() or len(raw) > 18:
        raise Invalid(f"{name} must be a whole number", code="INVALID_ID", field=name)
    return int(raw)


async def _template(call: Call) -> dict:
    """The PAGE template in the path, of the node in the `Node` header; anything else is not found."""
    template_id = _whole(call, "templateId")
    data = await call.graphql(TEMPLATE, {"node": node_uuid(call), "id": to_global_id("Template", template_id)})
    tenant, template = node_of(data), data.get("node")
    if not template or template.get("channel") != "PAGE" or template["tenant"]["uuid"] != tenant["uuid"]:
        raise NotFound(f"PageBuilder template {template_id} not found", code="TEMPLATE_NOT_FOUND", field="templateId")
    return template


async def list_templates(call: Call) -> JSONResponse:
    page, size = inputs.paging(call)
    found = node_of(await call.graphql(TEMPLATES, {"node": node_uuid(call), "first": size, "offset": page * size}))["templates"]
    elements = [{"id": t["databaseId"], "name": t["name"]} for t in found["nodes"]]
    return JSONResponse(shapes.page(elements, number=page, size=size, total=found["totalCount"]))


async def list_pages(call: Call) -> JSONResponse:
    page, size = inputs.paging(call)
    pages = shapes.template_pages(await _template(call))
    return JSONResponse(shapes.page(pages[page * size:(page + 1) * size], number=page, size=size, total=len(pages)))


async def get_page(call: Call) -> JSONResponse:
    page_id = _whole(call, "pageId")
    template = await _template(call)
    found = next((p for p in shapes.template_pages(template) if p["id"] == page_id), None)
    if found is None:
        raise NotFound(f"Page {page_id} of template {template['databaseId']} not found", code="PAGE_NOT_FOUND", field="pageId")
    return JSONResponse(found)


ROUTES = [
    CompatRoute("GET", "/external-contents/pagebuilder/templates", list_templates, Role.READ, "Get PageBuilder templates"),
    CompatRoute("GET", "/external-contents/pagebuilder/templates/{templateId}/pages", list_pages, Role.READ, "Get all PageBuilder template's pages"),
    CompatRoute("GET", "/external-contents/pagebuilder/templates/{templateId}/pages/{pageId}", get_page, Role.READ, "Get a PageBuilder template's page"),
]
