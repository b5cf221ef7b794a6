"""Who acts: users with tenant memberships, and API credentials (hashed secrets)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, BigId, IdPk, Timestamped
from domain.tenants.models import TenantScoped


class Role(enum.IntEnum):
    """Ordered: a higher role may do everything a lower one may."""

    READ = 1
    WRITE = 2
    ADMIN = 3


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[IdPk]
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)  # false: suspended, it can neither log in nor use its tokens
    profile: Mapped[dict] = mapped_column(default=dict)  # first/last name, title, phones, language, timezone
    confirmed_at: Mapped[datetime | None]  # null: invited, its email not confirmed yet


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id"),)

    id: Mapped[IdPk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    role: Mapped[int] = mapped_column(default=int(Role.READ))


class CredentialKind(enum.Enum):
    API_KEY = "api_key"  # Marigold X-ApiKey key:secret service account
    API_USER = "api_user"  # Doxie basic-auth API user
    TOKEN = "token"  # bearer token issued by `sendgraph token create` (revocable by id)


class ApiCredential(TenantScoped, Timestamped, Base):
    __tablename__ = "api_credentials"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[IdPk]
    kind: Mapped[CredentialKind]
    key: Mapped[str] = mapped_column(String(200))  # public part: key id or username
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[int] = mapped_column(default=int(Role.WRITE))
    allowed_endpoints: Mapped[list | None] = mapped_column()  # None: every endpoint
    expires_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(String(200))
