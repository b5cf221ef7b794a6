"""What the running application holds, shared by the GraphQL endpoint and the REST dialects."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import Settings


@dataclass
class AppState:
    settings: Settings
    session_factory: async_sessionmaker[AsyncSession] | None = None  # opened by the lifespan

    def sessions(self) -> AsyncSession:
        if self.session_factory is None:
            raise RuntimeError("the application has not started (lifespan not run)")
        return self.session_factory()
