"""Who may call what, declared on fields rather than remembered in resolvers.

Row-level tenant isolation is not here: `domain.tenancy` applies it to the session itself.
"""
from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info


class IsAuthenticated(BasePermission):
    message = "Authentication required: send `Authorization: Bearer <token>` (see `sendgraph token create`)"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if info.context.auth_error:
            # This request's reason, raised here: the instance is shared by every request, so it must not keep it.
            raise self.error_class(info.context.auth_error, extensions=dict(self.error_extensions))
        return info.context.principal is not None
