"""The GraphQL endpoint: a scoped session per request, the caller's principal, our offline GraphiQL."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.asgi import GraphQL

from app.auth import authenticate
from app.graphiql import graphiql_html
from app.settings import Settings
from domain.identity.service import scope_for
from domain.tenancy import Scope, bind_scope
from schema.context import Context
from schema.loaders import Loaders


class GraphQLApp(GraphQL):
    def __init__(self, schema, *, sessions: async_sessionmaker[AsyncSession], settings: Settings):
        super().__init__(schema, graphql_ide="graphiql")
        self.sessions = sessions
        self.settings = settings

    async def get_context(self, request: Request, response: Response) -> Context:
        session = self.sessions()
        principal, auth_error = await authenticate(request, session, self.settings)
        scope = await scope_for(session, principal) if principal else Scope(roles={})
        bind_scope(session, scope)
        return Context(session=session, principal=principal, auth_error=auth_error, settings=self.settings, loaders=Loaders(session))

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_html(endpoint=request.url.path))
