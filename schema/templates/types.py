from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models
from schema.enums import Channel
from schema.relay import Node
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]


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

    @strawberry.field(description="Where `{{ t.<label> }}` takes its translations from.")
    async def dictionary(self, info: Info) -> Dictionary | None:
        if self.model.dictionary_id is None:
            return None
        row = await info.context.loaders.load(models.Dictionary, self.model.dictionary_id)
        return row and Dictionary.from_model(row)
