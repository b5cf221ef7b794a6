"""One error family for every business rule; each edge (GraphQL, each REST dialect)
maps it to its own envelope exactly once."""
from __future__ import annotations


class DomainError(Exception):
    code = "INVALID"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.field = field


class NotFound(DomainError):
    code = "NOT_FOUND"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Invalid(DomainError):
    code = "INVALID"


class Conflict(DomainError):
    code = "CONFLICT"


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"


class Unavailable(DomainError):
    """Something sendgraph depends on cannot be reached from here (DNS): not the caller's mistake, not a rule."""

    code = "UNAVAILABLE"
