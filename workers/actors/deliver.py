"""Deliver queued messages: claim, render, send through the configured transport, record the outcome."""
from __future__ import annotations

import logging

import dramatiq

from app.settings import get_settings
from domain.brands.models import Channel
from domain.messaging import delivery
from workers.broker import broker  # noqa: F401  (the broker must exist before actors are declared)
from workers.runtime import system_session, transport
from workers.transports import OutgoingEmail, OutgoingSms, TransportError

log = logging.getLogger(__name__)


class TransientDeliveryError(Exception):
    """Raised after releasing messages back to QUEUED, so Dramatiq retries them with backoff."""


@dramatiq.actor(max_retries=8, min_backoff=1_000, max_backoff=300_000)
async def deliver_messages(message_ids: list[int]) -> None:
    domain = get_settings().message_id_domain
    async with system_session() as session:
        messages = await delivery.claim(session, message_ids)
        await session.commit()  # claimed: no other worker will send these
        if not messages:
            return
        prepared = await delivery.prepare(session, messages)
        transient = []
        for item in prepared:
            if item.content is None:
                continue  # rendering failed; already FAILED
            message = item.message
            try:
                provider_id = await _send(message, item.content, domain)
            except TransportError as exc:
                if exc.permanent:
                    delivery.mark_failed(session, message, code="REJECTED", reason=exc.reason)
                else:
                    delivery.release(message, reason=exc.reason)
                    transient.append(message.id)
                continue
            delivery.mark_sent(session, message, provider_message_id=provider_id)
        await session.commit()
    if transient:
        raise TransientDeliveryError(f"{len(transient)} message(s) will be retried: {transient}")


async def _send(message, content, domain: str) -> str:
    message_id = delivery.message_id_header(message, domain)
    if message.channel is Channel.EMAIL:
        return await transport().send_email(
            OutgoingEmail(
                message_id=message_id, sender=message.sender, to=message.recipient, subject=content.subject or "",
                html=content.html, text=content.text, headers=message.headers or {}, reply_to=message.reply_to,
            )
        )
    return await transport().send_sms(OutgoingSms(message_id=message_id, sender=message.sender, to=message.recipient, text=content.text or ""))
