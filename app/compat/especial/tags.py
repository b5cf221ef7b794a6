"""Especial tags (see app/compat/especial/routes.py): the account's tag registry and tagging a list's contacts, thin
adapters onto the graph's `contactTags` and tag mutations (the rules are in `domain.contacts.tags`)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import auth
from app.compat.especial import audience_shapes as shapes
from app.compat.especial.audience import json_body, owned, paging, path_id
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

ERRORS = "userErrors { field message code }"
TAGS = "query EspecialTags($account: ID!) { contactTags(tenantId: $account) }"
CREATE = f"mutation EspecialCreateTag($input: ContactTagInput!) {{ createContactTag(input: $input) {{ tag {ERRORS} }} }}"
RENAME = f"mutation EspecialRenameTag($input: RenameContactTagInput!) {{ renameContactTag(input: $input) {{ tag {ERRORS} }} }}"
DELETE = f"mutation EspecialDeleteTag($input: ContactTagInput!) {{ deleteContactTag(input: $input) {{ tag {ERRORS} }} }}"
TAG = f"mutation EspecialTagContacts($input: TagContactsInput!) {{ tagContacts(input: $input) {{ contacts {{ databaseId }} {ERRORS} }} }}"
UNTAG = f"mutation EspecialUntagContacts($input: TagContactsInput!) {{ untagContacts(input: $input) {{ contacts {{ databaseId }} {ERRORS} }} }}"
FIELD_NAMES = {"newTag": "tag", "newName": "name", "contactIds": "contact_ids", "listId": "list_id"}


async def graph_input(call: Call, document: str, input: dict) -> dict:
    """`call.graphql`, with a failing input field under Especial's name for it."""
    try:
        return await call.graphql(document, {"input": input})
    except DomainError as error:
        head, dot, rest = (error.field or "").partition(".")
        error.field = FIELD_NAMES.get(head, head) + dot + rest if error.field else None
        raise


async def list_tags(call: Call) -> JSONResponse:
    account = await auth.account(call)
    page, per_page, with_count = paging(call)
    tags = (await call.graphql(TAGS, {"account": account}))["contactTags"]
    pagination = shapes.pagination(page, per_page, {"totalCount": len(tags)}, with_count=with_count)
    return JSONResponse({"pagination": pagination, "data": [{"tag": t} for t in tags[(page - 1) * per_page: page * per_page]]})


async def create_tag(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateTag")
    account = await auth.account(call)
    tag = (await graph_input(call, CREATE, {"tenantId": account, "tag": body["tag"]}))["createContactTag"]["tag"]
    return JSONResponse({"tag": tag, "object": "tag", "created": True, "data": {"tag": tag}}, status_code=201)


async def get_tag(call: Call) -> JSONResponse:
    account = await auth.account(call)
    tag = call.params["tag"]
    if tag not in (await call.graphql(TAGS, {"account": account}))["contactTags"]:
        raise NotFound(f"Tag {tag!r} not found", code="TAG_NOT_FOUND", field="tag")
    return JSONResponse({"data": {"tag": tag}})


async def update_tag(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchTag")
    account = await auth.account(call)
    tag = (await graph_input(call, RENAME, {"tenantId": account, "tag": call.params["tag"], "newTag": body["tag"]}))["renameContactTag"]["tag"]
    return JSONResponse({"tag": tag, "object": "tag", "updated": True, "data": {"tag": tag}})


async def delete_tag(call: Call) -> JSONResponse:
    account = await auth.account(call)
    tag = (await graph_input(call, DELETE, {"tenantId": account, "tag": call.params["tag"]}))["deleteContactTag"]["tag"]
    return JSONResponse({"tag": tag, "object": "tag", "deleted": True})


async def own_list(call: Call) -> int:
    account = await auth.account(call)
    list_id = path_id(call, "list_id")
    owned((await call.graphql(shapes.LIST, {"id": to_global_id("ContactList", list_id)}))["node"], account, "List", list_id, "list_id")
    return list_id


async def _tag(call: Call, schema: str, document: str, contact_ids: list[int] | None, body: dict | None = None) -> None:
    body = body or await json_body(call, schema)
    list_id = await own_list(call)
    if contact_ids is None:
        for name in ("query", "fiql", "json"):
            if name in body:
                raise Invalid(f"Selecting contacts with `{name}` is not supported by this server; give contact_ids",
                              code="UNSUPPORTED_SELECTION", field=name)
        if "contact_ids" not in body:
            raise Invalid("contact_ids is required", code="REQUIRED", field="contact_ids")
        contact_ids = body["contact_ids"]
    await graph_input(call, document, {"listId": to_global_id("ContactList", list_id), "tags": body["tags"],
                                  "contactIds": [to_global_id("Contact", i) for i in contact_ids]})


async def tag_contacts(call: Call) -> JSONResponse:
    await _tag(call, "TagMultipleContacts", TAG, None)
    return JSONResponse({"tagged": True})


async def untag_contacts(call: Call) -> JSONResponse:
    await _tag(call, "UntagMultipleContacts", UNTAG, None)
    return JSONResponse({"untagged": True})


async def tag_contact(call: Call) -> JSONResponse:
    body = await json_body(call, "Tags")
    await _tag(call, "Tags", TAG, [path_id(call, "contact_id")], body)
    return JSONResponse({"tagged": True})


async def untag_contact(call: Call) -> JSONResponse:
    body = await json_body(call, "Tags")
    await _tag(call, "Tags", UNTAG, [path_id(call, "contact_id")], body)
    return JSONResponse({"untagged": True})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/tags", list_tags, Role.READ, "Show all tags"),
    CompatRoute("POST", "/tags", create_tag, Role.WRITE, "Create a tag"),
    CompatRoute("GET", "/tags/{tag}", get_tag, Role.READ, "Show a tag"),
    CompatRoute("PATCH", "/tags/{tag}", update_tag, Role.WRITE, "Edit tag"),
    CompatRoute("DELETE", "/tags/{tag}", delete_tag, Role.WRITE, "Delete a tag"),
    CompatRoute("POST", "/lists/{list_id}/contacts/tag", tag_contacts, Role.WRITE, "Tags multiple contacts"),
    CompatRoute("POST", "/lists/{list_id}/contacts/untag", untag_contacts, Role.WRITE, "Untags multiple contacts"),
    CompatRoute("POST", "/lists/{list_id}/contacts/{contact_id}/tag", tag_contact, Role.WRITE, "Tags a contact"),
    CompatRoute("POST", "/lists/{list_id}/contacts/{contact_id}/untag", untag_contact, Role.WRITE, "Untags a contact"),
]
