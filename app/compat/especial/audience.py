"""Especial audience routes: lists, the contacts of a list, senders (see app/compat/especial/routes.py).

Each handler checks the request against the contract (`validation`), runs named GraphQL operations as
the caller, on the account `account_id` selects (`auth.account`), and shapes the data as Especial does
(`audience_shapes`). A list, contact or sender of another account is not found.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import auth, validation
from app.compat.especial import audience_shapes as shapes
from app.compat.framework import Call, CompatRoute, domain_error
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

MAX_PER_PAGE = 100  # the graph's page cap (SENDGRAPH_MAX_PAGE_SIZE default)


# --- request parsing ----------------------------------------------------------------------------------

async def json_body(call: Call, schema: str) -> dict:
    return validation.body(await call.json(), schema)


def path_id(call: Call, name: str) -> int:
    return validation.integer(call.params[name], name=name, minimum=1)


def paging(call: Call) -> tuple[int, int, bool]:
    query = call.query
    page = validation.integer(query.get("page"), name="page", default=1, minimum=1)
    per_page = validation.integer(query.get("per_page"), name="per_page", default=50, minimum=1, maximum=min(MAX_PER_PAGE, call.settings.max_page_size))
    return page, per_page, validation.boolean(query.get("with_count"), name="with_count")


def filters(call: Call, supported: set[str], known: set[str]) -> dict[str, str]:
    """`filter=term==value;...`: terms the contract knows but sendgraph cannot apply are refused, never ignored."""
    found = {}
    for clause in filter(None, (call.query.get("filter") or "").split(";")):
        term, sep, value = (part.strip() for part in clause.partition("=="))
        if not sep or term not in known:
            raise Invalid(f"Invalid filter {clause!r}: valid terms are {', '.join(sorted(known))} with ==", code="INVALID_FILTER", field="filter")
        if term not in supported:
            raise Invalid(f"Filtering by {term} is not supported by this server", code="UNSUPPORTED_FILTER", field="filter")
        found[term] = value
    return found


def no_sort(call: Call, order: str, *, allowed: tuple[str, ...] = ()) -> None:
    sort = (call.query.get("sort") or "").strip()
    if sort and sort.lstrip("+") not in allowed:
        raise Invalid(f"Sorting by {sort!r} is not supported by this server: {order}", code="UNSUPPORTED_SORT", field="sort")


# The graph's input fields under Especial's names, so an error points at what the client sent.
FIELD_NAMES = {"tenantId": "account_id", "listId": "list_id", "contactId": "contact_id", "defaultSenderId": "default_sender.id",
               "address": "email", "attributes": "custom_attributes"}


async def graph(call: Call, document: str, variables: dict) -> dict:
    """`call.graphql`, with a failing field renamed to Especial's name for it."""
    try:
        return await call.graphql(document, variables)
    except DomainError as error:
        head, _, rest = (error.field or "").partition(".")
        if head in FIELD_NAMES:
            error.field = FIELD_NAMES[head] + (f".{rest}" if rest else "")
        raise


def owned(node: dict | None, account: str, what: str, id: int | str, field: str) -> dict:
    if not node or node["tenant"]["id"] != account:
        raise NotFound(f"{what} {id} not found", code="NOT_FOUND", field=field)
    return node


def _gid(type_name: str, raw: str | int) -> str | None:
    raw = str(raw).strip()
    return to_global_id(type_name, int(raw)) if raw.isdigit() and len(raw) < 19 else None


# --- senders ------------------------------------------------------------------------------------------

async def _sender(call: Call, account: str) -> dict:
    raw = call.params["sender_id"]
    gid = _gid("Sender", raw)
    node = gid and (await call.graphql(shapes.SENDER, {"id": gid}))["node"]
    if node and node.get("brand") != "default":
        node = None  # not one of the account's Especial senders
    return owned(node, account, "Sender", raw, "sender_id")


async def list_senders(call: Call) -> JSONResponse:
    account = await auth.account(call)
    page, per_page, with_count = paging(call)
    no_sort(call, "senders come in the order they were added")
    data = await call.graphql(shapes.SENDERS, {"account": account, "first": per_page, "offset": (page - 1) * per_page, "count": with_count})
    connection = data["node"]["senders"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count=with_count),
                         "data": [shapes.sender(node) for node in connection["nodes"]]})


async def create_sender(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateSender")
    account = await auth.account(call)
    data = await graph(call, shapes.CREATE_SENDER, {"input": {
        "tenantId": account, "address": body["email"], "name": body["name"], "brand": "default",
        "settings": {"language": body.get("language") or shapes.DEFAULT_LANGUAGE},
    }})
    sender = shapes.sender(data["createSender"]["sender"])
    return JSONResponse({"id": sender["id"], "created": True, "object": "sender", "data": sender}, status_code=201)


async def get_sender(call: Call) -> JSONResponse:
    return JSONResponse({"data": shapes.sender(await _sender(call, await auth.account(call)))})


async def update_sender(call: Call) -> JSONResponse:
    body = await json_body(call, "UpdateSender")
    node = await _sender(call, await auth.account(call))
    changes = {"id": to_global_id("Sender", node["databaseId"])}
    if "name" in body:
        changes["name"] = body["name"]
    if "language" in body:
        changes["settings"] = {**(node["settings"] or {}), "language": body["language"]}
    data = await graph(call, shapes.UPDATE_SENDER, {"input": changes})
    sender = shapes.sender(data["updateSender"]["sender"])
    return JSONResponse({"id": sender["id"], "updated": True, "object": "sender", "data": sender})


async def delete_sender(call: Call) -> JSONResponse:
    node = await _sender(call, await auth.account(call))
    await graph(call, shapes.DELETE_SENDER, {"input": {"id": to_global_id("Sender", node["databaseId"])}})
    return JSONResponse({"id": str(node["databaseId"]), "deleted": True, "object": "sender"})


# --- lists --------------------------------------------------------------------------------------------

async def _list(call: Call, account: str) -> dict:
    list_id = path_id(call, "list_id")
    return owned((await call.graphql(shapes.LIST, {"id": to_global_id("ContactList", list_id)}))["node"], account, "List", list_id, "list_id")


def _sender_id(body: dict) -> str | None:
    raw = body["default_sender"]["id"]
    gid = _gid("Sender", raw)
    if gid is None:
        raise NotFound(f"Sender {raw} not found", code="NOT_FOUND", field="default_sender.id")
    return gid


def _no_webhook(body: dict) -> None:
    if body.get("webhook"):
        raise Invalid("List webhooks are not supported by this server; register an account webhook instead",
                      code="LIST_WEBHOOK_UNSUPPORTED", field="webhook")


async def list_lists(call: Call) -> JSONResponse:
    account = await auth.account(call)
    page, per_page, with_count = paging(call)
    terms = filters(call, supported={"name"}, known={"name", "status"})
    no_sort(call, "lists come in the order they were created", allowed=("created_on",))
    data = await call.graphql(shapes.LISTS, {
        "account": account, "first": per_page, "offset": (page - 1) * per_page, "count": with_count, "name": terms.get("name"),
    })
    connection = data["node"]["lists"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count=with_count),
                         "data": [shapes.contact_list(node) for node in connection["nodes"]]})


async def create_list(call: Call) -> JSONResponse:
    body = await json_body(call, "List")
    _no_webhook(body)
    account = await auth.account(call)
    settings = {"language": body.get("language") or shapes.DEFAULT_LANGUAGE, "redirections": body.get("redirections") or {}, "status": "active"}
    data = await graph(call, shapes.CREATE_LIST, {"input": {
        "tenantId": account, "name": body["name"], "settings": settings, "defaultSenderId": _sender_id(body),
    }})
    shape = shapes.contact_list(data["createList"]["list"])
    return JSONResponse({"id": shape["id"], "created": True, "data": shape}, status_code=201)


async def get_list(call: Call) -> JSONResponse:
    return JSONResponse({"data": shapes.contact_list(await _list(call, await auth.account(call)))})


async def update_list(call: Call) -> JSONResponse:
    body = await json_body(call, "UpdateList")
    _no_webhook(body)
    node = await _list(call, await auth.account(call))
    changes: dict = {"id": to_global_id("ContactList", node["databaseId"])}
    if "name" in body:
        changes["name"] = body["name"]
    if "default_sender" in body:
        changes["defaultSenderId"] = _sender_id(body)
    settings = {key: body[key] for key in ("language", "redirections") if key in body}
    if settings:
        changes["settings"] = {**(node["settings"] or {}), **settings}
    data = await graph(call, shapes.UPDATE_LIST, {"input": changes})
    shape = shapes.contact_list(data["updateList"]["list"])
    return JSONResponse({"id": shape["id"], "updated": True, "data": shape})


async def delete_list(call: Call) -> JSONResponse:
    node = await _list(call, await auth.account(call))
    await graph(call, shapes.DELETE_LIST, {"input": {"id": to_global_id("ContactList", node["databaseId"])}})
    return JSONResponse({"id": node["databaseId"], "object": "list", "deleted": True})


# --- contacts of a list ---------------------------------------------------------------------------------

async def _member(call: Call, account: str) -> tuple[int, dict]:
    list_id, contact_id = path_id(call, "list_id"), path_id(call, "contact_id")
    data = await call.graphql(shapes.MEMBER, {"list": to_global_id("ContactList", list_id), "contact": to_global_id("Contact", contact_id)})
    node = owned(data["node"], account, "List", list_id, "list_id")
    if node["member"] is None:
        raise NotFound(f"Contact {contact_id} not found in list {list_id}", code="NOT_FOUND", field="contact_id")
    return list_id, node["member"]


def _single_opt_in(call: Call) -> None:
    """Especial mails a confirmation request for `send_double_opt_in`; sendgraph has no such mail yet: say so."""
    value = call.query.get("send_double_opt_in", "false")
    if value not in ("true", "false", "new", "not_active"):
        raise Invalid("send_double_opt_in must be one of true, false, new, not_active", code="ENUM", field="send_double_opt_in")
    if value != "false":
        raise Invalid("Double opt-in emails are not supported by this server; use send_double_opt_in=false",
                      code="DOUBLE_OPT_IN_UNSUPPORTED", field="send_double_opt_in")


def _selection(call: Call) -> None:
    for name in ("query", "fiql", "json"):
        if call.query.get(name):
            raise Invalid(f"Selecting contacts with `{name}` is not supported by this server; use filter", code="UNSUPPORTED_SELECTION", field=name)


async def list_contacts(call: Call) -> JSONResponse:
    account = await auth.account(call)
    list_id = path_id(call, "list_id")
    page, per_page, with_count = paging(call)
    _selection(call)
    terms = filters(call, supported={"status", "email"}, known={"status", "email", "tags", "interests"})
    no_sort(call, "contacts come in the order they joined the list")
    if "status" in terms and terms["status"] not in shapes.STATUS_FILTER:
        raise Invalid(f"status must be one of {', '.join(shapes.STATUS_FILTER)}", code="INVALID_FILTER", field="filter")
    status = shapes.STATUS_FILTER.get(terms.get("status", ""))
    if "email" in terms:
        return await _contact_by_email(call, account, list_id, terms["email"], status, page, per_page, with_count)
    cursor = call.query.get("cursor") or None
    await _list(call, account)  # on its own: a bad cursor fails the members query, with nothing else in flight
    connection = (await call.graphql(shapes.MEMBERS, {
        "list": to_global_id("ContactList", list_id), "first": per_page, "count": with_count, "after": cursor,
        "offset": None if cursor else (page - 1) * per_page, "status": status,
    }))["node"]["members"]
    pagination = shapes.pagination(page, per_page, connection, with_count=with_count)
    if connection["pageInfo"]["hasNextPage"]:
        pagination["cursor"] = {"next": connection["pageInfo"]["endCursor"]}
    return JSONResponse({"pagination": pagination, "data": [shapes.contact(m) for m in connection["nodes"]]})


async def _contact_by_email(
    call: Call, account: str, list_id: int, email: str, status: str | None, page: int, per_page: int, with_count: bool,
) -> JSONResponse:
    """`filter=email==...`: the contact is found by its address, then its place on the list (at most one)."""
    await _list(call, account)
    found = (await call.graphql(shapes.CONTACT_BY_EMAIL, {"account": account, "email": email}))["node"]["contacts"]["nodes"]
    member = None
    if found:
        member = (await call.graphql(shapes.MEMBER, {"list": to_global_id("ContactList", list_id), "contact": found[0]["id"]}))["node"]["member"]
    members = [member] if member and (status is None or member["status"] == status) else []
    pagination = shapes.pagination(page, per_page, {"totalCount": len(members)}, with_count=with_count)
    return JSONResponse({"pagination": pagination, "data": [shapes.contact(m) for m in members if page == 1]})


async def add_contact(call: Call) -> JSONResponse:
    body = await json_body(call, "Contact")
    _single_opt_in(call)
    resubscribe = validation.boolean(call.query.get("resubscribe"), name="resubscribe", default=True)
    account = await auth.account(call)
    list_id = path_id(call, "list_id")
    await _list(call, account)
    row = {"email": body["email"], "attributes": shapes.attributes(body.get("custom_attributes"))}
    data = await graph(call, shapes.IMPORT_CONTACTS, {"input": {
        "listId": to_global_id("ContactList", list_id), "contacts": [row], "action": "SUBSCRIBE", "resubscribe": resubscribe,
    }})
    result = data["importContacts"]["results"][0]
    if result["error"]:
        error = result["error"]
        raise domain_error(error["code"], error["message"], "email" if (error["field"] or "").endswith("email") else error["field"])
    shape = shapes.contact(result["member"])
    return JSONResponse({"id": shape["id"], "object": "contact", "created": True, "data": shape}, status_code=201)


async def get_contact(call: Call) -> JSONResponse:
    _, member = await _member(call, await auth.account(call))
    return JSONResponse({"data": shapes.contact(member)})


async def update_contact(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchContact")
    _, member = await _member(call, await auth.account(call))
    changes: dict = {"id": to_global_id("Contact", member["contact"]["databaseId"]), "mergeAttributes": True}
    for key in ("email", "tags", "interests"):
        if key in body:
            changes[key] = body[key]
    if "custom_attributes" in body:
        changes["attributes"] = shapes.attributes(body["custom_attributes"])
    data = await graph(call, shapes.UPDATE_CONTACT, {"input": changes})
    shape = shapes.contact({**member, "contact": data["updateContact"]["contact"]})
    return JSONResponse({"id": shape["id"], "object": "contact", "updated": True, "data": shape})


async def delete_contact(call: Call) -> JSONResponse:
    list_id, member = await _member(call, await auth.account(call))
    contact_id = member["contact"]["databaseId"]
    await graph(call, shapes.REMOVE_CONTACT, {"input": {
        "listId": to_global_id("ContactList", list_id), "contactId": to_global_id("Contact", contact_id),
    }})
    return JSONResponse({"id": contact_id, "object": "contact", "deleted": True})


async def unsubscribe_contact(call: Call) -> JSONResponse:
    list_id, member = await _member(call, await auth.account(call))
    data = await graph(call, shapes.SUBSCRIBE_CONTACT, {"input": {
        "listId": to_global_id("ContactList", list_id), "contactId": to_global_id("Contact", member["contact"]["databaseId"]),
        "status": "UNSUBSCRIBED",
    }})
    return JSONResponse({"object": "contact", "subscribed": False, "data": shapes.contact(data["subscribeContact"]["member"])})


async def import_contacts(call: Call) -> JSONResponse:
    body = await json_body(call, "ImportContacts")
    _single_opt_in(call)
    account = await auth.account(call)
    list_id = path_id(call, "list_id")
    await _list(call, account)
    rows = [
        {"email": row["email"], "attributes": shapes.attributes(row.get("custom_attributes")), "tags": row.get("tags"), "interests": row.get("interests")}
        for row in body["contacts"]
    ]
    data = await graph(call, shapes.IMPORT_CONTACTS, {"input": {
        "listId": to_global_id("ContactList", list_id), "contacts": rows, "action": shapes.IMPORT_ACTION[body.get("import_to") or "active"],
        "resubscribe": body.get("resubscribe", False), "replaceTags": body.get("remove_tags", True),
        "replaceInterests": body.get("remove_interests", True),
    }})
    results = data["importContacts"]["results"]
    done = [r for r in results if not r["error"]]
    return JSONResponse({
        "id": [r["contact"]["databaseId"] for r in done], "object": "contact", "imported": True,
        "data": [shapes.contact(r["member"]) for r in done if r["member"]],
        "errors": [shapes.import_error(index, r["error"]) for index, r in enumerate(results) if r["error"]],
    }, status_code=201)


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/lists", list_lists, Role.READ, "Show all lists"),
    CompatRoute("POST", "/lists", create_list, Role.WRITE, "Create a List"),
    CompatRoute("GET", "/lists/{list_id}", get_list, Role.READ, "Show a list parameters"),
    CompatRoute("PATCH", "/lists/{list_id}", update_list, Role.WRITE, "Update a list parameters"),
    CompatRoute("DELETE", "/lists/{list_id}", delete_list, Role.WRITE, "Delete a List"),
    CompatRoute("GET", "/lists/{list_id}/contacts", list_contacts, Role.READ, "Show contacts of a list"),
    CompatRoute("POST", "/lists/{list_id}/contacts", add_contact, Role.WRITE, "Add a contact"),
    CompatRoute("POST", "/lists/{list_id}/import-contacts", import_contacts, Role.WRITE, "Import contacts"),
    CompatRoute("GET", "/lists/{list_id}/contacts/{contact_id}", get_contact, Role.READ, "Show a contact details"),
    CompatRoute("PATCH", "/lists/{list_id}/contacts/{contact_id}", update_contact, Role.WRITE, "Update a contact"),
    CompatRoute("DELETE", "/lists/{list_id}/contacts/{contact_id}", delete_contact, Role.WRITE, "Delete a contact"),
    CompatRoute("POST", "/lists/{list_id}/contacts/{contact_id}/unsubscribe", unsubscribe_contact, Role.WRITE, "Unsubscribe a contact from a list"),
    CompatRoute("GET", "/brands/default/senders", list_senders, Role.READ, "Show all senders"),
    CompatRoute("POST", "/brands/default/senders", create_sender, Role.WRITE, "Add a sender"),
    CompatRoute("GET", "/brands/default/senders/{sender_id}", get_sender, Role.READ, "Show a sender details"),
    CompatRoute("PATCH", "/brands/default/senders/{sender_id}", update_sender, Role.WRITE, "Update a sender"),
    CompatRoute("DELETE", "/brands/default/senders/{sender_id}", delete_sender, Role.WRITE, "Delete a sender"),
]
