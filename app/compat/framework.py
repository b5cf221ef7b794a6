"""The REST compatibility framework: a legacy route is a thin adapter onto the GraphQL schema.

A dialect declares its routes once (method, exact path, the access they need, a handler), how it
authenticates, and how it renders a domain error. For every call the framework opens the same
scoped session and context GraphQL uses; a handler translates the request into a named GraphQL
operation (`call.graphql`), and its result into the dialect's response. No business rule lives here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.settings import Settings
from app.state import AppState
from domain.errors import Conflict, DomainError, Forbidden, Invalid, InvalidTransition, NotFound, Unauthenticated, Unavailable
from domain.identity.models import Role
from domain.identity.service import Principal, scope_for
from domain.tenancy import Scope, bind_scope
from schema.context import Context
from schema.graph import schema
from schema.loaders import Loaders, after_pending_reads

MAX_BODY = 1_000_000  # bytes; larger bodies are refused before they are read whole


@dataclass
class Call:
    """One request to a compatibility route, with everything a handler needs."""

    request: Request
    session: AsyncSession
    principal: Principal | None
    settings: Settings
    params: dict[str, str]
    context: Context = field(init=False)

    def __post_init__(self) -> None:
        self.context = Context(session=self.session, principal=self.principal, auth_error=None, settings=self.settings, loaders=Loaders(self.session))

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params)

    async def json(self) -> Any:
        body = await read_body(self.request)
        if not body.strip():
            raise Invalid("A JSON body is required", code="BODY_REQUIRED", field="body")
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as error:
            raise Invalid("The body is not valid JSON", code="INVALID_JSON", field="body") from error

    async def form(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        return dict(parse_qsl((await read_body(self.request)).decode(errors="replace")))

    async def graphql(self, document: str, variables: dict | None = None) -> dict:
        """Run an operation of the graph as this caller; a `userErrors` entry or a GraphQL error raises its DomainError."""
        self.context.loaders = Loaders(self.session)  # per operation: a read after a mutation must not see cached rows
        result = await schema.execute(document, variable_values=variables or {}, context_value=self.context)
        if result.errors:
            error = result.errors[0]
            original = getattr(error, "original_error", None)
            if isinstance(original, DomainError):
                raise original
            code = (error.extensions or {}).get("code", "INVALID")
            raise domain_error(code, error.message, None)
        data = result.data or {}
        for payload in data.values():
            if isinstance(payload, dict) and payload.get("userErrors"):
                first = payload["userErrors"][0]
                raise domain_error(first["code"], first["message"], first.get("field"))
        return data


def domain_error(code: str, message: str, field: str | None) -> DomainError:
    """Rebuild the typed error behind a userError code, so each dialect maps it by kind."""
    if code == "UNAUTHENTICATED":
        kind = Unauthenticated
    elif code == "FORBIDDEN":
        kind = Forbidden
    elif code.endswith("NOT_FOUND"):
        kind = NotFound
    elif code.endswith("_UNREACHABLE"):
        kind = Unavailable
    elif code in ("CONFLICT", "DUPLICATE") or code.endswith(("_TAKEN", "_IN_USE")):
        kind = Conflict
    elif code.startswith(("CAMPAIGN_NOT_", "EXPORT_NOT_")) or code.endswith("ALREADY_CANCELLED") or code in ("INVALID_TRANSITION", "CAMPAIGN_ACTIVE", "LIST_ARCHIVED"):
        kind = InvalidTransition
    else:
        kind = Invalid
    return kind(message, code=code, field=field)


async def read_body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        raise Invalid(f"The body is larger than {MAX_BODY} bytes", code="BODY_TOO_LARGE", field="body")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Invalid(f"The body is larger than {MAX_BODY} bytes", code="BODY_TOO_LARGE", field="body")
    return body


Handler = Callable[[Call], Awaitable[Response]]


@dataclass(frozen=True)
class CompatRoute:
    method: str
    path: str
    handler: Handler
    access: Role | None = Role.READ  # None: no credential needed (token endpoints, public pages)
    operation: str = ""  # the seed's name for it, shown in the dialect's OpenAPI


class Dialect(Protocol):
    name: str
    title: str

    async def authenticate(self, call_request: Request, session: AsyncSession, settings: Settings, route: CompatRoute) -> Principal:
        """Return the caller or raise Unauthenticated/Forbidden."""

    def error_response(self, error: DomainError) -> Response:
        """The dialect's own error envelope and status code."""


def build_app(dialect: Dialect, routes: list[CompatRoute], state: AppState, openapi: Callable[[], dict]) -> Starlette:
    """A sub-application for one dialect: its routes, its OpenAPI document, its envelope for unknown routes."""

    def endpoint(route: CompatRoute):
        async def handle(request: Request) -> Response:
            async with state.sessions() as session:
                try:
                    principal = None
                    if route.access is not None:
                        principal = await dialect.authenticate(request, session, state.settings, route)
                        scope = await scope_for(session, principal)
                    else:
                        scope = Scope(roles={})
                    bind_scope(session, scope)
                    call = Call(request=request, session=session, principal=principal, settings=state.settings, params=dict(request.path_params))
                    return await route.handler(call)
                except DomainError as error:
                    await after_pending_reads(session, session.rollback)
                    return dialect.error_response(error)

        return handle

    async def openapi_endpoint(request: Request) -> Response:
        return JSONResponse(openapi())

    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            return dialect.error_response(Invalid(f"{request.method} is not allowed on {request.url.path}", code="METHOD_NOT_ALLOWED"))
        if exc.status_code != 404:  # a request Starlette itself could not read
            return dialect.error_response(Invalid(str(exc.detail), code="INVALID_REQUEST"))
        return dialect.error_response(NotFound(f"No route {request.method} {request.url.path}", code="ROUTE_NOT_FOUND"))

    # Several routes may share a path with different methods: Starlette tries each in order.
    starlette_routes = [Route(r.path, endpoint(r), methods=[r.method]) for r in routes]
    starlette_routes.append(Route("/openapi.json", openapi_endpoint, methods=["GET"]))
    return Starlette(routes=starlette_routes, exception_handlers={HTTPException: http_error})



def openapi_document(*, title: str, prefix: str, routes: list[CompatRoute], security: dict, version: str = "1.0.0") -> dict:
    """An OpenAPI 3 description of the routes a dialect serves, generated from the same route table."""
    paths: dict[str, dict] = {}
    for route in routes:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _path_parameters(route.path)
        ]
        operation = {"summary": route.operation or f"{route.method} {route.path}", "parameters": parameters,
                     "responses": {"200": {"description": "Success"}, "default": {"description": "Error in the dialect's envelope"}}}
        if route.access is not None:
            operation["security"] = [{name: []} for name in security]
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.0.3", "info": {"title": f"{title} (sendgraph compatibility)", "version": version},
        "servers": [{"url": prefix or "/"}], "paths": paths, "components": {"securitySchemes": security},
    }


def _path_parameters(path: str) -> list[str]:
    import re

    return [name.split(":")[0] for name in re.findall(r"{([^}]+)}", path)]
