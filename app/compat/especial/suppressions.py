"""Especial suppressed emails onto the graph's suppressions (`Tenant.suppressions`, `suppressAddress`, `unsuppressAddress`).

The graph suppresses exact addresses: Especial's wildcards (`*@domain.com`, `john@*`) are refused honestly (422).
An entry's `source` is the suppression's reason (manual, hard_bounce, complaint, unsubscribe).
"""
from __future__ import annotations

import re

from starlette.responses import JSONResponse

from app.compat.especial import auth
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import filters, json_body, paging, run
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role

LIST_SUPPRESSIONS = """
query EspecialSuppressions($account: ID!, $first: Int!, $offset: Int!, $address: String) {
  node(id: $account) { ... on Tenant {
    suppressions(first: $first, offset: $offset, address: $address) { totalCount nodes { address reason } } } } }"""
SUPPRESS = """mutation EspecialSuppress($input: SuppressAddressInput!) {
  suppressAddress(input: $input) { suppression { address reason } userErrors { field message code } } }"""
UNSUPPRESS = """mutation EspecialUnsuppress($input: UnsuppressAddressInput!) {
  unsuppressAddress(input: $input) { address userErrors { field message code } } }"""
FIELD_NAMES = {"address": "email"}
# The contract's pattern for the path's `email`: a full address or a wildcard.
PATH_EMAIL = r"(^\*@[^@*]+\.[^@*]+$|^[^@*]+@\*$|^[^@*]+@[^@*]+\.[^@*]+$)"


def _exact_email(value: str) -> str:
    if "@" not in value:
        raise Invalid("value is not a valid email address", code="email", field="email")
    if "*" in value:
        raise Invalid("Wildcard suppressions are not supported by this server: give a full email address", code="WILDCARD_UNSUPPORTED", field="email")
    return value


async def list_suppressed(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    address = filters(call, {"email"}).get("email")
    account = await auth.account(call)

    variables = {"account": account, "first": per_page, "offset": (page - 1) * per_page, "address": address or None}
    connection = (await call.graphql(LIST_SUPPRESSIONS, variables))["node"]["suppressions"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count),
                         "data": [{"email": s["address"], "source": s["reason"]} for s in connection["nodes"]]})


async def add_suppressed(call: Call) -> JSONResponse:
    payload = await json_body(call, "SuppressedEmail")
    email = _exact_email(payload["email"])
    account = await auth.account(call)
    entry = (await run(call, SUPPRESS, {"input": {"tenantId": account, "address": email, "reason": "manual"}}, FIELD_NAMES))
    return JSONResponse({"email": entry["suppressAddress"]["suppression"]["address"], "created": True}, status_code=201)


async def delete_suppressed(call: Call) -> JSONResponse:
    email = call.params["email"]
    if not re.search(PATH_EMAIL, email):
        raise Invalid(f"string does not match {PATH_EMAIL!r}", code="str_regex", field="email")
    _exact_email(email)
    account = await auth.account(call)
    try:
        data = await run(call, UNSUPPRESS, {"input": {"tenantId": account, "address": email}}, FIELD_NAMES)
    except Invalid as error:
        if error.code != "NOT_SUPPRESSED":
            raise
        raise NotFound(error.message, code=error.code, field="email") from error
    return JSONResponse({"email": data["unsuppressAddress"]["address"], "deleted": True})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/suppressed-emails", list_suppressed, Role.READ, "Show all suppressed emails"),
    CompatRoute("POST", "/suppressed-emails", add_suppressed, Role.WRITE, "Add a suppressed email"),
    CompatRoute("DELETE", "/suppressed-emails/{email}", delete_suppressed, Role.WRITE, "Delete a suppressed email"),
]
