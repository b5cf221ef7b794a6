"""Reading Contactflow requests: bodies, paging, dates and statuses, mapped onto GraphQL variables."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app.compat.framework import Call
from domain.errors import Invalid
from schema.relay import to_global_id

# Contactflow automation status -> the campaign statuses it stands for (docs/domain.md, section 3.1).
STATUSES_IN = {
    "DRAFT": ["DRAFT"], "COMMITTED": ["SCHEDULED"], "RUNNING": ["RUNNING"], "PAUSED": ["SUSPENDED"], "ERROR": [],
    "ARCHIVED": ["ARCHIVED", "CANCELLED", "SENT"], "TO_ARCHIVE": ["ARCHIVED", "CANCELLED", "SENT"],
}
AUTOMATION_STATUSES = (*STATUSES_IN, "TO_DELETE")
# Automation fields without a column of their own, kept in the campaign's options.
OPTION_FIELDS = ("category", "author", "createdBy", "description", "timezone", "startDate", "endDate", "uniqueToken",
                 "removeActionPrimary", "sourceDescription", "triggerEvents", "connections")
LIST_FIELDS = ("triggerEvents", "connections", "steps")
STEP_COLUMNS = ("uuid", "operation", "description", "modelIdentifier")


async def body_object(call: Call) -> dict:
    body = await call.json()
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object", code="INVALID_BODY", field="body")
    check_text(body)
    return body


def check_text(value: Any, *, field: str = "") -> None:
    """No NUL character in any string or key: text columns cannot store it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(f"{field or 'body'} contains a NUL character", code="INVALID_TEXT", field=field or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{field}.{key}" if field else str(key)
            check_text(key, field=name)
            check_text(item, field=name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, field=f"{field}[{index}]")


def check_request(call: Call) -> None:
    """The path and query parameters carry no NUL character either."""
    for name, value in [*call.params.items(), *call.request.query_params.multi_items()]:
        check_text(value, field=name)


def text(body: dict, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise Invalid(f"{name} is required", code="REQUIRED", field=name)
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string", code="INVALID_TYPE", field=name)
    return value


def uuid_text(body: dict, name: str) -> str | None:
    value = text(body, name)
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError as error:
        raise Invalid(f"{name} must be a UUID", code="INVALID_UUID", field=name) from error


def flag(body: dict, name: str, *, required: bool = False) -> bool | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, bool):
        raise Invalid(f"{name} must be true or false", code="INVALID_TYPE" if value is not None else "REQUIRED", field=name)
    return value


def obj(body: dict, name: str) -> dict:
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{name} must be an object", code="INVALID_TYPE", field=name)
    return value


def date_time(value: Any, *, field: str) -> str | None:
    """An ISO 8601 date-time with a time zone, as the graph's DateTime takes it."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as error:
        raise Invalid(f"{field} must be an ISO 8601 date-time", code="INVALID_DATE", field=field) from error
    if not isinstance(value, str) or parsed.tzinfo is None:
        raise Invalid(f"{field} must be an ISO 8601 date-time with a time zone", code="INVALID_DATE", field=field)
    return parsed.isoformat()


def paging(call: Call) -> tuple[int, int]:
    """Contactflow pages: `page` from 0, `size` 20 by default."""
    values = []
    for name, default in (("page", 0), ("size", 20)):
        raw = call.request.query_params.get(name)
        try:
            values.append(default if raw in (None, "") else int(raw))
        except ValueError as error:
            raise Invalid(f"{name} must be a whole number", code="INVALID_PAGE", field=name) from error
    page, size = values
    if page < 0 or size < 1:
        raise Invalid("page must be 0 or more and size 1 or more", code="INVALID_PAGE", field="page" if page < 0 else "size")
    return page, size


def query_list(call: Call, name: str) -> list[str]:
    """A repeated (`status=A&status=B`) or comma-separated (`status=A,B`) query parameter."""
    return [item.strip() for raw in call.request.query_params.getlist(name) for item in raw.split(",") if item.strip()]


def statuses_in(values: list[str]) -> list[str] | None:
    if not values:
        return None
    unknown = [v for v in values if v not in STATUSES_IN]
    if unknown:
        raise Invalid(f"Unknown automation status {unknown[0]!r}", code="INVALID_STATUS", field="status")
    return sorted({status for v in values for status in STATUSES_IN[v]})


def target_status(body: dict) -> str | None:
    status = text(body, "status")
    if status is not None and status not in AUTOMATION_STATUSES:
        raise Invalid(f"Unknown automation status {status!r}", code="INVALID_STATUS", field="status")
    if status == "ERROR":
        raise Invalid("ERROR is an automation's state, not something to set", code="INVALID_STATUS", field="status")
    return status


def automation_options(body: dict, current: dict | None = None) -> dict:
    """The automation's own fields, over what its options already hold."""
    for name in LIST_FIELDS:
        if body.get(name) is not None and not isinstance(body[name], list):
            raise Invalid(f"{name} must be an array", code="INVALID_TYPE", field=name)
    options = dict(current or {})
    for name in OPTION_FIELDS:
        if name in body:
            options[name] = body[name]
    if "startDate" in body:
        options["startDate"] = date_time(body["startDate"], field="startDate")
    if "endDate" in body:
        options["endDate"] = date_time(body["endDate"], field="endDate")
    options.setdefault("category", "Custom")
    options["hasTrigger"] = bool(options.get("triggerEvents"))
    return options


def model_id(value: Any, *, field: str) -> int | None:
    """A mail or SMS model: a template's databaseId; 0 (the seed's placeholder) is none."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise Invalid(f"{field} must be a template id (a positive whole number)", code="INVALID_TYPE", field=field)
    return value or None


def steps(body: dict) -> list[dict] | None:
    """Contactflow steps as campaign steps: uuid -> externalId, operation -> type, description -> name,
    modelIdentifier (a mail or SMS model, i.e. a template's databaseId) -> templateId; the rest -> settings."""
    if body.get("steps") is None:
        return None
    result = []
    for index, step in enumerate(body["steps"]):
        if not isinstance(step, dict):
            raise Invalid(f"steps[{index}] must be an object", code="INVALID_TYPE", field=f"steps[{index}]")
        model = model_id(step.get("modelIdentifier"), field=f"steps[{index}].modelIdentifier")
        result.append({
            "externalId": text(step, "uuid"), "type": text(step, "operation", required=True), "name": text(step, "description"),
            "templateId": to_global_id("Template", model) if model is not None else None,
            "settings": {k: v for k, v in step.items() if k not in STEP_COLUMNS},
        })
    return result


def customer(body: dict, hub_phone_field: str | None) -> dict:
    """A Contactflow customer as a CustomerInput: userPk is the customer id; email and phone come from its attributes
    (the phone from the node's hubPhoneField when it has one)."""
    attributes = obj(body, "attributes")
    by_name = {str(k).lower(): v for k, v in attributes.items()}
    phone_keys = [hub_phone_field.lower()] if hub_phone_field else ["phone", "mobile", "mobilephone", "cellphone"]

    def attribute(*names: str) -> Any:
        value = next((by_name[n] for n in names if by_name.get(n) not in (None, "")), None)
        return value if value is None or isinstance(value, str) else str(value)

    return {
        "uuid": text(body, "uuid"), "externalId": text(body, "userPk"), "clabUuid": text(body, "clabUuid"),
        "email": attribute("email", "emailaddress"), "phone": attribute(*phone_keys),
        "firstName": attribute("firstname", "name"), "lastName": attribute("lastname", "surname"), "language": attribute("language"),
        "attributes": attributes,
    }
