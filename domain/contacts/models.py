"""Contacts, lists with per-list subscription status, segments and suppressed addresses."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, BigId, IdPk, Timestamped, utcnow
from domain.tenants.models import TenantScoped


class Contact(TenantScoped, Timestamped, Base):
    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email"),
        UniqueConstraint("tenant_id", "external_id"),
        Index("ix_contacts_tenant_phone", "tenant_id", "phone"),
    )

    id: Mapped[IdPk]
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    external_id: Mapped[str | None] = mapped_column(String(200))  # Contactflow customer_id / Marigold userPk
    clab_uuid: Mapped[str | None] = mapped_column(String(64))  # Contactflow clabUuid
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(16))
    attributes: Mapped[dict] = mapped_column(default=dict)  # custom fields of every dialect
    tags: Mapped[list] = mapped_column(default=list)
    interests: Mapped[list] = mapped_column(default=list)


class SubscriptionStatus(enum.Enum):
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    PENDING = "pending"  # waiting for double opt-in
    BOUNCED = "bounced"


class ContactList(TenantScoped, Timestamped, Base):
    __tablename__ = "contact_lists"

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    double_opt_in: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict] = mapped_column(default=dict)  # language, redirections, default sender, policy


class ListMember(TenantScoped, Base):
    __tablename__ = "list_members"
    __table_args__ = (UniqueConstraint("list_id", "contact_id"),)

    id: Mapped[IdPk]
    list_id: Mapped[int] = mapped_column(BigId, ForeignKey("contact_lists.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(BigId, ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[SubscriptionStatus] = mapped_column(default=SubscriptionStatus.SUBSCRIBED)
    subscribed_at: Mapped[datetime] = mapped_column(default=utcnow)
    unsubscribed_at: Mapped[datetime | None]


class Segment(TenantScoped, Timestamped, Base):
    __tablename__ = "segments"

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(200))
    list_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contact_lists.id", ondelete="CASCADE"))
    # Conditions on contact fields, e.g. [{"field": "language", "op": "eq", "value": "de"}].
    rules: Mapped[list] = mapped_column(default=list)
    # The dialect's own expression as received (Especial query/FIQL, Marigold filter), kept verbatim.
    expression: Mapped[str | None] = mapped_column(Text)


class Suppression(TenantScoped, Base):
    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("tenant_id", "address"),)

    id: Mapped[IdPk]
    address: Mapped[str] = mapped_column(String(320))  # lower-cased email or E.164 phone
    reason: Mapped[str] = mapped_column(String(50))  # hard_bounce, complaint, unsubscribe, manual
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
