"""Especial: OAuth2 password grant at POST /token; bearer access tokens; `account_id` selects a sub-account."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.auth import bearer_principal, bearer_token
from app.compat.framework import Call, CompatRoute
from app.settings import Settings
from domain.errors import Invalid, NotFound, Unauthenticated
from domain.identity.service import Principal

ACCOUNT = """query Account($id: Int!) { tenant(accountId: $id) { id accountId } }"""


async def authenticate(request: Request, session: AsyncSession, settings: Settings, route: CompatRoute) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("Not authenticated")
    return await bearer_principal(session, settings, token)


async def account(call: Call) -> str:
    """The account acted on: `account_id` when given (it must be the caller's or one of its sub-accounts), else the caller's own."""
    raw = call.query.get("account_id")
    if raw is None:
        memberships = call.principal.memberships
        if len(memberships) != 1:
            raise Invalid("account_id is required: this user belongs to several accounts", code="ACCOUNT_REQUIRED", field="account_id")
        account_id = next(iter(memberships))
    else:
        if not raw.isdigit():
            raise Invalid("account_id must be an integer", code="INVALID_ACCOUNT_ID", field="account_id")
        account_id = int(raw)
    data = await call.graphql(ACCOUNT, {"id": account_id})
    if data["tenant"] is None:
        raise NotFound(f"Account {account_id} not found", code="ACCOUNT_NOT_FOUND", field="account_id")
    return data["tenant"]["id"]


SECURITY = {"OAuth2PasswordBearer": {"type": "oauth2", "flows": {"password": {"tokenUrl": "token", "scopes": {}}}}}
