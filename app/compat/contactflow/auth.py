"""Contactflow: OAuth2 bearer tokens; the `Node` header selects the tenant by its UUID."""
from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.auth import bearer_principal, bearer_token
from app.compat.framework import Call, CompatRoute
from app.settings import Settings
from domain.errors import Forbidden, Invalid, Unauthenticated
from domain.identity.service import Principal

NODE_TENANT = """query NodeTenant($uuid: UUID!) { tenant(uuid: $uuid) { id } }"""


async def authenticate(request: Request, session: AsyncSession, settings: Settings, route: CompatRoute) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("An OAuth2 bearer token is required")
    return await bearer_principal(session, settings, token)


def node_uuid(call: Call) -> str:
    """The `Node` header, checked to be a UUID."""
    header = call.request.headers.get("node", "").strip()
    if not header:
        raise Invalid("The Node header is required", code="NODE_REQUIRED", field="Node")
    try:
        return str(uuid.UUID(header))
    except ValueError as error:
        raise Invalid("The Node header must be a UUID", code="INVALID_NODE", field="Node") from error


def node_of(data: dict) -> dict:
    """The `tenant` an operation looked up by the Node header; a node this token may not see is forbidden."""
    if data.get("tenant") is None:
        raise Forbidden("This token may not operate on that node", code="FORBIDDEN", field="Node")
    return data["tenant"]


async def node_tenant_id(call: Call) -> str:
    """The tenant named by the `Node` header; it must be one the token's principal may act on."""
    return node_of(await call.graphql(NODE_TENANT, {"uuid": node_uuid(call)}))["id"]


SECURITY = {"OAuth2": {"type": "oauth2", "flows": {"password": {"tokenUrl": "/especial/token", "scopes": {}}}}}
