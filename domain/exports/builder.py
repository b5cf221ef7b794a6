"""Writing an export's CSV, one chunk per transaction, and reading it back chunk by chunk.

`build_next_chunk` locks the export row, writes the next CHUNK_ROWS rows after its checkpoint as one ExportChunk
and moves the checkpoint, in one transaction: a killed worker resumes where the last commit left off, and two
workers running the same job take turns instead of writing a row twice. Neither side ever holds the whole file.

Columns use the graph's vocabulary (SubscriptionStatus, MessageEventType names; ISO 8601 times in UTC):
- contacts: id, email, status, subscribed_at, unsubscribed_at, first_name, last_name, phone, language, tags,
  interests (";"-separated), one column per custom attribute the list declared when the export was requested, and
  `other_attributes`: the contact's other attributes as a JSON object (empty when there are none);
- campaign log: id (the event's), occurred_at, type, email, contact_id, message_id, url (a click's), user_agent,
  detail (the event's other details as JSON).
"""
from __future__ import annotations

import csv
import io
import json
import logging
from datetime import datetime
from typing import AsyncIterator, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.contacts.models import Contact, ListMember
from domain.db import utcnow
from domain.exports.models import Export, ExportChunk, ExportKind, ExportStatus
from domain.exports.service import rows_query
from domain.messaging.models import Message, MessageEvent

log = logging.getLogger(__name__)
CHUNK_ROWS = 500
CONTACT_COLUMNS = ["id", "email", "status", "subscribed_at", "unsubscribed_at", "first_name", "last_name", "phone", "language", "tags", "interests"]
EVENT_COLUMNS = ["id", "occurred_at", "type", "email", "contact_id", "message_id", "url", "user_agent", "detail"]


def header(export: Export) -> list[str]:
    if export.kind is ExportKind.CONTACTS:
        return [*CONTACT_COLUMNS, *(export.parameters.get("attributes") or []), "other_attributes"]
    return EVENT_COLUMNS


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _contact_row(export: Export, member: ListMember, contact: Contact) -> list[str]:
    declared = export.parameters.get("attributes") or []
    attributes = dict(contact.attributes or {})
    values = [_text(attributes.pop(name, None)) for name in declared]
    return [str(contact.id), contact.email or "", member.status.name, _iso(member.subscribed_at), _iso(member.unsubscribed_at),
            contact.first_name or "", contact.last_name or "", contact.phone or "", contact.language or "",
            ";".join(map(str, contact.tags or [])), ";".join(map(str, contact.interests or [])), *values,
            json.dumps(attributes, ensure_ascii=False, sort_keys=True) if attributes else ""]


def _event_row(event: MessageEvent, message: Message) -> list[str]:
    detail = dict(event.detail or {})
    url, agent = detail.pop("url", None), detail.pop("user_agent", None)
    return [str(event.id), _iso(event.occurred_at), event.type.name, message.recipient, str(message.contact_id or ""), str(message.id),
            _text(url), _text(agent), json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""]


async def _next_rows(session: AsyncSession, export: Export) -> tuple[list[list[str]], int]:
    """The next rows after the checkpoint, and the new checkpoint."""
    key = Contact.id if export.kind is ExportKind.CONTACTS else MessageEvent.id
    query = rows_query(export).where(key > export.checkpoint).order_by(key).limit(CHUNK_ROWS)
    rows = (await session.execute(query)).all()
    if export.kind is ExportKind.CONTACTS:
        return [_contact_row(export, member, contact) for member, contact in rows], (rows[-1][1].id if rows else export.checkpoint)
    return [_event_row(event, message) for event, message in rows], (rows[-1][0].id if rows else export.checkpoint)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


async def build_next_chunk(session: AsyncSession, *, export_id: int) -> bool:
    """Write the next chunk and commit; True while more remain. An export deleted, done or failed is left alone."""
    export = (await session.execute(select(Export).where(Export.id == export_id).with_for_update().execution_options(populate_existing=True))).scalar_one_or_none()
    if export is None or export.status in (ExportStatus.DONE, ExportStatus.FAILED):
        await session.rollback()
        return False
    rows, checkpoint = await _next_rows(session, export)
    lines = [header(export), *rows] if export.chunks == 0 else rows
    if lines:
        session.add(ExportChunk(tenant_id=export.tenant_id, export_id=export.id, seq=export.chunks, data=_csv(lines)))
        export.chunks += 1
    export.rows_written += len(rows)
    written = len(rows)
    export.checkpoint = checkpoint
    more = written == CHUNK_ROWS
    export.status = ExportStatus.RUNNING if more else ExportStatus.DONE
    if not more:
        export.finished_at = utcnow()
    await session.commit()
    return more


async def fail(session: AsyncSession, *, export_id: int, error: str) -> None:
    export = (await session.execute(select(Export).where(Export.id == export_id).with_for_update().execution_options(populate_existing=True))).scalar_one_or_none()
    if export is not None and export.status is not ExportStatus.DONE:
        export.status, export.error, export.finished_at = ExportStatus.FAILED, error[:2000], utcnow()
    await session.commit()


async def chunks(session: AsyncSession, export: Export) -> AsyncIterator[bytes]:
    """The CSV, one stored chunk at a time."""
    for seq in range(export.chunks):
        data = (await session.execute(select(ExportChunk.data).where(ExportChunk.export_id == export.id, ExportChunk.seq == seq))).scalar_one_or_none()
        if data is None:  # deleted while being read
            return
        yield data
