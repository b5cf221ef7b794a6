"""Per-request dataloaders: every relation of every page loads in one batched SELECT."""
from __future__ import annotations

import asyncio
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession


async def execute(session: AsyncSession, statement: Any) -> Result:
    """Run a read on the request's session, one at a time.

    GraphQL resolves sibling fields concurrently (a payload's `template` and `list`), but an
    AsyncSession allows one operation at a time: after a mutation commits, two loaders racing
    to open its next connection fail with "concurrent operations are not permitted".
    """
    lock = session.info.setdefault("graphql_lock", asyncio.Lock())
    async with lock:
        return await session.execute(statement)


async def after_pending_reads(session: AsyncSession, finish: Any) -> None:
    """Roll back or close the session once no sibling field is mid-read: when one field fails, GraphQL
    returns its error while its siblings may still be running a statement on this session."""
    async with session.info.setdefault("graphql_lock", asyncio.Lock()):
        await finish()


class ModelLoader(DataLoader):
    """Loads rows of one model by id through the request's scoped session (so a foreign row loads as None)."""

    def __init__(self, session: AsyncSession, model: Any):
        super().__init__()
        self.session = session
        self.model = model

    async def batch_load_fn(self, ids: list[int]) -> list[Any]:
        rows = (await execute(self.session, select(self.model).where(self.model.id.in_(ids)))).scalars()
        by_id = {row.id: row for row in rows}
        return [by_id.get(i) for i in ids]


class Loaders:
    """Created with each request's context; one loader per model, made on first use."""

    def __init__(self, session: AsyncSession):
        self.session = session
        self._loaders: dict[Any, DataLoader] = {}

    async def load(self, model: Any, id: int | None) -> Any:
        if id is None:
            return None
        if model not in self._loaders:
            self._loaders[model] = ModelLoader(self.session, model)
        return await self._loaders[model].load(id)

    def get(self, key: Any, make: Any) -> DataLoader:
        """Any other per-request loader (aggregates per parent id...), made by `make(session)` on first use."""
        if key not in self._loaders:
            self._loaders[key] = make(self.session)
        return self._loaders[key]

    async def children(self, column: Any, parent_id: int) -> list[Any]:
        """Rows of `column`'s model whose `column` equals `parent_id`, e.g. `children(MessageEvent.message_id, 7)`."""
        if column not in self._loaders:
            self._loaders[column] = ChildrenLoader(self.session, column)
        return await self._loaders[column].load(parent_id)


class ChildrenLoader(DataLoader):
    """Loads, for many parents at once, the rows whose foreign key points at each."""

    def __init__(self, session: AsyncSession, column: Any):
        super().__init__()
        self.session = session
        self.column = column

    async def batch_load_fn(self, parent_ids: list[int]) -> list[list[Any]]:
        model = self.column.class_
        rows = (await execute(self.session, select(model).where(self.column.in_(parent_ids)).order_by(model.id))).scalars()
        grouped: dict[int, list[Any]] = {i: [] for i in parent_ids}
        for row in rows:
            grouped[getattr(row, self.column.key)].append(row)
        return [grouped[i] for i in parent_ids]
