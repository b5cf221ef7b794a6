"""Especial interests of a list (see app/compat/especial/routes.py): thin adapters onto the graph's `listInterests`
and interest mutations (the rules are in `domain.contacts.interests`)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import audience_shapes as shapes
from app.compat.especial.audience import json_body, paging
from app.compat.especial.tags import graph_input, own_list
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

ERRORS = "userErrors { field message code }"
FIELDS = "name alias usage"
INTERESTS = f"query EspecialInterests($list: ID!) {{ listInterests(listId: $list) {{ {FIELDS} }} }}"
CREATE = f"mutation EspecialCreateInterest($input: CreateListInterestInput!) {{ createListInterest(input: $input) {{ interest {{ {FIELDS} }} {ERRORS} }} }}"
UPDATE = f"mutation EspecialUpdateInterest($input: UpdateListInterestInput!) {{ updateListInterest(input: $input) {{ interest {{ {FIELDS} }} {ERRORS} }} }}"
DELETE = f"mutation EspecialDeleteInterest($input: DeleteListInterestInput!) {{ deleteListInterest(input: $input) {{ interest {{ {FIELDS} }} {ERRORS} }} }}"
ADD = f"mutation EspecialAddInterests($input: ContactInterestsInput!) {{ addContactInterests(input: $input) {{ changedContactIds {ERRORS} }} }}"
REMOVE = f"mutation EspecialRemoveInterests($input: ContactInterestsInput!) {{ removeContactInterests(input: $input) {{ changedContactIds {ERRORS} }} }}"


def shape(interest: dict) -> dict:
    data = {"name": interest["name"], "usage": interest["usage"]}
    if interest.get("alias") is not None:
        data["alias"] = interest["alias"]
    return data


def _gid(list_id: int) -> str:
    return to_global_id("ContactList", list_id)


async def list_interests(call: Call) -> JSONResponse:
    list_id = await own_list(call)
    page, per_page, with_count = paging(call)
    found = (await call.graphql(INTERESTS, {"list": _gid(list_id)}))["listInterests"]
    pagination = shapes.pagination(page, per_page, {"totalCount": len(found)}, with_count=with_count)
    return JSONResponse({"pagination": pagination, "data": [shape(i) for i in found[(page - 1) * per_page: page * per_page]]})


async def create_interest(call: Call) -> JSONResponse:
    body = await json_body(call, "InterestCreate")
    list_id = await own_list(call)
    data = await graph_input(call, CREATE, {"listId": _gid(list_id), "name": body["name"], "alias": body.get("alias")})
    return JSONResponse({"object": "interest", "created": True, "data": shape(data["createListInterest"]["interest"])}, status_code=201)


async def get_interest(call: Call) -> JSONResponse:
    list_id = await own_list(call)
    name = call.params["interest_name"]
    for interest in (await call.graphql(INTERESTS, {"list": _gid(list_id)}))["listInterests"]:
        if interest["name"] == name:
            return JSONResponse({"data": shape(interest)})
    raise NotFound(f"Interest {name!r} not found", code="INTEREST_NOT_FOUND", field="interest_name")


async def update_interest(call: Call) -> JSONResponse:
    body = await json_body(call, "InterestPatch")
    list_id = await own_list(call)
    changes = {"listId": _gid(list_id), "name": call.params["interest_name"]}
    if "name" in body:
        changes["newName"] = body["name"]
    if "alias" in body:
        changes["alias"] = body["alias"]
    data = await graph_input(call, UPDATE, changes)
    return JSONResponse({"object": "interest", "patched": True, "data": shape(data["updateListInterest"]["interest"])})


async def delete_interest(call: Call) -> JSONResponse:
    list_id = await own_list(call)
    data = await graph_input(call, DELETE, {"listId": _gid(list_id), "name": call.params["interest_name"]})
    return JSONResponse({"object": "interest", "deleted": True, "data": shape(data["deleteListInterest"]["interest"])})


async def _change(call: Call, schema: str, document: str) -> None:
    body = await json_body(call, schema)
    list_id = await own_list(call)
    for name in ("query", "fiql", "json"):
        if name in body:
            raise Invalid(f"Selecting contacts with `{name}` is not supported by this server; give contact_ids", code="UNSUPPORTED_SELECTION", field=name)
    if "contact_ids" not in body:
        raise Invalid("contact_ids is required", code="REQUIRED", field="contact_ids")
    await graph_input(call, document, {"listId": _gid(list_id), "interests": body["interests"],
                                  "contactIds": [to_global_id("Contact", i) for i in body["contact_ids"]]})


async def add_interests(call: Call) -> JSONResponse:
    await _change(call, "AddInterestsToContacts", ADD)
    return JSONResponse({"object": "interests", "added": True})


async def remove_interests(call: Call) -> JSONResponse:
    await _change(call, "RemoveInterestsFromContacts", REMOVE)
    return JSONResponse({"object": "interests", "removed": True})


ONE = "/lists/{list_id}/interests/{interest_name}"
ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/lists/{list_id}/interests", list_interests, Role.READ, "Show all Interests"),
    CompatRoute("POST", "/lists/{list_id}/interests", create_interest, Role.WRITE, "Create an Interest"),
    CompatRoute("GET", ONE, get_interest, Role.READ, "Get an Interest"),
    CompatRoute("PATCH", ONE, update_interest, Role.WRITE, "Update an Interest"),
    CompatRoute("DELETE", ONE, delete_interest, Role.WRITE, "Delete an Interest"),
    CompatRoute("POST", "/lists/{list_id}/contacts/add-interests", add_interests, Role.WRITE, "Add interest(s) to contact(s)"),
    CompatRoute("POST", "/lists/{list_id}/contacts/remove-interests", remove_interests, Role.WRITE, "Remove interest(s) from contact(s)"),
]
