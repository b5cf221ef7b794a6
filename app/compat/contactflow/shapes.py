"""Contactflow response bodies, built from GraphQL results."""
from __future__ import annotations


def node(tenant: dict) -> dict:
    return {
        "uuid": tenant["uuid"], "name": tenant["name"], "active": tenant["active"], "emailActive": tenant["emailActive"],
        "smsActive": tenant["smsActive"], "workspaceUuid": tenant["workspaceUuid"], "workspaceName": tenant["workspaceName"],
        "portfolioUuid": tenant["portfolioUuid"], "portfolioName": tenant["portfolioName"], "created": tenant["createdAt"],
    }


def user_info(viewer: dict) -> dict:
    return {
        "base": {"username": viewer["subject"], "kind": viewer["kind"]},
        "extended": {"nodes": [{**node(m["tenant"]), "role": m["role"]} for m in viewer["memberships"]]},
    }
