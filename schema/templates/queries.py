from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.templates import service
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.permissions import IsAuthenticated


@strawberry.input(description="Which template to render, for whom, with what data.")
class RenderTemplateInput:
    template_id: strawberry.ID
    data: JSON | None = strawberry.field(default=None, description="Values for the template's variables; they win over the contact's.")
    language: str | None = strawberry.field(default=None, description="Which part; the contact's language, else the template's default, when absent.")
    contact_id: strawberry.ID | None = strawberry.field(default=None, description="Render with this contact's fields and attributes.")


@strawberry.type(description="A template rendered as a recipient would get it (before tracking links are added).")
class RenderedContent:
    subject: str | None
    html: str | None
    text: str | None


@strawberry.type
class RenderTemplatePayload:
    rendered: RenderedContent | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TemplateQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="Preview a template: nothing is sent or stored.")
    @returns_user_errors(RenderTemplatePayload)
    async def render_template(self, info: Info, input: RenderTemplateInput) -> RenderTemplatePayload:
        rendered = await service.render(
            info.context.session, template_id=decode_id(input.template_id, "Template", field="templateId"), data=input.data,
            language=input.language, contact_id=decode_id(input.contact_id, "Contact", field="contactId"),
        )
        return RenderTemplatePayload(rendered=RenderedContent(subject=rendered.subject, html=rendered.html, text=rendered.text))
