"""Especial's OpenAPI: the contract's own path items for the routes sendgraph serves, so the two agree."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from app.compat.framework import CompatRoute

CONTRACT = Path(__file__).with_name("especial.openapi.json")


@lru_cache
def contract() -> dict:
    return json.loads(CONTRACT.read_text())


def document(prefix: str, routes: list[CompatRoute]) -> dict:
    source = contract()
    paths: dict[str, dict] = {}
    for route in routes:
        operation = source["paths"].get(route.path, {}).get(route.method.lower())
        if operation is not None:
            paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {**source, "servers": [{"url": prefix or "/"}], "paths": paths}
