from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, IdPk, utcnow


class OutboxRecord(Base):
    """A job to publish to the broker, committed with the rows it is about.

    `published_at` stays empty until the broker has the job; the relay publishes whatever is
    due and still unpublished, so nothing accepted is lost when the broker is down.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "published_at", "available_at"),)

    id: Mapped[IdPk]
    job: Mapped[str] = mapped_column(String(100))
    kwargs: Mapped[dict] = mapped_column(default=dict)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)  # not before: scheduled launches, retry backoff
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
