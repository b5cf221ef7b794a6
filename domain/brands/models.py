"""Brands and their senders: who a message comes from, and through which provider."""
from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, BigId, IdPk, Timestamped
from domain.tenants.models import TenantScoped


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"
    MMS = "mms"
    PUSH = "push"
    RCS = "rcs"
    PAGE = "page"  # Marigold landing page content / Doxie landing pages: rendered, never delivered


class Brand(TenantScoped, Timestamped, Base):
    __tablename__ = "brands"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    id: Mapped[IdPk]
    slug: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict] = mapped_column(default=dict)  # logos, colours, footer, legal texts


class Sender(TenantScoped, Timestamped, Base):
    __tablename__ = "senders"

    id: Mapped[IdPk]
    brand_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("brands.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(default=Channel.EMAIL)
    name: Mapped[str | None] = mapped_column(String(200))  # display name
    address: Mapped[str] = mapped_column(String(320))  # email address, SMS sender id or number
    reply_to: Mapped[str | None] = mapped_column(String(320))
    provider: Mapped[str | None] = mapped_column(String(50))  # transport name; None = configured default
    verified: Mapped[bool] = mapped_column(default=False)
    is_default: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict] = mapped_column(default=dict)  # provider options, language, confirmation time


class DkimKey(TenantScoped, Timestamped, Base):
    """A DKIM key pair of a brand: the workers sign the tenant's mail from `domain` (or a subdomain) with it.

    The private key is kept encrypted (`domain.brands.dkim`), never shown; the public key is published by the
    tenant as the TXT record `{selector}._domainkey.{domain}`.
    """

    __tablename__ = "dkim_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "domain", "selector"),)

    id: Mapped[IdPk]
    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253))
    selector: Mapped[str] = mapped_column(String(63))
    public_key: Mapped[str] = mapped_column(Text)  # base64 DER SubjectPublicKeyInfo, as in the record's p=
    private_key_encrypted: Mapped[str] = mapped_column(Text)  # Fernet token, key derived from SECRET_KEY
