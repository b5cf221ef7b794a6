"""Especial custom attributes of a list (see app/compat/especial/routes.py): thin adapters onto the graph's
`listAttributeDefinitions` and its create / delete mutations (rules in `domain.contacts.attribute_definitions`)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import audience_shapes as shapes
from app.compat.especial.audience import json_body, paging
from app.compat.especial.tags import graph_input, own_list
from app.compat.framework import Call, CompatRoute
from domain.errors import NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

ERRORS = "userErrors { field message code }"
ALL = "query EspecialCustomAttributes($list: ID!) { listAttributeDefinitions(listId: $list) { name type } }"
CREATE = f"""mutation EspecialCreateCustomAttribute($input: CreateAttributeDefinitionInput!) {{
  createAttributeDefinition(input: $input) {{ definition {{ name type }} {ERRORS} }} }}"""
DELETE = f"""mutation EspecialDeleteCustomAttribute($input: DeleteAttributeDefinitionInput!) {{
  deleteAttributeDefinition(input: $input) {{ definition {{ name type }} {ERRORS} }} }}"""


async def list_attributes(call: Call) -> JSONResponse:
    list_id = await own_list(call)
    page, per_page, with_count = paging(call)
    found = (await call.graphql(ALL, {"list": to_global_id("ContactList", list_id)}))["listAttributeDefinitions"]
    pagination = shapes.pagination(page, per_page, {"totalCount": len(found)}, with_count=with_count)
    return JSONResponse({"pagination": pagination, "data": found[(page - 1) * per_page: page * per_page]})


async def create_attribute(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateCustomAttribute")
    list_id = await own_list(call)
    data = await graph_input(call, CREATE, {"listId": to_global_id("ContactList", list_id), "name": body["name"], "type": body["type"]})
    found = data["createAttributeDefinition"]["definition"]
    return JSONResponse({"name": found["name"], "object": "attribute", "created": True, "data": found}, status_code=201)


async def get_attribute(call: Call) -> JSONResponse:
    list_id = await own_list(call)
    name = call.params["name"]
    for found in (await call.graphql(ALL, {"list": to_global_id("ContactList", list_id)}))["listAttributeDefinitions"]:
        if found["name"] == name:
            return JSONResponse({"data": found})
    raise NotFound(f"Custom attribute {name!r} not found", code="ATTRIBUTE_NOT_FOUND", field="name")


async def delete_attribute(call: Call) -> JSONResponse:
    list_id = await own_list(call)
    data = await graph_input(call, DELETE, {"listId": to_global_id("ContactList", list_id), "name": call.params["name"]})
    return JSONResponse({"name": data["deleteAttributeDefinition"]["definition"]["name"], "object": "attribute", "deleted": True})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/lists/{list_id}/custom-attributes", list_attributes, Role.READ, "Show all custom attributes"),
    CompatRoute("POST", "/lists/{list_id}/custom-attributes", create_attribute, Role.WRITE, "Create a custom attribute"),
    CompatRoute("GET", "/lists/{list_id}/custom-attributes/{name}", get_attribute, Role.READ, "Show a custom attribute"),
    CompatRoute("DELETE", "/lists/{list_id}/custom-attributes/{name}", delete_attribute, Role.WRITE, "Delete a custom attribute"),
]
