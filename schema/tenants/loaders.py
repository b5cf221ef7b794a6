from __future__ import annotations

from strawberry.types import Info

from domain import models


async def load_tenant(info: Info, tenant_id: int):
    """The owning tenant of any node, through the request's batched loader."""
    from schema.tenants.types import Tenant  # late: the tenant type itself refers to every other type

    return Tenant.from_model(await info.context.loaders.load(models.Tenant, tenant_id))
