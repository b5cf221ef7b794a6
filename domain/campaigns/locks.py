"""Editing locks of a campaign (an Especial workflow's `lock_key`): a short-lived claim by one key.

The lock lives in `Campaign.options["lock"]` (`key`, `expires_at`). While it is alive, edits of the campaign
(`service.update`, its steps included) are refused unless they carry the same key (CAMPAIGN_LOCKED); locking
again with that key extends it, another key is refused. Unlocking takes the holder's key; an expired lock is
nobody's.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns.models import Campaign
from domain.common import get_or_raise
from domain.db import utcnow
from domain.errors import Conflict, Invalid

LOCK_SECONDS = 300
KEY = re.compile(r"^[a-zA-Z0-9_-]{8,}$")


def _key(key: str | None, *, field: str) -> str:
    if not isinstance(key, str) or not KEY.match(key):
        raise Invalid("A lock key is at least 8 letters, digits, - or _", code="INVALID_LOCK_KEY", field=field)
    return key


def live_lock(campaign: Campaign) -> dict | None:
    """The campaign's lock while it has not expired, else None."""
    lock = (campaign.options or {}).get("lock")
    if not lock or datetime.fromisoformat(lock["expires_at"]) <= utcnow():
        return None
    return lock


def expires_in(campaign: Campaign) -> int:
    lock = live_lock(campaign)
    return max(int((datetime.fromisoformat(lock["expires_at"]) - utcnow()).total_seconds()), 0) if lock else 0


def check(campaign: Campaign, key: str | None) -> None:
    """Refuse an edit of a campaign another key holds locked."""
    lock = live_lock(campaign)
    if lock and lock["key"] != key:
        raise Conflict("The workflow is locked by another editor", code="CAMPAIGN_LOCKED", field="lockKey")


async def lock(session: AsyncSession, *, campaign_id: int, key: str, seconds: int = LOCK_SECONDS) -> Campaign:
    if not 1 <= seconds <= 3600:
        raise Invalid("A lock lasts 1 to 3600 seconds", code="INVALID_LOCK_SECONDS", field="seconds")
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    check(campaign, _key(key, field="key"))
    campaign.options = {**(campaign.options or {}), "lock": {"key": key, "expires_at": (utcnow() + timedelta(seconds=seconds)).isoformat()}}
    await session.flush()
    return campaign


async def unlock(session: AsyncSession, *, campaign_id: int, key: str) -> Campaign:
    campaign = await get_or_raise(session, Campaign, campaign_id, what="Campaign", field="campaignId")
    check(campaign, _key(key, field="key"))
    campaign.options = {k: v for k, v in (campaign.options or {}).items() if k != "lock"}
    await session.flush()
    return campaign
