"""Who must not be sent to: suppressed addresses and contacts unsubscribed from a campaign's list.

- A suppressed address (a `Suppression` of the tenant; email addresses lower-cased, phones E.164)
  receives nothing from that tenant, transactional or campaign: the message ends FAILED with
  error code SUPPRESSED. Hard bounces, complaints, manual entries (and unsubscribing from a
  message that has no list) suppress.
- A campaign message whose contact is UNSUBSCRIBED from the campaign's list (its own list, else its
  segment's list) ends FAILED with error code UNSUBSCRIBED: the launch skips unsubscribed members,
  this catches those who left after their message was queued.
The worker checks both for a whole batch in one query (`blocked`) just before rendering.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, func, literal_column, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign
from domain.common import get_or_raise
from domain.contacts.models import ListMember, Segment, SubscriptionStatus, Suppression
from domain.db import utcnow
from domain.errors import Invalid, NotFound
from domain.messaging.models import Message, MessageEvent, MessageEventType
from domain.tenants.models import Tenant
from domain.validation import normalize_email, normalize_phone

SUPPRESSED = "SUPPRESSED"
UNSUBSCRIBED = "UNSUBSCRIBED"
REASONS = ("manual", "hard_bounce", "complaint", "unsubscribe")


def normalize_address(address: str, *, field: str = "address") -> str:
    """How a suppressed address is stored and compared: a lower-cased email, or a phone in E.164."""
    address = (address or "").strip()
    if "@" in address:
        return normalize_email(address, field=field).lower()
    return normalize_phone(address, field=field)


def _campaign_list_id():
    return func.coalesce(Campaign.list_id, Segment.list_id)


async def blocked(session: AsyncSession, messages: list[Message]) -> dict[int, str]:
    """Message id -> SUPPRESSED or UNSUBSCRIBED for the messages that must not be sent; one query."""
    ids = [m.id for m in messages]
    if not ids:
        return {}
    suppressed = (
        select(Message.id.label("message_id"), literal_column(f"'{SUPPRESSED}'").label("code"))
        .join(Suppression, and_(Suppression.tenant_id == Message.tenant_id, Suppression.address == func.lower(Message.recipient)))
        .where(Message.id.in_(ids))
    )
    unsubscribed = (
        select(Message.id.label("message_id"), literal_column(f"'{UNSUBSCRIBED}'").label("code"))
        .join(Campaign, Campaign.id == Message.campaign_id)
        .outerjoin(Segment, Segment.id == Campaign.segment_id)
        .join(ListMember, and_(ListMember.contact_id == Message.contact_id, ListMember.list_id == _campaign_list_id()))
        .where(Message.id.in_(ids), ListMember.status == SubscriptionStatus.UNSUBSCRIBED)
    )
    codes: dict[int, str] = {}
    for message_id, code in (await session.execute(union_all(suppressed, unsubscribed))).all():
        if codes.get(message_id) != SUPPRESSED:  # suppression is the stronger reason
            codes[message_id] = code
    return codes


def reason_text(code: str, recipient: str) -> str:
    if code == SUPPRESSED:
        return f"{recipient} is on the tenant's suppression list"
    return f"{recipient} unsubscribed from the campaign's list"


async def suppress(session: AsyncSession, tenant_id: int, address: str, reason: str) -> Suppression:
    """Suppress an address for a tenant; suppressing it again keeps the first entry (and its reason)."""
    if reason not in REASONS:
        raise Invalid(f"reason must be one of {', '.join(REASONS)}", code="INVALID_REASON", field="reason")
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    address = normalize_address(address)
    existing = await _find(session, tenant_id, address)
    if existing is not None:
        return existing
    entry = Suppression(tenant_id=tenant_id, address=address, reason=reason)
    try:
        async with session.begin_nested():  # another request may suppress the same address right now
            session.add(entry)
    except IntegrityError:
        existing = await _find(session, tenant_id, address)
        if existing is None:
            raise
        return existing
    return entry


async def unsuppress(session: AsyncSession, tenant_id: int, address: str) -> Suppression:
    """Lift a suppression; the removed entry is returned."""
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    address = normalize_address(address)
    entry = await _find(session, tenant_id, address)
    if entry is None:
        raise NotFound(f"{address} is not suppressed", code="NOT_SUPPRESSED", field="address")
    await session.execute(delete(Suppression).where(Suppression.id == entry.id))
    return entry


async def _find(session: AsyncSession, tenant_id: int, address: str) -> Suppression | None:
    return (
        await session.execute(select(Suppression).where(Suppression.tenant_id == tenant_id, Suppression.address == address))
    ).scalar_one_or_none()


async def unsubscribe(session: AsyncSession, message: Message) -> bool:
    """The recipient of `message` asked to stop (List-Unsubscribe, the unsubscribe page).

    A campaign message's contact is UNSUBSCRIBED from the campaign's list; a message without a list
    (transactional, or a campaign without a list) suppresses its address with reason `unsubscribe`.
    The message gets an UNSUBSCRIBED event. Asking again changes nothing (returns False).
    """
    list_id = None
    if message.campaign_id is not None and message.contact_id is not None:
        list_id = (
            await session.execute(
                select(_campaign_list_id()).select_from(Campaign).outerjoin(Segment, Segment.id == Campaign.segment_id)
                .where(Campaign.id == message.campaign_id)
            )
        ).scalar_one_or_none()
    if list_id is not None:
        member = (
            await session.execute(
                select(ListMember).where(ListMember.list_id == list_id, ListMember.contact_id == message.contact_id).with_for_update()
            )
        ).scalar_one_or_none()
        if member is not None and member.status is SubscriptionStatus.UNSUBSCRIBED:
            return False
        if member is None:
            member = ListMember(tenant_id=message.tenant_id, list_id=list_id, contact_id=message.contact_id)
            session.add(member)
        member.status = SubscriptionStatus.UNSUBSCRIBED
        member.unsubscribed_at = utcnow()
        detail = {"list_id": list_id, "contact_id": message.contact_id}
    else:
        address = message.recipient.lower()
        if await _find(session, message.tenant_id, address) is not None:
            return False
        await suppress(session, message.tenant_id, address, "unsubscribe")
        detail = {"suppressed": address}
    session.add(MessageEvent(tenant_id=message.tenant_id, message_id=message.id, type=MessageEventType.UNSUBSCRIBED, detail=detail))
    await session.flush()
    return True
