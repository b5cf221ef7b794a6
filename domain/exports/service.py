"""Export tasks: request one (the row and its `build_export` job commit together), read, delete, download.

A contacts export reads a list's members (any status, or the one asked for), narrowed like a segment: by a
segment of that list (its subscribed members that match its rules, as a campaign on it would reach), or by a
condition written in one of the segment languages (sql, fiql, json), or by one email address. A campaign log
export reads every event of the campaign's messages. The worker writes the CSV (domain.exports.builder); it can
be downloaded until `expires_at` (EXPIRY after the request), through a signed link (domain.exports.links).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete as sql_delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign
from domain.common import get_or_raise
from domain.contacts import attribute_definitions, audience, segments
from domain.contacts.models import Contact, ContactList, ListMember, Segment, SubscriptionStatus
from domain.db import utcnow
from domain.errors import Invalid, InvalidTransition, NotFound
from domain.exports.models import Export, ExportKind, ExportStatus
from domain.identity.models import User
from domain.messaging.models import Message, MessageEvent
from domain.outbox import defer
from domain.validation import check_length

EXPIRY = timedelta(days=7)
JOB = "build_export"


async def _requester(session: AsyncSession, requested_by: str | None, is_user: bool) -> int | None:
    if not is_user or not requested_by:
        return None
    return (await session.execute(select(User.id).where(User.email == requested_by))).scalar_one_or_none()


def _contacts_query(*, list_id: int, parameters: dict):
    """(ListMember, Contact) rows of the export, unordered: the builder pages them by contact id, the request counts them."""
    query = (select(ListMember, Contact).join(Contact, Contact.id == ListMember.contact_id)
             .where(ListMember.list_id == list_id, *audience.conditions(parameters.get("rules") or [])))
    if parameters.get("status"):
        query = query.where(ListMember.status == SubscriptionStatus[parameters["status"]])
    return query


def _events_query(*, campaign_id: int):
    """(MessageEvent, Message) rows of the campaign's log, unordered (paged by event id)."""
    return select(MessageEvent, Message).join(Message, Message.id == MessageEvent.message_id).where(Message.campaign_id == campaign_id)


def rows_query(export: Export):
    if export.kind is ExportKind.CONTACTS:
        return _contacts_query(list_id=export.list_id, parameters=export.parameters)
    return _events_query(campaign_id=export.campaign_id)


async def _contacts_parameters(session: AsyncSession, contact_list: ContactList, *, status: SubscriptionStatus | None, segment_id: int | None,
                               condition_language: str | None, condition: str | None, email: str | None) -> dict:
    rules: list[dict] = []
    if segment_id is not None:
        if condition is not None or condition_language is not None:
            raise Invalid("Give a segment or a condition, not both", code="INVALID_EXPORT_FILTER", field="segmentId")
        segment = await get_or_raise(session, Segment, segment_id, what="Segment", field="segmentId")
        if segment.list_id != contact_list.id:
            raise NotFound(f"Segment {segment_id} is not a segment of list {contact_list.id}", code="SEGMENT_NOT_FOUND", field="segmentId")
        if status not in (None, SubscriptionStatus.SUBSCRIBED):
            raise Invalid("A segment holds subscribed members only", code="INVALID_EXPORT_FILTER", field="status")
        rules, status = list(segment.rules), SubscriptionStatus.SUBSCRIBED
    elif condition is not None or condition_language is not None:
        rules = segments.rules_for(condition_language or "", condition or "", field="condition")
    if email is not None:
        rules.append({"field": "email", "op": "eq", "value": email.strip().lower()})
    names = [d["name"] for d in await attribute_definitions.all_definitions(session, list_id=contact_list.id)]
    return {"status": status.name if status else None, "segment_id": segment_id, "condition_language": condition_language,
            "condition": condition, "email": email, "rules": rules, "attributes": names}


async def create(
    session: AsyncSession, *, kind: ExportKind, list_id: int | None = None, campaign_id: int | None = None, description: str | None = None,
    status: SubscriptionStatus | None = None, segment_id: int | None = None, condition_language: str | None = None,
    condition: str | None = None, email: str | None = None, requested_by: str | None = None, requested_by_user: bool = False,
) -> Export:
    """A PENDING export and its `build_export` job, in the caller's transaction (commit both, or neither)."""
    check_length(description, field="description", max_length=500)
    now = utcnow()
    export = Export(kind=kind, status=ExportStatus.PENDING, description=description, requested_by=requested_by,
                    requested_by_user_id=await _requester(session, requested_by, requested_by_user), expires_at=now + EXPIRY,
                    created_at=now, updated_at=now)
    if kind is ExportKind.CONTACTS:
        if list_id is None:
            raise Invalid("A contacts export needs a list", code="REQUIRED", field="listId")
        if campaign_id is not None:
            raise Invalid("A contacts export reads a list, not a campaign", code="INVALID_EXPORT_FILTER", field="campaignId")
        contact_list = await get_or_raise(session, ContactList, list_id, what="List", field="listId")
        export.tenant_id, export.list_id = contact_list.tenant_id, contact_list.id
        export.parameters = await _contacts_parameters(session, contact_list, status=status, segment_id=segment_id,
                                                       condition_language=condition_language, condition=condition, email=email)
    else:
        if campaign_id is None:
            raise Invalid("A campaign log export needs a campaign", code="REQUIRED", field="campaignId")
        if any(v is not None for v in (list_id, status, segment_id, condition_language, condition, email)):
            raise Invalid("A campaign log export takes no list or contact filter", code="INVALID_EXPORT_FILTER", field="listId")
        campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
        export.tenant_id, export.campaign_id, export.parameters = campaign.tenant_id, campaign.id, {}
    counted = rows_query(export).order_by(None).subquery()
    export.total_rows = (await session.execute(select(func.count()).select_from(counted))).scalar_one()
    session.add(export)
    await session.flush()
    defer(session, JOB, export_id=export.id)
    return export


async def get(session: AsyncSession, *, export_id: int) -> Export:
    return await get_or_raise(session, Export, export_id, what="Export")


async def delete(session: AsyncSession, *, export_id: int) -> Export:
    """The export and its file; a worker still building it finds nothing and stops."""
    export = await get(session, export_id=export_id)
    await session.delete(export)
    await session.flush()
    return export


def progress(export: Export) -> int:
    """Percent of the rows written; 100 only once the file is complete (rows added since the request may overshoot)."""
    if export.status is ExportStatus.DONE:
        return 100
    if not export.total_rows:
        return 0
    return min(99, export.rows_written * 100 // export.total_rows)


def check_downloadable(export: Export, *, now: datetime | None = None) -> Export:
    if export.status is ExportStatus.FAILED:
        raise InvalidTransition(f"Export {export.id} failed: {export.error or 'unknown error'}", code="EXPORT_NOT_BUILT", field="id")
    if export.status is not ExportStatus.DONE:
        raise InvalidTransition(f"Export {export.id} is not ready yet ({progress(export)}% written)", code="EXPORT_NOT_READY", field="id")
    if export.expires_at <= (now or utcnow()):
        raise InvalidTransition(f"Export {export.id} expired on {export.expires_at.isoformat()}", code="EXPORT_NOT_AVAILABLE", field="id")
    return export


async def downloadable(session: AsyncSession, *, export_id: int) -> Export:
    return check_downloadable(await get(session, export_id=export_id))


async def purge_expired(session: AsyncSession) -> int:
    """Expired exports and their files (the database cascades to the chunks); run by the scheduler."""
    result = await session.execute(sql_delete(Export).where(Export.expires_at <= utcnow()))
    await session.commit()
    return result.rowcount or 0
