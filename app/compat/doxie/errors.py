"""Doxie's error envelopes, with the HTTP status of the error's kind.

The public API (API users) answers `{success: false, error, error_message}`; the admin API (bearer
tokens) answers its own envelope `{success: false, message: null, error, data: null}`, as the seed's
samples show ("error": "No read permission"). Which one applies is decided per request from the
path (`section`), before any route runs, so unknown routes and auth failures get the right one too.
"""
from __future__ import annotations

from contextvars import ContextVar

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from domain.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound, Unauthenticated

STATUS = [(Unauthenticated, 401), (Forbidden, 403), (NotFound, 404), (Conflict, 409), (InvalidTransition, 422)]
ADMIN = "admin"
PUBLIC = "public"

section: ContextVar[str] = ContextVar("doxie_section", default=PUBLIC)


def error_response(error: DomainError) -> JSONResponse:
    status = next((code for kind, code in STATUS if isinstance(error, kind)), 422)
    if error.code in ("BODY_TOO_LARGE", "ASSET_TOO_LARGE"):
        status = 413
    elif error.code == "UNSUPPORTED_MEDIA_TYPE":
        status = 415
    elif error.code == "NOT_SUPPORTED":
        status = 501
    if section.get() == ADMIN:
        body = {"success": False, "message": None, "error": error.message, "error_code": error.code, "data": None}
        headers = {"WWW-Authenticate": 'Bearer realm="doxie"'} if status == 401 else None
    else:
        body = {"success": False, "error": error.code, "error_message": error.message}
        headers = {"WWW-Authenticate": 'Basic realm="doxie"'} if status == 401 else None
    if error.field:
        body["field"] = error.field
    return JSONResponse(body, status_code=status, headers=headers)


class Sections:
    """Pure ASGI: marks each request as admin (`/api/v1/admin/...`) or public before the routes run."""

    def __init__(self, app: ASGIApp):
        self.app = app

    @property
    def routes(self):  # the route table stays visible to tools that walk the app (route coverage)
        return self.app.routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        local = path[len(root):] if root and path.startswith(root) else path
        token = section.set(ADMIN if local.startswith("/api/v1/admin/") else PUBLIC)
        try:
            await self.app(scope, receive, send)
        finally:
            section.reset(token)
