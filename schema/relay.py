"""Relay: global ids, the Node interface, keyset cursor connections with SQL-counted totals."""
from __future__ import annotations

import base64
import binascii
from typing import Any, Callable, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy import Select, func, select
from strawberry.types import Info

from schema.loaders import execute

T = TypeVar("T")


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for anything that is not one of our ids."""
    try:
        type_name, _, pk = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
        return type_name, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


@strawberry.interface(description="An object with a global id (Relay Global Object Identification).")
class Node:
    @strawberry.field(description="The global id: pass it to `node(id:)`.")
    def id(self) -> strawberry.ID:
        return to_global_id(self.__strawberry_definition__.name, self.model.id)

    @strawberry.field(description="The numeric id inside sendgraph (Especial account_id for a tenant).")
    def database_id(self) -> int:
        return self.model.id

    @classmethod
    def from_model(cls, model: Any):
        """Copy the model's columns into the type's plain fields; resolvers reach relations through `model`."""
        values = {
            f.name: getattr(model, f.name)
            for f in cls.__strawberry_definition__.fields
            if f.base_resolver is None and f.name != "model"
        }
        return cls(model=model, **values)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count_query: strawberry.Private[Select]

    @strawberry.field(description="How many items match, whatever the page (counted in SQL).")
    async def total_count(self, info: Info) -> int:
        return (await execute(info.context.session, self.count_query)).scalar_one()

    @strawberry.field(description="The page's nodes, without edges.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def _cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"k:{pk}".encode()).decode()


def _decode_cursor(cursor: str, argument: str) -> int:
    try:
        prefix, _, pk = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "k":
            return int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise GraphQLError(f"`{argument}` is not a valid cursor", extensions={"code": "INVALID_CURSOR", "argument": argument})


def _check_size(value: int | None, argument: str, cap: int) -> None:
    if value is not None and not 0 <= value <= cap:
        raise GraphQLError(
            f"`{argument}` must be between 0 and {cap}", extensions={"code": "INVALID_PAGE_SIZE", "argument": argument}
        )


async def paginate(
    info: Info, query: Select, *, model: Any, wrap: Callable[[Any], T], first: int | None, after: str | None,
    last: int | None, before: str | None, descending: bool = False, offset: int | None = None,
) -> Connection[T]:
    """Keyset pagination on the primary key: a page does not shift when rows are inserted or deleted.

    `offset` skips that many rows first, for clients that page by number (REST dialects' `page`).
    """
    cap = info.context.settings.max_page_size
    _check_size(first, "first", cap)
    _check_size(last, "last", cap)
    if first is not None and last is not None:
        raise GraphQLError("Give `first` or `last`, not both", extensions={"code": "INVALID_PAGE_SIZE", "argument": "last"})
    if offset is not None and (offset < 0 or last is not None):
        raise GraphQLError("`offset` must be 0 or more, and goes with `first`", extensions={"code": "INVALID_PAGE_SIZE", "argument": "offset"})
    count_query = select(func.count()).select_from(query.order_by(None).subquery())
    key = model.id
    # "after" means further along the chosen order, whichever direction that is.
    ahead, behind = (key.__lt__, key.__gt__) if descending else (key.__gt__, key.__lt__)
    if after is not None:
        query = query.where(ahead(_decode_cursor(after, "after")))
    if before is not None:
        query = query.where(behind(_decode_cursor(before, "before")))
    forward_order = key.desc() if descending else key.asc()
    backward_order = key.asc() if descending else key.desc()
    if last is not None:
        rows = list((await execute(info.context.session, query.order_by(backward_order).limit(last + 1))).scalars())
        has_more = len(rows) > last
        rows = list(reversed(rows[:last]))
        has_next, has_previous = before is not None, has_more
    else:
        size = cap if first is None else first
        rows = list((await execute(info.context.session, query.order_by(forward_order).offset(offset or None).limit(size + 1))).scalars())
        has_more = len(rows) > size
        rows = rows[:size]
        has_next, has_previous = has_more, after is not None or bool(offset)
    edges = [Edge(cursor=_cursor(row.id), node=wrap(row)) for row in rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next, has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None,
        ),
        count_query=count_query,
    )
