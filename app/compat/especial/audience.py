"""Especial audience routes (see app/compat/especial/routes.py), each a thin adapter onto a GraphQL operation."""
from __future__ import annotations

from app.compat.framework import CompatRoute

ROUTES: list[CompatRoute] = []
