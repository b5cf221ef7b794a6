"""Build an export's CSV: one chunk per transaction until the last (see domain.exports.builder)."""
from __future__ import annotations

import logging

import dramatiq

from domain.exports import builder
from workers.broker import broker  # noqa: F401  (the broker must exist before actors are declared)
from workers.runtime import system_session

log = logging.getLogger(__name__)


@dramatiq.actor(max_retries=3, min_backoff=1_000, max_backoff=60_000)
async def build_export(export_id: int) -> None:
    # A fresh session per chunk: nothing read for one chunk stays in memory for the next.
    more = True
    while more:
        async with system_session() as session:
            try:
                more = await builder.build_next_chunk(session, export_id=export_id)
            except Exception as exc:  # a query that cannot run will not run on a retry either: say so on the export
                log.exception("export %s failed", export_id)
                await session.rollback()
                await builder.fail(session, export_id=export_id, error=f"{type(exc).__name__}: {exc}")
                return
