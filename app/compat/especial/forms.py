"""Especial subscription forms onto the graph's forms (`Tenant.forms`, createForm / updateForm / deleteForm; the rules
are in domain/contacts/forms.py): a form is a PAGE template of the account, `content.embedded` its HTML in the form's
`language`, the rest kept with it. Its id is the template's number, as a string.

sendgraph hosts no pages, so `url` is always `{}` and there is no thumbnail; a form is stored and served back, it takes
no submissions here. Pages come in creation order: sorting by anything but `created_on` is a 422.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import auth
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import check_sort, json_body, owned, paging, run
from app.compat.framework import Call, CompatRoute
from domain.errors import NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

FORM_FIELDS = "databaseId name channel defaultLanguage settings createdAt updatedAt tenant { id } parts { language html }"
GET_FORM = f"""query EspecialForm($id: ID!) {{ node(id: $id) {{ ... on Template {{ {FORM_FIELDS} }} }} }}"""
LIST_FORMS = f"""query EspecialForms($account: ID!, $first: Int!, $offset: Int!) {{ node(id: $account) {{ ... on Tenant {{
  forms(first: $first, offset: $offset) {{ totalCount nodes {{ {FORM_FIELDS} }} }} }} }} }}"""
CREATE_FORM = f"""mutation EspecialCreateForm($input: CreateFormInput!) {{
  createForm(input: $input) {{ template {{ {FORM_FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE_FORM = f"""mutation EspecialUpdateForm($input: UpdateFormInput!) {{
  updateForm(input: $input) {{ template {{ {FORM_FIELDS} }} userErrors {{ field message code }} }} }}"""
DELETE_FORM = """mutation EspecialDeleteForm($input: DeleteInput!) { deleteForm(input: $input) { deletedId userErrors { field message code } } }"""
FIELD_NAMES = {"listId": "list_id", "name": "name", "status": "status", "redirections": "redirections", "parts": "content.embedded",
               "html": "content.embedded", "language": "language"}


def form_shape(node: dict) -> dict:
    settings = node["settings"] or {}
    part = next((p for p in node["parts"] if p["language"] == node["defaultLanguage"]), None)
    return shapes.compact({
        "id": str(node["databaseId"]), "name": node["name"], "status": settings.get("status", "active"),
        "content": shapes.compact({"embedded": part and part["html"], "linked": settings.get("linked")}),
        "language": node["defaultLanguage"], "created_on": shapes.unix(node["createdAt"]), "last_updated_on": shapes.unix(node["updatedAt"]),
        "url": {}, "redirections": settings.get("redirections") or {}, "list_id": settings.get("list_id"),
        "double_opt_in": settings.get("double_opt_in", True),
    })


async def _form(call: Call, account: str) -> dict:
    raw = call.params["form_id"]
    node = None
    if raw.isdigit():
        node = (await call.graphql(GET_FORM, {"id": to_global_id("Template", int(raw))}))["node"]
    if node and not (node["channel"] == "PAGE" and (node["settings"] or {}).get("subscription_form")):
        node = None  # another kind of template is no form
    if not node:
        raise NotFound(f"Form {raw} not found", code="NOT_FOUND", field="form_id")
    return owned(node, account, "Form", raw, "form_id")


def _fields(body: dict) -> dict:
    fields = {key: body[key] for key in ("name", "status", "redirections", "language", "double_opt_in") if key in body}
    content = body.get("content") or {}
    if "embedded" in content:
        fields["html"] = content["embedded"]
    if "linked" in content:
        fields["linked"] = content["linked"]
    if "list_id" in body:
        fields["listId"] = to_global_id("ContactList", body["list_id"])
    if "double_opt_in" in fields:
        fields["doubleOptIn"] = fields.pop("double_opt_in")
    return fields


async def list_forms(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    check_sort(call, {"created_on"})
    account = await auth.account(call)
    connection = (await call.graphql(LIST_FORMS, {"account": account, "first": per_page, "offset": (page - 1) * per_page}))["node"]["forms"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count),
                         "data": [form_shape(node) for node in connection["nodes"]]})


async def create_form(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateForm")
    account = await auth.account(call)
    fields = _fields(body)
    if not body.get("redirections"):
        fields.pop("redirections", None)
    created = (await run(call, CREATE_FORM, {"input": {"tenantId": account, **fields}}, FIELD_NAMES))["createForm"]["template"]
    shape = form_shape(created)
    return JSONResponse({"id": shape["id"], "object": "form", "created": True, "data": shape}, status_code=201)


async def get_form(call: Call) -> JSONResponse:
    return JSONResponse({"data": form_shape(await _form(call, await auth.account(call)))})


async def patch_form(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchForm")
    node = await _form(call, await auth.account(call))
    fields = _fields(body)
    if "redirections" in fields:
        fields["redirections"] = {**((node["settings"] or {}).get("redirections") or {}), **(fields["redirections"] or {})}
    updated = (await run(call, UPDATE_FORM, {"input": {"id": to_global_id("Template", node["databaseId"]), **fields}}, FIELD_NAMES))
    shape = form_shape(updated["updateForm"]["template"])
    return JSONResponse({"id": shape["id"], "object": "form", "updated": True, "data": shape})


async def delete_form(call: Call) -> JSONResponse:
    node = await _form(call, await auth.account(call))
    await run(call, DELETE_FORM, {"input": {"id": to_global_id("Template", node["databaseId"])}})
    return JSONResponse({"id": str(node["databaseId"]), "object": "form", "deleted": True})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/forms", list_forms, Role.READ, "Show all forms"),
    CompatRoute("POST", "/forms", create_form, Role.WRITE, "Create a form"),
    CompatRoute("GET", "/forms/{form_id}", get_form, Role.READ, "Show a form details"),
    CompatRoute("DELETE", "/forms/{form_id}", delete_form, Role.WRITE, "Delete a form"),
    CompatRoute("PATCH", "/forms/{form_id}", patch_form, Role.WRITE, "Update a form"),
]
