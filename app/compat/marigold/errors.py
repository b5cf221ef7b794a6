"""Marigold Engage's error envelope: `{result_code, message, errors: [{error_code, description}]}`.

`result_code` is the seed's enum (Failed, ValidationFailed, NotFound, Conflict, RequestEntityTooLarge, ...);
the HTTP status follows the seed's table: 400 bad request, 401 wrong or unauthorised key, 404 not found,
405 method not allowed, 413 body too large, 422 cannot be created / not in a state to do that.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from domain.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound, Unauthenticated

STATUS = [(Unauthenticated, 401, "Failed"), (Forbidden, 401, "Failed"), (NotFound, 404, "NotFound"),
          (Conflict, 422, "Conflict"), (InvalidTransition, 422, "Failed")]
SPECIAL = {"BODY_TOO_LARGE": (413, "RequestEntityTooLarge"), "METHOD_NOT_ALLOWED": (405, "Failed")}


def error_response(error: DomainError) -> JSONResponse:
    status, result_code = SPECIAL.get(error.code) or next(
        ((code, result) for kind, code, result in STATUS if isinstance(error, kind)), (400, "ValidationFailed"))
    return JSONResponse(envelope(result_code, error.message, [error]), status_code=status)


def envelope(result_code: str, message: str | None, errors: list[DomainError] = ()) -> dict:
    return {"result_code": result_code, "message": message, "errors": [entry(e) for e in errors]}


def entry(error: DomainError) -> dict:
    """One `{error_code, description}`; the description names the field when there is one."""
    where = f" ({error.field})" if error.field and error.field not in error.message else ""
    return {"error_code": error.code, "description": f"{error.message}{where}"}
