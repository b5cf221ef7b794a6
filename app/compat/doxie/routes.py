"""Doxie's route table: each route a thin adapter onto a GraphQL operation (see app/compat/framework.py),
grouped by context in the modules beside this one."""
from __future__ import annotations

from app.compat.doxie import admin, brands, consents, dashboard, editor, messaging_schedules, pages, processes, sending, webhooks

ROUTES = [*sending.ROUTES, *consents.ROUTES, *processes.ROUTES, *webhooks.ROUTES, *admin.ROUTES, *brands.ROUTES,
          *messaging_schedules.ROUTES, *pages.ROUTES, *editor.ROUTES, *dashboard.ROUTES]
