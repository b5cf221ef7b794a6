"""Especial's error bodies, as `especial.openapi.json` defines them: `{"detail": [{loc, msg, type}]}`."""
from __future__ import annotations

from starlette.responses import JSONResponse

from domain.errors import Conflict, DomainError, Forbidden, Invalid, InvalidTransition, NotFound, Unauthenticated


def _loc(error: DomainError) -> list[str]:
    return ["body", *error.field.split(".")] if error.field else ["body"]


def error_response(error: DomainError) -> JSONResponse:
    if isinstance(error, Unauthenticated):
        return JSONResponse({"detail": [{"code": 401, "msg": error.message, "type": "unauthorized"}]}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    if isinstance(error, Forbidden):
        return JSONResponse({"detail": [{"code": 403, "msg": error.message, "type": "forbidden"}]}, status_code=403)
    if isinstance(error, NotFound):
        return JSONResponse({"detail": [{"loc": _loc(error), "msg": error.message, "type": "not_found"}]}, status_code=404)
    if error.code == "BODY_TOO_LARGE":
        return JSONResponse({"detail": [{"loc": ["body"], "msg": error.message, "type": "value_error.too_large"}]}, status_code=413)
    if isinstance(error, Invalid) and not isinstance(error, (Conflict, InvalidTransition)):
        # Validation failures: FastAPI's 422 shape.
        return JSONResponse({"detail": [{"loc": _loc(error), "msg": error.message, "type": f"value_error.{error.code.lower()}"}]}, status_code=422)
    return JSONResponse({"detail": [{"loc": _loc(error), "msg": error.message, "type": error.code.lower()}]}, status_code=400)
