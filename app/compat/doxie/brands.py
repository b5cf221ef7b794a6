"""Doxie admin brands (bearer tokens): list, create, show, update, delete.

Provider set-up on a third-party cloud (Mailjet / RCS / SMS webhook registration, SES set-up, an
SMTP test of brand credentials) answers 501 NOT_SUPPORTED for an existing brand: sendgraph has no such accounts.

`brand_input_schema` maps onto a Brand: `name`, `slug`; `possible_sender_emails` and
`rcs_possible_senders` (JSON arrays or comma-separated strings) are the brand's email and RCS
senders; every other attribute (`mail_provider` and its nested provider objects, look...) is kept
in the brand's settings, whose secrets the graph masks.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import node_of_tenant, ok, page_of, pagination, paging, require_tenant, tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role


FIELDS = "id databaseId slug name settings createdAt updatedAt tenant { id } senders { channel address }"
LIST = f"""
query Brands($slug: String!, $first: Int, $after: String, $withNodes: Boolean!) {{
  tenant(slug: $slug) {{
    brands(first: $first, after: $after) {{ totalCount pageInfo {{ hasNextPage endCursor }} nodes @include(if: $withNodes) {{ {FIELDS} }} }}
  }}
}}"""
FIND = f"""query Brand($slug: String!, $id: ID!) {{ tenant(slug: $slug) {{ id }} node(id: $id) {{ ... on Brand {{ {FIELDS} }} }} }}"""
CREATE = f"""mutation CreateBrand($input: CreateBrandInput!) {{ createBrand(input: $input) {{ brand {{ {FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE = f"""mutation UpdateBrand($input: UpdateBrandInput!) {{ updateBrand(input: $input) {{ brand {{ {FIELDS} }} userErrors {{ field message code }} }} }}"""
DELETE = """mutation DeleteBrand($input: DeleteInput!) { deleteBrand(input: $input) { deletedId userErrors { field message code } } }"""
SENDER_LISTS = {"possible_sender_emails": "senderEmails", "rcs_possible_senders": "rcsSenders"}
IGNORED = ("id", "created_at", "updated_at")


def _input(body: object) -> dict:
    attributes = body.get("brand") if isinstance(body, dict) else None
    if not isinstance(attributes, dict):
        raise Invalid("The body needs a brand object", code="REQUIRED", field="brand")
    fields = {name: attributes[name] for name in ("name", "slug") if name in attributes}
    for name, graph in SENDER_LISTS.items():
        if name in attributes:
            fields[graph] = _addresses(attributes[name], name)
    settings = {k: v for k, v in attributes.items() if k not in ("name", "slug", *SENDER_LISTS, *IGNORED)}
    if settings:
        fields["settings"] = settings
    return fields


def _addresses(value: object, field: str) -> list[str]:
    """A JSON array or a comma-separated string, as the seed allows."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise Invalid(f"{field} must be a list or a comma-separated string", code="INVALID_TYPE", field=field)


async def _brand(call: Call, param: str = "id") -> dict:
    return await node_of_tenant(call, FIND, param=param, type_name="Brand", what="Brand", code="BRAND_NOT_FOUND")


async def list_brands(call: Call) -> JSONResponse:
    page, limit = paging(call)
    found = await page_of(call, LIST, {"slug": call.params["tenant"]}, ("tenant", "brands"), page=page, limit=limit)
    if found is None:
        require_tenant(call, None)
    nodes, total = found
    return ok({"brands": [shapes.brand(n) for n in nodes], "pagination": pagination(page, limit, total)})


async def create_brand(call: Call) -> JSONResponse:
    fields = _input(await call.json())
    result = (await call.graphql(CREATE, {"input": {"tenantId": await tenant_id(call), **fields}}))["createBrand"]
    return ok(shapes.brand(result["brand"]), "Erfolgreich erstellt")


async def show_brand(call: Call) -> JSONResponse:
    return ok(shapes.brand(await _brand(call)))


async def update_brand(call: Call) -> JSONResponse:
    fields = _input(await call.json())
    brand = await _brand(call)
    result = (await call.graphql(UPDATE, {"input": {"id": brand["id"], **fields}}))["updateBrand"]
    return ok(shapes.brand(result["brand"]), "Erfolgreich bearbeitet")


async def delete_brand(call: Call) -> JSONResponse:
    brand = await _brand(call)
    await call.graphql(DELETE, {"input": {"id": brand["id"]}})
    return ok(shapes.brand(brand), "Erfolgreich gelöscht")


def unsupported(action: str):
    """Provider set-up that needs a third-party cloud account sendgraph does not have: an honest 501 for an existing brand."""

    async def handler(call: Call) -> JSONResponse:
        await _brand(call, "brand_id")
        raise Invalid(f"{action} is not available: sendgraph delivers through the transports configured for the deployment "
                      "(SMTP_URL, SMS_URL) and has no per-brand provider accounts to set up", code="NOT_SUPPORTED")

    return handler


PATH = "/api/v1/admin/{tenant}/brands"
CLOUD = [
    ("GET", "mailjet_webhooks", "Show Mailjet notification webhook status for a brand", "Mailjet webhook status"),
    ("POST", "mailjet_webhooks", "Register Mailjet notification webhooks for a brand", "Registering Mailjet webhooks"),
    ("DELETE", "mailjet_webhooks", "Remove Mailjet notification webhooks for a brand", "Removing Mailjet webhooks"),
    ("GET", "rcs_webhook", "Show RCS notification webhook status for a brand", "RCS webhook status"),
    ("POST", "rcs_webhook", "Register RCS notification webhook for a brand", "Registering an RCS webhook"),
    ("DELETE", "rcs_webhook", "Remove RCS notification webhook for a brand", "Removing an RCS webhook"),
    ("GET", "sms_webhook", "Show SMS notification webhook status for a brand", "Per-brand SMS webhook status"),
    ("POST", "sms_webhook", "Register SMS notification webhook for a brand", "Registering a per-brand SMS webhook"),
    ("DELETE", "sms_webhook", "Remove SMS notification webhook for a brand", "Removing a per-brand SMS webhook"),
    ("POST", "ses_setup", "Trigger SES setup for a brand", "AWS SES set-up"),
    ("POST", "smtp_test", "Test SMTP connection for a brand", "A per-brand SMTP test"),
]
ROUTES = [
    CompatRoute("GET", PATH, list_brands, Role.READ, "List brands"),
    CompatRoute("POST", PATH, create_brand, Role.WRITE, "Create a brand"),
    CompatRoute("GET", PATH + "/{id}", show_brand, Role.READ, "Show a brand"),
    CompatRoute("PATCH", PATH + "/{id}", update_brand, Role.WRITE, "Update a brand"),
    CompatRoute("DELETE", PATH + "/{id}", delete_brand, Role.WRITE, "Delete a brand"),
    *[CompatRoute(method, PATH + "/{brand_id}/" + name, unsupported(action), Role.READ if method == "GET" else Role.WRITE, operation)
      for method, name, operation, action in CLOUD],
]
