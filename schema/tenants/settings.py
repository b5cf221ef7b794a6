"""A tenant's node settings (Contactflow integration settings) in the graph: read from the tenant, changed by mutations."""
from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.errors import Invalid
from domain.tenants import node_settings as service
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id
from schema.permissions import IsAuthenticated


@strawberry.type(description="One node setting of a tenant (a Contactflow integration setting).")
class TenantSetting:
    uuid: UUID
    label: str | None
    category: str = strawberry.field(description="INTEGRATION.")
    type: str = strawberry.field(description="CLAB_API_SOAP or HUB.")
    value: JSON

    @classmethod
    def from_setting(cls, s: service.NodeSetting) -> "TenantSetting":
        return cls(uuid=s.uuid, label=s.label, category=s.category, type=s.type, value=s.value)


async def tenant_settings(root: Any, info: Info, category: str | None = None, type: str | None = None) -> list[TenantSetting]:
    return [TenantSetting.from_setting(s) for s in service.list_settings(root.model, category=category, type=type)]


async def tenant_setting(root: Any, info: Info, uuid: UUID) -> TenantSetting | None:
    found = service.find(root.model, uuid)
    return found and TenantSetting.from_setting(found)


@strawberry.input
class TenantSettingInput:
    tenant_id: strawberry.ID
    uuid: UUID | None = strawberry.field(default=None, description="Generated when absent on create; names the setting on update.")
    label: str | None = None
    category: str = "INTEGRATION"
    type: str = "CLAB_API_SOAP"
    value: JSON | None = None


@strawberry.input
class DeleteTenantSettingInput:
    tenant_id: strawberry.ID
    uuid: UUID


@strawberry.type
class TenantSettingPayload:
    setting: TenantSetting | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteTenantSettingPayload:
    deleted_uuid: UUID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _fields(input: TenantSettingInput) -> dict:
    return {"label": input.label, "category": input.category, "type": input.type, "value": input.value}


@strawberry.type
class TenantSettingMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Adds a node setting; needs ADMIN on the tenant.")
    @returns_user_errors(TenantSettingPayload)
    async def create_tenant_setting(self, info: Info, input: TenantSettingInput) -> TenantSettingPayload:
        tenant_id = decode_id(input.tenant_id, "Tenant", field="tenantId")
        setting = await service.create(info.context.session, tenant_id=tenant_id, uuid=input.uuid, **_fields(input))
        await info.context.session.commit()
        return TenantSettingPayload(setting=TenantSetting.from_setting(setting))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Replaces a node setting's label, category, type and value; needs ADMIN.")
    @returns_user_errors(TenantSettingPayload)
    async def update_tenant_setting(self, info: Info, input: TenantSettingInput) -> TenantSettingPayload:
        tenant_id = decode_id(input.tenant_id, "Tenant", field="tenantId")
        if input.uuid is None:
            raise Invalid("uuid names the setting to update", code="REQUIRED", field="uuid")
        setting = await service.update(info.context.session, tenant_id=tenant_id, uuid=input.uuid, **_fields(input))
        await info.context.session.commit()
        return TenantSettingPayload(setting=TenantSetting.from_setting(setting))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Deletes a node setting; needs ADMIN.")
    @returns_user_errors(DeleteTenantSettingPayload)
    async def delete_tenant_setting(self, info: Info, input: DeleteTenantSettingInput) -> DeleteTenantSettingPayload:
        tenant_id = decode_id(input.tenant_id, "Tenant", field="tenantId")
        await service.delete(info.context.session, tenant_id=tenant_id, uuid=input.uuid)
        await info.context.session.commit()
        return DeleteTenantSettingPayload(deleted_uuid=input.uuid)
