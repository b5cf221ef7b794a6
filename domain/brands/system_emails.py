"""Which template and sender a brand's system emails use, per kind and language (Especial `/brands/default/system-emails`).

- Kept in the brand's `settings["system_emails"]`: `{kind: [{"language", "template_id", "sender_id"}]}`.
- Kinds: account_confirm, user_confirm, sender_confirm, password_reset, contact_double_opt_in. A language appears
  once per kind; the template is an email template of the tenant, the sender an email sender of the tenant.
- `set_system_emails` replaces the kinds given (all of them with `kinds=None`: Especial's PUT; PATCH names some).
- sendgraph sends one kind of system email itself: sender_confirm (domain.brands.confirmation) renders the
  configured template for the sender's language, from the configured sender. The other kinds are kept for
  clients that read them; sendgraph has no account sign-up, user invitation or password reset mail.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel, Sender
from domain.brands.service import brand_by_slug
from domain.common import get_or_raise
from domain.errors import Invalid
from domain.templates.models import Template

KINDS = ("account_confirm", "user_confirm", "sender_confirm", "password_reset", "contact_double_opt_in")
_LANGUAGE = re.compile(r"[a-z]{2}(_[A-Z]{2})?|is_IS")


@dataclass(frozen=True)
class SystemEmail:
    kind: str
    language: str
    template_id: int | None
    sender_id: int | None


async def system_emails(session: AsyncSession, *, tenant_id: int, brand: str = "default") -> list[SystemEmail]:
    row = await brand_by_slug(session, tenant_id=tenant_id, slug=brand)
    stored = ((row.settings or {}) if row else {}).get("system_emails") or {}
    return [SystemEmail(kind=kind, language=e["language"], template_id=e.get("template_id"), sender_id=e.get("sender_id"))
            for kind in KINDS for e in stored.get(kind, [])]


async def _check(session: AsyncSession, tenant_id: int, index: int, email: SystemEmail) -> dict:
    field = f"emails.{index}"
    if email.kind not in KINDS:
        raise Invalid(f"{email.kind!r} is not a kind of system email ({', '.join(KINDS)})", code="INVALID_SYSTEM_EMAIL_KIND", field=f"{field}.kind")
    if not isinstance(email.language, str) or not _LANGUAGE.fullmatch(email.language):
        raise Invalid(f"{email.language!r} is not a language (en, en_US...)", code="INVALID_LANGUAGE", field=f"{field}.language")
    if email.template_id is not None:
        template = await get_or_raise(session, Template, email.template_id, what="Template", field=f"{field}.templateId")
        if template.tenant_id != tenant_id or template.channel is not Channel.EMAIL:
            raise Invalid("The template must be an email template of the tenant", code="CHANNEL_MISMATCH", field=f"{field}.templateId")
    if email.sender_id is not None:
        sender = await get_or_raise(session, Sender, email.sender_id, what="Sender", field=f"{field}.senderId")
        if sender.tenant_id != tenant_id or sender.channel is not Channel.EMAIL:
            raise Invalid("The sender must be an email sender of the tenant", code="CHANNEL_MISMATCH", field=f"{field}.senderId")
    return {"language": email.language, "template_id": email.template_id, "sender_id": email.sender_id}


async def set_system_emails(session: AsyncSession, *, tenant_id: int, emails: list[SystemEmail], kinds: list[str] | None = None,
                            brand: str = "default") -> list[SystemEmail]:
    """The given kinds' entries become exactly `emails` of that kind (`kinds=None`: every kind)."""
    replaced = list(KINDS) if kinds is None else list(dict.fromkeys(kinds))
    for index, kind in enumerate(replaced):
        if kind not in KINDS:
            raise Invalid(f"{kind!r} is not a kind of system email", code="INVALID_SYSTEM_EMAIL_KIND", field=f"kinds.{index}")
    entries: dict[str, list[dict]] = {kind: [] for kind in replaced}
    for index, email in enumerate(emails):
        entry = await _check(session, tenant_id, index, email)
        if email.kind not in entries:
            raise Invalid(f"{email.kind} is not among the kinds replaced", code="INVALID_SYSTEM_EMAIL_KIND", field=f"emails.{index}.kind")
        if any(e["language"] == email.language for e in entries[email.kind]):
            raise Invalid(f"{email.kind} has language {email.language} twice", code="DUPLICATE_LANGUAGE", field=f"emails.{index}.language")
        entries[email.kind].append(entry)
    row = await brand_by_slug(session, tenant_id=tenant_id, slug=brand, create=True)
    stored = {**((row.settings or {}).get("system_emails") or {}), **entries}
    row.settings = {**(row.settings or {}), "system_emails": {k: v for k, v in stored.items() if v}}
    await session.flush()
    return await system_emails(session, tenant_id=tenant_id, brand=brand)


def for_language(emails: list[SystemEmail], kind: str, language: str | None) -> SystemEmail | None:
    """The entry of `kind` for `language`, else for its base language (fr for fr_CA), else the kind's first."""
    of_kind = [e for e in emails if e.kind == kind]
    language = language or ""
    base = language.split("_")[0]
    exact = next((e for e in of_kind if e.language == language), None)
    return exact or next((e for e in of_kind if e.language.split("_")[0] == base), None) or (of_kind[0] if of_kind else None)
