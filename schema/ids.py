"""Turning the global ids a client sends back into database ids."""
from __future__ import annotations

from typing import Any

import strawberry

from domain.errors import Invalid
from schema.relay import from_global_id


def decode_id(global_id: strawberry.ID | str | None, type_name: str, *, field: str) -> int | None:
    if global_id is None:
        return None
    decoded = from_global_id(str(global_id))
    if decoded is None or decoded[0] != type_name:
        raise Invalid(f"{global_id!r} is not a {type_name} id", code="INVALID_ID", field=field)
    return decoded[1]


def given(input: Any, *, exclude: tuple[str, ...] = ()) -> dict:
    """The fields a client actually sent in an update input (absent ones stay UNSET and are left alone)."""
    return {k: v for k, v in vars(input).items() if v is not strawberry.UNSET and k not in exclude}
