"""Especial users (see app/compat/especial/routes.py): thin adapters onto the graph's tenant members (`Tenant.members`,
`Tenant.member`, `viewer.user`, `addTenantMember`, `updateUser`, `suspendUser`, `unsuspendUser`, `removeTenantMember`,
`resetUserPassword`, `requestPasswordReset`, `confirmPasswordReset`, `resendUserVerification`, `confirmUser`; rules in
`domain.identity.users`).

- A user of an account is a member of its tenant; `user_id` is the user's database id. Another account's user is not found.
- Creating one makes it a WRITE member (Especial's `user` scope). Without `skip_verification` it is `unconfirmed` and gets a
  confirmation mail with a code, which `POST /users/{user_id}/confirm` takes with the password it chooses; with
  `skip_verification` it needs a `password` and can log in at once. An existing sendgraph user is added with its own password.
- Delete ends the membership. Suspend: the user can neither log in nor use its tokens. Only admins manage users, nobody
  suspends or deletes itself, and a user's own password changes with its current one (`PATCH` `password`).
- Reset and confirmation mails go through the message pipeline and carry a signed, expiring, single-use token.
  `forgot-my-password` answers the same whether the address is a user's or not.
- Password strength requirements above `VERY_WEAK` (8 characters) are refused (422), not silently ignored.
"""
from __future__ import annotations

import re

from starlette.responses import JSONResponse

from app.compat.especial import audience_shapes as shapes
from app.compat.especial import auth, validation
from app.compat.especial.audience import filters, json_body, paging
from app.compat.especial.messaging_common import json_body as optional_body
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role

USER = "databaseId email name profile status createdAt updatedAt"
ERRORS = "userErrors { field message code }"
VIEWER = f"query EspecialSelfUser {{ viewer {{ user {{ {USER} }} memberships {{ tenant {{ id }} }} }} }}"
MEMBER = f"""query EspecialUser($tenant: ID!, $userId: Int!) {{ node(id: $tenant) {{ ... on Tenant {{
  member(userId: $userId) {{ user {{ {USER} }} }} }} }} }}"""
MEMBERS = f"""query EspecialUsers($tenant: ID!, $first: Int!, $offset: Int!, $email: String, $status: UserStatus) {{ node(id: $tenant) {{
  ... on Tenant {{ members(first: $first, offset: $offset, email: $email, status: $status) {{ totalCount nodes {{ user {{ {USER} }} }} }} }} }} }}"""
ADD = f"""mutation EspecialCreateUser($input: AddTenantMemberInput!) {{ addTenantMember(input: $input) {{
  member {{ user {{ {USER} }} }} {ERRORS} }} }}"""
UPDATE = f"mutation EspecialUpdateUser($input: UpdateUserInput!) {{ updateUser(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"
SUSPEND = f"mutation EspecialSuspendUser($input: TenantUserInput!) {{ suspendUser(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"
UNSUSPEND = f"mutation EspecialUnsuspendUser($input: TenantUserInput!) {{ unsuspendUser(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"
REMOVE = f"mutation EspecialDeleteUser($input: TenantUserInput!) {{ removeTenantMember(input: $input) {{ removedUserId {ERRORS} }} }}"
RESET = f"mutation EspecialResetUserPassword($input: ResetUserPasswordInput!) {{ resetUserPassword(input: $input) {{ user {{ email }} {ERRORS} }} }}"
FORGOT = f"mutation EspecialForgotPassword($input: RequestPasswordResetInput!) {{ requestPasswordReset(input: $input) {{ email {ERRORS} }} }}"
CONFIRM_RESET = f"mutation EspecialResetConfirm($input: ConfirmPasswordResetInput!) {{ confirmPasswordReset(input: $input) {{ user {{ databaseId }} {ERRORS} }} }}"
RESEND = f"mutation EspecialResendUserVerification($input: TenantUserInput!) {{ resendUserVerification(input: $input) {{ user {{ databaseId }} {ERRORS} }} }}"
CONFIRM = f"mutation EspecialConfirmUser($input: ConfirmUserInput!) {{ confirmUser(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"
PROFILE = ("first_name", "last_name", "title", "office_phone", "mobile_phone", "language", "timezone")
STATUSES = {"active": "ACTIVE", "suspended": "SUSPENDED", "unconfirmed": "UNCONFIRMED"}
FIELD_NAMES = {"userId": "user_id", "tenantId": "account_id", "newPassword": "password.new", "currentPassword": "password.current"}


# --- shapes --------------------------------------------------------------------------------------------------

def _names(user: dict) -> dict:
    profile = user["profile"] or {}
    if profile.get("first_name") or profile.get("last_name") or not user["name"]:
        return {k: profile[k] for k in ("first_name", "last_name") if profile.get(k)}
    first, _, last = user["name"].partition(" ")  # a user made outside Especial has one name
    return {k: v for k, v in (("first_name", first), ("last_name", last)) if v}


def summary(user: dict) -> dict:
    return {"id": str(user["databaseId"]), "email": user["email"], "status": user["status"].lower(), **_names(user),
            "created_on": shapes.unix(user["createdAt"]), "last_activity_on": shapes.unix(user["updatedAt"])}


def full(user: dict) -> dict:
    profile = user["profile"] or {}
    return {**summary(user), **{k: profile[k] for k in PROFILE[2:] if profile.get(k)}}


# --- requests ----------------------------------------------------------------------------------------------------

async def _run(call: Call, document: str, variables: dict) -> dict:
    """`call.graphql`, with the failing field renamed to Especial's name for it."""
    try:
        return await call.graphql(document, variables)
    except DomainError as error:
        field = error.field or ""
        error.field = FIELD_NAMES.get(field) or (field.removeprefix("profile.") if field.startswith("profile.") else field) or None
        raise


def _user_id(call: Call, *, integer: bool = False) -> int:
    """The path's user_id: an integer on some routes, a 1-20 character alphanumeric string on others (a user id is a number)."""
    raw = call.params["user_id"]
    if integer:
        return validation.integer(raw, name="user_id")
    if not re.fullmatch(r"[a-zA-Z0-9]{1,20}", raw):
        raise Invalid("user_id must be 1-20 letters or digits", code="STR_REGEX", field="user_id")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(f"User {raw} not found", code="USER_NOT_FOUND", field="user_id")
    return int(raw)


def _strength(body: dict) -> None:
    if body.get("password_strength_requirement", "VERY_WEAK") != "VERY_WEAK":
        raise Invalid("Only the VERY_WEAK password requirement (8 characters or more) is supported by this server",
                      code="UNSUPPORTED_PASSWORD_STRENGTH", field="password_strength_requirement")


async def _target(call: Call, *, integer: bool = False) -> dict:
    return {"tenantId": await auth.account(call), "userId": _user_id(call, integer=integer)}


async def _viewer(call: Call) -> tuple[dict, str]:
    """The calling user, and the account acted on: `account_id`'s (one the caller may act on) or its first one."""
    viewer = (await call.graphql(VIEWER))["viewer"]
    if viewer["user"] is None or not viewer["memberships"]:
        raise NotFound("This token is not a user's", code="USER_NOT_FOUND", field="user_id")
    account = await auth.account(call) if call.query.get("account_id") else viewer["memberships"][0]["tenant"]["id"]
    return viewer["user"], account


# --- routes ------------------------------------------------------------------------------------------------------

async def get_self(call: Call) -> JSONResponse:
    user, _ = await _viewer(call)
    return JSONResponse({"data": full(user)})


async def list_users(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    terms = filters(call, {"email", "status"}, {"email", "status"})
    if "status" in terms and terms["status"] not in STATUSES:
        raise Invalid(f"status is one of {', '.join(STATUSES)}", code="INVALID_FILTER", field="filter")
    variables = {"tenant": await auth.account(call), "first": per_page, "offset": (page - 1) * per_page,
                 "email": terms.get("email"), "status": STATUSES.get(terms.get("status"))}
    connection = (await call.graphql(MEMBERS, variables))["node"]["members"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, connection, with_count=with_count),
                         "data": [summary(m["user"]) for m in connection["nodes"]]})


async def create_user(call: Call) -> JSONResponse:
    body = await json_body(call, "User")
    _strength(body)
    skip = validation.boolean(call.query.get("skip_verification"), name="skip_verification")
    variables = {"input": {"tenantId": await auth.account(call), "email": body["email"], "role": "WRITE", "password": body.get("password"),
                           "profile": {k: body[k] for k in PROFILE if k in body}, "sendVerification": not skip, "newMemberOnly": True}}
    user = (await _run(call, ADD, variables))["addTenantMember"]["member"]["user"]
    return JSONResponse({"id": str(user["databaseId"]), "object": "user", "created": True, "data": full(user)}, status_code=201)


async def get_user(call: Call) -> JSONResponse:
    target = await _target(call)
    member = (await call.graphql(MEMBER, {"tenant": target["tenantId"], "userId": target["userId"]}))["node"]["member"]
    if member is None:
        raise NotFound(f"User {target['userId']} not found", code="USER_NOT_FOUND", field="user_id")
    return JSONResponse({"data": full(member["user"])})


async def patch_user(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchUser")
    password = body.get("password") or {}
    _strength(password)
    changes = {"profile": {k: body[k] for k in PROFILE if k in body}}
    if password:
        changes.update(currentPassword=password.get("current"), newPassword=password["new"])
    user = (await _run(call, UPDATE, {"input": {**await _target(call), **changes}}))["updateUser"]["user"]
    return JSONResponse({"id": str(user["databaseId"]), "object": "user", "patched": True, "data": full(user)})


async def delete_user(call: Call) -> JSONResponse:
    target = await _target(call)
    await _run(call, REMOVE, {"input": target})
    return JSONResponse({"id": str(target["userId"]), "object": "user", "deleted": True})


async def suspend_user(call: Call) -> JSONResponse:
    user = (await _run(call, SUSPEND, {"input": await _target(call, integer=True)}))["suspendUser"]["user"]
    return JSONResponse({"id": str(user["databaseId"]), "object": "user", "suspended": True, "data": full(user)})


async def unsuspend_user(call: Call) -> JSONResponse:
    user = (await _run(call, UNSUSPEND, {"input": await _target(call, integer=True)}))["unsuspendUser"]["user"]
    return JSONResponse({"id": str(user["databaseId"]), "object": "user", "suspended": False, "data": full(user)})


async def _reset(call: Call, target: dict, invalidate: bool) -> JSONResponse:
    user = (await _run(call, RESET, {"input": {**target, "invalidateCurrentPassword": invalidate}}))["resetUserPassword"]["user"]
    return JSONResponse({"email": user["email"], "object": "user", "reset_link_sent": True})


async def reset_self_password(call: Call) -> JSONResponse:
    user, account = await _viewer(call)
    return await _reset(call, {"tenantId": account, "userId": user["databaseId"]}, False)


async def reset_user_password(call: Call) -> JSONResponse:
    body = await optional_body(call, "ResetUserPassword", optional=True)
    return await _reset(call, await _target(call, integer=True), body.get("invalidate_current_password", False))


async def forgot_my_password(call: Call) -> JSONResponse:
    body = await json_body(call, "ForgotMyPassword")
    email = (await _run(call, FORGOT, {"input": {"email": body["email"]}}))["requestPasswordReset"]["email"]
    return JSONResponse({"email": email, "object": "user", "reset_link_sent": True})


async def reset_password_confirm(call: Call) -> JSONResponse:
    body = await json_body(call, "ResetPasswordConfirm")
    await _run(call, CONFIRM_RESET, {"input": {"token": body["token"], "password": body["password"]}})
    return JSONResponse({"object": "user", "password_reset": True})


async def confirm_user(call: Call) -> JSONResponse:
    user_id = _user_id(call)
    body = await json_body(call, "UserConfirmation")
    variables = {"input": {"userId": user_id, "confirmation": body["confirmation"], "password": body["password"]}}
    user = (await _run(call, CONFIRM, variables))["confirmUser"]["user"]
    return JSONResponse({"id": str(user["databaseId"]), "object": "user", "confirmed": True, "data": full(user)})


async def resend_verification(call: Call) -> JSONResponse:
    await _run(call, RESEND, {"input": await _target(call)})
    return JSONResponse({"object": "user", "confirmation_resent": True})


# Fixed paths before `{user_id}`: Starlette tries routes in order.
ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/users/self", get_self, Role.READ, "Show my user details"),
    CompatRoute("POST", "/users/forgot-my-password", forgot_my_password, None, "Forgot my password"),
    CompatRoute("POST", "/users/self/reset-password", reset_self_password, Role.READ, "Reset my password"),
    CompatRoute("POST", "/users/reset-password-confirm", reset_password_confirm, None, "Reset password confirmation"),
    CompatRoute("GET", "/users", list_users, Role.READ, "Show all users in my account"),
    CompatRoute("POST", "/users", create_user, Role.ADMIN, "Create a user"),
    CompatRoute("POST", "/users/{user_id}/reset-password", reset_user_password, Role.READ, "Reset a user password"),
    CompatRoute("GET", "/users/{user_id}", get_user, Role.READ, "Show a user details"),
    CompatRoute("DELETE", "/users/{user_id}", delete_user, Role.ADMIN, "Delete a user"),
    CompatRoute("PATCH", "/users/{user_id}", patch_user, Role.READ, "Update a user"),
    CompatRoute("POST", "/users/{user_id}/suspend", suspend_user, Role.ADMIN, "Suspend a user"),
    CompatRoute("POST", "/users/{user_id}/unsuspend", unsuspend_user, Role.ADMIN, "Unsuspend a user"),
    CompatRoute("POST", "/users/{user_id}/confirm", confirm_user, None, "Confirm a user"),
    CompatRoute("POST", "/users/{user_id}/resend-verification-email", resend_verification, Role.ADMIN, "Resend the user verification email"),
]
