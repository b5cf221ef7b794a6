"""Especial Email compatibility: accounts and sub-accounts, lists, contacts, templates, campaigns, transactional email."""
from __future__ import annotations

from starlette.applications import Starlette

from app.compat import framework
from app.compat.especial import auth, errors
from app.compat.especial.openapi import document
from app.compat.especial.routes import ROUTES
from app.state import AppState


class Especial:
    name = "especial"
    title = "Especial Email API"
    authenticate = staticmethod(auth.authenticate)
    error_response = staticmethod(errors.error_response)


def build(state: AppState, prefix: str) -> Starlette:
    return framework.build_app(Especial(), ROUTES, state, openapi=lambda: document(prefix, ROUTES))
