"""What an automation can use, read from the domain itself so it stays true when the domain changes.

- actions: the step operations a running automation executes (`enrollment.SEND_STEPS`, `PASS_STEPS`),
  a send step only while the tenant's channel for it is on;
- trigger events: every `MessageEventType`, each with the attributes a message event carries;
- events context: the attributes of the message and the event behind a trigger;
- customer fields: a contact's columns, plus the custom attributes the tenant's contacts really have
  (`Contact.attributes` has no schema table: their keys and JSON types are read from the rows);
- categories: the distinct categories of the tenant's automations (`Campaign.options["category"]`).

Types are named as JSON Schema names them: string, integer, number, boolean, object, array, date-time, uuid.
"""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, DateTime, Integer, TypeDecorator, Uuid, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import Channel
from domain.campaigns.enrollment import PASS_STEPS, SEND_STEPS
from domain.campaigns.models import Campaign, CampaignKind
from domain.contacts.models import Contact
from domain.messaging.models import Message, MessageEvent, MessageEventType
from domain.tenants.models import Tenant

INTERNAL = {"tenant_id"}  # columns that say nothing to an automation
MESSAGE_CONTENT = {"subject", "html", "text", "source", "data", "headers", "idempotency_key"}  # bulky or private
MAX_ATTRIBUTES = 500
JSON_TYPES = {"text": "string", "integer": "integer", "real": "number", "number": "number", "true": "boolean", "false": "boolean",
              "boolean": "boolean", "string": "string", "object": "object", "array": "array"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _type(column) -> str:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, DateTime):
        return "date-time"
    if isinstance(kind, Uuid):
        return "uuid"
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, JSON):
        return "object"
    return "string"  # String, Text and Enum columns


def _columns(model, *, leave_out: set[str] = frozenset()) -> dict[str, str]:
    return {_camel(c.key): _type(c) for c in model.__table__.columns if c.key not in INTERNAL | leave_out}


def actions(tenant: Tenant) -> list[str]:
    """Contactflow's operations are the upper-case step types (Especial's workflow actions are lower-case)."""
    on = {Channel.EMAIL: tenant.email_active, Channel.SMS: tenant.sms_active}
    sends = [step for step, channel in SEND_STEPS.items() if step.isupper() and on.get(channel, True)]
    return sends + sorted(step for step in PASS_STEPS if step.isupper())


def event_attributes() -> dict[str, str]:
    message = _columns(Message, leave_out=MESSAGE_CONTENT)
    event = _columns(MessageEvent)
    return {**{f"message.{name}": kind for name, kind in message.items()}, **{f"event.{name}": kind for name, kind in event.items()}}


def trigger_events() -> dict[str, dict[str, str]]:
    attributes = event_attributes()
    return {kind.name: attributes for kind in MessageEventType}


def events_context() -> dict[str, dict[str, str]]:
    return {"message": _columns(Message, leave_out=MESSAGE_CONTENT), "event": _columns(MessageEvent)}


async def customer_fields(session: AsyncSession, *, tenant_id: int) -> dict[str, dict[str, str]]:
    return {"fields": _columns(Contact, leave_out={"attributes"}), "attributes": await _attribute_types(session, tenant_id=tenant_id)}


async def _attribute_types(session: AsyncSession, *, tenant_id: int) -> dict[str, str]:
    """The keys of the tenant's contacts' attributes and their JSON types, in one query (each key's first type by name)."""
    if session.bind.dialect.name == "postgresql":
        each = func.json_each(Contact.attributes).table_valued("key", "value")
        kind = func.json_typeof(each.c.value)
        only_objects = func.json_typeof(Contact.attributes) == "object"
    else:
        each = func.json_each(Contact.attributes).table_valued("key", "type")
        kind, only_objects = each.c.type, func.json_type(Contact.attributes) == "object"
    query = (select(each.c.key, func.min(kind)).select_from(Contact).join(each, true())
             .where(Contact.tenant_id == tenant_id, only_objects, kind != "null")
             .group_by(each.c.key).order_by(each.c.key).limit(MAX_ATTRIBUTES))
    return {key: JSON_TYPES.get(found, "string") for key, found in (await session.execute(query)).all()}


async def categories(session: AsyncSession, *, tenant_id: int) -> list[str]:
    category = Campaign.options["category"].as_string()
    query = (select(category).distinct().where(Campaign.tenant_id == tenant_id, Campaign.kind == CampaignKind.AUTOMATION, category.is_not(None))
             .order_by(category))
    return [value for (value,) in (await session.execute(query)).all()]
