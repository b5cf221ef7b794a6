"""Launch a campaign: expand its audience in chunks into QUEUED messages, deliver each chunk in a batch.
An automation has no audience to expand: its enrolled customers' tokens advance, in chunks.

The checkpoint (the campaign's last expanded contact id) is committed with each chunk, so a
worker killed mid-launch resumes where it stopped when the job runs again.
"""
from __future__ import annotations

import dramatiq

from app.settings import get_settings
from domain.campaigns import enrollment, launch
from domain.campaigns.models import CampaignKind
from workers.broker import broker  # noqa: F401  (the broker must exist before actors are declared)
from workers.runtime import system_session


@dramatiq.actor(max_retries=5, time_limit=24 * 3600 * 1000)
async def launch_campaign(campaign_id: int) -> None:
    chunk_size = get_settings().launch_chunk_size
    while True:
        async with system_session() as session:
            campaign = await launch.start_if_due(session, campaign_id=campaign_id)
            if campaign is None:  # not due yet, cancelled, suspended or fully expanded
                await session.commit()
                return
            if campaign.kind in (CampaignKind.AUTOMATION, CampaignKind.WORKFLOW):  # steps of enrolled contacts
                after: int | None = 0
                while after is not None:
                    after = await enrollment.advance_next_chunk(session, campaign_id=campaign_id, after_id=after, size=chunk_size)
                    await session.commit()  # the chunk's tokens, messages and delivery jobs, together
                return
            await launch.expand_next_chunk(session, campaign=campaign, size=chunk_size)
            await session.commit()  # messages, checkpoint and the delivery jobs, together
