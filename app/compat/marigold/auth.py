"""Marigold: `X-ApiKey: key:secret` service accounts, with expiry and an allowed-endpoints list."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.compat.framework import CompatRoute
from app.settings import Settings
from domain.errors import Unauthenticated
from domain.identity.credentials import api_key_principal
from domain.identity.service import Principal


async def authenticate(request: Request, session: AsyncSession, settings: Settings, route: CompatRoute) -> Principal:
    header = request.headers.get("x-apikey")
    if not header:
        raise Unauthenticated("The X-ApiKey header (key:secret) is required")
    # Allowed endpoints are written as "METHOD /path" patterns, e.g. "POST /Portal/Api/organizations/*/journeys/transactional/*".
    return await api_key_principal(session, header=header, endpoint=f"{route.method} {request.url.path.removeprefix(request.scope.get('root_path', ''))}")


SECURITY = {"ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-ApiKey"}}
