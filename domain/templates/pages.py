"""Landing pages and their layouts (Doxie pages): templates with channel PAGE, never a model of their own.

`Template.settings` holds what the page editor works on:
    page_kind      "landing_page" or "layout"
    content_state  the editor's document, kept verbatim; publishing reads its `html` and `css` strings
    brand_id       a Brand of the tenant (a layout's brand; a page may name one too)
    layout_id      a landing page's layout (a PAGE template of kind layout of the same tenant)
    owner_type, owner_id   the owning resource ("event" and an Event id): kept here, not in Event.templates,
                   because an event's templates are what its trigger sends
    published_at   when it was last published
Publishing renders the page into its TemplatePart (`html`, in the template's default language): that is what
the public route `/lp/{tenant}/{id}` serves, so editing `content_state` afterwards changes nothing public until
the next publish.
"""
from __future__ import annotations

import html as html_escape
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Brand, Channel
from domain.common import get_or_raise
from domain.db import utcnow
from domain.errors import Conflict, Invalid, NotFound
from domain.events.models import Event
from domain.templates.models import Template, TemplatePart
from domain.tenants.models import Tenant
from domain.validation import require_text

LANDING_PAGE = "landing_page"
LAYOUT = "layout"
KINDS = (LANDING_PAGE, LAYOUT)
OWNER_TYPES = ("event",)
CONTENT_PLACEHOLDER = "{{ content }}"  # where a layout's html takes the page's
NOT_FOUND_CODE = {LANDING_PAGE: "LANDING_PAGE_NOT_FOUND", LAYOUT: "LAYOUT_NOT_FOUND"}
WHAT = {LANDING_PAGE: "Landing page", LAYOUT: "Landing page layout"}


def kind_of(template: Template) -> str | None:
    if template.channel is not Channel.PAGE:
        return None
    kind = (template.settings or {}).get("page_kind")
    return kind if kind in KINDS else None


async def get(session: AsyncSession, *, template_id: int | None, kind: str, field: str = "id") -> Template:
    """The page or layout with this id, through the scoped session; any other template is not found."""
    row = None
    if template_id is not None:
        row = (await session.execute(select(Template).where(Template.id == template_id))).scalar_one_or_none()
    if row is None or kind_of(row) != kind:
        raise NotFound(f"{WHAT[kind]} {template_id} not found", code=NOT_FOUND_CODE[kind], field=field)
    return row


async def create(
    session: AsyncSession, *, tenant_id: int, kind: str, name: str, brand_id: int | None = None, layout_id: int | None = None,
    owner_type: str | None = None, owner_id: int | None = None, content_state: dict | None = None,
) -> Template:
    tenant = await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}", code="INVALID_VALUE", field="kind")
    settings = {"page_kind": kind, "content_state": {}}
    template = Template(tenant_id=tenant_id, name=require_text(name, field="name"), channel=Channel.PAGE,
                        default_language=tenant.default_language or "en", settings=settings, parts=[])
    await _apply(session, template, {"brand_id": brand_id, "layout_id": layout_id, "owner_type": owner_type, "owner_id": owner_id,
                                     "content_state": content_state})
    session.add(template)
    await session.flush()
    return template


async def update(session: AsyncSession, *, template_id: int, changes: dict) -> Template:
    """Changes the given fields (`name`, `brand_id`, `layout_id`, `owner_type` with `owner_id`, `content_state`) of a
    landing page or a layout."""
    row = (await session.execute(select(Template).where(Template.id == template_id))).scalar_one_or_none()
    if row is None or kind_of(row) is None:
        raise NotFound(f"Page {template_id} not found", code="PAGE_NOT_FOUND", field="id")
    template = row
    if "name" in changes:
        template.name = require_text(changes.pop("name"), field="name")
    await _apply(session, template, changes)
    await session.flush()
    return template


async def _apply(session: AsyncSession, template: Template, changes: dict) -> None:
    settings = dict(template.settings or {})
    kind = settings["page_kind"]
    if "brand_id" in changes:
        settings["brand_id"] = await _brand_id(session, template.tenant_id, changes["brand_id"])
    if "layout_id" in changes:
        if changes["layout_id"] is not None and kind != LANDING_PAGE:
            raise Invalid("Only a landing page has a layout", code="INVALID_VALUE", field="layoutId")
        settings["layout_id"] = await _layout_id(session, template.tenant_id, changes["layout_id"])
    if "owner_type" in changes or "owner_id" in changes:
        owner_type = changes.get("owner_type", settings.get("owner_type"))
        owner_id = changes.get("owner_id", settings.get("owner_id"))
        settings["owner_type"], settings["owner_id"] = await _owner(session, template.tenant_id, owner_type, owner_id)
    if changes.get("content_state") is not None:
        if not isinstance(changes["content_state"], dict):
            raise Invalid("content_state must be an object", code="INVALID_TYPE", field="contentState")
        settings["content_state"] = changes["content_state"]
    template.settings = settings


async def _brand_id(session: AsyncSession, tenant_id: int, brand_id: int | None) -> int | None:
    if brand_id is None:
        return None
    brand = (await session.execute(select(Brand).where(Brand.id == brand_id))).scalar_one_or_none()
    if brand is None or brand.tenant_id != tenant_id:
        raise NotFound(f"Brand {brand_id} not found", code="BRAND_NOT_FOUND", field="brandId")
    return brand.id


async def _layout_id(session: AsyncSession, tenant_id: int, layout_id: int | None) -> int | None:
    if layout_id is None:
        return None
    layout = await get(session, template_id=layout_id, kind=LAYOUT, field="layoutId")
    if layout.tenant_id != tenant_id:
        raise NotFound(f"Landing page layout {layout_id} not found", code="LAYOUT_NOT_FOUND", field="layoutId")
    return layout.id


async def _owner(session: AsyncSession, tenant_id: int, owner_type: str | None, owner_id: int | None) -> tuple[str | None, int | None]:
    if owner_type is None and owner_id is None:
        return None, None
    if owner_type is None or owner_type.lower() not in OWNER_TYPES:
        raise Invalid(f"ownerType must be one of {', '.join(OWNER_TYPES)}", code="INVALID_OWNER_TYPE", field="ownerType")
    if owner_id is None:
        raise Invalid("ownerId is required with ownerType", code="REQUIRED", field="ownerId")
    event = (await session.execute(select(Event).where(Event.id == owner_id))).scalar_one_or_none()
    if event is None or event.tenant_id != tenant_id:
        raise NotFound(f"Event {owner_id} not found", code="EVENT_NOT_FOUND", field="ownerId")
    return owner_type.lower(), event.id


async def delete(session: AsyncSession, *, template_id: int, kind: str) -> None:
    template = await get(session, template_id=template_id, kind=kind)
    await check_deletable(session, template)
    await session.delete(template)
    await session.flush()


async def check_deletable(session: AsyncSession, template: Template) -> None:
    """A layout landing pages still use is kept: deleting it would silently change how they publish."""
    if kind_of(template) != LAYOUT:
        return
    users = select(Template.id).where(Template.tenant_id == template.tenant_id, Template.channel == Channel.PAGE,
                                      Template.settings["layout_id"].as_integer() == template.id).limit(1)
    if (await session.execute(users)).first() is not None:
        raise Conflict("Landing pages still use this layout", code="LAYOUT_IN_USE", field="id")


async def publish(session: AsyncSession, *, template_id: int, now: datetime | None = None) -> Template:
    """Renders the landing page (inside its layout) into its HTML part and marks it published."""
    page = await get(session, template_id=template_id, kind=LANDING_PAGE)
    state = page.settings.get("content_state") or {}
    body, css = state.get("html"), state.get("css")
    if not isinstance(body, str) or not body.strip():
        raise Invalid("Nothing to publish: content_state has no html", code="PAGE_EMPTY", field="contentState")
    styles = [css] if isinstance(css, str) else []
    layout_id = page.settings.get("layout_id")
    if layout_id is not None:
        layout = (await session.execute(select(Template).where(Template.id == layout_id))).scalar_one_or_none()
        layout_state = (layout.settings.get("content_state") or {}) if layout is not None else {}
        frame = layout_state.get("html")
        if isinstance(frame, str) and frame.strip():
            body = frame.replace(CONTENT_PLACEHOLDER, body) if CONTENT_PLACEHOLDER in frame else frame + body
        if isinstance(layout_state.get("css"), str):
            styles.insert(0, layout_state["css"])
    document = _document(page.name, page.default_language, body, styles)
    part = page.part_for(page.default_language)
    if part is None:
        page.parts.append(TemplatePart(language=page.default_language, html=document, headers={}))
    else:
        part.html = document
    page.settings = {**page.settings, "published_at": (now or utcnow()).isoformat()}
    await session.flush()
    return page


def _document(title: str, language: str, body: str, styles: list[str]) -> str:
    if body.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        return body  # the editor exported a whole document
    style = "".join(s.replace("</", "<\\/") for s in styles)  # css cannot close its <style> element
    return (f'<!doctype html><html lang="{html_escape.escape(language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html_escape.escape(title)}</title>'
            f"{f'<style>{style}</style>' if style else ''}</head><body>{body}</body></html>")


def published_at(template: Template) -> str | None:
    return (template.settings or {}).get("published_at")


async def published_html(session: AsyncSession, *, tenant_slug: str, page_id: int) -> str | None:
    """What the public route serves: the published HTML of a landing page of the tenant with this slug, or None."""
    query = (select(Template).join(Tenant, Tenant.id == Template.tenant_id)
             .where(Tenant.slug == tenant_slug, Tenant.active.is_(True), Template.id == page_id))
    page = (await session.execute(query)).scalar_one_or_none()
    if page is None or kind_of(page) != LANDING_PAGE or not published_at(page):
        return None
    part = page.part_for(page.default_language)
    return part.html if part is not None else None
