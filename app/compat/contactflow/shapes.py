"""Contactflow response bodies, built from GraphQL results."""
from __future__ import annotations

import math

from domain.messaging.models import MessageEventType

# Campaign status -> Contactflow automation status (docs/domain.md, section 3.1).
STATUS_OUT = {"DRAFT": "DRAFT", "SCHEDULED": "COMMITTED", "RUNNING": "RUNNING", "SUSPENDED": "PAUSED",
              "SENT": "ARCHIVED", "CANCELLED": "ARCHIVED", "ARCHIVED": "ARCHIVED"}
# Enrollment status -> Contactflow token status: a live token waits at its step (READY).
TOKEN_STATUS = {"ACTIVE": "READY", "FINISHED": "COMPLETED", "ERROR": "ERROR", "CANCELLED": "CANCELLED"}
AGGREGATED_STATUS = {"RUNNING": ["ACTIVE"], "COMPLETED": ["FINISHED"], "ERROR": ["ERROR"]}
CURRENT_TOKENS = ["ACTIVE", "FINISHED", "ERROR"]  # a customer removed from its automation is no longer current
NODE_SETTINGS = ("groupPk", "userdbId", "groupName", "hubPhoneField")
DEFAULT_CATEGORY = "Custom"  # the seed's one AutomationCategory: an automation's category when it names none

NODE_FIELDS = "id uuid name active emailActive smsActive workspaceUuid workspaceName portfolioUuid portfolioName createdAt settings"
AUTOMATION_FIELDS = """id externalId name status options scheduledAt launchedAt createdAt
  steps @include(if: $full) { externalId type name templateId settings }
  enrollmentCounts @include(if: $full) { status count }
  messageCounts @include(if: $full) { status count }"""
TOKEN_FIELDS = """uuid status enteredAt stepEnteredAt error errorAt
  contact { externalId clabUuid email attributes }
  campaign { externalId name status }
  step { externalId type name settings }"""


def iso(value: str | None) -> str | None:
    """GraphQL's isoformat, in the `Z` form Contactflow uses."""
    return value[:-6] + "Z" if value and value.endswith("+00:00") else value


def node_settings(tenant: dict) -> dict:
    """The node's own fields kept in the tenant's settings."""
    return dict((tenant.get("settings") or {}).get("contactflow") or {})


def node(tenant: dict) -> dict:
    extra = node_settings(tenant)
    return {
        "uuid": tenant["uuid"], "name": tenant["name"], "workspaceUuid": tenant["workspaceUuid"], "workspaceName": tenant["workspaceName"],
        "portfolioUuid": tenant["portfolioUuid"], "portfolioName": tenant["portfolioName"], "groupPk": extra.get("groupPk"),
        "userdbId": extra.get("userdbId"), "groupName": extra.get("groupName"), "active": tenant["active"],
        "emailActive": tenant["emailActive"], "smsActive": tenant["smsActive"], "created": iso(tenant["createdAt"]),
        "hubPhoneField": extra.get("hubPhoneField"),
    }


def user_info(viewer: dict, tenants: list[dict]) -> dict:
    return {
        "base": {"username": viewer["subject"], "kind": viewer["kind"]},
        "extended": {"nodes": [{**node(t), "role": t["viewerRole"]} for t in tenants]},
    }


def page(elements: list, *, number: int, size: int, total: int) -> dict:
    return {"page": {"size": size, "totalElements": total, "totalPages": math.ceil(total / size), "number": number}, "elements": elements}


def step(s: dict) -> dict:
    settings = dict(s.get("settings") or {})
    shaped = {**settings, "uuid": s["externalId"], "type": settings.get("type", "ACTION"), "operation": s["type"], "description": s["name"]}
    if s.get("templateId") is not None:
        shaped["modelIdentifier"] = s["templateId"]
    return shaped


def statistics(campaign: dict) -> dict:
    tokens = {c["status"]: c["count"] for c in campaign["enrollmentCounts"]}
    messages = {c["status"].lower(): c["count"] for c in campaign["messageCounts"]}
    return {
        "customers": sum(tokens.values()), "running": tokens.get("ACTIVE", 0), "completed": tokens.get("FINISHED", 0),
        "error": tokens.get("ERROR", 0), "removed": tokens.get("CANCELLED", 0), "messages": messages,
    }


def automation(campaign: dict, *, timezone: str, compact: bool = False) -> dict:
    options = campaign["options"] or {}
    shaped = {
        "uuid": campaign["externalId"], "name": campaign["name"], "category": options.get("category", DEFAULT_CATEGORY),
        "author": options.get("author"), "startDate": iso(campaign["scheduledAt"] or options.get("startDate") or campaign["launchedAt"]),
        "timezone": options.get("timezone") or timezone, "status": STATUS_OUT[campaign["status"]], "created": iso(campaign["createdAt"]),
        "createdBy": options.get("createdBy"), "description": options.get("description"), "endDate": iso(options.get("endDate")),
        "uniqueToken": options.get("uniqueToken", False), "removeActionPrimary": options.get("removeActionPrimary", False),
        "sourceDescription": options.get("sourceDescription"),
    }
    if compact:
        return shaped
    return {
        **shaped, "triggerEvents": options.get("triggerEvents") or [], "steps": [step(s) for s in campaign["steps"]],
        "connections": options.get("connections") or [], "statistics": statistics(campaign),
    }


def customer(token: dict) -> dict:
    contact = token["contact"] or {}
    return {
        "uuid": token["uuid"], "userPk": contact.get("externalId"), "clabUuid": contact.get("clabUuid"),
        "attributes": contact.get("attributes") or {}, "automationUuid": token["campaign"]["externalId"],
        "automationName": token["campaign"]["name"],
    }


def token(enrollment: dict, *, compact: bool = False) -> dict:
    shaped = {**customer(enrollment), "status": TOKEN_STATUS[enrollment["status"]]}
    step_ = enrollment.get("step")
    if compact:
        return {**shaped, "stepUuid": step_ and step_["externalId"]}
    return {
        **shaped, "stepUuid": step_ and step_["externalId"], "stepOperation": step_ and step_["type"],
        "stepType": step_ and (step_["settings"] or {}).get("type", "ACTION"), "stepDescription": step_ and step_["name"],
        "enterStepDate": iso(enrollment["stepEnteredAt"]), "enterAutomationDate": iso(enrollment["enteredAt"]),
        "automationStatus": STATUS_OUT[enrollment["campaign"]["status"]],
        "errorDate": iso(enrollment["errorAt"]), "errorMessage": enrollment["error"],
    }


def batch(payload: dict) -> dict:
    return {"sourceLabel": payload["sourceLabel"], "sourceUuid": payload["sourceUuid"], "status": payload["status"]}


# Contactflow automation statuses a KPI counts (the seed's AutomationStatus, less the TO_* requests).
KPI_STATUSES = ("DRAFT", "COMMITTED", "RUNNING", "PAUSED", "ERROR", "ARCHIVED")
# Message event types a feedback counts; QUEUED and SENDING are states every message passes through.
FEEDBACK_EVENTS = tuple(t.name for t in MessageEventType if t not in (MessageEventType.QUEUED, MessageEventType.SENDING))


def node_kpis(tenant: dict) -> dict:
    """A node's basic info and how many of its automations are in each Contactflow status."""
    automations = {status: 0 for status in KPI_STATUSES}
    for count in tenant["campaignCounts"]:
        automations[STATUS_OUT[count["status"]]] += count["count"]
    return {**node(tenant), "automations": {"total": sum(automations.values()), **automations}}


def step_feedback(feedback: dict) -> dict:
    """A step and the outcome of its messages: how many it sent in all, how many had each event (an open, a click...),
    and how many are in each status now."""
    shaped = step(feedback["step"])
    events = {c["type"]: c["count"] for c in feedback["events"]}
    counts = {"messages": feedback["messages"], **{name.lower(): events.get(name, 0) for name in FEEDBACK_EVENTS},
              "statuses": {c["status"].lower(): c["count"] for c in feedback["statuses"]}}
    return {"uuid": shaped["uuid"], "type": shaped["type"], "operation": shaped["operation"], "description": shaped["description"],
            "feedbacks": counts}


REPORT_COLUMNS = ("automationUuid", "automationName", "automationStatus", "category", "stepUuid", "stepOperation", "stepDescription",
                  "messages", *(name.lower() for name in FEEDBACK_EVENTS))


def report_row(campaign: dict, feedback: dict) -> list:
    """One line of the automations report: the automation, one of its steps and that step's feedbacks."""
    counts = feedback["feedbacks"]
    return [campaign["externalId"], campaign["name"], STATUS_OUT[campaign["status"]], (campaign["options"] or {}).get("category", DEFAULT_CATEGORY),
            feedback["uuid"], feedback["operation"], feedback["description"], *(counts[name] for name in REPORT_COLUMNS[7:])]


TOKEN_REPORT_COLUMNS = ("uuid", "userPk", "clabUuid", "email", "automationUuid", "automationName", "automationStatus", "stepUuid",
                        "stepOperation", "stepType", "stepDescription", "status", "enterAutomationDate", "enterStepDate", "errorDate", "errorMessage")


def token_report_row(enrollment: dict) -> list:
    """One line of the tokens report: the token as `token()` shapes it, and its customer's email."""
    shaped = {**token(enrollment), "email": (enrollment.get("contact") or {}).get("email")}
    return [shaped.get(name) for name in TOKEN_REPORT_COLUMNS]


def template_pages(template: dict) -> list[dict]:
    """A PageBuilder template's pages (`settings.pages`), as `{id, templateId, name}`; malformed entries are left out."""
    pages = (template.get("settings") or {}).get("pages")
    return [{"id": p["id"], "templateId": template["databaseId"], "name": p.get("name")} for p in pages if isinstance(p, dict)
            and isinstance(p.get("id"), int) and not isinstance(p.get("id"), bool)] if isinstance(pages, list) else []
