"""Contactflow compatibility: nodes (tenants by UUID), automations with steps, customers and tokens."""
from __future__ import annotations

from starlette.applications import Starlette

from app.compat import framework
from app.compat.contactflow import auth, errors
from app.compat.contactflow.routes import ROUTES
from app.state import AppState


class Contactflow:
    name = "contactflow"
    title = "Contactflow API"
    authenticate = staticmethod(auth.authenticate)
    error_response = staticmethod(errors.error_response)


def build(state: AppState, prefix: str) -> Starlette:
    return framework.build_app(
        Contactflow(), ROUTES, state,
        openapi=lambda: framework.openapi_document(title=Contactflow.title, prefix=prefix, routes=ROUTES, security=auth.SECURITY),
    )
