"""Doxie admin: API users (basic-auth credentials of the public routes) and tenant settings (bearer tokens).

API users need an ADMIN token: creating one shows its password once. Settings are `Tenant.settings`;
PATCH merges `tenant_params` into them, except the tenant's own attributes (name, timezone,
default_language, email_active, sms_active), which update the tenant itself.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import id_param, ok, page_of, pagination, paging, require_tenant, tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

CREDENTIAL_FIELDS = "id databaseId kind username role createdAt"
USERS = f"""
query ApiUsers($slug: String!, $first: Int, $after: String, $withNodes: Boolean!) {{
  tenant(slug: $slug) {{
    apiCredentials(kind: API_USER, first: $first, after: $after) {{
      totalCount pageInfo {{ hasNextPage endCursor }} nodes @include(if: $withNodes) {{ {CREDENTIAL_FIELDS} }}
    }}
  }}
}}"""
FIND_USER = f"""query ApiUser($slug: String!, $id: ID!) {{ tenant(slug: $slug) {{ apiCredential(id: $id) {{ {CREDENTIAL_FIELDS} }} }} }}"""
CREATE_USER = f"""
mutation CreateApiUser($input: CreateApiUserInput!) {{
  createApiUser(input: $input) {{ apiCredential {{ {CREDENTIAL_FIELDS} }} password userErrors {{ field message code }} }}
}}"""
DELETE_USER = """mutation DeleteApiCredential($input: DeleteInput!) { deleteApiCredential(input: $input) { deletedId userErrors { field message code } } }"""
TENANT_FIELDS = "id slug name active emailActive smsActive timezone defaultLanguage settings updatedAt"
SETTINGS = f"""query Settings($slug: String!) {{ tenant(slug: $slug) {{ {TENANT_FIELDS} }} }}"""
UPDATE_TENANT = f"""
mutation UpdateTenant($input: UpdateTenantInput!) {{ updateTenant(input: $input) {{ tenant {{ {TENANT_FIELDS} }} userErrors {{ field message code }} }} }}"""
PERMISSIONS = {"read": "READ", "write": "WRITE", "admin": "ADMIN"}
TENANT_ATTRIBUTES = {"name": "name", "timezone": "timezone", "default_language": "defaultLanguage",
                     "email_active": "emailActive", "sms_active": "smsActive"}


async def list_api_users(call: Call) -> JSONResponse:
    page, limit = paging(call)
    found = await page_of(call, USERS, {"slug": call.params["tenant"]}, ("tenant", "apiCredentials"), page=page, limit=limit)
    if found is None:
        require_tenant(call, None)
    nodes, total = found
    return ok({"api_users": [shapes.api_user(n) for n in nodes], "pagination": pagination(page, limit, total)})


async def create_api_user(call: Call) -> JSONResponse:
    body = await call.json()
    attributes = body.get("api_user") if isinstance(body, dict) else None
    if not isinstance(attributes, dict):
        raise Invalid("The body needs an api_user object", code="REQUIRED", field="api_user")
    username = attributes.get("username", attributes.get("name"))
    if not isinstance(username, str):
        raise Invalid("api_user.username is required", code="REQUIRED", field="username")
    permission = attributes.get("permission", "write")
    if permission not in PERMISSIONS:
        raise Invalid(f"permission must be one of {', '.join(PERMISSIONS)}", code="INVALID_PERMISSION", field="permission")
    variables = {"tenantId": await tenant_id(call), "username": username, "role": PERMISSIONS[permission]}
    result = (await call.graphql(CREATE_USER, {"input": variables}))["createApiUser"]
    return ok(shapes.api_user(result["apiCredential"]) | {"password": result["password"]}, "Erfolgreich erstellt")


async def delete_api_user(call: Call) -> JSONResponse:
    raw = id_param(call, "id", "API user")
    data = await call.graphql(FIND_USER, {"slug": call.params["tenant"], "id": to_global_id("ApiCredential", raw)})
    credential = require_tenant(call, data["tenant"])["apiCredential"]
    if credential is None or credential["kind"] != "API_USER":
        raise NotFound(f"API user {raw} not found", code="API_USER_NOT_FOUND", field="id")
    await call.graphql(DELETE_USER, {"input": {"id": credential["id"]}})
    return ok({"id": raw}, "API-Zugang erfolgreich gelöscht")


async def show_settings(call: Call) -> JSONResponse:
    tenant = require_tenant(call, (await call.graphql(SETTINGS, {"slug": call.params["tenant"]}))["tenant"])
    return ok(shapes.tenant_settings(tenant))


async def update_settings(call: Call) -> JSONResponse:
    body = await call.json()
    params = body.get("tenant_params") if isinstance(body, dict) else None
    if not isinstance(params, dict):
        raise Invalid("The body needs a tenant_params object", code="REQUIRED", field="tenant_params")
    tenant = require_tenant(call, (await call.graphql(SETTINGS, {"slug": call.params["tenant"]}))["tenant"])
    changes = {graph: params[name] for name, graph in TENANT_ATTRIBUTES.items() if name in params}
    rest = {k: v for k, v in params.items() if k not in TENANT_ATTRIBUTES}
    if rest:
        changes["settings"] = {**tenant["settings"], **rest}  # PATCH: the keys given replace theirs, the others stay
    result = (await call.graphql(UPDATE_TENANT, {"input": {"id": tenant["id"], **changes}}))["updateTenant"]
    return ok(shapes.tenant_settings(result["tenant"]), "Mandant erfolgreich aktualisiert")


ROUTES = [
    CompatRoute("GET", "/api/v1/admin/{tenant}/api_users", list_api_users, Role.ADMIN, "List API users"),
    CompatRoute("POST", "/api/v1/admin/{tenant}/api_users", create_api_user, Role.ADMIN, "Create an API user"),
    CompatRoute("DELETE", "/api/v1/admin/{tenant}/api_users/{id}", delete_api_user, Role.ADMIN, "Delete an API user"),
    CompatRoute("GET", "/api/v1/admin/{tenant}/settings", show_settings, Role.READ, "Show tenant settings"),
    CompatRoute("PATCH", "/api/v1/admin/{tenant}/settings", update_settings, Role.ADMIN, "Update tenant settings"),
]
