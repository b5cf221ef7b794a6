"""The ASGI application: GraphQL at /graphql, GraphiQL assets, health probes, recipients' links
(app.public: unsubscribe, open pixel, click redirect) and providers' delivery reports (app.inbound).

`app.main:app` is what `sendgraph serve` and any ASGI server run.
"""
from __future__ import annotations

import contextlib
import logging
from typing import AsyncIterator

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route

from app import doi, downloads, inbound, landing_pages, public, qr
from app.gc_tuning import tune_for_server
from app.graphiql import GRAPHIQL_STATIC_PREFIX, static_files
from app import compat
from app.graphql import GraphQLApp
from app.settings import Settings, get_settings
from app.state import AppState
from domain.db import create_engine, session_factory

log = logging.getLogger("sendgraph")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from workers import embedded  # the broker is configured on import, so only once the app starts

        engine = create_engine(settings.database_url, echo=settings.sql_echo)
        if settings.is_sqlite:
            from domain.migrate import upgrade_async

            settings.var_dir.mkdir(parents=True, exist_ok=True)
            await upgrade_async(settings.database_url)  # the embedded default creates its schema on first start
        app.state.engine = engine
        state.session_factory = session_factory(engine)
        worker = embedded.start(settings)
        scheduler = embedded.start_scheduler(state.session_factory, settings)
        tune_for_server()
        try:
            yield
        finally:
            await embedded.stop_scheduler(scheduler)
            embedded.stop(worker)
            await engine.dispose()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        from workers.broker import broker

        checks = {}
        try:
            async with request.app.state.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # report, don't crash: this is a probe
            checks["database"] = f"unreachable: {type(exc).__name__}"
        try:
            if hasattr(broker, "client"):
                broker.client.ping()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"unreachable: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", **checks}, status_code=200 if ready else 503)

    from schema.graph import schema

    state = AppState(settings)
    graphql = GraphQLApp(schema, state)
    return Starlette(
        routes=[
            Route("/", lambda request: RedirectResponse("/graphql")),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *public.routes(settings),
            *inbound.routes(settings),
            *doi.routes(settings),
            *qr.routes(settings),
            *landing_pages.routes(settings),
            *downloads.routes(settings),
            Mount(GRAPHIQL_STATIC_PREFIX, app=static_files(), name="graphiql-static"),
            *compat.mounts(state),
        ],
        lifespan=lifespan,
    )


app = create_app()
