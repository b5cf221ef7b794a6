"""Confirming an email sender's address: a mail with a signed confirmation id to the address, then `confirm`.

- `send_confirmation` queues the mail through the normal pipeline (`queue_message`, delivered by the workers).
  When the brand configures a sender_confirm system email for the sender's language (domain.brands.system_emails),
  its template is rendered with `confirmation_id`, `sender_name` and `sender_email`, from its sender; otherwise a
  plain mail from the tenant's default sender carries the id. `settings.last_confirmation_sent_on` keeps when.
- The confirmation id is `{sender id}.{HMAC-SHA256 of tenant, sender and address, with SECRET_KEY}`: it needs no
  storage and stops verifying when the sender is deleted (or SECRET_KEY changes). Knowing it is the proof:
  `confirm` needs no credential, as the owner of the address may not have one.
- A confirmed sender gets no more confirmation mail (SENDER_ALREADY_CONFIRMED); confirming again changes nothing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands import system_emails
from domain.brands.models import Brand, Channel, Sender
from domain.brands.service import verify_sender
from domain.common import get_or_raise
from domain.db import utcnow
from domain.errors import InvalidTransition, NotFound
from domain.messaging.models import Message
from domain.messaging.service import queue_message
from domain.templates.models import Template
from domain.tenants.models import Tenant

_ID = re.compile(r"[1-9][0-9]{0,18}")


def _signature(secret_key: str, sender: Sender) -> str:
    key = hmac.new(secret_key.encode(), b"sendgraph/sender-confirmation/v1", hashlib.sha256).digest()
    signed = f"{sender.tenant_id}\x00{sender.id}\x00{sender.address}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, signed, hashlib.sha256).digest()[:18]).decode()


def confirmation_id(secret_key: str, sender: Sender) -> str:
    return f"{sender.id}.{_signature(secret_key, sender)}"


async def send_confirmation(session: AsyncSession, *, sender_id: int, secret_key: str) -> tuple[Sender, Message]:
    sender = await get_or_raise(session, Sender, sender_id, what="Sender")
    if sender.channel is not Channel.EMAIL:
        raise InvalidTransition("Only email senders are confirmed by mail", code="SENDER_NOT_EMAIL", field="id")
    if sender.verified:
        raise InvalidTransition(f"Sender {sender.id} is already confirmed", code="SENDER_ALREADY_CONFIRMED", field="id")
    tenant = await get_or_raise(session, Tenant, sender.tenant_id, what="Tenant")
    language = (sender.settings or {}).get("language")
    brand = sender.brand_id and await session.get(Brand, sender.brand_id)
    configured = system_emails.for_language(
        await system_emails.system_emails(session, tenant_id=tenant.id, brand=brand.slug if brand else "default"), "sender_confirm", language)
    token = confirmation_id(secret_key, sender)
    data = {"confirmation_id": token, "sender_name": sender.name or "", "sender_email": sender.address, "account": tenant.name}
    from_address = None  # queue_message's default: the tenant's default sender
    if configured and configured.sender_id:
        own = await session.get(Sender, configured.sender_id)
        if own is not None:
            from_address = f"{own.name} <{own.address}>" if own.name else own.address
    if configured and configured.template_id and await session.get(Template, configured.template_id) is not None:
        message = await queue_message(session, tenant_id=tenant.id, channel=Channel.EMAIL, to=sender.address, template_id=configured.template_id,
                                      data=data, sender=from_address, language=language)
    else:
        message = await queue_message(
            session, tenant_id=tenant.id, channel=Channel.EMAIL, to=sender.address, sender=from_address, data=data,
            subject="Confirm {{ sender_email }} as a sender",
            text=("Someone added {{ sender_email }} as a sender of {{ account }}.\n\n"
                  "If that was you, confirm it with this confirmation id:\n\n{{ confirmation_id }}\n\nOtherwise, ignore this mail.\n"),
        )
    sender.settings = {**(sender.settings or {}), "last_confirmation_sent_on": int(utcnow().timestamp())}
    await session.flush()
    return sender, message


async def confirm(session: AsyncSession, *, token: str, secret_key: str) -> Sender:
    """The sender the confirmation id names, now verified. The caller's session must be able to read it (the id is the credential)."""
    id_part, dot, signature = (token or "").strip().partition(".")
    sender = None
    if dot and _ID.fullmatch(id_part):
        sender = (await session.execute(select(Sender).where(Sender.id == int(id_part)))).scalar_one_or_none()
    if sender is None or not hmac.compare_digest(_signature(secret_key, sender).encode(), signature.encode()):
        raise NotFound("This confirmation id is not valid, or no longer is", code="CONFIRMATION_NOT_FOUND", field="confirmation_id")
    return await verify_sender(session, sender_id=sender.id)
