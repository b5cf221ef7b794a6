"""Templates (Marigold content, Especial templates, Doxie event templates) with per-language
parts, and dictionaries of translated labels."""
from __future__ import annotations

from datetime import datetime

from uuid import UUID, uuid4

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.brands.models import Channel
from domain.db import Base, BigId, IdPk, Timestamped, utcnow
from domain.tenants.models import TenantScoped


# `Template.settings[CAMPAIGN_CONTENT] = True`: the template is one campaign's own content (an Especial
# campaign's `content`, a Marigold single-batch send's message), not part of the tenant's template library.
CAMPAIGN_CONTENT = "campaign_content"


class Template(TenantScoped, Timestamped, Base):
    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("tenant_id", "api_name"),)

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(200))
    api_name: Mapped[str | None] = mapped_column(String(200))  # Marigold apiName, Doxie template key
    channel: Mapped[Channel] = mapped_column(default=Channel.EMAIL)
    default_language: Mapped[str] = mapped_column(String(16), default="en")
    sender_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("senders.id", ondelete="SET NULL"))
    dictionary_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("dictionaries.id", ondelete="SET NULL"))
    settings: Mapped[dict] = mapped_column(default=dict)  # tracking, push/RCS payload options, page options

    parts: Mapped[list["TemplatePart"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TemplatePart.id"
    )

    def part_for(self, language: str | None) -> "TemplatePart | None":
        """The part in the recipient's language, else the default language, else any."""
        by_language = {p.language: p for p in self.parts}
        return by_language.get(language or "") or by_language.get(self.default_language) or next(
            iter(self.parts), None
        )


class TemplatePart(Base):
    __tablename__ = "template_parts"
    __table_args__ = (UniqueConstraint("template_id", "language"),)

    id: Mapped[IdPk]
    template_id: Mapped[int] = mapped_column(BigId, ForeignKey("templates.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(Text)
    preheader: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)  # plain-text email part, or the SMS/push body
    headers: Mapped[dict] = mapped_column(default=dict)


class Dictionary(TenantScoped, Timestamped, Base):
    __tablename__ = "dictionaries"
    __table_args__ = (UniqueConstraint("tenant_id", "api_name"),)

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(200))
    api_name: Mapped[str] = mapped_column(String(200))
    # {"label_key": {"en": "Hello", "de": "Hallo"}}; exposed to templates as `t.label_key`.
    entries: Mapped[dict] = mapped_column(default=dict)
    settings: Mapped[dict] = mapped_column(default=dict)  # description, tags (never labels: those are `entries`)


class EditorAsset(TenantScoped, Base):
    """A file uploaded for the page editor (a Doxie editor asset), kept in the database so every API
    process serves it; `data` is deferred so listing assets never reads the files."""

    __tablename__ = "editor_assets"

    id: Mapped[IdPk]
    uuid: Mapped[UUID] = mapped_column(Uuid, default=uuid4, unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
