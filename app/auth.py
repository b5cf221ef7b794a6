"""Credentials at the edge: signed bearer tokens (credential tokens, and user access/refresh tokens
from the OAuth2 password grant) and API keys. Every scheme resolves to one Principal."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

import jwt
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.settings import Settings
from domain.errors import DomainError, Unauthenticated
from domain.identity.credentials import api_key_principal
from domain.identity.models import ApiCredential
from domain.identity.service import Principal, token_principal, user_principal

AUDIENCE = "sendgraph"
ALGORITHM = "HS256"
ACCESS_TTL = timedelta(hours=1)
REFRESH_TTL = timedelta(days=30)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def issue_token(settings: Settings, credential: ApiCredential) -> str:
    """A long-lived bearer token naming a revocable credential row (`sendgraph token create`)."""
    claims = {"sub": credential.key, "tid": credential.tenant_id, "role": credential.role, "aud": AUDIENCE, "iat": int(_now().timestamp())}
    if credential.expires_at is not None:
        claims["exp"] = int(credential.expires_at.timestamp())
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def issue_user_tokens(settings: Settings, user_id: int) -> dict:
    """OAuth2 password grant: a short access token and a longer refresh token for one user."""
    now = _now()

    def token(kind: str, ttl: timedelta) -> str:
        claims = {"sub": f"user:{user_id}", "typ": kind, "aud": AUDIENCE, "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp())}
        return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)

    return {
        "access_token": token("access", ACCESS_TTL), "refresh_token": token("refresh", REFRESH_TTL),
        "token_type": "bearer", "expires_in": int(ACCESS_TTL.total_seconds()),
    }


@lru_cache(maxsize=4096)
def _verified_claims(secret_key: str, token: str) -> dict:
    """A token's signature, audience and expiry checked once; a client sends the same token on every request."""
    return jwt.decode(token, secret_key, algorithms=[ALGORITHM], audience=AUDIENCE)


def _claims(settings: Settings, token: str) -> dict:
    try:
        claims = _verified_claims(settings.secret_key, token.strip())
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("This token has expired") from error
    except jwt.PyJWTError as error:
        raise Unauthenticated("Invalid token") from error
    if "exp" in claims and claims["exp"] <= _now().timestamp():  # expired since it was first checked
        raise Unauthenticated("This token has expired")
    return claims


async def bearer_principal(session: AsyncSession, settings: Settings, token: str) -> Principal:
    claims = _claims(settings, token)
    kind, subject = claims.get("typ"), str(claims.get("sub"))
    if kind == "access" and subject.startswith("user:"):
        return await user_principal(session, user_id=int(subject.removeprefix("user:")))
    if kind is None:
        return await token_principal(session, key=subject)
    raise Unauthenticated("A refresh token only buys a new access token")


def refresh_user_id(settings: Settings, refresh_token: str) -> int:
    claims = _claims(settings, refresh_token)
    if claims.get("typ") != "refresh":
        raise Unauthenticated("Not a refresh token")
    return int(str(claims["sub"]).removeprefix("user:"))


def bearer_token(request: HTTPConnection) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authenticate(request: HTTPConnection, session: AsyncSession, settings: Settings) -> tuple[Principal | None, str | None]:
    """For GraphQL: a bearer token or an X-ApiKey. (principal, None) when valid; (None, reason) when not; (None, None) when absent."""
    try:
        if token := bearer_token(request):
            return await bearer_principal(session, settings, token), None
        if api_key := request.headers.get("x-apikey"):
            return await api_key_principal(session, header=api_key, endpoint="POST /graphql"), None
        if request.headers.get("authorization"):
            return None, "Unsupported Authorization header: use `Bearer <token>`"
        return None, None
    except DomainError as error:
        return None, error.message
