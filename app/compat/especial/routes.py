"""Especial routes, each a thin adapter onto a GraphQL operation or an auth scheme (see app/compat/framework.py)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.auth import issue_user_tokens, refresh_user_id
from app.compat.especial import accounts, audience, blueprints, brand, custom_attributes, exports, forms, interests, list_status, logs, messaging, reports, segments, suppressions, tags, users, webhooks, workflows
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.service import password_principal, user_principal


async def create_token(call: Call) -> JSONResponse:
    """OAuth2: `grant_type=password` (username, password) or `grant_type=refresh_token`."""
    form = await call.form()
    grant = form.get("grant_type", "password")
    if grant == "password":
        if not form.get("username") or not form.get("password"):
            raise Invalid("username and password are required", code="REQUIRED", field="username")
        user, principal = await password_principal(call.session, email=form["username"], password=form["password"])
        user_id = user.id
    elif grant == "refresh_token":
        if not form.get("refresh_token"):
            raise Invalid("refresh_token is required", code="REQUIRED", field="refresh_token")
        user_id = refresh_user_id(call.settings, form["refresh_token"])
        principal = await user_principal(call.session, user_id=user_id)
    else:
        raise Invalid("grant_type must be password or refresh_token", code="UNSUPPORTED_GRANT", field="grant_type")
    return JSONResponse({**issue_user_tokens(call.settings, user_id), "accounts": sorted(principal.memberships)})


async def refresh_token(call: Call) -> JSONResponse:
    """The deprecated `PUT /token`: a refresh token buys a new access token."""
    form = await call.form()
    if form.get("grant_type", "refresh_token") != "refresh_token":
        raise Invalid("grant_type must be refresh_token", code="UNSUPPORTED_GRANT", field="grant_type")
    if not form.get("refresh_token"):
        raise Invalid("refresh_token is required", code="REQUIRED", field="refresh_token")
    user_id = refresh_user_id(call.settings, form["refresh_token"])
    principal = await user_principal(call.session, user_id=user_id)
    return JSONResponse({**issue_user_tokens(call.settings, user_id), "accounts": sorted(principal.memberships)})


TOKEN_ROUTES = [
    CompatRoute("POST", "/token", create_token, None, "Create or Refresh a token"),
    CompatRoute("PUT", "/token", refresh_token, None, "Refresh a token"),
]

# Each context keeps its routes in its own module (audience: lists, contacts, senders; messaging: templates, campaigns, emails;
# list_status: archive, unarchive, accept a list's policy; forms: a list's subscription forms; segments: a list's segments; tags: the account's contact tags; interests: a list's interests; custom_attributes: a list's attribute definitions; suppressions: suppressed emails; logs: email activity logs; reports: campaign reports; webhooks: the account's webhooks; accounts: the account and its sub-accounts; exports: contacts and campaign log exports, and /tasks; users: the account's users;
# brand: DKIM keys, domains, system emails, sender confirmation; blueprints: the platform's campaign and workflow blueprints, read-only).
ROUTES = [*TOKEN_ROUTES, *audience.ROUTES, *list_status.ROUTES, *forms.ROUTES, *segments.ROUTES, *tags.ROUTES, *interests.ROUTES, *custom_attributes.ROUTES, *messaging.ROUTES, *suppressions.ROUTES, *logs.ROUTES, *reports.ROUTES, *webhooks.ROUTES, *accounts.ROUTES, *workflows.ROUTES, *users.ROUTES, *exports.ROUTES, *brand.ROUTES, *blueprints.ROUTES]
