"""Domain errors become `userErrors` here, and only here."""
from __future__ import annotations

import functools
from typing import Any, Callable

import strawberry

from domain.errors import DomainError


@strawberry.type(description="A business rule the input broke; `code` is stable, `message` is for people.")
class UserError:
    field: str | None
    message: str
    code: str


def returns_user_errors(payload: type) -> Callable:
    """Wrap a mutation: a DomainError rolls the request's transaction back and becomes `payload(userErrors=[...])`."""

    def decorate(resolver: Callable) -> Callable:
        @functools.wraps(resolver)
        async def wrapper(*args: Any, **kwargs: Any):
            info = kwargs.get("info") or next(a for a in args if hasattr(a, "context"))
            try:
                return await resolver(*args, **kwargs)
            except DomainError as error:
                await info.context.session.rollback()
                return payload(user_errors=[UserError(field=error.field, message=error.message, code=error.code)])

        return wrapper

    return decorate
