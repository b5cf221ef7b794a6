"""Consents with double opt-in (Doxie MPM): a consent purpose is a ContactList with `double_opt_in`,
a consent is the contact's ListMember on it.

- Initiating puts the member PENDING and sends the DOI mail: a mailer event (the request's, else the
  list's `settings.doi_event`) triggered in a process of kind `doi`, whose payload carries the
  `confirmation_url` and the consent's `identifier` (the ListMember id). An already confirmed consent
  is left as it is and no mail goes out.
- Following the link confirms: PENDING → SUBSCRIBED (`subscribed_at` = the confirmation time), and a
  `doi.confirmed` webhook {identifier, timestamp, ipAddress}. Confirming again changes nothing; a
  consent revoked in the meantime cannot be confirmed.
- Revoking makes one consent of the contact, or all of them, UNSUBSCRIBED.

Confirmation links carry `{member id}.{signature}` (HMAC-SHA256 with a key derived from SECRET_KEY,
for this purpose only), so they need no table and no login.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.contacts import service as contacts
from domain.contacts.models import Contact, ContactList, ListMember, SubscriptionStatus
from domain.db import utcnow
from domain.errors import Invalid, InvalidTransition, NotFound
from domain.events.models import EventType
from domain.messaging.models import Process
from domain.messaging.service import trigger_event
from domain.validation import normalize_email, normalize_phone
from domain.webhooks import payloads, service as webhooks

DOI_KIND = "doi"  # Process.kind of a DOI mail
DOI_EVENT = "doi_event"  # ContactList.settings key: the slug of the mailer event that sends the DOI mail
OPEN = (SubscriptionStatus.PENDING, SubscriptionStatus.SUBSCRIBED)
_ID = re.compile(r"[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class ConfirmationLinks:
    secret_key: str
    public_url: str

    def url(self, member_id: int) -> str:
        return f"{self.public_url.rstrip('/')}/doi/{make_token(self.secret_key, member_id)}"


def _signature(secret_key: str, member_id: int) -> str:
    key = hmac.new(secret_key.encode(), b"sendgraph/consent-links/v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, str(member_id).encode(), hashlib.sha256).digest()[:18]).decode()


def make_token(secret_key: str, member_id: int) -> str:
    return f"{int(member_id)}.{_signature(secret_key, int(member_id))}"


def verify_token(secret_key: str, token: str) -> int | None:
    """The consent (ListMember id) a confirmation token names, or None when we did not make it."""
    id_part, dot, signature = (token or "").partition(".")
    if not dot or not _ID.fullmatch(id_part):
        return None
    expected = _signature(secret_key, int(id_part))
    return int(id_part) if hmac.compare_digest(expected.encode(), signature.encode()) else None


async def _contact(session: AsyncSession, *, tenant_id: int, email: str | None, phone: str | None, create: bool) -> Contact | None:
    if not (email or phone):
        raise Invalid("An email or a phone is needed", code="REQUIRED", field="email")
    email = normalize_email(email).lower() if email else None
    phone = normalize_phone(phone) if phone else None
    condition = Contact.email == email if email else Contact.phone == phone
    contact = (await session.execute(select(Contact).where(Contact.tenant_id == tenant_id, condition).order_by(Contact.id))).scalars().first()
    if contact is None and create:
        contact = await contacts.create_contact(session, tenant_id=tenant_id, email=email, phone=phone)
    return contact


async def _purpose(session: AsyncSession, *, tenant_id: int, list_id: int) -> ContactList:
    purpose = await get_or_raise(session, ContactList, list_id, what="Consent purpose", field="listId")
    if purpose.tenant_id != tenant_id:
        raise NotFound(f"Consent purpose {list_id} not found", field="listId")
    if not purpose.double_opt_in:
        raise Invalid(f"List {purpose.name!r} is not a double opt-in list", code="NOT_DOUBLE_OPT_IN", field="listId")
    return purpose


async def initiate(
    session: AsyncSession, *, tenant_id: int, list_id: int, links: ConfirmationLinks, email: str | None = None,
    phone: str | None = None, event_slug: str | None = None, payload: dict | None = None,
) -> tuple[ListMember, Process | None]:
    """The consent, PENDING with its DOI mail queued (the process), or already confirmed (no process)."""
    if payload is not None and not isinstance(payload, dict):
        raise Invalid("payload must be an object", field="payload")
    purpose = await _purpose(session, tenant_id=tenant_id, list_id=list_id)
    event_slug = event_slug or (purpose.settings or {}).get(DOI_EVENT)
    if not event_slug:
        raise Invalid(f"No DOI mail event: give eventSlug, or set {DOI_EVENT} in the list's settings", code="DOI_EVENT_REQUIRED", field="eventSlug")
    contact = await _contact(session, tenant_id=tenant_id, email=email, phone=phone, create=True)
    member = (await session.execute(
        select(ListMember).where(ListMember.list_id == purpose.id, ListMember.contact_id == contact.id))).scalar_one_or_none()
    if member is not None and member.status is SubscriptionStatus.SUBSCRIBED:
        return member, None
    member = await contacts.subscribe(session, list_id=purpose.id, contact_id=contact.id, status=SubscriptionStatus.PENDING)
    mail = {**(payload or {}), "email": contact.email, "phone": contact.phone, "identifier": member.id,
            "purpose": purpose.name, "confirmation_url": links.url(member.id)}
    process, _ = await trigger_event(session, tenant_id=tenant_id, event_slug=event_slug, payload=mail, type=EventType.MAILER, kind=DOI_KIND)
    return member, process


async def confirm(session: AsyncSession, *, member_id: int, ip_address: str | None = None) -> ListMember:
    member = await get_or_raise(session, ListMember, member_id, what="Consent")
    if member.status is SubscriptionStatus.SUBSCRIBED:
        return member
    if member.status is not SubscriptionStatus.PENDING:
        raise InvalidTransition("This consent was revoked and can no longer be confirmed", code="CONSENT_NOT_PENDING")
    member.status = SubscriptionStatus.SUBSCRIBED
    member.subscribed_at = utcnow()
    member.unsubscribed_at = None
    await session.flush()
    webhooks.emit(session, tenant_id=member.tenant_id, event=payloads.DOI_CONFIRMED, payload={
        "identifier": member.id, "timestamp": payloads.timestamp(member.subscribed_at), "ipAddress": ip_address})
    return member


async def revoke(
    session: AsyncSession, *, tenant_id: int, email: str | None = None, phone: str | None = None, list_id: int | None = None
) -> list[ListMember]:
    """One consent (`list_id`) or every open consent of the contact, UNSUBSCRIBED; returns those revoked."""
    contact = await _contact(session, tenant_id=tenant_id, email=email, phone=phone, create=False)
    if contact is None:
        raise NotFound("No contact with that email or phone", code="CONTACT_NOT_FOUND", field="email" if email else "phone")
    query = select(ListMember).where(ListMember.contact_id == contact.id, ListMember.status.in_(OPEN))
    if list_id is not None:
        await _purpose(session, tenant_id=tenant_id, list_id=list_id)
        query = query.where(ListMember.list_id == list_id)
    members = list((await session.execute(query.order_by(ListMember.id))).scalars())
    if list_id is not None and not members:
        raise NotFound(f"The contact has no open consent for purpose {list_id}", code="CONSENT_NOT_FOUND", field="listId")
    now = utcnow()
    for member in members:
        member.status = SubscriptionStatus.UNSUBSCRIBED
        member.unsubscribed_at = now
    await session.flush()
    return members
