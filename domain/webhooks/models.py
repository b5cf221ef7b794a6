"""Outgoing webhooks: endpoints a tenant registers and every delivery attempt to them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, BigId, IdPk, Timestamped, utcnow
from domain.tenants.models import TenantScoped


class WebhookEndpoint(TenantScoped, Timestamped, Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[IdPk]
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(default=list)  # e.g. ["message.sent", "process.cancelled"]; empty = all
    secret: Mapped[str] = mapped_column(String(200))  # HMAC-SHA256 signing secret
    basic_auth_username: Mapped[str | None] = mapped_column(String(200))
    basic_auth_password: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(String(200))
    settings: Mapped[dict] = mapped_column(default=dict)  # rate limit, list scope, dialect payload format


class WebhookDelivery(TenantScoped, Base):
    """One attempt to POST one event to one endpoint (Doxie's "webhook interactions").

    Every attempt is a row. The first attempt's id identifies the delivery: every attempt of it
    points there with `first_attempt_id` (the first one at itself) and sends it as `webhook-id`.
    A row with neither `response_status` nor `error` is an attempt not made yet.
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[IdPk]
    first_attempt_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[int] = mapped_column(BigId, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("processes.id", ondelete="SET NULL"), index=True)
    event: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(default=dict)
    attempt: Mapped[int] = mapped_column(default=1)
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
