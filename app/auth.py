"""Bearer tokens: signed JWTs that name a revocable credential row."""
from __future__ import annotations

from datetime import datetime, timezone

import jwt
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.settings import Settings
from domain.errors import DomainError
from domain.identity.models import ApiCredential
from domain.identity.service import Principal, token_principal

AUDIENCE = "sendgraph"
ALGORITHM = "HS256"


def issue_token(settings: Settings, credential: ApiCredential) -> str:
    claims = {
        "sub": credential.key, "tid": credential.tenant_id, "role": credential.role, "aud": AUDIENCE,
        "iat": int(datetime.now(timezone.utc).timestamp()),
    }
    if credential.expires_at is not None:
        claims["exp"] = int(credential.expires_at.timestamp())
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


async def authenticate(request: HTTPConnection, session: AsyncSession, settings: Settings) -> tuple[Principal | None, str | None]:
    """(principal, None) for a valid credential; (None, reason) for a bad one; (None, None) for none at all."""
    header = request.headers.get("authorization")
    if not header:
        return None, None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "Unsupported Authorization header: use `Bearer <token>`"
    try:
        claims = jwt.decode(token.strip(), settings.secret_key, algorithms=[ALGORITHM], audience=AUDIENCE)
    except jwt.ExpiredSignatureError:
        return None, "This token has expired"
    except jwt.PyJWTError:
        return None, "Invalid token"
    try:
        return await token_principal(session, key=str(claims.get("sub"))), None
    except DomainError as error:
        return None, error.message
