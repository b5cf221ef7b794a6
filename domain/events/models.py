"""Doxie events: a slug that, when triggered with a payload, sends its templates (and queues its schedules' follow-ups)."""
from __future__ import annotations

import enum

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, BigId, IdPk, Timestamped
from domain.messaging.models import SendCondition
from domain.templates.models import Template
from domain.tenants.models import TenantScoped


class EventType(enum.Enum):
    MAILER = "mailer"
    SURVEY = "survey"
    QR_CODE = "qr_code"
    INJECTOR = "injector"


event_templates = Table(
    "event_templates",
    Base.metadata,
    Column("event_id", BigId, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("template_id", BigId, ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True),
)


class Event(TenantScoped, Timestamped, Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("tenant_id", "type", "slug"),)

    id: Mapped[IdPk]
    slug: Mapped[str] = mapped_column(String(100))
    type: Mapped[EventType] = mapped_column(default=EventType.MAILER)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # Payload keys the event expects; `required` ones must be present when triggered.
    # e.g. [{"name": "email", "required": true}, {"name": "first_name"}]
    parameters: Mapped[list] = mapped_column(default=list)
    # Payload key holding the recipient address for email / phone for SMS.
    recipient_field: Mapped[str] = mapped_column(String(100), default="email")
    phone_field: Mapped[str] = mapped_column(String(100), default="phone")
    settings: Mapped[dict] = mapped_column(default=dict)  # survey questions, QR target URL, journey options

    templates: Mapped[list[Template]] = relationship(secondary=event_templates, lazy="selectin", order_by=Template.id)  # a stable order: sends and listings agree


class MessagingSchedule(TenantScoped, Timestamped, Base):
    """A Doxie messaging schedule: a follow-up of its owning event. Every trigger of the event also queues
    `template` for the same recipient, due `delay_seconds` after the trigger, and sent only if `condition`
    (when set) still holds then (e.g. a DOI reminder `unless_consented`)."""

    __tablename__ = "messaging_schedules"

    id: Mapped[IdPk]
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("events.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(BigId, ForeignKey("templates.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    delay_seconds: Mapped[int]
    condition: Mapped[SendCondition | None]
    active: Mapped[bool] = mapped_column(default=True)
