"""Marigold response bodies, built from GraphQL results, and Marigold's own ids and formats."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from domain.errors import DomainError, Invalid

CONTENT_TYPES = {"EMAIL": "Email", "PAGE": "Page", "PUSH": "MobilePush", "SMS": "Sms"}  # MMS and RCS: "Unknown"
JOURNEY_TYPES = {"SINGLE_BATCH": "singlebatch", "TRANSACTIONAL": "transactional", "AB_TEST": "ab", "RECURRING": "recurring",
                 "CUSTOM": "custom"}
LAUNCH_STATES = {"DRAFT": "none", "SCHEDULED": "schedule", "RUNNING": "launch", "SUSPENDED": "launch", "SENT": "launch",
                 "CANCELLED": "none", "ARCHIVED": "none"}
# Journey fields kept as they were sent (Campaign.options), and given back as they were.
JOURNEY_OPTIONS = ("campaign_analytics_tag", "message_analytics_tag", "deduplication", "send_in_waves", "disable_flags",
                   "disable_tracking")

# Transactional message status: the seed documents 30 = "Mail was sent"; the other codes are sendgraph's.
STATUS = {
    "QUEUED": (10, "Message is queued"),
    "SENDING": (20, "Message is being sent"),
    "SENT": (30, "Mail was sent"),
    "DELIVERED": (30, "Mail was sent and delivered"),
    "FAILED": (50, "Message could not be sent"),
    "BOUNCED": (60, "Message bounced"),
    "CANCELLED": (70, "Message was cancelled"),
}
_UUID_BASE = (0x4000 << 64) | (0x8000 << 48)  # 00000000-0000-4000-8000-<48-bit message id>
_ID_MASK = (1 << 48) - 1


def organization(tenant: dict) -> dict:
    return {"name": tenant["slug"], "display_name": tenant["name"], "active": tenant["active"], "created_on": tenant["createdAt"]}


def result(message: str | None = None, errors: list[dict] = (), *, code: str = "Succeeded") -> dict:
    return {"result_code": code, "message": message, "errors": list(errors)}


def error(e: DomainError) -> dict:
    return {"error_code": e.code, "description": e.message}


def content(template: dict) -> dict:
    settings = template["settings"] or {}
    return {"name": template["name"], "description": settings.get("description"), "api_name": template["apiName"],
            "tags": settings.get("tags") or [], "type": CONTENT_TYPES.get(template["channel"], "Unknown")}


def journey_base(campaign: dict) -> dict:
    return {"api_name": campaign["externalId"], "type": JOURNEY_TYPES.get(campaign["kind"], "unknown")}


def journey(campaign: dict) -> dict:
    """A single-batch journey: its api name, type, name, launch state and schedule, and its options as sent."""
    options = campaign["options"] or {}
    body = {**journey_base(campaign), "name": campaign["name"]}
    body.update({key: options[key] for key in JOURNEY_OPTIONS if key in options})
    body["launch_state"] = LAUNCH_STATES[campaign["status"]]
    if campaign.get("scheduledAt"):
        body["scheduling"] = {"launch_date": marigold_time(campaign["scheduledAt"])}
    return body


def transactional_journey(campaign: dict) -> dict:
    options = campaign["options"] or {}
    body = {**journey_base(campaign), "launch_state": LAUNCH_STATES[campaign["status"]], "name": campaign["name"],
            "campaign_analytics_tag": options.get("campaign_analytics_tag")}
    if options.get("message_analytics_tag"):  # "Omitted if empty."
        body["message_analytics_tag"] = options["message_analytics_tag"]
    return body


def message_status(message: dict) -> dict:
    code, text = STATUS[message["status"]]
    if message.get("error") and message["status"] in ("FAILED", "BOUNCED"):
        text = f"{text}: {message['error']}"
    return {"id": message_uuid(message["databaseId"]), "sg_external_id": message.get("externalId"), "status": code, "status_message": text}


def message_uuid(database_id: int) -> str:
    """Marigold names messages by UUID; sendgraph's message id, written as one (no column holds a UUID)."""
    return str(uuid.UUID(int=_UUID_BASE | database_id))


def message_database_id(value: str, *, field: str) -> int | None:
    """The message id inside one of our UUIDs; None for a well-formed UUID that is not one of ours."""
    try:
        parsed = uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError) as exc:
        raise Invalid(f"{value!r} is not a UUID", code="INVALID_ID", field=field) from exc
    if parsed.int & ~_ID_MASK != _UUID_BASE:
        return None
    return parsed.int & _ID_MASK


def marigold_time(iso: str) -> str:
    """ISO 8601 in UTC with seven fractional digits, as Marigold writes it (2023-12-15T10:11:17.9968156Z)."""
    moment = datetime.fromisoformat(iso).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
