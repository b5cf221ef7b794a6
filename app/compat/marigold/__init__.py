"""Marigold Engage compatibility: organizations (tenants by slug), content, dictionaries, journeys."""
from __future__ import annotations

from starlette.applications import Starlette

from app.compat import framework
from app.compat.marigold import auth, errors
from app.compat.marigold.routes import ROUTES
from app.state import AppState


class Marigold:
    name = "marigold"
    title = "Marigold Engage API"
    authenticate = staticmethod(auth.authenticate)
    error_response = staticmethod(errors.error_response)


def build(state: AppState, prefix: str) -> Starlette:
    return framework.build_app(
        Marigold(), ROUTES, state,
        openapi=lambda: framework.openapi_document(title=Marigold.title, prefix=prefix, routes=ROUTES, security=auth.SECURITY),
    )
