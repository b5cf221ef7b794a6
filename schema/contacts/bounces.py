"""A contact's bounces, counted for a whole page of contacts in two queries."""
from __future__ import annotations

import strawberry
from aiodataloader import DataLoader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from domain import models
from schema.loaders import execute


@strawberry.type(description="How many of a contact's messages bounced, and how the last one did.")
class ContactBounces:
    count: int
    last_error_code: str | None = strawberry.field(description="The last bounced message's error code: HARD_BOUNCE or SOFT_BOUNCE.")


class BounceLoader(DataLoader):
    def __init__(self, session: AsyncSession):
        super().__init__()
        self.session = session

    async def batch_load_fn(self, contact_ids: list[int]) -> list[ContactBounces]:
        m = models.Message
        totals = (
            await execute(
                self.session,
                select(m.contact_id, func.count(), func.max(m.id))
                .where(m.contact_id.in_(contact_ids), m.status == models.MessageStatus.BOUNCED)
                .group_by(m.contact_id),
            )
        ).all()
        last_ids = [last for _, _, last in totals]
        codes = dict((await execute(self.session, select(m.id, m.error_code).where(m.id.in_(last_ids)))).all()) if last_ids else {}
        found = {contact_id: ContactBounces(count=count, last_error_code=codes.get(last)) for contact_id, count, last in totals}
        return [found.get(i, ContactBounces(count=0, last_error_code=None)) for i in contact_ids]


async def load_bounces(info: Info, contact_id: int) -> ContactBounces:
    return await info.context.loaders.get(BounceLoader, BounceLoader).load(contact_id)
