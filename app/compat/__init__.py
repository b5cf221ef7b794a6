"""REST compatibility routes of the four legacy APIs, each mounted under its own prefix.

A legacy client changes only its base URL to `http://host/<dialect>`. Prefixes are configurable
(`SENDGRAPH_<DIALECT>_PREFIX`, empty included, which mounts the dialect at the root).
"""
from __future__ import annotations

import os

from starlette.routing import Mount

from app.state import AppState

DIALECTS = ("doxie", "contactflow", "marigold", "especial")


def prefix(name: str) -> str:
    return os.environ.get(f"SENDGRAPH_{name.upper()}_PREFIX", f"/{name}").rstrip("/")


def mounts(state: AppState) -> list[Mount]:
    """Dialects with an empty prefix go last, so their catch-all does not shadow anything else."""
    from importlib import import_module

    built = []
    for name in DIALECTS:
        module = import_module(f"app.compat.{name}")
        built.append(Mount(prefix(name), app=module.build(state, prefix(name))))
    return sorted(built, key=lambda mount: mount.path == "")
