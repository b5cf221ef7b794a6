"""Contactflow's error envelope: `{message, logref, errors: [{field, message}]}`."""
from __future__ import annotations

import uuid

from starlette.responses import JSONResponse

from domain.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound, Unauthenticated

STATUS = [(Unauthenticated, 401), (Forbidden, 403), (NotFound, 404), (Conflict, 409), (InvalidTransition, 409)]


def error_response(error: DomainError) -> JSONResponse:
    status = next((code for kind, code in STATUS if isinstance(error, kind)), 400)
    if error.code == "BODY_TOO_LARGE":
        status = 413
    body = {"message": error.message, "logref": str(uuid.uuid4()), "errors": [{"field": error.field, "message": error.message, "code": error.code}]}
    return JSONResponse(body, status_code=status)
