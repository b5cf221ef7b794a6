"""Contactflow node settings (`/settings`): the integration settings of the node in the `Node` header.

`GET /settings` groups them by category (`INTEGRATION` → `integrations`), narrowed by the `Category`
and `Type` query parameters; each setting is known by its UUID.
"""
from __future__ import annotations

from starlette.responses import JSONResponse, Response

from app.compat.contactflow import inputs
from app.compat.contactflow.auth import node_of, node_tenant_id, node_uuid
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role

SETTING_FIELDS = "uuid label category type value"
SETTINGS = f"""query NodeSettings($node: UUID!, $category: String, $type: String) {{
  tenant(uuid: $node) {{ id nodeSettings(category: $category, type: $type) {{ {SETTING_FIELDS} }} }} }}"""
SETTING = f"""query NodeSetting($node: UUID!, $uuid: UUID!) {{ tenant(uuid: $node) {{ id nodeSetting(uuid: $uuid) {{ {SETTING_FIELDS} }} }} }}"""
CREATE = f"""mutation AddNodeSetting($input: TenantSettingInput!) {{
  createTenantSetting(input: $input) {{ setting {{ {SETTING_FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE = f"""mutation UpdateNodeSetting($input: TenantSettingInput!) {{
  updateTenantSetting(input: $input) {{ setting {{ {SETTING_FIELDS} }} userErrors {{ field message code }} }} }}"""
DELETE = """mutation DeleteNodeSetting($input: DeleteTenantSettingInput!) {
  deleteTenantSetting(input: $input) { deletedUuid userErrors { field message code } } }"""
GROUPS = {"INTEGRATION": "integrations"}  # category -> its key in the GET /settings body


def _setting_uuid(call: Call) -> str:
    return inputs.uuid_text({"settingUuid": call.params["settingUuid"]}, "settingUuid")


def _query(call: Call, name: str) -> str | None:
    """Contactflow spells these query parameters with a capital (`Category`, `Type`); either spelling is read."""
    return call.query.get(name.title()) or call.query.get(name) or None


def _fields(body: dict) -> dict:
    value = body.get("value")
    if value is not None and not isinstance(value, dict):
        raise Invalid("value must be an object", code="INVALID_TYPE", field="value")
    return {"label": inputs.text(body, "label"), "category": inputs.text(body, "category") or "INTEGRATION",
            "type": inputs.text(body, "type", required=True), "value": value}


async def list_settings(call: Call) -> JSONResponse:
    variables = {"node": node_uuid(call), "category": _query(call, "category"), "type": _query(call, "type")}
    found = node_of(await call.graphql(SETTINGS, variables))["nodeSettings"]
    body = {key: [] for category, key in GROUPS.items() if variables["category"] in (None, category)}
    for setting in found:
        body.setdefault(GROUPS.get(setting["category"], setting["category"].lower() + "s"), []).append(setting)
    return JSONResponse(body)


async def get_setting(call: Call) -> JSONResponse:
    uuid = _setting_uuid(call)
    found = node_of(await call.graphql(SETTING, {"node": node_uuid(call), "uuid": uuid}))["nodeSetting"]
    if found is None:
        raise NotFound(f"Setting {uuid} not found", code="SETTING_NOT_FOUND", field="settingUuid")
    return JSONResponse(found)


async def add_setting(call: Call) -> JSONResponse:
    body = await inputs.body_object(call)
    variables = {"input": {"tenantId": await node_tenant_id(call), "uuid": inputs.uuid_text(body, "uuid"), **_fields(body)}}
    created = (await call.graphql(CREATE, variables))["createTenantSetting"]["setting"]
    return JSONResponse(created, status_code=201)


async def update_setting(call: Call) -> JSONResponse:
    body = await inputs.body_object(call)
    uuid = _setting_uuid(call)
    if inputs.uuid_text(body, "uuid") not in (None, uuid):
        raise Invalid("The body's uuid is not the setting's in the path", code="UUID_MISMATCH", field="uuid")
    variables = {"input": {"tenantId": await node_tenant_id(call), "uuid": uuid, **_fields(body)}}
    updated = (await call.graphql(UPDATE, variables))["updateTenantSetting"]["setting"]
    return JSONResponse(updated)


async def delete_setting(call: Call) -> Response:
    uuid = _setting_uuid(call)
    await call.graphql(DELETE, {"input": {"tenantId": await node_tenant_id(call), "uuid": uuid}})
    return Response(status_code=204)


ROUTES = [
    CompatRoute("GET", "/settings", list_settings, Role.READ, "Get all settings"),
    CompatRoute("POST", "/settings", add_setting, Role.ADMIN, "Add a setting"),
    CompatRoute("GET", "/settings/{settingUuid}", get_setting, Role.READ, "Get a setting"),
    CompatRoute("PUT", "/settings/{settingUuid}", update_setting, Role.ADMIN, "Update a setting"),
    CompatRoute("DELETE", "/settings/{settingUuid}", delete_setting, Role.ADMIN, "Delete a setting"),
]
