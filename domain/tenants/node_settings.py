"""Node settings: a tenant's integration settings (Contactflow `/settings`), each known by its UUID.

They are account settings of the tenant, kept in `Tenant.settings["integrations"]` as
`{uuid: {label, category, type, value}}` (docs/domain.md, 2.2): a setting has no rows or rules of its
own beyond its category and type vocabularies. Writes lock the tenant row, so two writers never
lose each other's setting, and, as every change of a tenant, need ADMIN on it (`domain.tenancy`).
"""
from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, Invalid, NotFound
from domain.tenants.models import Tenant
from domain.tenants.service import get as get_tenant

KEY = "integrations"
CATEGORIES = ("INTEGRATION",)
TYPES = ("CLAB_API_SOAP", "HUB")
MAX_LABEL = 200


@dataclass(frozen=True)
class NodeSetting:
    uuid: uuid_lib.UUID
    label: str | None
    category: str
    type: str
    value: dict


def _of(tenant: Tenant) -> dict[str, dict]:
    stored = (tenant.settings or {}).get(KEY)
    return stored if isinstance(stored, dict) else {}


def _setting(key: str, stored: dict) -> NodeSetting:
    return NodeSetting(uuid=uuid_lib.UUID(key), label=stored.get("label"), category=stored.get("category", CATEGORIES[0]),
                       type=stored.get("type", TYPES[0]), value=dict(stored.get("value") or {}))


def list_settings(tenant: Tenant, *, category: str | None = None, type: str | None = None) -> list[NodeSetting]:
    found = [_setting(key, stored) for key, stored in _of(tenant).items()]
    return [s for s in found if (category is None or s.category == category) and (type is None or s.type == type)]


def find(tenant: Tenant, setting_uuid: uuid_lib.UUID) -> NodeSetting | None:
    stored = _of(tenant).get(str(setting_uuid))
    return stored and _setting(str(setting_uuid), stored)


def _checked(*, label: Any, category: Any, type: Any, value: Any) -> dict:
    if label is not None and (not isinstance(label, str) or len(label) > MAX_LABEL):
        raise Invalid(f"label must be a text of at most {MAX_LABEL} characters", code="INVALID_LABEL", field="label")
    if category not in CATEGORIES:
        raise Invalid(f"category must be one of {', '.join(CATEGORIES)}", code="INVALID_CATEGORY", field="category")
    if type not in TYPES:
        raise Invalid(f"type must be one of {', '.join(TYPES)}", code="INVALID_SETTING_TYPE", field="type")
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise Invalid("value must be an object", code="INVALID_VALUE", field="value")
    return {"label": label, "category": category, "type": type, "value": value}


async def _locked(session: AsyncSession, tenant_id: int) -> Tenant:
    await get_tenant(session, tenant_id=tenant_id)  # NotFound for a tenant the caller may not see
    return (await session.execute(select(Tenant).where(Tenant.id == tenant_id).with_for_update())).scalar_one()


def _store(tenant: Tenant, settings: dict[str, dict]) -> None:
    tenant.settings = {**(tenant.settings or {}), KEY: settings}  # a new dict: the JSON column sees the change


async def create(session: AsyncSession, *, tenant_id: int, uuid: uuid_lib.UUID | None = None, **fields: Any) -> NodeSetting:
    tenant = await _locked(session, tenant_id)
    settings = dict(_of(tenant))
    key = str(uuid or uuid_lib.uuid4())
    if key in settings:
        raise Conflict(f"Setting {key} already exists", code="SETTING_TAKEN", field="uuid")
    settings[key] = _checked(**fields)
    _store(tenant, settings)
    await session.flush()
    return _setting(key, settings[key])


async def update(session: AsyncSession, *, tenant_id: int, uuid: uuid_lib.UUID, **fields: Any) -> NodeSetting:
    """Replaces the setting's label, category, type and value."""
    tenant = await _locked(session, tenant_id)
    settings = dict(_of(tenant))
    key = str(uuid)
    if key not in settings:
        raise NotFound(f"Setting {key} not found", code="SETTING_NOT_FOUND", field="uuid")
    settings[key] = _checked(**fields)
    _store(tenant, settings)
    await session.flush()
    return _setting(key, settings[key])


async def delete(session: AsyncSession, *, tenant_id: int, uuid: uuid_lib.UUID) -> None:
    tenant = await _locked(session, tenant_id)
    settings = dict(_of(tenant))
    if settings.pop(str(uuid), None) is None:
        raise NotFound(f"Setting {uuid} not found", code="SETTING_NOT_FOUND", field="uuid")
    _store(tenant, settings)
    await session.flush()
