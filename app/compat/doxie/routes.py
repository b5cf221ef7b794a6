"""Doxie's route table: each route a thin adapter onto a GraphQL operation (see app/compat/framework.py),
grouped by context in the modules beside this one."""
from __future__ import annotations

from app.compat.doxie import admin, brands, consents, messaging_schedules, processes, sending, webhooks

ROUTES = [*sending.ROUTES, *consents.ROUTES, *processes.ROUTES, *webhooks.ROUTES, *admin.ROUTES, *brands.ROUTES,
          *messaging_schedules.ROUTES]
