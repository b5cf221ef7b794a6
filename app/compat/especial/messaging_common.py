"""What the Especial messaging routes share: GraphQL documents, request parsing, ownership checks."""
from __future__ import annotations

import json
from email.headerregistry import Address

from app.compat.especial import validation
from app.compat.framework import Call, read_body
from domain.errors import DomainError, Invalid, NotFound
from schema.relay import to_global_id

TEMPLATE_FIELDS = """databaseId name channel defaultLanguage settings createdAt updatedAt tenant { id }
  parts { language subject preheader html text headers }"""
GET_TEMPLATE = f"""query EspecialTemplate($id: ID!) {{ node(id: $id) {{ ... on Template {{ {TEMPLATE_FIELDS} }} }} }}"""
LIST_TEMPLATES = f"""
query EspecialTemplates($account: ID!, $first: Int!, $offset: Int!, $name: String) {{
  node(id: $account) {{ ... on Tenant {{
    templates(first: $first, offset: $offset, name: $name, channel: EMAIL, library: true) {{ totalCount nodes {{ {TEMPLATE_FIELDS} }} }}
  }} }}
}}"""
CREATE_TEMPLATE = f"""mutation EspecialCreateTemplate($input: CreateTemplateInput!) {{
  createTemplate(input: $input) {{ template {{ id {TEMPLATE_FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE_TEMPLATE = f"""mutation EspecialUpdateTemplate($input: UpdateTemplateInput!) {{
  updateTemplate(input: $input) {{ template {{ {TEMPLATE_FIELDS} }} userErrors {{ field message code }} }} }}"""
DELETE_TEMPLATE = """mutation EspecialDeleteTemplate($input: DeleteInput!) { deleteTemplate(input: $input) { deletedId userErrors { field message code } } }"""
RENDER_TEMPLATE = """query EspecialRender($input: RenderTemplateInput!) {
  renderTemplate(input: $input) { rendered { subject html text } userErrors { field message code } } }"""
GET_SENDER = """query EspecialSender($id: ID!) { node(id: $id) { ... on Sender { databaseId name address channel tenant { id } } } }"""
SEND_MESSAGE = """mutation EspecialSendEmail($input: SendMessageInput!) {
  sendMessage(input: $input) { message { databaseId recipient status } userErrors { field message code } } }"""

# Especial's own names for the graph's input fields, so a userError points at what the client sent.
TEMPLATE_FIELD_NAMES = {"parts.0.subject": "content.subject", "parts.0.html": "content.html", "parts.0.text": "content.text",
                        "parts": "content", "name": "name", "id": "template_id", "templateId": "template_id"}
EMAIL_FIELD_NAMES = {"to": "email", "templateId": "content.template.id", "subject": "content.subject", "html": "content.html",
                     "text": "content.text", "headers": "additional_headers", "from": "sender.id", "sender": "sender.id", "data": "content"}
# What a template is rendered with when no contact is given (GET /templates/{id}/render).
SAMPLE_CONTACT = {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe"}
LANGUAGE = "en"  # Especial content has no language: its one part is stored under this code


async def run(call: Call, document: str, variables: dict, names: dict[str, str] | None = None) -> dict:
    """`call.graphql`, with the failing field renamed to Especial's name for it."""
    try:
        return await call.graphql(document, variables)
    except DomainError as error:
        for graph_name, especial_name in (names or {}).items():
            if error.field and (error.field == graph_name or error.field.startswith(graph_name + ".")):
                error.field = especial_name
                break
        raise


def path_id(call: Call, name: str) -> int:
    return validation.integer(call.params[name], name=name)


async def json_body(call: Call, schema: str, *, optional: bool = False) -> dict:
    """The JSON body, checked against the contract's schema; an optional body may be empty."""
    raw = await read_body(call.request)
    if not raw.strip():
        if optional:
            return {}
        raise Invalid("A JSON body is required", code="BODY_REQUIRED", field="body")
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise Invalid("The body is not valid JSON", code="INVALID_JSON", field="body") from error
    return validation.body(payload, schema)


def paging(call: Call) -> tuple[int, int, bool]:
    query = call.query
    page = validation.integer(query.get("page"), name="page", default=1, minimum=1)
    per_page = validation.integer(query.get("per_page"), name="per_page", default=50, minimum=1, maximum=100)
    return page, per_page, validation.boolean(query.get("with_count"), name="with_count")


def filters(call: Call, allowed: set[str]) -> dict[str, str]:
    """`filter=term==value;term==value`, each term one the route supports."""
    found = {}
    for clause in filter(None, (call.query.get("filter") or "").split(";")):
        term, sep, value = clause.partition("==")
        if not sep or term.strip() not in allowed:
            raise Invalid(f"Invalid filter {clause!r}: valid terms are {', '.join(sorted(allowed))} with ==", code="INVALID_FILTER", field="filter")
        found[term.strip()] = value.strip()
    return found


def check_sort(call: Call, ascending_terms: set[str]) -> None:
    """Pages are in creation (id) order; other orders are answered honestly as unsupported."""
    sort = (call.query.get("sort") or "").strip()
    if sort and sort.lstrip("+") not in ascending_terms:
        raise Invalid(f"Sorting by {sort!r} is not supported here; pages come in creation order ({', '.join(sorted(ascending_terms))})",
                      code="UNSUPPORTED_SORT", field="sort")


def owned(node: dict | None, account: str, what: str, id: int, field: str) -> dict:
    """A node of the account acted on; anything else (unknown, another account's) is not found."""
    if not node or node["tenant"]["id"] != account:
        raise NotFound(f"{what} {id} not found", code="NOT_FOUND", field=field)
    return node


async def sender_of(call: Call, account: str, sender: dict) -> str:
    """Especial `sender {id, name}` as the "Name <address>" the graph sends from."""
    raw = sender["id"]
    node = None
    if raw.strip().isdigit():
        node = (await call.graphql(GET_SENDER, {"id": to_global_id("Sender", int(raw))}))["node"]
    node = owned(node, account, "Sender", raw, "sender.id")
    return mailbox(sender.get("name") or node["name"], node["address"])


def mailbox(name: str | None, address: str) -> str:
    return str(Address(display_name=name or "", addr_spec=address)) if name else address


def part_of(template: dict) -> dict:
    parts = template.get("parts") or []
    return next((p for p in parts if p["language"] == template["defaultLanguage"]), parts[0] if parts else {})


def part_input(part: dict) -> dict:
    return {k: part.get(k) for k in ("language", "subject", "preheader", "html", "text", "headers")}


async def library_template(call: Call, account: str, template_id: int, field: str = "template_id") -> dict:
    node = (await call.graphql(GET_TEMPLATE, {"id": to_global_id("Template", template_id)}))["node"]
    settings = (node or {}).get("settings") or {}
    if settings.get("campaign_content") or settings.get("subscription_form") or (node or {}).get("channel") != "EMAIL":
        node = None  # a campaign's own content, a list's subscription form, an SMS or a page is not in the email library
    return owned(node, account, "Template", template_id, field)
