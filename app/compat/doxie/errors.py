"""Doxie's error envelope: `{success: false, error, error_message}` with the HTTP status of the error's kind."""
from __future__ import annotations

from starlette.responses import JSONResponse

from domain.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound, Unauthenticated

STATUS = [(Unauthenticated, 401), (Forbidden, 403), (NotFound, 404), (Conflict, 409), (InvalidTransition, 422)]


def error_response(error: DomainError) -> JSONResponse:
    status = next((code for kind, code in STATUS if isinstance(error, kind)), 422)
    if error.code == "BODY_TOO_LARGE":
        status = 413
    body = {"success": False, "error": error.code, "error_message": error.message}
    if error.field:
        body["field"] = error.field
    headers = {"WWW-Authenticate": 'Basic realm="doxie"'} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)
