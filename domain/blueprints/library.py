"""Filling the blueprint library (`domain.blueprints.service`): `sendgraph blueprints import FILE.json`, run by an
operator as the system (no API writes the library).

The file (docs/domain.md, "Blueprints"):

    {"campaigns": [{"key": "welcome", "name": "Welcome", "description": "…", "tags": ["onboarding"],
                    "subject": "Welcome {{ first_name }}", "html": "<p>…</p>", "text": "…", "thumbnail_url": "https://…"}],
     "workflows": [{"key": "welcome-series", "name": "Welcome series", "description": "…", "goal": "…", "trigger": "subscribed",
                    "actions": [{"key": "day-1", "name": "Day 1", "delay": 0, "condition": "none", "parent": null,
                                 "subject": "…", "html": "…", "text": "…"}]}]}

Each blueprint is upserted by its `key` (a template's `api_name`, a workflow's `external_id`, an action's step id): an
import again changes the content in place and keeps the ids accounts already know. Blueprints left out of the file
are kept. A workflow's actions are replaced by the file's; each action's content is a template of the library's
own (`campaign_content`, so it is no campaign blueprint).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.blueprints.service import LIBRARY_SLUG
from domain.brands.models import Channel
from domain.campaigns import service as campaigns, step_rules
from domain.campaigns.models import Campaign, CampaignKind
from domain.errors import Invalid
from domain.templates import service as templates
from domain.templates.models import CAMPAIGN_CONTENT, Template
from domain.tenants.models import Tenant

LANGUAGE = "en"
TRIGGERS = ("subscribed", "unsubscribed", "manual")


@dataclass(frozen=True)
class Imported:
    campaigns: int
    workflows: int


async def library(session: AsyncSession) -> Tenant:
    """The library tenant, made on first import (its slug has a dot: no API can make or name it)."""
    tenant = (await session.execute(select(Tenant).where(Tenant.slug == LIBRARY_SLUG))).scalar_one_or_none()
    if tenant is not None:
        return tenant
    try:
        async with session.begin_nested():
            tenant = Tenant(slug=LIBRARY_SLUG, name="sendgraph blueprints", settings={"system": "blueprint library"})
            session.add(tenant)
    except IntegrityError:
        tenant = (await session.execute(select(Tenant).where(Tenant.slug == LIBRARY_SLUG))).scalar_one()
    return tenant


def _text(item: dict, name: str, field: str, *, required: bool = False) -> str | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{field} must be a non-empty string", code="REQUIRED" if value is None else "INVALID", field=field)
    return value


def _part(item: dict, field: str) -> dict:
    part = {"language": LANGUAGE, **{k: _text(item, k, f"{field}.{k}") for k in ("subject", "html", "text")}}
    if not (part["html"] or part["text"]):
        raise Invalid(f"{field} needs html or text", code="REQUIRED", field=f"{field}.html")
    return part


async def _upsert_template(session: AsyncSession, tenant_id: int, *, api_name: str | None, name: str, part: dict, settings: dict,
                           current: Template | None = None) -> Template:
    if current is None and api_name is not None:
        current = (await session.execute(select(Template).where(Template.tenant_id == tenant_id, Template.api_name == api_name))).scalar_one_or_none()
    if current is None:
        return await templates.create(session, tenant_id=tenant_id, name=name, channel=Channel.EMAIL, parts=[part], api_name=api_name,
                                      settings=settings)
    return await templates.update(session, template_id=current.id, changes={"name": name, "parts": [part], "settings": settings})


async def _campaign(session: AsyncSession, tenant_id: int, item: dict, field: str) -> None:
    key = _text(item, "key", f"{field}.key", required=True)
    settings = {k: item[k] for k in ("description", "thumbnail_url") if item.get(k) is not None}
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise Invalid(f"{field}.tags must be a list of strings", code="INVALID", field=f"{field}.tags")
    settings["tags"] = tags
    if isinstance(item.get("json"), dict):
        settings["content"] = {"type": "html", "json": item["json"]}
    await _upsert_template(session, tenant_id, api_name=key, name=_text(item, "name", f"{field}.name", required=True),
                           part=_part(item, field), settings=settings)


async def _workflow(session: AsyncSession, tenant_id: int, item: dict, field: str) -> None:
    key = _text(item, "key", f"{field}.key", required=True)
    name = _text(item, "name", f"{field}.name", required=True)
    options = {k: _text(item, k, f"{field}.{k}") for k in ("description", "goal")}
    options["goal"] = options["goal"] or ""
    options["trigger"] = item.get("trigger", "subscribed")
    if options["trigger"] not in TRIGGERS:
        raise Invalid(f"{field}.trigger is one of {', '.join(TRIGGERS)}", code="INVALID", field=f"{field}.trigger")
    options = {k: v for k, v in options.items() if v is not None}
    current = (await session.execute(select(Campaign).where(Campaign.tenant_id == tenant_id, Campaign.external_id == key))).scalar_one_or_none()
    old_templates = {s.external_id: s.template_id for s in current.steps} if current else {}
    steps, keys = [], set()
    for index, action in enumerate(item.get("actions") or []):
        where = f"{field}.actions.{index}"
        action_key = _text(action, "key", f"{where}.key", required=True)
        if action_key in keys:
            raise Invalid(f"{where}.key {action_key!r} appears twice", code="DUPLICATE", field=f"{where}.key")
        keys.add(action_key)
        parent = action.get("parent")
        if parent is not None and parent not in keys:
            raise Invalid(f"{where}.parent names no earlier action", code="INVALID", field=f"{where}.parent")
        condition = action.get("condition", "none")
        if condition not in ("none", *step_rules.CONDITIONS):
            raise Invalid(f"{where}.condition is one of none, {', '.join(step_rules.CONDITIONS)}", code="INVALID", field=f"{where}.condition")
        existing = old_templates.pop(action_key, None)
        template = await _upsert_template(
            session, tenant_id, api_name=None, name=_text(action, "name", f"{where}.name", required=True), part=_part(action, where),
            settings={CAMPAIGN_CONTENT: True}, current=await session.get(Template, existing) if existing else None)
        settings = {"content": {"type": "html"}, **({"parent_id": parent} if parent is not None else {})}
        steps.append({"external_id": action_key, "type": "send_email", "name": action["name"], "delay_seconds": action.get("delay", 0),
                      "condition": condition, "template_id": template.id, "settings": settings})
    if current is None:
        await campaigns.create(session, tenant_id=tenant_id, name=name, kind=CampaignKind.WORKFLOW, steps=steps, external_id=key, options=options)
    else:
        await campaigns.update(session, campaign_id=current.id, changes={"name": name, "options": options, "steps": steps})
    for template_id in old_templates.values():  # actions the file no longer has: their content goes with them
        if template_id is not None:
            await templates.delete(session, template_id=template_id)


async def import_library(session: AsyncSession, document: dict) -> Imported:
    """Upsert every blueprint of the document into the library; all or nothing (the caller commits)."""
    if not isinstance(document, dict):
        raise Invalid("The file must hold a JSON object with `campaigns` and `workflows`", code="INVALID", field="")
    tenant = await library(session)
    campaign_items, workflow_items = document.get("campaigns") or [], document.get("workflows") or []
    for name, items in (("campaigns", campaign_items), ("workflows", workflow_items)):
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise Invalid(f"{name} must be a list of objects", code="INVALID", field=name)
    for index, item in enumerate(campaign_items):
        await _campaign(session, tenant.id, item, f"campaigns.{index}")
    for index, item in enumerate(workflow_items):
        await _workflow(session, tenant.id, item, f"workflows.{index}")
    return Imported(campaigns=len(campaign_items), workflows=len(workflow_items))
