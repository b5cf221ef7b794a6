"""An export task and the CSV it produces, kept in the database so every API and worker process reads the same file."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, BigId, IdPk, Timestamped
from domain.tenants.models import TenantScoped


class ExportKind(enum.Enum):
    CONTACTS = "contacts"  # a list's members, their fields and custom attributes
    CAMPAIGN_LOG = "campaign_log"  # the events of a campaign's messages


class ExportStatus(enum.Enum):
    PENDING = "pending"  # committed, waiting for a worker
    RUNNING = "running"  # a worker has written some chunks
    DONE = "done"  # the CSV is complete and downloadable until `expires_at`
    FAILED = "failed"  # the worker gave up; `error` says why


class Export(TenantScoped, Timestamped, Base):
    """`checkpoint` is the id of the last contact (or event) written: a worker resumes after it, so a killed
    worker neither restarts nor skips. `total_rows` is counted when the export is requested (for `progress`)."""

    __tablename__ = "exports"

    id: Mapped[IdPk]
    kind: Mapped[ExportKind]
    status: Mapped[ExportStatus] = mapped_column(default=ExportStatus.PENDING)
    description: Mapped[str | None] = mapped_column(String(500))
    list_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contact_lists.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    parameters: Mapped[dict] = mapped_column(default=dict)  # status, rules, segment, the attribute columns
    requested_by: Mapped[str | None] = mapped_column(String(320))  # the principal's subject (a user's email, a token's name)
    requested_by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    total_rows: Mapped[int] = mapped_column(default=0)
    rows_written: Mapped[int] = mapped_column(default=0)
    chunks: Mapped[int] = mapped_column(default=0)
    checkpoint: Mapped[int] = mapped_column(BigId, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class ExportChunk(TenantScoped, Base):
    """Part `seq` of an export's CSV (UTF-8); the file is the chunks in `seq` order, the first one with the header."""

    __tablename__ = "export_chunks"
    __table_args__ = (UniqueConstraint("export_id", "seq"),)

    id: Mapped[IdPk]
    export_id: Mapped[int] = mapped_column(BigId, ForeignKey("exports.id", ondelete="CASCADE"))
    seq: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
