"""The delivery side of a message's life: claim, render, record the outcome.

Workers call these; they hold the rules of the status machine
QUEUED -> SENDING -> SENT | FAILED (and CANCELLED before it is claimed, or when a scheduled
message's condition no longer holds as it is claimed).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns.models import Campaign, CampaignKind, CampaignStatus, CampaignStep
from domain.contacts import suppression
from domain.db import utcnow
from domain.errors import DomainError
from domain.events import schedules
from domain.outbox import defer
from domain.messaging import tracking
from domain.messaging.links import Links
from domain.messaging.models import Message, MessageEvent, MessageEventType, MessageStatus
from domain.rendering import Rendered, render
from domain.templates.models import Dictionary, Template
from domain.tenants.models import Tenant
from domain.webhooks import service as webhooks


@dataclass(frozen=True)
class Prepared:
    message: Message
    content: Rendered | None  # None when it is not to be sent (the message is then already FAILED or CANCELLED)
    # Extra headers to send: the message's own, plus List-Unsubscribe on campaign email.
    headers: dict[str, str] = field(default_factory=dict)


def _suspended_campaigns():
    return select(Campaign.id).where(Campaign.status == CampaignStatus.SUSPENDED)


def message_id_header(message: Message, domain: str) -> str:
    """Stable across retries, so downstream systems can de-duplicate."""
    return f"<msg-{message.id}.t{message.tenant_id}@{domain}>"


async def claim(session: AsyncSession, message_ids: list[int]) -> list[Message]:
    """Atomically move QUEUED -> SENDING; a message another worker claimed, or cancelled, is skipped.

    Messages of a suspended campaign, and messages scheduled for later, stay QUEUED: resuming
    (or the retry's own job) delivers them.
    """
    if not message_ids:
        return []
    now = utcnow()
    claimed = (
        await session.execute(
            update(Message)
            .where(Message.id.in_(message_ids), Message.status == MessageStatus.QUEUED)
            .where(or_(Message.campaign_id.is_(None), Message.campaign_id.not_in(_suspended_campaigns())))
            .where(or_(Message.scheduled_at.is_(None), Message.scheduled_at <= now))
            .values(status=MessageStatus.SENDING, attempts=Message.attempts + 1, updated_at=utcnow())
            .returning(Message.id)
            .execution_options(synchronize_session=False)
        )
    ).scalars().all()
    if not claimed:
        return []
    messages = (await session.execute(select(Message).where(Message.id.in_(claimed)).order_by(Message.id))).scalars().all()
    session.add_all(MessageEvent(tenant_id=m.tenant_id, message_id=m.id, type=MessageEventType.SENDING) for m in messages)
    return list(messages)


async def prepare(session: AsyncSession, messages: list[Message], *, links: Links | None = None) -> list[Prepared]:
    """Render each message: its template part in its language, or its inline content, with its data.

    A message to a suppressed address, or a campaign message to a contact unsubscribed from the
    campaign's list, is not rendered: it fails with SUPPRESSED or UNSUBSCRIBED (one query per batch,
    see `domain.contacts.suppression`). With `links`, campaign email carries List-Unsubscribe and
    List-Unsubscribe-Post (RFC 2369, RFC 8058), offers `{{ unsubscribe_url }}` to its template, and
    gets the open pixel and click redirects its campaign's `options.tracking` asks for (its step's
    `settings.tracking`, when the step has its own).

    A scheduled follow-up whose condition no longer holds (see `domain.events.schedules`; e.g. a DOI
    reminder whose consent was confirmed meanwhile) is not sent either: it ends CANCELLED with that
    error code (CONSENT_CONFIRMED, CONSENT_REVOKED).
    """
    unmet = await schedules.unmet_conditions(session, messages)
    blocked = await suppression.blocked(session, messages)
    campaign_tracking = await _marketing_campaigns(session, {m.campaign_id for m in messages if _is_campaign_email(m)}) if links else {}
    step_tracking = await _step_tracking(session, {m.step_id for m in messages if m.step_id and m.campaign_id in campaign_tracking})
    template_ids = {m.template_id for m in messages if m.template_id is not None}
    templates = {}
    if template_ids:
        rows = (await session.execute(select(Template).where(Template.id.in_(template_ids)))).scalars().all()
        templates = {t.id: t for t in rows}
    labels = await _dictionaries(session, templates.values())
    prepared = []
    for message in messages:
        if message.id in unmet:
            mark_cancelled(session, message, code=unmet[message.id][0], reason=unmet[message.id][1])
            prepared.append(Prepared(message, None))
            continue
        if code := blocked.get(message.id):
            mark_failed(session, message, code=code, reason=suppression.reason_text(code, message.recipient))
            prepared.append(Prepared(message, None))
            continue
        marketing = links is not None and _is_campaign_email(message) and message.campaign_id in campaign_tracking
        source = message.source
        translations = {}
        if not source:
            template = templates.get(message.template_id)
            part = template.part_for(message.language) if template else None
            if part is None:
                mark_failed(session, message, code="TEMPLATE_MISSING", reason="The message's template no longer exists")
                prepared.append(Prepared(message, None))
                continue
            source = {"subject": part.subject, "html": part.html, "text": part.text}
            translations = translate_labels(labels.get(template.dictionary_id, {}), part.language, template.default_language)
        try:
            extra = {"unsubscribe_url": links.unsubscribe_url(message.id)} if marketing else {}
            data = {"recipient": message.recipient, "t": translations, **extra, **message.data}
            content = render(subject=source.get("subject"), html=source.get("html"), text=source.get("text"), data=data)
        except DomainError as exc:
            mark_failed(session, message, code=exc.code, reason=exc.message)
            prepared.append(Prepared(message, None))
            continue
        headers = dict(message.headers or {})
        if marketing:
            content = _tracked(content, message.id, links, *step_tracking.get(message.step_id, campaign_tracking[message.campaign_id]))
            headers = _with_list_unsubscribe(headers, links.unsubscribe_url(message.id))
        message.subject, message.html, message.text = content.subject, content.html, content.text
        prepared.append(Prepared(message, content, headers))
    return prepared


async def _step_tracking(session: AsyncSession, step_ids: set[int]) -> dict[int, tuple[bool, bool]]:
    """Step id -> (track opens, track clicks) for the steps that choose their own (an Especial workflow action's)."""
    if not step_ids:
        return {}
    rows = (await session.execute(select(CampaignStep.id, CampaignStep.settings).where(CampaignStep.id.in_(step_ids)))).all()
    return {step_id: tracking.tracking_options(settings) for step_id, settings in rows if isinstance((settings or {}).get("tracking"), dict)}


def _is_campaign_email(message: Message) -> bool:
    return message.campaign_id is not None and message.channel is Channel.EMAIL


async def _marketing_campaigns(session: AsyncSession, campaign_ids: set[int]) -> dict[int, tuple[bool, bool]]:
    """Campaign id -> (track opens, track clicks) for the campaigns whose email is marketing: every kind
    but TRANSACTIONAL (sent per call, like sendMessage). Marketing email carries List-Unsubscribe."""
    if not campaign_ids:
        return {}
    rows = (await session.execute(
        select(Campaign.id, Campaign.options).where(Campaign.id.in_(campaign_ids), Campaign.kind != CampaignKind.TRANSACTIONAL)
    )).all()
    return {campaign_id: tracking.tracking_options(options) for campaign_id, options in rows}


def _tracked(content: Rendered, message_id: int, links: Links, opens: bool, clicks: bool) -> Rendered:
    html = content.html
    if not html or not (opens or clicks):
        return content
    if clicks:
        html = tracking.rewrite_links(html, lambda url: None if links.is_ours(url) else links.click_url(message_id, url))
    if opens:
        html = tracking.add_open_pixel(html, links.open_url(message_id))
    return Rendered(subject=content.subject, html=html, text=content.text)


def _with_list_unsubscribe(headers: dict[str, str], url: str) -> dict[str, str]:
    ours = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    kept = {name: value for name, value in headers.items() if name.lower() not in {n.lower() for n in ours}}
    return {**kept, **ours}


async def _dictionaries(session: AsyncSession, templates) -> dict[int, dict]:
    ids = {t.dictionary_id for t in templates if t.dictionary_id is not None}
    if not ids:
        return {}
    rows = (await session.execute(select(Dictionary).where(Dictionary.id.in_(ids)))).scalars()
    return {d.id: d.entries for d in rows}


def translate_labels(entries: dict, language: str, fallback: str) -> dict:
    """A dictionary's labels in one language (`{{ t.greeting }}`), falling back to the template's default language."""
    return {key: by_language.get(language, by_language.get(fallback, "")) for key, by_language in entries.items() if isinstance(by_language, dict)}


def mark_sent(session: AsyncSession, message: Message, *, provider_message_id: str) -> None:
    message.status = MessageStatus.SENT
    message.provider_message_id = provider_message_id
    message.sent_at = utcnow()
    message.error_code = message.error = None
    session.add(MessageEvent(tenant_id=message.tenant_id, message_id=message.id, type=MessageEventType.SENT,
                             detail={"provider_message_id": provider_message_id}))
    webhooks.emit_message(session, message, "message.sent")


def mark_failed(session: AsyncSession, message: Message, *, code: str, reason: str) -> None:
    message.status = MessageStatus.FAILED
    message.error_code = code
    message.error = reason
    session.add(MessageEvent(tenant_id=message.tenant_id, message_id=message.id, type=MessageEventType.FAILED,
                             detail={"code": code, "reason": reason}))
    webhooks.emit_message(session, message, "message.failed")


def mark_cancelled(session: AsyncSession, message: Message, *, code: str, reason: str) -> None:
    """Not sent, and not a failure: a condition of the message no longer holds."""
    message.status = MessageStatus.CANCELLED
    message.error_code = code
    message.error = reason
    session.add(MessageEvent(tenant_id=message.tenant_id, message_id=message.id, type=MessageEventType.CANCELLED,
                             detail={"code": code, "reason": reason}))


async def send_rates(session: AsyncSession, tenant_ids: set[int]) -> dict[int, int]:
    """Per-tenant sending limits (messages per second), from `Tenant.settings["send_rate_per_second"]`."""
    if not tenant_ids:
        return {}
    rows = (await session.execute(select(Tenant.id, Tenant.settings).where(Tenant.id.in_(tenant_ids)))).all()
    return {tenant_id: int(settings["send_rate_per_second"]) for tenant_id, settings in rows
            if isinstance(settings.get("send_rate_per_second"), (int, float)) and settings["send_rate_per_second"] > 0}


def postpone(session: AsyncSession, message: Message, *, delay: timedelta) -> None:
    """Over the tenant's sending limit: back to QUEUED for a little later; this claim is not an attempt."""
    message.status = MessageStatus.QUEUED
    message.attempts -= 1
    message.scheduled_at = utcnow() + delay
    defer(session, "deliver_messages", message_ids=[message.id], at=message.scheduled_at)


def backoff(attempt: int, *, base: float = 2.0, cap: float = 900.0) -> timedelta:
    """Exponential, capped, with full jitter so retries of a failed batch do not arrive together."""
    return timedelta(seconds=random.uniform(0.5, 1.0) * min(cap, base * 2 ** (attempt - 1)))


def retry_later(session: AsyncSession, message: Message, *, reason: str, max_attempts: int) -> None:
    """A transient failure: back to QUEUED with a delayed retry job, or FAILED once attempts run out."""
    if message.attempts >= max_attempts:
        mark_failed(session, message, code="RETRIES_EXHAUSTED", reason=f"gave up after {message.attempts} attempts: {reason}")
        return
    delay = backoff(message.attempts)
    message.status = MessageStatus.QUEUED
    message.scheduled_at = utcnow() + delay
    message.error_code = "TRANSIENT"
    message.error = reason
    session.add(MessageEvent(tenant_id=message.tenant_id, message_id=message.id, type=MessageEventType.QUEUED,
                             detail={"retry_in_seconds": round(delay.total_seconds(), 1), "reason": reason}))
    defer(session, "deliver_messages", message_ids=[message.id], at=message.scheduled_at)


async def recover_stuck(session: AsyncSession, *, older_than: timedelta, batch: int = 500) -> int:
    """Work a dead worker left behind is picked up again.

    - SENDING messages go back to QUEUED (the worker stopped before recording an outcome);
    - QUEUED messages that are due but untouched for that long get a fresh delivery job
      (the job holding them died with its worker);
    - RUNNING campaigns whose expansion made no progress get a fresh launch job (it resumes
      from its checkpoint).
    Claiming is atomic and launches are checkpointed, so an extra job never sends twice.
    """
    cutoff = utcnow() - older_than
    stuck = (
        await session.execute(
            update(Message)
            .where(Message.updated_at < cutoff)
            .where(or_(Message.status == MessageStatus.SENDING,
                       (Message.status == MessageStatus.QUEUED) & or_(Message.scheduled_at.is_(None), Message.scheduled_at < cutoff)))
            .where(or_(Message.campaign_id.is_(None), Message.campaign_id.not_in(_suspended_campaigns())))
            .values(status=MessageStatus.QUEUED, updated_at=utcnow())
            .returning(Message.id)
            .execution_options(synchronize_session=False)
        )
    ).scalars().all()
    for start in range(0, len(stuck), batch):
        defer(session, "deliver_messages", message_ids=list(stuck[start:start + batch]))
    stalled = (
        await session.execute(
            update(Campaign)
            .where(Campaign.status == CampaignStatus.RUNNING, Campaign.updated_at < cutoff)
            .values(updated_at=utcnow())
            .returning(Campaign.id)
            .execution_options(synchronize_session=False)
        )
    ).scalars().all()
    for campaign_id in stalled:
        defer(session, "launch_campaign", campaign_id=campaign_id)
    return len(stuck) + len(stalled)
