"""Doxie MPM compatibility: tenants by slug, event mails, injections, surveys, QR codes, consents, processes,
and the admin API (processes, messaging schedules, webhook endpoints, API users, settings, brands, landing pages and
layouts, the page editor and its assets, dashboards)."""
from __future__ import annotations

from app.compat import framework
from app.compat.doxie import auth, errors
from app.compat.doxie.routes import ROUTES
from app.state import AppState


class Doxie:
    name = "doxie"
    title = "Doxie MPM"
    authenticate = staticmethod(auth.authenticate)
    error_response = staticmethod(errors.error_response)


def build(state: AppState, prefix: str) -> errors.Sections:
    app = framework.build_app(
        Doxie(), ROUTES, state,
        openapi=lambda: framework.openapi_document(title=Doxie.title, prefix=prefix, routes=ROUTES, security=auth.SECURITY),
    )
    return errors.Sections(app)
