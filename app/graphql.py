"""The GraphQL endpoint: a scoped session per request, the caller's principal, our offline GraphiQL."""
from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.asgi import GraphQL

from app.auth import authenticate
from app.graphiql import graphiql_html
from app.state import AppState
from domain.identity.service import scope_for
from domain.tenancy import Scope, bind_scope
from schema.context import Context
from schema.loaders import Loaders, after_pending_reads


class GraphQLApp(GraphQL):
    def __init__(self, schema, state: AppState):
        super().__init__(schema, graphql_ide="graphiql")
        self.state = state

    async def __call__(self, scope, receive, send) -> None:
        """The request's database session is closed before the response goes out, however the request ended."""

        async def close_then_send(message) -> None:
            if message["type"] == "http.response.start":
                await _close_session(scope)
            await send(message)

        try:
            await super().__call__(scope, receive, close_then_send)
        finally:
            await _close_session(scope)

    def decode_json(self, data: str | bytes) -> object:
        """Only a JSON object is a GraphQL request: anything else answers 400, as malformed JSON does."""
        text = data.decode(errors="replace") if isinstance(data, bytes) else data
        try:
            body = json.loads(text)
        except RecursionError as error:
            raise json.JSONDecodeError("nested too deeply", text, 0) from error
        if not isinstance(body, dict):
            raise json.JSONDecodeError("a GraphQL request is a JSON object", text, 0)
        return body

    async def get_context(self, request: Request, response: Response) -> Context:
        session = self.state.sessions()
        request.state.db_session = session
        principal, auth_error = await authenticate(request, session, self.state.settings)
        scope = await scope_for(session, principal) if principal else Scope(roles={})
        bind_scope(session, scope)
        return Context(session=session, principal=principal, auth_error=auth_error, settings=self.state.settings, loaders=Loaders(session))

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_html(endpoint=request.url.path))


async def _close_session(scope) -> None:
    session = scope.get("state", {}).pop("db_session", None)
    if session is not None:
        await after_pending_reads(session, session.close)
