"""Doxie admin / editor (bearer tokens): what the visual page editor loads and saves.

- `GET editor/landing_pages/{id}` and `editor/landing_page_layouts/{id}`: the editor payload (a bare object, as
  the seed shows): the page, its content state, brand and layout, the API endpoints the editor calls, and its
  configuration (asset size limit and types, the placeholder a layout puts the page at).
- `PATCH .../content_state` saves `{"content_state": {...}}`; `POST editor/landing_pages/{id}/publish` renders
  the page into its layout and serves it at its public URL (done at once: rendering is cheap, nothing is queued).
- `editor/assets`: list (a bare array, newest first), upload (multipart/form-data: `file`, optional `filename`),
  delete by UUID. Assets are kept in the database and served at their `url`.
"""
from __future__ import annotations

import base64

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import ok, page_of, paging, require_tenant, tenant_id
from app.compat.doxie.pages import LANDING_PAGE, LAYOUT, find_page, update_page
from app.compat.framework import Call, CompatRoute
from app.compat.multipart import read_form
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from domain.templates import assets, pages

ASSET_FIELDS = "id uuid filename contentType size url createdAt"
ASSETS = f"""
query Assets($slug: String!, $first: Int, $after: String, $withNodes: Boolean!) {{
  tenant(slug: $slug) {{
    editorAssets(first: $first, after: $after) {{ totalCount pageInfo {{ hasNextPage endCursor }} nodes @include(if: $withNodes) {{ {ASSET_FIELDS} }} }}
  }}
}}"""
FIND_ASSET = f"""query Asset($slug: String!, $uuid: String!) {{ tenant(slug: $slug) {{ editorAsset(uuid: $uuid) {{ {ASSET_FIELDS} }} }} }}"""
UPLOAD = f"""
mutation UploadEditorAsset($input: UploadEditorAssetInput!) {{
  uploadEditorAsset(input: $input) {{ editorAsset {{ {ASSET_FIELDS} }} userErrors {{ field message code }} }}
}}"""
DELETE_ASSET = """mutation DeleteEditorAsset($input: DeleteInput!) { deleteEditorAsset(input: $input) { deletedId userErrors { field message code } } }"""
PUBLISH = """
mutation PublishPage($input: PublishPageInput!) {
  publishPage(input: $input) { template { databaseId page { publishedAt publicUrl } } userErrors { field message code } }
}"""
MULTIPART_OVERHEAD = 64 * 1024  # headers and other fields around the file


def _base(call: Call) -> str:
    return f"{call.request.scope.get('root_path', '')}/api/v1/admin/{call.params['tenant']}"


def _editor_payload(call: Call, node: dict, kind: str) -> dict:
    base, page_id = _base(call), node["databaseId"]
    path = f"{base}/editor/{'landing_pages' if kind == LANDING_PAGE else 'landing_page_layouts'}/{page_id}"
    endpoints = {"show": path, "content_state": f"{path}/content_state", "assets": f"{base}/editor/assets", "upload_asset": f"{base}/editor/assets"}
    if kind == LANDING_PAGE:
        endpoints["publish"] = f"{path}/publish"
    return {
        **shapes.landing_page(node),
        "type": kind.lower(),
        "api_endpoints": endpoints,
        "editor_config": {"max_asset_bytes": assets.MAX_BYTES, "asset_content_types": sorted(assets.CONTENT_TYPES),
                          "layout_placeholder": pages.CONTENT_PLACEHOLDER, "content_state_fields": {"html": "string", "css": "string"}},
    }


def show(kind: str):
    async def handler(call: Call) -> JSONResponse:
        return JSONResponse(_editor_payload(call, await find_page(call, kind), kind))

    return handler


def save_content_state(kind: str):
    async def handler(call: Call) -> JSONResponse:
        body = await call.json()
        state = body.get("content_state") if isinstance(body, dict) else None
        if not isinstance(state, dict):
            raise Invalid("The body needs a content_state object", code="REQUIRED", field="content_state")
        node = await update_page(call, await find_page(call, kind), {"contentState": state})
        return ok({"id": node["databaseId"], "content_state": node["page"]["contentState"], "updated_at": node["updatedAt"]},
                  "Erfolgreich aktualisiert")

    return handler


async def publish(call: Call) -> JSONResponse:
    node = await find_page(call, LANDING_PAGE)
    page = (await call.graphql(PUBLISH, {"input": {"id": node["id"]}}))["publishPage"]["template"]
    return ok({"id": page["databaseId"], "published": True, "published_at": page["page"]["publishedAt"], "url": page["page"]["publicUrl"]},
              "Erfolgreich veröffentlicht")


async def list_assets(call: Call) -> JSONResponse:
    page, limit = paging(call)
    found = await page_of(call, ASSETS, {"slug": call.params["tenant"]}, ("tenant", "editorAssets"), page=page, limit=limit)
    if found is None:
        require_tenant(call, None)
    return JSONResponse([shapes.editor_asset(n) for n in found[0]])


async def upload_asset(call: Call) -> JSONResponse:
    owner = await tenant_id(call)  # an unknown or foreign tenant is not found before the body is read
    too_large = Invalid(f"The file is larger than {assets.MAX_BYTES} bytes", code="ASSET_TOO_LARGE", field="file")
    form = await read_form(call.request, limit=assets.MAX_BYTES + MULTIPART_OVERHEAD, too_large=too_large)
    file = form.get("file")
    if file is None or file.filename is None:
        raise Invalid("The body needs a file part", code="REQUIRED", field="file")
    named = form.get("filename")
    filename = named.data.decode("utf-8", errors="replace").strip() if named and named.data.strip() else file.filename
    variables = {"tenantId": owner, "filename": filename, "contentType": file.content_type,
                 "contentBase64": base64.b64encode(file.data).decode("ascii")}
    result = (await call.graphql(UPLOAD, {"input": variables}))["uploadEditorAsset"]
    return ok(shapes.editor_asset(result["editorAsset"]), "Erfolgreich hochgeladen")


async def delete_asset(call: Call) -> JSONResponse:
    data = await call.graphql(FIND_ASSET, {"slug": call.params["tenant"], "uuid": call.params["id"]})
    asset = require_tenant(call, data["tenant"])["editorAsset"]
    if asset is None:
        raise NotFound(f"Editor asset {call.params['id']} not found", code="ASSET_NOT_FOUND", field="id")
    await call.graphql(DELETE_ASSET, {"input": {"id": asset["id"]}})
    return ok(shapes.editor_asset(asset), "Erfolgreich gelöscht")


EDITOR = "/api/v1/admin/{tenant}/editor"
ROUTES = [
    CompatRoute("GET", EDITOR + "/landing_pages/{id}", show(LANDING_PAGE), Role.READ, "Show editor landing page configuration"),
    CompatRoute("PATCH", EDITOR + "/landing_pages/{id}/content_state", save_content_state(LANDING_PAGE), Role.WRITE, "Update landing page content state"),
    CompatRoute("POST", EDITOR + "/landing_pages/{id}/publish", publish, Role.WRITE, "Publish a landing page"),
    CompatRoute("GET", EDITOR + "/landing_page_layouts/{id}", show(LAYOUT), Role.READ, "Show editor landing page layout configuration"),
    CompatRoute("PATCH", EDITOR + "/landing_page_layouts/{id}/content_state", save_content_state(LAYOUT), Role.WRITE,
                "Update landing page layout content state"),
    CompatRoute("GET", EDITOR + "/assets", list_assets, Role.READ, "List editor assets"),
    CompatRoute("POST", EDITOR + "/assets", upload_asset, Role.WRITE, "Upload an editor asset"),
    CompatRoute("DELETE", EDITOR + "/assets/{id}", delete_asset, Role.WRITE, "Delete an editor asset"),
]
