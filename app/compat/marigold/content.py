"""Marigold content (email, SMS, page, MMS, RCS, mobile push) onto templates: `api_name` is
Template.apiName, each of `languages` one template part; description, tags, audience, folder, lock
state and channel extras go in Template.settings."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.marigold import requests as r
from app.compat.marigold import shapes
from app.compat.marigold.organization import absent, organization
from domain.errors import Invalid
from domain.identity.models import Role

TEMPLATE_FIELDS = "id name apiName channel settings"
CREATE = """mutation CreateContent($input: CreateTemplateInput!) { createTemplate(input: $input) {
  template { id apiName } userErrors { field message code } } }"""
GET = f"""query Content($slug: String!, $apiName: String!) {{ tenant(slug: $slug) {{ id template(apiName: $apiName) {{ {TEMPLATE_FIELDS} }} }} }}"""
DELETE = """mutation RemoveContent($id: ID!) { deleteTemplate(input: {id: $id}) { deletedId userErrors { field message code } } }"""
UPDATE = """mutation UpdateContent($input: UpdateTemplateInput!) { updateTemplate(input: $input) { template { id } userErrors { field message code } } }"""

HEADER_FIELDS = ("from_domain", "from_alias", "reply_email", "reply_alias", "to_alias", "from_address", "deliverygroup_api_name")
MEDIA_TYPES = ("IMAGE", "VIDEO", "AUDIO", "VCARD", "NONE")
LABELS = {"EMAIL": "The Email message", "SMS": "The SMS message", "PAGE": "The Page content", "MMS": "The MMS message",
          "RCS": "The RCS message", "PUSH": "The Mobile message"}


def properties(body: dict, *, field: str = "properties") -> tuple[dict, list[str]]:
    """The content's common properties: template fields and the settings Marigold keeps with it."""
    props = r.obj(body.get("properties"), field)
    languages = r.strings(props, "languages", field=f"{field}.languages", required=True)
    codes = [r.language(code, field=f"{field}.languages") for code in languages]
    settings = {
        "description": r.text(props, "description", field=f"{field}.description", max_length=2000),
        "tags": r.strings(props, "tags", field=f"{field}.tags") or [],
        "audience_api_name": r.text(props, "audience_api_name", field=f"{field}.audience_api_name", required=True),
        "folder": r.folder(props.get("folder"), field=f"{field}.folder"),
        "languages": languages,
        "empty_language": r.language(props.get("empty_language"), field=f"{field}.empty_language"),
        "lockstate": "unlocked",
    }
    if "mobile_app_api_name" in props:
        settings["mobile_app_api_name"] = r.text(props, "mobile_app_api_name", field=f"{field}.mobile_app_api_name")
    template = {
        "name": r.text(props, "name", field=f"{field}.name", required=True),
        "apiName": r.text(props, "api_name", field=f"{field}.api_name", required=True),
        "defaultLanguage": r.language(props.get("default_language"), field=f"{field}.default_language") or codes[0],
        "settings": settings,
    }
    return template, languages


def email_parts(body: dict, languages: list[str], settings: dict) -> list[dict]:
    headers = r.obj(body.get("headers"), "headers")
    email = r.obj(body.get("content"), "content")
    html, text = r.content(email, "html", field="content.html"), r.content(email, "text", field="content.text")
    parts = []
    for code, raw, entries in r.per_language(headers, languages, field="headers"):
        if not isinstance(entries, list) or not entries or not isinstance(entries[0], dict):
            raise Invalid(f"headers.{raw} must be a list holding one email header", code="INVALID_TYPE", field=f"headers.{raw}")
        header = entries[0]
        where = f"headers.{raw}.0"
        parts.append({
            "language": code, "subject": r.text(header, "subject", field=f"{where}.subject", required=True, max_length=1000),
            "preheader": r.text(header, "preheader", field=f"{where}.preheader", max_length=1000), "html": html, "text": text,
            "headers": {k: r.text(header, k, field=f"{where}.{k}", max_length=320) for k in HEADER_FIELDS if header.get(k) is not None},
        })
    return parts


def sms_parts(body: dict, languages: list[str], settings: dict) -> list[dict]:
    text = r.content(r.obj(body.get("content"), "content"), "text", field="content.text")
    return [{"language": r.language(code, field="properties.languages"), "text": text} for code in languages]


def page_parts(body: dict, languages: list[str], settings: dict) -> list[dict]:
    html = r.content(r.obj(body.get("content"), "content"), "html", field="content.html")
    return [{"language": r.language(code, field="properties.languages"), "html": html} for code in languages]


def rcs_parts(body: dict, languages: list[str], settings: dict) -> list[dict]:
    parts = []
    for code, raw, entry in r.per_language(r.obj(body.get("content"), "content"), languages, field="content"):
        parts.append({"language": code, "text": r.content(r.obj(entry, f"content.{raw}"), "text", field=f"content.{raw}.text")})
    return parts


def mms_parts(body: dict, languages: list[str], settings: dict) -> list[dict]:
    parts, media = [], {}
    for code, raw, entry in r.per_language(r.obj(body.get("content"), "content"), languages, field="content"):
        entry = r.obj(entry, f"content.{raw}")
        media_type = r.text(entry, "media_type", field=f"content.{raw}.media_type", required=True)
        if media_type not in MEDIA_TYPES:
            raise Invalid(f"media_type must be one of {', '.join(MEDIA_TYPES)}", code="INVALID_VALUE", field=f"content.{raw}.media_type")
        media_url = r.text(entry, "media_url", field=f"content.{raw}.media_url", required=media_type != "NONE", max_length=2000)
        media[code] = {"media_type": media_type, "media_url": media_url}
        parts.append({"language": code, "text": r.content(entry, "text", field=f"content.{raw}.text")})
    settings["mms"] = media
    return parts


def mobile_parts(body: dict, languages: list[str], settings: dict) -> list[dict]:
    """The push notification of each language becomes the part (title → subject, text → text); in-app,
    rich push, buttons and link are kept in Template.settings."""
    mobile = r.obj(body.get("mobile_properties"), "mobile_properties")
    r.text(mobile, "distribution_type", field="mobile_properties.distribution_type", required=True)
    if not isinstance(mobile.get("custom_in_app_content"), bool):
        raise Invalid("mobile_properties.custom_in_app_content must be true or false", code="REQUIRED", field="mobile_properties.custom_in_app_content")
    settings["mobile_properties"] = mobile
    raw = r.obj(body.get("content"), "content")
    settings["mobile_content"] = raw
    parts = []
    for code, written, entries in r.per_language(raw, languages, field="content") if raw else []:
        entry = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else {}
        push = r.obj(entry.get("push"), f"content.{written}.0.push", required=False) or {}
        parts.append({"language": code, "subject": r.text(push, "title", field=f"content.{written}.0.push.title", max_length=1000),
                      "text": push.get("text") or push.get("message") or push.get("body")})
    if not parts or not all(isinstance(p["text"], str) and p["text"] for p in parts):
        raise Invalid("Each language needs a push notification with its text (content.<language>[0].push.text)",
                      code="REQUIRED", field="content")
    return parts


CHANNELS = {"EMAIL": email_parts, "SMS": sms_parts, "PAGE": page_parts, "RCS": rcs_parts, "MMS": mms_parts, "PUSH": mobile_parts}


def template_input(body: dict, channel: str, *, publish: bool = False) -> dict:
    """A createTemplate input (without tenantId) from a Marigold content body of that channel."""
    template, languages = properties(body)
    parts = CHANNELS[channel](body, languages, template["settings"])
    template["settings"]["published"] = publish
    return {**template, "channel": channel, "parts": parts}


def create(channel: str):
    async def create_content(call: Call) -> JSONResponse:
        body = r.obj(await call.json(), "body")
        publish = r.query_flag(call.query.get("publish"), field="publish")
        tenant = await organization(call, """query Org($slug: String!) { tenant(slug: $slug) { id } }""")
        await call.graphql(CREATE, {"input": {"tenantId": tenant["id"], **template_input(body, channel, publish=publish)}})
        return JSONResponse(shapes.result(f"{LABELS[channel]} has been created successfully."), status_code=201)

    create_content.__name__ = f"create_{channel.lower()}_content"
    return create_content


async def found_template(call: Call) -> dict:
    tenant = await organization(call, GET, {"apiName": call.params["api_name"]})
    if tenant["template"] is None:
        raise absent("Content", call.params["api_name"], "api_name")
    return tenant["template"]


async def get_content(call: Call) -> JSONResponse:
    return JSONResponse(shapes.content(await found_template(call)))


async def remove_content(call: Call) -> JSONResponse:
    template = await found_template(call)
    await call.graphql(DELETE, {"id": template["id"]})
    return JSONResponse(shapes.result("The content has been deleted successfully"))


async def lock_state(call: Call) -> JSONResponse:
    template = await found_template(call)
    return JSONResponse({"lockstate": (template["settings"] or {}).get("lockstate", "unlocked")})


async def unlock(call: Call) -> JSONResponse:
    template = await found_template(call)
    settings = {**(template["settings"] or {}), "lockstate": "unlocked"}
    await call.graphql(UPDATE, {"input": {"id": template["id"], "settings": settings}})
    return JSONResponse(shapes.result("The content has been unlocked successfully"))


BASE = "/Portal/Api/organizations/{organization}/content"
ROUTES = [
    CompatRoute("POST", f"{BASE}/message", create("EMAIL"), Role.WRITE, "Create email"),
    CompatRoute("POST", f"{BASE}/sms", create("SMS"), Role.WRITE, "Create SMS"),
    CompatRoute("POST", f"{BASE}/page", create("PAGE"), Role.WRITE, "Create page"),
    CompatRoute("POST", f"{BASE}/mms", create("MMS"), Role.WRITE, "Create MMS"),
    CompatRoute("POST", f"{BASE}/rcs", create("RCS"), Role.WRITE, "Create RCS"),
    CompatRoute("POST", f"{BASE}/mobile", create("PUSH"), Role.WRITE, "Create mobile push"),
    CompatRoute("GET", f"{BASE}/{{api_name}}", get_content, Role.READ, "Get content"),
    CompatRoute("DELETE", f"{BASE}/{{api_name}}", remove_content, Role.WRITE, "Remove content"),
    CompatRoute("GET", f"{BASE}/{{api_name}}/lockstate", lock_state, Role.READ, "Get content lock state"),
    CompatRoute("POST", f"{BASE}/{{api_name}}/unlock", unlock, Role.WRITE, "Unlock content"),
]
