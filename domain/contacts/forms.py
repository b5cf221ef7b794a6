"""Subscription forms of a list (Especial `/forms`): a `Template` with channel PAGE flagged `settings.subscription_form`,
its one part's `html` the form's embeddable HTML in the form's language; the hosted version (`linked`), the list it
subscribes to (`list_id`, a list of the same tenant), `redirections`, `double_opt_in` and `status` (active / deleted)
live in `Template.settings`. Forms are kept out of the template library (`Tenant.templates(library: true)`).

sendgraph hosts no pages: a form is stored and served back, it has no public URL and takes no submissions here.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.common import get_or_raise
from domain.contacts.models import ContactList
from domain.errors import Invalid, NotFound
from domain.templates import service as templates
from domain.templates.models import Template

FORM = "subscription_form"  # Template.settings flag: this PAGE template is a list's subscription form
STATUSES = ("active", "deleted")
SETTINGS = ("linked", "redirections", "double_opt_in", "status")


def is_form(template: Template | None) -> bool:
    return template is not None and template.channel is Channel.PAGE and bool((template.settings or {}).get(FORM))


async def _check_list(session: AsyncSession, *, tenant_id: int, list_id: int) -> None:
    contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
    if contact_list.tenant_id != tenant_id:
        raise NotFound(f"List {list_id} not found", code="NOT_FOUND", field="listId")


def _settings(current: dict, changes: dict) -> dict:
    settings = {**current, FORM: True, **{k: changes[k] for k in SETTINGS if k in changes}}
    if settings.get("status", "active") not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}", code="INVALID_FORM_STATUS", field="status")
    if not isinstance(settings.get("redirections") or {}, dict):
        raise Invalid("redirections must be an object", code="INVALID_REDIRECTIONS", field="redirections")
    return settings


async def create_form(session: AsyncSession, *, tenant_id: int, list_id: int, name: str, language: str, html: str | None,
                      **fields) -> Template:
    """`fields`: linked, redirections, double_opt_in, status."""
    await _check_list(session, tenant_id=tenant_id, list_id=list_id)
    settings = _settings({"status": "active", "double_opt_in": True, "redirections": {}}, {**fields, "list_id": list_id})
    settings["list_id"] = list_id
    return await templates.create(session, tenant_id=tenant_id, name=name, channel=Channel.PAGE, default_language=language,
                                  parts=[{"language": language, "html": html}], settings=settings)


async def get_form(session: AsyncSession, *, form_id: int) -> Template:
    template = await session.get(Template, form_id)
    if not is_form(template):
        raise NotFound(f"Form {form_id} not found", code="FORM_NOT_FOUND", field="id")
    return template


async def update_form(session: AsyncSession, *, form_id: int, changes: dict) -> Template:
    """`changes`: name, list_id, language, html, and the settings fields; the others are kept."""
    form = await get_form(session, form_id=form_id)
    settings = _settings(form.settings or {}, changes)
    if changes.get("list_id") is not None:
        await _check_list(session, tenant_id=form.tenant_id, list_id=changes["list_id"])
        settings["list_id"] = changes["list_id"]
    update: dict = {"settings": settings}
    if "name" in changes:
        update["name"] = changes["name"]
    if "language" in changes or "html" in changes:
        part = form.part_for(None)
        language = changes.get("language") or form.default_language
        update["parts"] = [{"language": language, "html": changes["html"] if "html" in changes else (part.html if part else None)}]
        update["default_language"] = language
    return await templates.update(session, template_id=form.id, changes=update)


async def delete_form(session: AsyncSession, *, form_id: int) -> None:
    form = await get_form(session, form_id=form_id)
    await templates.delete(session, template_id=form.id)
