"""Doxie's schemes: `basic_auth_api_user` (an API user of the tenant in the path) on the public
routes, bearer tokens on the admin routes."""
from __future__ import annotations

import base64
import binascii

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.auth import bearer_principal, bearer_token
from app.compat.framework import CompatRoute
from app.settings import Settings
from domain.errors import Unauthenticated
from domain.identity.credentials import api_user_principal
from domain.identity.service import Principal
from domain.tenants.models import Tenant

BASIC = "basic_auth_api_user"
BEARER = "bearer_auth"


async def authenticate(request: Request, session: AsyncSession, settings: Settings, route: CompatRoute) -> Principal:
    if "/admin/" in route.path:
        token = bearer_token(request)
        if token is None:
            raise Unauthenticated("A bearer token is required")
        return await bearer_principal(session, settings, token)
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise Unauthenticated("HTTP basic authentication with an API user is required")
    try:
        username, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise Unauthenticated("Malformed basic credentials") from error
    tenant_id = (await session.execute(select(Tenant.id).where(Tenant.slug == request.path_params.get("tenant")))).scalar_one_or_none()
    if tenant_id is None:
        raise Unauthenticated("Invalid credentials")  # do not reveal which tenants exist
    return await api_user_principal(session, tenant_id=tenant_id, username=username, password=password)


SECURITY = {BASIC: {"type": "http", "scheme": "basic"}, BEARER: {"type": "http", "scheme": "bearer"}}
