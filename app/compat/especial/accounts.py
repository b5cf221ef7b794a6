"""Especial accounts and sub-accounts (see app/compat/especial/routes.py): thin adapters onto the graph's tenants
(`tenant(accountId:)`, `Tenant.children`, `createTenant`, `updateTenant`, `deleteTenant`, `addTenantMember`; rules in
`domain.tenants.service` and the tenant scope).

- An account is a Tenant; a sub-account a Tenant with a parent. `/accounts/{account_id}` finds a sub-account of an
  account the caller may read (its parent is visible); anything else is not found.
- Creating a sub-account needs ADMIN on the parent; suspending (`active=false`), unsuspending and deleting one too
  (an admin of the sub-account alone is refused, 403). A suspended account sends nothing (TENANT_INACTIVE).
- `address`, `fax`, `phone`, `website`, `metadata` and the account owner's user id are kept in `Tenant.settings`;
  `account_owner` on creation is a user (created with its password, or an existing one) made ADMIN of the new account.
- Without `skip_verification` a sub-account needs an `account_owner`: it is created `pending` (inactive, it sends
  nothing and cannot be unsuspended) and its owner gets a confirmation code by mail, which `POST /accounts/{id}/confirm`
  takes, with no credential; `POST /accounts/resend-verification-email` mails the codes again (rules in
  `domain.tenants.confirmation`). With `skip_verification` it is active at once.
- `lineage` is the chain of account ids from the highest one the caller can see down to the account, `/`-separated.
- Not built, and refused with a 422 rather than ignored: usage limits, custom domains, trial and partner accounts,
  `partner_account_id`, `recursive` listings and filters. There is no logo (""), no usage limit ({}), and no override.
"""
from __future__ import annotations

import re
import secrets

from starlette.responses import JSONResponse

from app.compat.especial import audience_shapes as shapes
from app.compat.especial import auth, validation
from app.compat.especial.audience import json_body, paging
from app.compat.especial.messaging_common import check_sort, run
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role

FIELDS = "id accountId name active awaitingConfirmation settings createdAt updatedAt parent { accountId }"
ERRORS = "userErrors { field message code }"
ACCOUNT = f"query EspecialAccount($id: Int!) {{ tenant(accountId: $id) {{ {FIELDS} }} }}"
NODE = f"query EspecialOwnAccount($id: ID!) {{ node(id: $id) {{ ... on Tenant {{ {FIELDS} }} }} }}"
PARENT = "query EspecialAccountParent($id: Int!) { tenant(accountId: $id) { parent { accountId } } }"
CHILDREN = f"""query EspecialSubAccounts($id: Int!, $first: Int!, $offset: Int!) {{
  tenant(accountId: $id) {{ children(first: $first, offset: $offset) {{ totalCount nodes {{ {FIELDS} }} }} }} }}"""
CREATE = f"mutation EspecialCreateAccount($input: CreateTenantInput!) {{ createTenant(input: $input) {{ tenant {{ {FIELDS} }} {ERRORS} }} }}"
UPDATE = f"mutation EspecialUpdateAccount($input: UpdateTenantInput!) {{ updateTenant(input: $input) {{ tenant {{ {FIELDS} }} {ERRORS} }} }}"
DELETE = f"mutation EspecialDeleteAccount($input: DeleteInput!) {{ deleteTenant(input: $input) {{ deletedId {ERRORS} }} }}"
SEND_CONFIRMATION = f"mutation EspecialAccountVerification($input: SendTenantConfirmationInput!) {{ sendTenantConfirmation(input: $input) {{ tenant {{ {FIELDS} }} {ERRORS} }} }}"
CONFIRM = f"mutation EspecialConfirmAccount($input: ConfirmTenantInput!) {{ confirmTenant(input: $input) {{ tenant {{ {FIELDS} }} {ERRORS} }} }}"
RESEND = f"mutation EspecialResendAccountVerification($input: ResendTenantConfirmationInput!) {{ resendTenantConfirmation(input: $input) {{ email {ERRORS} }} }}"
ADD_MEMBER = f"""mutation EspecialAccountOwner($input: AddTenantMemberInput!) {{
  addTenantMember(input: $input) {{ member {{ email userId }} {ERRORS} }} }}"""
FIELD_NAMES = {"email": "account_owner.email", "password": "account_owner.password", "name": "name"}
KEPT = ("address", "fax", "phone", "website", "metadata")  # Especial fields kept as they are in Tenant.settings
OWNER = "account_owner_user_id"
OVERRIDES = {"bypass_recaptcha": False, "inject_address": False, "inject_unsubscribe_link": False}


# --- shapes -----------------------------------------------------------------------------------------------

async def lineage(call: Call, account_id: int) -> str:
    """Account ids from the highest ancestor the caller can see down to this one (one read per ancestor)."""
    chain, current = [account_id], account_id
    while len(chain) < 50:
        tenant = (await call.graphql(PARENT, {"id": current}))["tenant"]
        if not tenant or not tenant["parent"]:
            break
        current = tenant["parent"]["accountId"]
        chain.append(current)
    return "/".join(map(str, reversed(chain)))


def summary(tenant: dict, line: str) -> dict:
    settings = tenant["settings"] or {}
    owner = settings.get(OWNER)
    status = "pending" if tenant["awaitingConfirmation"] else "active" if tenant["active"] else "suspended"
    return {
        "id": str(tenant["accountId"]), "lineage": line, "status": status, "partner": False,
        "name": tenant["name"], "account_owner": {"user_id": str(owner)} if owner else {}, "usage_limits": {},
        "created_on": shapes.unix(tenant["createdAt"]),
    }


def full(tenant: dict, line: str) -> dict:
    settings = tenant["settings"] or {}
    shape = summary(tenant, line)
    del shape["partner"]
    shape.update({"address": settings.get("address") or {}, "logo": "", "last_activity_on": shapes.unix(tenant["updatedAt"]),
                  "partner": False, "organization": False, "overrides": dict(OVERRIDES), "metadata": settings.get("metadata") or {}})
    shape.update({name: settings[name] for name in ("fax", "phone", "website") if settings.get(name)})
    return shape


# --- finding accounts ---------------------------------------------------------------------------------------

async def _tenant(call: Call, account_id: int) -> dict | None:
    return (await call.graphql(ACCOUNT, {"id": account_id}))["tenant"]


async def _self(call: Call) -> dict:
    """The account acted on: the caller's own, or the one `account_id` names (its own or a sub-account)."""
    return (await call.graphql(NODE, {"id": await auth.account(call)}))["node"]


def _path_account(call: Call) -> int:
    raw = call.params["account_id"]
    if not re.fullmatch(r"[a-zA-Z0-9]{1,20}", raw):
        raise Invalid(f"string does not match '^[a-zA-Z0-9]+$'", code="str_regex", field="account_id")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(f"Account {raw} not found", code="ACCOUNT_NOT_FOUND", field="account_id")
    return int(raw)


async def _sub_account(call: Call) -> dict:
    """The sub-account in the path: one the caller can read whose parent it can read too."""
    account_id = _path_account(call)
    tenant = await _tenant(call, account_id)
    if not tenant or not tenant["parent"]:
        raise NotFound(f"Account {account_id} not found", code="ACCOUNT_NOT_FOUND", field="account_id")
    return tenant


# --- request checks ------------------------------------------------------------------------------------------

def _not_built(body: dict) -> None:
    for name, what in (("usage_limits", "Usage limits"), ("domains", "Custom domains")):
        if body.get(name):
            raise Invalid(f"{what} are not supported by this server", code="UNSUPPORTED_" + name.upper(), field=name)
    for name in ("trial", "partner"):
        if body.get(name):
            raise Invalid(f"{name.capitalize()} accounts are not supported by this server", code="UNSUPPORTED_" + name.upper(), field=name)
    if "website" in body and not re.match(r"https?://[^\s/]+", body["website"]):
        raise Invalid("website must be an http or https URL", code="INVALID_URL", field="website")


def _settings(tenant: dict, body: dict) -> dict:
    settings = dict(tenant["settings"] or {})
    settings.update({name: body[name] for name in KEPT if name in body})
    return settings


def _no_owner_change(body: dict) -> None:
    if "account_owner" in body:
        raise Invalid("Changing the account owner is not supported by this server", code="UNSUPPORTED_ACCOUNT_OWNER", field="account_owner")


async def _update(call: Call, tenant: dict, changes: dict) -> dict:
    data = await run(call, UPDATE, {"input": {"id": tenant["id"], **changes}}, FIELD_NAMES)
    return data["updateTenant"]["tenant"]


# --- routes ------------------------------------------------------------------------------------------------------

async def get_self(call: Call) -> JSONResponse:
    tenant = await _self(call)
    return JSONResponse({"data": full(tenant, await lineage(call, tenant["accountId"]))})


async def patch_self(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchSelfAccount")
    _not_built(body)
    _no_owner_change(body)
    tenant = await _self(call)
    changes = {"settings": _settings(tenant, body), **({"name": body["name"]} if "name" in body else {})}
    tenant = await _update(call, tenant, changes)
    return JSONResponse({"data": full(tenant, await lineage(call, tenant["accountId"])), "warnings": []})


async def list_accounts(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    query = call.query
    if query.get("partner_account_id"):
        raise Invalid("Partner accounts are not supported by this server", code="UNSUPPORTED_PARTNER", field="partner_account_id")
    if validation.boolean(query.get("recursive"), name="recursive"):
        raise Invalid("Recursive listings are not supported by this server: list each account's sub-accounts",
                      code="UNSUPPORTED_RECURSIVE", field="recursive")
    if query.get("filter"):
        raise Invalid("Filtering sub-accounts is not supported by this server", code="UNSUPPORTED_FILTER", field="filter")
    check_sort(call, {"created_on"})
    parent = await _self(call)
    line = await lineage(call, parent["accountId"])

    variables = {"id": parent["accountId"], "first": per_page, "offset": (page - 1) * per_page}
    connection = (await call.graphql(CHILDREN, variables))["tenant"]["children"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count=with_count),
                         "data": [summary(t, f"{line}/{t['accountId']}") for t in connection["nodes"]]})


async def create_account(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateAccount")
    if call.query.get("partner_account_id"):
        raise Invalid("Partner accounts are not supported by this server", code="UNSUPPORTED_PARTNER", field="partner_account_id")
    _not_built(body)
    verify = not validation.boolean(call.query.get("skip_verification"), name="skip_verification")
    owner = body.get("account_owner")
    if verify and owner is None:
        raise Invalid("A sub-account is confirmed by its account_owner: give one, or skip_verification=true",
                      code="ACCOUNT_OWNER_REQUIRED", field="account_owner")
    parent = await _self(call)
    slug = re.sub(r"[^a-z0-9]+", "-", body["name"].lower()).strip("-")[:40] or "account"
    settings = {name: body[name] for name in KEPT if name in body}
    tenant = (await run(call, CREATE, {"input": {"parentId": parent["id"], "slug": f"{slug}-{secrets.token_hex(4)}", "name": body["name"],
                                                 "settings": settings, "awaitingConfirmation": verify}}, FIELD_NAMES))["createTenant"]["tenant"]
    email = None
    if owner is not None:
        name = " ".join(filter(None, (owner.get("first_name"), owner.get("last_name")))) or None
        try:
            member = (await run(call, ADD_MEMBER, {"input": {"tenantId": tenant["id"], "email": owner["email"], "role": "ADMIN",
                                                             "password": owner.get("password"), "name": name}}, FIELD_NAMES))["addTenantMember"]["member"]
            tenant = await _update(call, tenant, {"settings": {**settings, OWNER: member["userId"]}})
            if verify:
                tenant = (await run(call, SEND_CONFIRMATION, {"input": {"id": tenant["id"]}}))["sendTenantConfirmation"]["tenant"]
        except DomainError:
            await call.graphql(DELETE, {"input": {"id": tenant["id"]}})  # no sub-account without its owner, or unconfirmable
            raise
        email = member["email"]
    data = full(tenant, f"{await lineage(call, parent['accountId'])}/{tenant['accountId']}")
    answer = {"id": data["id"], "object": "account", "data": data, "created": True, "warnings": []}
    if email:
        answer["email"] = email
    return JSONResponse(answer, status_code=201)


async def get_account(call: Call) -> JSONResponse:
    tenant = await _sub_account(call)
    return JSONResponse({"data": full(tenant, await lineage(call, tenant["accountId"]))})


async def patch_account(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchAccount")
    _not_built(body)
    _no_owner_change(body)
    tenant = await _sub_account(call)
    changes = {"settings": _settings(tenant, body), **({"name": body["name"]} if "name" in body else {})}
    tenant = await _update(call, tenant, changes)
    return JSONResponse({"data": full(tenant, await lineage(call, tenant["accountId"])), "warnings": []})


async def delete_account(call: Call) -> JSONResponse:
    tenant = await _sub_account(call)
    await run(call, DELETE, {"input": {"id": tenant["id"]}})
    return JSONResponse({"id": str(tenant["accountId"]), "object": "account", "deleted": True})


async def _activity(call: Call, active: bool) -> dict:
    tenant = await _sub_account(call)
    tenant = await _update(call, tenant, {"active": active})
    return summary(tenant, await lineage(call, tenant["accountId"]))


async def suspend_account(call: Call) -> JSONResponse:
    data = await _activity(call, False)
    return JSONResponse({"id": data["id"], "object": "account", "suspended": True, "data": data})


async def unsuspend_account(call: Call) -> JSONResponse:
    data = await _activity(call, True)
    return JSONResponse({"id": data["id"], "object": "account", "unsuspended": True, "data": data})


async def confirm_account(call: Call) -> JSONResponse:
    account_id = _path_account(call)
    body = await json_body(call, "ConfirmAccount")
    tenant = (await run(call, CONFIRM, {"input": {"accountId": account_id, "confirmation": body["confirmation"]}}))["confirmTenant"]["tenant"]
    # without a credential (the owner, by the mailed code) no parent is visible: the lineage is the account alone
    line = await lineage(call, tenant["accountId"]) if tenant["parent"] else str(tenant["accountId"])
    data = full(tenant, line)
    return JSONResponse({"id": data["id"], "object": "account", "data": data, "confirmed": True})


async def resend_verification(call: Call) -> JSONResponse:
    body = await json_body(call, "ResendVerificationEmail")
    await run(call, RESEND, {"input": {"email": body["email"]}})
    return JSONResponse({"object": "account", "verification_resent": True})


# Fixed paths before `{account_id}`: Starlette tries routes in order.
ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/accounts/self", get_self, Role.READ, "Show my account details"),
    CompatRoute("PATCH", "/accounts/self", patch_self, Role.ADMIN, "Update my account"),
    CompatRoute("GET", "/accounts", list_accounts, Role.READ, "Show all sub-accounts"),
    CompatRoute("POST", "/accounts", create_account, Role.ADMIN, "Create a sub-account"),
    CompatRoute("POST", "/accounts/resend-verification-email", resend_verification, None, "Resend the account verification email"),
    CompatRoute("GET", "/accounts/{account_id}", get_account, Role.READ, "Show sub-account details"),
    CompatRoute("PATCH", "/accounts/{account_id}", patch_account, Role.ADMIN, "Update a sub-account"),
    CompatRoute("DELETE", "/accounts/{account_id}", delete_account, Role.ADMIN, "Delete a sub-account"),
    CompatRoute("POST", "/accounts/{account_id}/suspend", suspend_account, Role.ADMIN, "Suspend a sub-account"),
    CompatRoute("POST", "/accounts/{account_id}/unsuspend", unsuspend_account, Role.ADMIN, "Unsuspend a sub-account"),
    CompatRoute("POST", "/accounts/{account_id}/confirm", confirm_account, None, "Confirm sub-account creation"),
]
