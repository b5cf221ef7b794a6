"""Especial pages by number (`page`, `per_page`); the graph's suppression and message connections page by keyset
cursor only. `numbered_page` reaches page N by asking for the cursors before it (`pageInfo` only, 100 rows a step),
then reads the page itself: one operation for page 1, one more per 100 rows skipped."""
from __future__ import annotations

from typing import Awaitable, Callable

STEP = 100  # the graph's page-size cap

Fetch = Callable[[int, str | None, bool], Awaitable[dict]]  # (first, after, with nodes) -> the connection


async def numbered_page(fetch: Fetch, page: int, per_page: int) -> dict:
    """The connection holding rows ((page-1)*per_page, page*per_page]; past the end, no nodes (and the real totalCount)."""
    after, skip = None, (page - 1) * per_page
    while skip > 0:
        step = await fetch(min(STEP, skip), after, False)
        if not step["pageInfo"]["hasNextPage"]:
            return {**step, "nodes": []}
        after, skip = step["pageInfo"]["endCursor"], skip - min(STEP, skip)
    return await fetch(per_page, after, True)
