"""Small query helpers every service uses."""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound

M = TypeVar("M")


async def get_or_raise(session: AsyncSession, model: type[M], id: int | None, *, what: str, field: str = "id") -> M:
    """Load one row by id through the scoped session: a foreign tenant's row is simply not found."""
    row = None
    if id is not None:
        row = (await session.execute(select(model).where(model.id == id))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{what} {id} not found", field=field)
    return row


def apply_changes(row, changes: dict) -> None:
    """Set the given fields; a field absent from `changes` is left as it is."""
    for name, value in changes.items():
        setattr(row, name, value)
