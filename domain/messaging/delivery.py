"""The delivery side of a message's life: claim, render, record the outcome.

Workers call these; they hold the rules of the status machine
QUEUED -> SENDING -> SENT | FAILED (and CANCELLED before it is claimed).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import DomainError
from domain.messaging.models import Message, MessageEvent, MessageEventType, MessageStatus
from domain.rendering import Rendered, render
from domain.templates.models import Dictionary, Template


@dataclass(frozen=True)
class Prepared:
    message: Message
    content: Rendered | None  # None when rendering failed (the message is then already FAILED)


def message_id_header(message: Message, domain: str) -> str:
    """Stable across retries, so downstream systems can de-duplicate."""
    return f"<msg-{message.id}.t{message.tenant_id}@{domain}>"


async def claim(session: AsyncSession, message_ids: list[int]) -> list[Message]:
    """Atomically move QUEUED -> SENDING; a message another worker claimed, or cancelled, is skipped."""
    if not message_ids:
        return []
    claimed = (
        await session.execute(
            update(Message)
            .where(Message.id.in_(message_ids), Message.status == MessageStatus.QUEUED)
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


async def prepare(session: AsyncSession, messages: list[Message]) -> list[Prepared]:
    """Render each message: its template part in its language, or its inline content, with its data."""
    template_ids = {m.template_id for m in messages if m.template_id is not None}
    templates = {}
    if template_ids:
        rows = (await session.execute(select(Template).where(Template.id.in_(template_ids)))).scalars().all()
        templates = {t.id: t for t in rows}
    labels = await _dictionaries(session, templates.values())
    prepared = []
    for message in messages:
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
            data = {"recipient": message.recipient, "t": translations, **message.data}
            content = render(subject=source.get("subject"), html=source.get("html"), text=source.get("text"), data=data)
        except DomainError as exc:
            mark_failed(session, message, code=exc.code, reason=exc.message)
            prepared.append(Prepared(message, None))
            continue
        message.subject, message.html, message.text = content.subject, content.html, content.text
        prepared.append(Prepared(message, content))
    return prepared


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


def mark_failed(session: AsyncSession, message: Message, *, code: str, reason: str) -> None:
    message.status = MessageStatus.FAILED
    message.error_code = code
    message.error = reason
    session.add(MessageEvent(tenant_id=message.tenant_id, message_id=message.id, type=MessageEventType.FAILED,
                             detail={"code": code, "reason": reason}))


def release(message: Message, *, reason: str) -> None:
    """A transient failure: back to QUEUED so the retry can claim it again."""
    message.status = MessageStatus.QUEUED
    message.error_code = "TRANSIENT"
    message.error = reason
