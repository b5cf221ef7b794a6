"""Campaign: one entity for an Especial campaign or workflow, a Marigold journey
(single-batch, transactional, AB, recurring, custom) and a Contactflow automation."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, BigId, IdPk, Timestamped, utcnow
from domain.tenants.models import TenantScoped


class CampaignKind(enum.Enum):
    NEWSLETTER = "newsletter"  # Especial campaign
    SINGLE_BATCH = "single_batch"  # Marigold single-batch journey
    TRANSACTIONAL = "transactional"  # Marigold transactional journey: sent per call
    AB_TEST = "ab_test"  # Marigold AB journey
    RECURRING = "recurring"  # Marigold recurring journey
    AUTOMATION = "automation"  # Contactflow automation (steps)
    WORKFLOW = "workflow"  # Especial workflow (actions)
    CUSTOM = "custom"  # Marigold custom journey: its steps are entry points, each triggered per call


class CampaignStatus(enum.Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    SUSPENDED = "suspended"
    SENT = "sent"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"


S = CampaignStatus
# The state machine as data: status -> statuses it may move to.
TRANSITIONS: dict[CampaignStatus, set[CampaignStatus]] = {
    S.DRAFT: {S.SCHEDULED, S.RUNNING, S.CANCELLED, S.ARCHIVED},
    S.SCHEDULED: {S.DRAFT, S.SCHEDULED, S.RUNNING, S.SUSPENDED, S.CANCELLED},
    S.RUNNING: {S.SUSPENDED, S.SENT, S.CANCELLED},
    S.SUSPENDED: {S.RUNNING, S.SCHEDULED, S.CANCELLED},
    S.SENT: {S.ARCHIVED},
    S.CANCELLED: {S.ARCHIVED},
    S.ARCHIVED: {S.DRAFT},
}


class Campaign(TenantScoped, Timestamped, Base):
    __tablename__ = "campaigns"

    id: Mapped[IdPk]
    kind: Mapped[CampaignKind] = mapped_column(default=CampaignKind.NEWSLETTER)
    name: Mapped[str] = mapped_column(String(200))
    # The dialect's own string id: Marigold journey apiName, Contactflow automation UUID, Especial workflow id.
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[CampaignStatus] = mapped_column(default=CampaignStatus.DRAFT, index=True)
    template_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("templates.id", ondelete="SET NULL"))
    sender_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("senders.id", ondelete="SET NULL"))
    list_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contact_lists.id", ondelete="SET NULL"))
    segment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("segments.id", ondelete="SET NULL"))
    audience_filter: Mapped[list] = mapped_column(default=list)  # extra rules, same shape as Segment.rules
    scheduled_at: Mapped[datetime | None]
    launched_at: Mapped[datetime | None]
    expanded_at: Mapped[datetime | None]  # every audience member has a message
    finished_at: Mapped[datetime | None]
    # Launch checkpoint: the last contact id expanded into messages, so a killed launch resumes.
    last_contact_id: Mapped[int] = mapped_column(BigId, default=0)
    recipients_count: Mapped[int] = mapped_column(default=0)
    # Dialect-specific options: Marigold waves / sending limits / recurrence, Especial tracking, AB split.
    options: Mapped[dict] = mapped_column(default=dict)

    steps: Mapped[list["CampaignStep"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CampaignStep.position"
    )


class CampaignStep(Base):
    """A Contactflow automation step, an Especial workflow action or a Marigold custom journey's entry point."""

    __tablename__ = "campaign_steps"

    id: Mapped[IdPk]
    campaign_id: Mapped[int] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    external_id: Mapped[str | None] = mapped_column(String(200))  # Contactflow step UUID, Especial action id
    type: Mapped[str] = mapped_column(String(50))  # send_email, send_sms, wait, condition...
    name: Mapped[str | None] = mapped_column(String(200))
    delay_seconds: Mapped[int] = mapped_column(default=0)
    condition: Mapped[str | None] = mapped_column(String(50))  # opened, not_opened, clicked, ...
    template_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("templates.id", ondelete="SET NULL"))
    settings: Mapped[dict] = mapped_column(default=dict)


class EnrollmentStatus(enum.Enum):
    ACTIVE = "active"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    ERROR = "error"


class Enrollment(TenantScoped, Base):
    """A contact travelling through a multi-step campaign: a Contactflow customer/token in an automation,
    an Especial workflow subscriber."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("campaign_id", "contact_id"),)

    id: Mapped[IdPk]
    campaign_id: Mapped[int] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(BigId, ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(default=EnrollmentStatus.ACTIVE)
    step_position: Mapped[int] = mapped_column(default=0)
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    step_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    error: Mapped[str | None] = mapped_column(Text)
    source: Mapped[dict] = mapped_column(default=dict)  # where it came from: Contactflow sourceUuid / packet, import id


class CampaignRevision(TenantScoped, Base):
    """One saved version of a campaign's content (an Especial campaign revision): `content` is the snapshot
    `domain.campaigns.revisions.snapshot` takes (template id, its parts and settings, `options.content`)."""

    __tablename__ = "campaign_revisions"

    id: Mapped[IdPk]
    campaign_id: Mapped[int] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    content: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
