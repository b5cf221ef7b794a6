"""Processes (one trigger, many messages), messages and their event history."""
from __future__ import annotations

import enum
import uuid as uuid_lib
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.brands.models import Channel
from domain.db import Base, BigId, IdPk, Timestamped, utcnow
from domain.tenants.models import TenantScoped


class ProcessStatus(enum.Enum):
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class Process(TenantScoped, Timestamped, Base):
    """A Doxie process: one event trigger (mail, injection, survey, QR code, DOI) and its messages."""

    __tablename__ = "processes"

    id: Mapped[IdPk]
    uuid: Mapped[uuid_lib.UUID] = mapped_column(Uuid, unique=True, default=uuid_lib.uuid4)
    event_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("events.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30), default="mailer")
    status: Mapped[ProcessStatus] = mapped_column(default=ProcessStatus.RUNNING)
    payload: Mapped[dict] = mapped_column(default=dict)
    cancelled_at: Mapped[datetime | None]


class SendCondition(enum.Enum):
    """What must still hold when a scheduled message is due, or it is CANCELLED instead of sent."""

    UNLESS_CONSENTED = "unless_consented"  # the process's consent (a DOI mail's) is still unconfirmed


class MessageStatus(enum.Enum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Message(TenantScoped, Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_messages_tenant_status", "tenant_id", "status"),
        Index("ix_messages_campaign", "campaign_id", "contact_id"),
        Index("ix_messages_provider_message_id", "provider_message_id"),  # delivery reports name the provider's id
    )

    id: Mapped[IdPk]
    channel: Mapped[Channel] = mapped_column(default=Channel.EMAIL)
    status: Mapped[MessageStatus] = mapped_column(default=MessageStatus.QUEUED)
    recipient: Mapped[str] = mapped_column(String(320))
    sender: Mapped[str | None] = mapped_column(String(400))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    process_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("processes.id", ondelete="SET NULL"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contacts.id", ondelete="SET NULL"))
    template_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("templates.id", ondelete="SET NULL"))
    step_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("campaign_steps.id", ondelete="SET NULL"))
    # The messaging schedule that queued this message, and its condition as it was at the trigger.
    schedule_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("messaging_schedules.id", ondelete="SET NULL"))
    condition: Mapped[SendCondition | None]
    language: Mapped[str | None] = mapped_column(String(16))
    # Inline Jinja2 sources {subject, html, text}, used instead of a template; rendered with `data`.
    source: Mapped[dict] = mapped_column(default=dict)
    # What was rendered and sent, filled by the worker.
    subject: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(default=dict)
    headers: Mapped[dict] = mapped_column(default=dict)
    external_id: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    provider_message_id: Mapped[str | None] = mapped_column(String(400))
    attempts: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    scheduled_at: Mapped[datetime | None]  # not before this time (Doxie scheduled mails, Especial send_at)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class MessageEventType(enum.Enum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    FAILED = "failed"
    CANCELLED = "cancelled"
    OPENED = "opened"
    CLICKED = "clicked"
    COMPLAINED = "complained"
    UNSUBSCRIBED = "unsubscribed"
    REPLIED = "replied"  # an inbound answer (RCS/SMS reply)
    SCANNED = "scanned"  # a QR code visit


class MessageEvent(TenantScoped, Base):
    __tablename__ = "message_events"

    id: Mapped[IdPk]
    message_id: Mapped[int] = mapped_column(BigId, ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    type: Mapped[MessageEventType]
    detail: Mapped[dict] = mapped_column(default=dict)  # error reason, clicked url, user agent...
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
