"""Especial messaging routes: transactional email, templates and campaigns (see app/compat/especial/routes.py).

Each handler maps the request onto named GraphQL operations and their data onto Especial's body; the
campaign handlers live in `app.compat.especial.campaigns`. Especial's integer ids are `databaseId`s.
"""
from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse, JSONResponse

from app.compat.especial import auth, campaigns
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import (
    CREATE_TEMPLATE, DELETE_TEMPLATE, EMAIL_FIELD_NAMES, LANGUAGE, LIST_TEMPLATES, RENDER_TEMPLATE, SAMPLE_CONTACT,
    SEND_MESSAGE, TEMPLATE_FIELD_NAMES, UPDATE_TEMPLATE, check_sort, filters, json_body, library_template, paging, part_input, part_of, path_id,
    run, sender_of,
)
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id


# --- transactional email -------------------------------------------------------------------------------

async def send_email(call: Call) -> JSONResponse:
    """sendMessage to the one recipient: inline content, or a template rendered with its custom attributes."""
    payload = await json_body(call, "Email")
    account = await auth.account(call)
    if payload.get("attachment"):
        raise Invalid("Attachments are not supported by this server", code="ATTACHMENTS_UNSUPPORTED", field="attachment")
    content = payload["content"]
    template = content.get("template")
    data = {a["name"]: a["value"] for a in [*content.get("custom_attributes", []), *((template or {}).get("custom_attributes") or [])]}
    # Especial settings no column holds (docs/domain.md: Message.data gap); the worker ignores them.
    extras = {k: payload[k] for k in ("group_id", "tracking", "queue") if k in payload}
    if content.get("encoding"):
        extras["encoding"] = content["encoding"]
    message = {
        "tenantId": account, "to": payload["email"], "sender": await sender_of(call, account, payload["sender"]),
        "headers": {h["name"]: h["value"] for h in payload.get("additional_headers", [])} or None,
        "data": {**data, **({"_especial": extras} if extras else {})},
    }
    if template:
        message["templateId"] = to_global_id("Template", template["id"])
    else:
        message.update(subject=content["subject"], html=content.get("html"), text=content.get("text"))
    sent = (await run(call, SEND_MESSAGE, {"input": message}, EMAIL_FIELD_NAMES))["sendMessage"]["message"]
    return JSONResponse({"email": sent["recipient"], "object": "email", "sent": True, "data": {"id": sent["databaseId"]}}, status_code=201)


# --- templates -----------------------------------------------------------------------------------------

def _template_settings(settings: dict, payload: dict) -> dict:
    settings = dict(settings)
    for key in ("description", "tags"):
        if key in payload:
            settings[key] = payload[key]
    content = {**(settings.get("content") or {}), **{k: v for k, v in (payload.get("content") or {}).items() if k in ("type", "json")}}
    if content:
        settings["content"] = content
    return settings


async def list_templates(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    terms = filters(call, {"tag", "name", "is_owner", "is_not_owner"})
    check_sort(call, {"id", "created_on"})
    if "tag" in terms:
        raise Invalid("Filtering templates by tag is not supported by this server", code="UNSUPPORTED_FILTER", field="filter")
    account = await auth.account(call)
    variables = {"account": account, "first": per_page, "offset": (page - 1) * per_page, "name": terms.get("name")}
    if terms.get("is_owner", "true").lower() == "false" or terms.get("is_not_owner", "false").lower() == "true":
        variables["first"] = 0  # every template of an account is its own: none is shared with it
    templates = (await call.graphql(LIST_TEMPLATES, variables))["node"]["templates"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, templates, with_count),
                         "data": [shapes.template_summary(t) for t in templates["nodes"]]})


async def create_template(call: Call) -> JSONResponse:
    payload = await json_body(call, "TemplateCreate")
    account = await auth.account(call)
    content = payload["content"]
    part = {"language": LANGUAGE, **{k: content.get(k) for k in ("subject", "html", "text")}}
    variables = {"input": {"tenantId": account, "name": payload["name"], "channel": "EMAIL", "parts": [part],
                           "settings": _template_settings({}, payload)}}
    template = (await run(call, CREATE_TEMPLATE, variables, TEMPLATE_FIELD_NAMES))["createTemplate"]["template"]
    return JSONResponse(shapes.done("template", template["databaseId"], "created"), status_code=201)


async def get_template(call: Call) -> JSONResponse:
    template = await library_template(call, await auth.account(call), path_id(call, "template_id"))
    return JSONResponse({"data": shapes.template_full(template)})


async def patch_template(call: Call) -> JSONResponse:
    payload = await json_body(call, "PatchTemplate")
    template_id = path_id(call, "template_id")
    template = await library_template(call, await auth.account(call), template_id)
    changes: dict = {"id": to_global_id("Template", template_id), "settings": _template_settings(template["settings"] or {}, payload)}
    if "name" in payload:
        changes["name"] = payload["name"]
    body = {k: v for k, v in (payload.get("content") or {}).items() if k in ("subject", "html", "text")}
    if body:
        shown = part_of(template)
        changes["parts"] = [part_input({**p, **body}) if p is shown else part_input(p) for p in template["parts"]]
    updated = (await run(call, UPDATE_TEMPLATE, {"input": changes}, TEMPLATE_FIELD_NAMES))["updateTemplate"]["template"]
    return JSONResponse(shapes.done("template", template_id, "updated", data=shapes.template_full(updated)))


async def delete_template(call: Call) -> JSONResponse:
    template_id = path_id(call, "template_id")
    await library_template(call, await auth.account(call), template_id)
    await run(call, DELETE_TEMPLATE, {"input": {"id": to_global_id("Template", template_id)}}, TEMPLATE_FIELD_NAMES)
    return JSONResponse(shapes.done("template", template_id, "deleted"))


async def render_template(call: Call) -> HTMLResponse:
    """The template's HTML (its text when it has no HTML) rendered with a sample contact."""
    template_id = path_id(call, "template_id")
    await library_template(call, await auth.account(call), template_id)
    variables = {"input": {"templateId": to_global_id("Template", template_id), "data": SAMPLE_CONTACT}}
    rendered = (await run(call, RENDER_TEMPLATE, variables, TEMPLATE_FIELD_NAMES))["renderTemplate"]["rendered"]
    if rendered["html"] is not None:
        return HTMLResponse(rendered["html"])
    return HTMLResponse(f"<pre>{escape(rendered['text'] or '')}</pre>")


ROUTES: list[CompatRoute] = [
    CompatRoute("POST", "/emails", send_email, Role.WRITE, "Send a transactional email"),
    CompatRoute("GET", "/templates", list_templates, Role.READ, "Show all templates"),
    CompatRoute("POST", "/templates", create_template, Role.WRITE, "Create a template"),
    CompatRoute("GET", "/templates/{template_id}", get_template, Role.READ, "Get a template"),
    CompatRoute("PATCH", "/templates/{template_id}", patch_template, Role.WRITE, "Update a template"),
    CompatRoute("DELETE", "/templates/{template_id}", delete_template, Role.WRITE, "Delete a template"),
    CompatRoute("GET", "/templates/{template_id}/render", render_template, Role.READ, "Render a template"),
    *campaigns.ROUTES,
]
