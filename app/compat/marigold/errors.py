"""Marigold Engage's error envelope: `{result_code, message, errors: [{error_code, description}]}`."""
from __future__ import annotations

from starlette.responses import JSONResponse

from domain.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound, Unauthenticated

# The seed's codes: 400 bad request, 401 wrong or unauthorised key, 404 not found, 422 cannot be created.
STATUS = [(Unauthenticated, 401), (Forbidden, 401), (NotFound, 404), (Conflict, 422), (InvalidTransition, 422)]


def error_response(error: DomainError) -> JSONResponse:
    status = next((code for kind, code in STATUS if isinstance(error, kind)), 400)
    if error.code == "BODY_TOO_LARGE":
        status = 413
    body = {"result_code": status, "message": error.message, "errors": [{"error_code": error.code, "description": error.message}]}
    return JSONResponse(body, status_code=status)
