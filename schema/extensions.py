from __future__ import annotations

from typing import AsyncIterator

from strawberry.extensions import SchemaExtension

from schema.context import Context


class CloseSession(SchemaExtension):
    """The request's session ends with its operation, whatever happened in it."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, Context):
            await context.session.close()
