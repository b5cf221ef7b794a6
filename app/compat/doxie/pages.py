"""Doxie admin / pages (bearer tokens): landing pages (create, update, delete) and landing page layouts
(list, create, show, update, delete), onto PAGE templates (`domain/templates/pages.py`).

`pages_landing_page`: `name` (required on create), `brand_id`, `landing_page_layout_id` (or `layout_id`),
`owner_type` (`event`) with `owner_id` (the event's id), `content_state` (the editor's document).
`pages_landing_page_layout`: `name` (required on create), `brand_id`, `content_state`.
A page's public URL (`url`) is set once it is published (`editor/landing_pages/{id}/publish`).
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import node_of_tenant, ok, page_of, pagination, paging, require_tenant, tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

FIELDS = """id databaseId name createdAt updatedAt tenant { id }
  page { kind contentState publishedAt publicUrl ownerType brand { databaseId slug name } layout { databaseId name } ownerEvent { databaseId } }"""
FIND = f"""query Page($slug: String!, $id: ID!) {{ tenant(slug: $slug) {{ id }} node(id: $id) {{ ... on Template {{ {FIELDS} }} }} }}"""
LIST = f"""
query Layouts($slug: String!, $first: Int, $after: String, $withNodes: Boolean!) {{
  tenant(slug: $slug) {{
    templates(pageKind: LAYOUT, first: $first, after: $after) {{
      totalCount pageInfo {{ hasNextPage endCursor }} nodes @include(if: $withNodes) {{ {FIELDS} }}
    }}
  }}
}}"""
CREATE = f"""mutation CreatePage($input: CreatePageInput!) {{ createPage(input: $input) {{ template {{ {FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE = f"""mutation UpdatePage($input: UpdatePageInput!) {{ updatePage(input: $input) {{ template {{ {FIELDS} }} userErrors {{ field message code }} }} }}"""
DELETE = """mutation DeleteTemplate($input: DeleteInput!) { deleteTemplate(input: $input) { deletedId userErrors { field message code } } }"""

LANDING_PAGE, LAYOUT = "LANDING_PAGE", "LAYOUT"
WRAPPER = {LANDING_PAGE: "pages_landing_page", LAYOUT: "pages_landing_page_layout"}
WHAT = {LANDING_PAGE: "Landing page", LAYOUT: "Landing page layout"}
CODE = {LANDING_PAGE: "LANDING_PAGE_NOT_FOUND", LAYOUT: "LAYOUT_NOT_FOUND"}
# Doxie attribute -> (graph field, JSON type, global id type for ids)
ATTRIBUTES = {
    LANDING_PAGE: {
        "name": ("name", str, None), "brand_id": ("brandId", int, "Brand"), "landing_page_layout_id": ("layoutId", int, "Template"),
        "layout_id": ("layoutId", int, "Template"), "owner_type": ("ownerType", str, None), "owner_id": ("ownerId", int, "Event"),
        "content_state": ("contentState", dict, None),
    },
    LAYOUT: {"name": ("name", str, None), "brand_id": ("brandId", int, "Brand"), "content_state": ("contentState", dict, None)},
}
READ_ONLY = ("id", "created_at", "updated_at", "brand", "published", "published_at", "url")  # a client may send a shown page back
TYPE_NAMES = {str: "a string", int: "an integer", dict: "an object"}


def page_input(body: object, kind: str, *, creating: bool) -> dict:
    """`{"pages_landing_page": {...}}` (or `pages_landing_page_layout`) as the graph's input fields."""
    wrapper = WRAPPER[kind]
    attributes = body.get(wrapper) if isinstance(body, dict) else None
    if not isinstance(attributes, dict):
        raise Invalid(f"The body needs a {wrapper} object", code="REQUIRED", field=wrapper)
    allowed = ATTRIBUTES[kind]
    unknown = sorted(set(attributes) - set(allowed) - set(READ_ONLY))
    if unknown:
        raise Invalid(f"Unknown attributes: {', '.join(unknown)}", code="UNKNOWN_ATTRIBUTE", field=unknown[0])
    if creating and not isinstance(attributes.get("name"), str):
        raise Invalid("name is required", code="REQUIRED", field="name")
    fields = {}
    for name, (graph, kind_of_value, id_type) in allowed.items():
        if name not in attributes:
            continue
        value = attributes[name]
        if value is None and name in ("name", "content_state"):
            raise Invalid(f"{name} cannot be null", code="REQUIRED", field=name)
        if value is not None and (not isinstance(value, kind_of_value) or isinstance(value, bool)):
            raise Invalid(f"{name} must be {TYPE_NAMES[kind_of_value]}", code="INVALID_TYPE", field=name)
        if id_type and value is not None:
            if not 0 < value < 2**63:
                raise NotFound(f"{name} {value} not found", code="NOT_FOUND", field=name)
            value = to_global_id(id_type, value)
        fields[graph] = value
    return fields


async def find_page(call: Call, kind: str, param: str = "id") -> dict:
    """The landing page (or layout) in the path, when it is one of the tenant in the path."""
    node = await node_of_tenant(call, FIND, param=param, type_name="Template", what=WHAT[kind], code=CODE[kind])
    if not node.get("page") or node["page"]["kind"] != kind:
        raise NotFound(f"{WHAT[kind]} {call.params[param]} not found", code=CODE[kind], field=param)
    return node


async def update_page(call: Call, node: dict, fields: dict) -> dict:
    return (await call.graphql(UPDATE, {"input": {"id": node["id"], **fields}}))["updatePage"]["template"]


def create(kind: str):
    async def handler(call: Call) -> JSONResponse:
        fields = page_input(await call.json(), kind, creating=True)
        result = await call.graphql(CREATE, {"input": {"tenantId": await tenant_id(call), "kind": kind, **fields}})
        return ok(shapes.landing_page(result["createPage"]["template"]), "Erfolgreich erstellt")

    return handler


def update(kind: str):
    async def handler(call: Call) -> JSONResponse:
        fields = page_input(await call.json(), kind, creating=False)
        node = await find_page(call, kind)
        return ok(shapes.landing_page(await update_page(call, node, fields)), "Erfolgreich aktualisiert")

    return handler


def delete(kind: str):
    async def handler(call: Call) -> JSONResponse:
        node = await find_page(call, kind)
        await call.graphql(DELETE, {"input": {"id": node["id"]}})
        return ok(shapes.landing_page(node), "Erfolgreich gelöscht")

    return handler


async def show_layout(call: Call) -> JSONResponse:
    return ok(shapes.landing_page(await find_page(call, LAYOUT)))


async def list_layouts(call: Call) -> JSONResponse:
    page, limit = paging(call)
    found = await page_of(call, LIST, {"slug": call.params["tenant"]}, ("tenant", "templates"), page=page, limit=limit)
    if found is None:
        require_tenant(call, None)
    nodes, total = found
    return ok({"landing_page_layouts": [shapes.landing_page(n) for n in nodes], "pagination": pagination(page, limit, total)})


PAGES = "/api/v1/admin/{tenant}/pages/landing_pages"
LAYOUTS = "/api/v1/admin/{tenant}/pages/landing_page_layouts"
ROUTES = [
    CompatRoute("POST", PAGES, create(LANDING_PAGE), Role.WRITE, "Create a landing page"),
    CompatRoute("PATCH", PAGES + "/{id}", update(LANDING_PAGE), Role.WRITE, "Update a landing page"),
    CompatRoute("DELETE", PAGES + "/{id}", delete(LANDING_PAGE), Role.WRITE, "Delete a landing page"),
    CompatRoute("GET", LAYOUTS, list_layouts, Role.READ, "List landing page layouts"),
    CompatRoute("POST", LAYOUTS, create(LAYOUT), Role.WRITE, "Create a landing page layout"),
    CompatRoute("GET", LAYOUTS + "/{id}", show_layout, Role.READ, "Show a landing page layout"),
    CompatRoute("PATCH", LAYOUTS + "/{id}", update(LAYOUT), Role.WRITE, "Update a landing page layout"),
    CompatRoute("DELETE", LAYOUTS + "/{id}", delete(LAYOUT), Role.WRITE, "Delete a landing page layout"),
]
