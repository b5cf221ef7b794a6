"""Doxie's route table: each route a thin adapter onto a GraphQL operation (see app/compat/framework.py),
grouped by context in the modules beside this one."""
from __future__ import annotations

from app.compat.doxie import processes, sending

ROUTES = [*sending.ROUTES, *processes.ROUTES]
