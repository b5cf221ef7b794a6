"""The request context: one scoped database session, the calling principal, dataloaders."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.settings import Settings
from domain.identity.service import Principal
from schema.loaders import Loaders


@dataclass
class Context:
    session: AsyncSession
    principal: Principal | None
    auth_error: str | None
    settings: Settings
    loaders: Loaders
