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
