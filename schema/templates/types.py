from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from domain.templates import assets as editor_assets, pages
from schema.brands.types import Brand
from schema.enums import Channel
from schema.relay import Node
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]
EventRef = Annotated["Event", strawberry.lazy("schema.events.types")]


@strawberry.enum(description="What a PAGE template is to the page editor: a landing page, or a layout landing pages are placed in.")
class PageKind(enum.Enum):
    LANDING_PAGE = "landing_page"
    LAYOUT = "layout"


@strawberry.type(description="A template's content in one language (Jinja2 sources).")
class TemplatePart:
    language: str
    subject: str | None
    preheader: str | None
    html: str | None
    text: str | None
    headers: JSON


@strawberry.type(description="One label of a dictionary and its text in each language.")
class DictionaryLabel:
    label: str
    translations: JSON = strawberry.field(description="{language: text}, e.g. {\"en\": \"Hello\", \"de\": \"Hallo\"}.")


@strawberry.type(description="Translated labels (a Marigold dictionary); a template linked to it renders `{{ t.<label> }}` in the part's language.")
class Dictionary(Node):
    model: strawberry.Private[models.Dictionary]
    name: str
    api_name: str
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    def description(self) -> str | None:
        return (self.model.settings or {}).get("description")

    @strawberry.field
    def tags(self) -> list[str]:
        return list((self.model.settings or {}).get("tags") or [])

    @strawberry.field(description="Labels sorted by name; `search` keeps those whose name or a translation contains it (case-insensitive).")
    def labels(self, search: str | None = None) -> list[DictionaryLabel]:
        needle = (search or "").lower()
        found = []
        for label in sorted(self.model.entries or {}):
            translations = self.model.entries[label]
            if not isinstance(translations, dict):
                continue
            if needle and needle not in label.lower() and not any(needle in str(text).lower() for text in translations.values()):
                continue
            found.append(DictionaryLabel(label=label, translations=translations))
        return found

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)


@strawberry.type
class Template(Node):
    model: strawberry.Private[models.Template]
    name: str
    api_name: str | None
    channel: Channel
    default_language: str
    settings: JSON
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    def parts(self) -> list[TemplatePart]:
        return [
            TemplatePart(language=p.language, subject=p.subject, preheader=p.preheader, html=p.html, text=p.text, headers=p.headers)
            for p in self.model.parts
        ]

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)

    @strawberry.field(description="Its page-editor side, for a landing page or a layout (PAGE templates); null for any other template.")
    def page(self) -> TemplatePage | None:
        kind = pages.kind_of(self.model)
        return TemplatePage(model=self.model, kind=PageKind(kind)) if kind else None

    @strawberry.field(description="Where `{{ t.<label> }}` takes its translations from.")
    async def dictionary(self, info: Info) -> Dictionary | None:
        if self.model.dictionary_id is None:
            return None
        row = await info.context.loaders.load(models.Dictionary, self.model.dictionary_id)
        return row and Dictionary.from_model(row)


@strawberry.type(description="A landing page or a layout as the page editor sees it (kept in the template's settings).")
class TemplatePage:
    model: strawberry.Private[models.Template]
    kind: PageKind

    @strawberry.field(description="The editor's document, verbatim; publishing reads its `html` and `css`.")
    def content_state(self) -> JSON:
        return self.model.settings.get("content_state") or {}

    @strawberry.field(description="When the landing page was last published; null if never (layouts are never published).")
    def published_at(self) -> datetime | None:
        value = pages.published_at(self.model)
        return datetime.fromisoformat(value) if value else None

    @strawberry.field(description="Where the published landing page is served (`/lp/{tenant slug}/{id}`); null until published.")
    async def public_url(self, info: Info) -> str | None:
        if self.kind is not PageKind.LANDING_PAGE or not pages.published_at(self.model):
            return None
        tenant = await info.context.loaders.load(models.Tenant, self.model.tenant_id)
        return f"{info.context.settings.public_url.rstrip('/')}/lp/{tenant.slug}/{self.model.id}"

    @strawberry.field
    async def brand(self, info: Info) -> Brand | None:
        row = await info.context.loaders.load(models.Brand, self.model.settings.get("brand_id"))
        return row and Brand.from_model(row)

    @strawberry.field(description="A landing page's layout.")
    async def layout(self, info: Info) -> Template | None:
        row = await info.context.loaders.load(models.Template, self.model.settings.get("layout_id"))
        return row and Template.from_model(row)

    @strawberry.field(description="The kind of resource that owns the page (`event`), or null.")
    def owner_type(self) -> str | None:
        return self.model.settings.get("owner_type")

    @strawberry.field(description="The owning event, when `ownerType` is `event`.")
    async def owner_event(self, info: Info) -> EventRef | None:
        from schema.events.types import Event

        if self.model.settings.get("owner_type") != "event":
            return None
        row = await info.context.loaders.load(models.Event, self.model.settings.get("owner_id"))
        return row and Event.from_model(row)


@strawberry.type(description="A file uploaded for the page editor, served publicly at `url`.")
class EditorAsset(Node):
    model: strawberry.Private[models.EditorAsset]
    uuid: UUID
    filename: str
    content_type: str
    size: int = strawberry.field(description="In bytes.")
    created_at: datetime

    @strawberry.field
    def url(self, info: Info) -> str:
        return editor_assets.url(info.context.settings.public_url, self.model)

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)
