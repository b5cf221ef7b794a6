"""DKIM keys in the graph: `Tenant.dkimKeys` (mutations in schema.brands.dkim_mutations; rules in domain.brands.dkim)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain import models
from domain.brands import dkim as service
from schema.relay import Node
from schema.tenants.loaders import load_tenant

TenantRef = Annotated["Tenant", strawberry.lazy("schema.tenants.types")]


@strawberry.type(description="A DKIM key pair of a brand. Only the public half is ever shown; the workers sign the tenant's mail with the private one.")
class DkimKey(Node):
    model: strawberry.Private[models.DkimKey]
    domain: str = strawberry.field(description="Mail from this domain, or a subdomain of it, is signed (d=).")
    selector: str = strawberry.field(description="s= in the signature; the record lives at `{selector}._domainkey.{domain}`.")
    public_key: str = strawberry.field(description="Base64 DER (SubjectPublicKeyInfo), the record's p=.")
    created_at: datetime

    @strawberry.field(description="Where the TXT record must be published.")
    def dns_name(self) -> str:
        return service.dns_name(self.model)

    @strawberry.field(description="The TXT record's value: `v=DKIM1; k=rsa; p=...`.")
    def dns_record(self) -> str:
        return service.dns_record(self.model)

    @strawberry.field(description="This key signs its domain's mail: the domain's newest key (Especial `account_default`).")
    async def is_default(self, info: Info) -> bool:
        keys = await info.context.loaders.children(models.DkimKey.tenant_id, self.model.tenant_id)
        return self.model.id in service.default_key_ids(keys)

    @strawberry.field(description="The slug of the brand the key belongs to (Especial keys: `default`).")
    async def brand(self, info: Info) -> str | None:
        row = await info.context.loaders.load(models.Brand, self.model.brand_id)
        return row and row.slug

    @strawberry.field
    async def tenant(self, info: Info) -> TenantRef:
        return await load_tenant(info, self.model.tenant_id)


async def tenant_dkim_keys(root: Any, info: Info) -> list[DkimKey]:
    rows = await info.context.loaders.children(models.DkimKey.tenant_id, root.model.id)
    return [DkimKey.from_model(row) for row in rows]
