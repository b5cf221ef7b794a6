"""Tenant: the one account entity behind a Doxie tenant, a Contactflow node,
a Marigold organization and an Especial account (each addresses it by its own handle)."""
from __future__ import annotations

import uuid as uuid_lib

from sqlalchemy import ForeignKey, String, Uuid, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from domain.db import Base, BigId, IdPk, Timestamped


class Tenant(Timestamped, Base):
    __tablename__ = "tenants"

    id: Mapped[IdPk]  # Especial account_id
    slug: Mapped[str] = mapped_column(String(100), unique=True)  # Doxie tenant, Marigold organization
    uuid: Mapped[uuid_lib.UUID] = mapped_column(Uuid, unique=True, default=uuid_lib.uuid4)  # Contactflow node
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    workspace_uuid: Mapped[uuid_lib.UUID | None] = mapped_column(Uuid)
    workspace_name: Mapped[str | None] = mapped_column(String(200))
    portfolio_uuid: Mapped[uuid_lib.UUID | None] = mapped_column(Uuid)
    portfolio_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # A new sub-account waiting for its owner to confirm it by mail (Especial `pending`): inactive until then.
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False, server_default=false())
    email_active: Mapped[bool] = mapped_column(default=True)
    sms_active: Mapped[bool] = mapped_column(default=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_language: Mapped[str] = mapped_column(String(16), default="en")
    # Dialect-specific account settings (Especial account details, Contactflow node settings, ...).
    settings: Mapped[dict] = mapped_column(default=dict)


class TenantScoped:
    """Mixin for every row that belongs to one tenant; `domain.tenancy` filters and guards on it."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(BigId, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
