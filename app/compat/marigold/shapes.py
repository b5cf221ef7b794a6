"""Marigold response bodies, built from GraphQL results."""
from __future__ import annotations


def organization(tenant: dict) -> dict:
    return {"name": tenant["slug"], "display_name": tenant["name"], "active": tenant["active"], "created_on": tenant["createdAt"]}
