"""Deliver queued messages: claim a few at a time, render, send through the configured transport,
and commit each outcome before the next send.

Committing every outcome before the next send (under a per-process lock) bounds what a killed
worker can send twice to the one message whose SMTP transaction had finished but whose SENT was
not yet stored; everything it had claimed but not sent is recovered by the scheduler.
"""
from __future__ import annotations

from datetime import timedelta

import dramatiq

from app.settings import get_settings
from domain.brands import dkim
from domain.brands.models import Channel
from domain.campaigns import launch
from domain.messaging import delivery
from domain.messaging.links import Links
from domain.webhooks import service as webhooks
from workers.broker import broker  # noqa: F401  (the broker must exist before actors are declared)
from workers.runtime import send_lock, system_session, tenant_rate_limiter, transport
from workers.transports import OutgoingEmail, OutgoingSms, TransportError

CLAIM_BATCH = 20  # claimed just before sending, so nothing sits in SENDING for long


@dramatiq.actor(max_retries=3, min_backoff=1_000)
async def deliver_messages(message_ids: list[int]) -> None:
    settings = get_settings()
    for start in range(0, len(message_ids), CLAIM_BATCH):
        async with system_session() as session:
            messages = await delivery.claim(session, message_ids[start:start + CLAIM_BATCH])
            if not messages:
                await session.commit()
                continue
            await webhooks.note_subscribers(session, {m.tenant_id for m in messages})
            prepared = await delivery.prepare(session, messages, links=Links(settings.secret_key, settings.public_url))
            await session.commit()  # claimed, so no other worker sends these; rendering failures recorded
            rates = await delivery.send_rates(session, {m.tenant_id for m in messages})
            keys = await dkim.signing_keys(session, [m for m in messages if m.channel is Channel.EMAIL], secret_key=settings.secret_key)
            for item in prepared:
                if item.content is not None:
                    await _deliver_one(session, item, settings, rates.get(item.message.tenant_id), keys.get(item.message.id))
            await launch.finish_if_done(session, campaign_ids={m.campaign_id for m in messages if m.campaign_id})
            await session.commit()


async def _deliver_one(session, item: delivery.Prepared, settings, rate: int | None, signing: dkim.SigningKey | None = None) -> None:
    message = item.message
    if rate is not None:
        with tenant_rate_limiter(message.tenant_id, rate).acquire(raise_on_failure=False) as allowed:
            if not allowed:
                delivery.postpone(session, message, delay=timedelta(seconds=1))
                await session.commit()
                return
    async with send_lock():
        try:
            provider_id = await _send(message, item.content, settings.message_id_domain, item.headers, signing)
        except TransportError as exc:
            if exc.permanent:
                delivery.mark_failed(session, message, code="REJECTED", reason=exc.reason)
            else:
                delivery.retry_later(session, message, reason=exc.reason, max_attempts=settings.max_attempts)
        else:
            delivery.mark_sent(session, message, provider_message_id=provider_id)
        await session.commit()


async def _send(message, content, domain: str, headers: dict[str, str] | None = None, signing: dkim.SigningKey | None = None) -> str:
    message_id = delivery.message_id_header(message, domain)
    if message.channel is Channel.EMAIL:
        return await transport().send_email(
            OutgoingEmail(
                message_id=message_id, sender=message.sender, to=message.recipient, subject=content.subject or "",
                html=content.html, text=content.text, headers=message.headers or {} if headers is None else headers, reply_to=message.reply_to,
                dkim=signing,
            )
        )
    text = OutgoingSms(message_id=message_id, sender=message.sender, to=message.recipient, text=content.text or "")
    send = {Channel.SMS: transport().send_sms, Channel.PUSH: transport().send_push, Channel.RCS: transport().send_rcs}[message.channel]
    return await send(text)
