"""Especial response bodies for templates, campaigns and transactional email, built from GraphQL results.

Especial times are UNIX seconds; its ids are integers (`databaseId`); absent values are left out, never null.
"""
from __future__ import annotations

from datetime import datetime, timezone

# CampaignKind <-> Especial campaign `type`.
CAMPAIGN_TYPES = {"NEWSLETTER": "standard", "RECURRING": "recurring", "AB_TEST": "absplit"}
KINDS_BY_TYPE = {v: k for k, v in CAMPAIGN_TYPES.items()}

# Especial `status` filter -> (CampaignStatus values, `ready`) in the graph; see docs/domain.md §3.1.
STATUS_FILTERS = {
    "incomplete": (["DRAFT"], False), "active": (["DRAFT"], True), "scheduled": (["SCHEDULED"], None),
    "delivering": (["RUNNING", "SUSPENDED"], None), "delivered": (["SENT", "CANCELLED"], None),
    "archived": (["ARCHIVED"], None), "deleted": ([], None),
}


def unix(value: str | None) -> int | None:
    return int(datetime.fromisoformat(value).timestamp()) if value else None


def compact(body: dict) -> dict:
    """Leave out what has no value: the contract types these fields, and null is not one of their types."""
    return {k: v for k, v in body.items() if v is not None}


def pagination(page: int, per_page: int, connection: dict, with_count: bool) -> dict:
    return compact({"page": page, "per_page": per_page, "count": connection["totalCount"] if with_count else None})


# --- templates ----------------------------------------------------------------------------------------

def _part(template: dict) -> dict:
    """The part Especial shows: the default language's, else the first."""
    parts = template.get("parts") or []
    return next((p for p in parts if p["language"] == template.get("defaultLanguage")), parts[0] if parts else {})


def template_content(template: dict) -> dict:
    part, settings = _part(template), template.get("settings") or {}
    content = settings.get("content") or {}
    kind = content.get("type") or ("html" if part.get("html") else "text")
    return compact({"type": kind, "subject": part.get("subject"), "html": part.get("html"), "text": part.get("text"), "json": content.get("json")})


def template_summary(template: dict) -> dict:
    settings = template.get("settings") or {}
    return compact({
        "id": template["databaseId"], "name": template["name"], "description": settings.get("description"),
        "created_on": unix(template["createdAt"]), "updated_on": unix(template["updatedAt"]), "tags": settings.get("tags") or [],
        "is_owner": True, "sharing": {"shared": bool((settings.get("sharing") or {}).get("shared"))},
        "thumbnail_url": settings.get("thumbnail_url"),
    })


def template_full(template: dict) -> dict:
    settings = template.get("settings") or {}
    sharing = settings.get("sharing") or {}
    return {
        **template_summary(template),
        "sharing": compact({"shared": bool(sharing.get("shared")), "automatic": sharing.get("automatic"), "accounts": sharing.get("accounts")}),
        "content": template_content(template),
    }


# --- campaigns ----------------------------------------------------------------------------------------

def campaign_status(campaign: dict) -> tuple[str, bool]:
    """(Especial status, suspended). CANCELLED has no Especial value: it is shown as `delivered`, which is
    final in Especial too (it can only be archived)."""
    status, launched = campaign["status"], campaign.get("launchedAt") is not None
    if status == "DRAFT":
        return ("active" if _ready(campaign) else "incomplete"), False
    if status == "SUSPENDED":
        return ("delivering" if launched else "scheduled"), True
    return {"SCHEDULED": "scheduled", "RUNNING": "delivering", "SENT": "delivered", "CANCELLED": "delivered", "ARCHIVED": "archived"}[status], False


def _ready(campaign: dict) -> bool:
    return campaign.get("template") is not None and (campaign.get("list") is not None or campaign.get("segment") is not None)


def _next_building_step(campaign: dict) -> str | None:
    if campaign["status"] != "DRAFT":
        return None
    if campaign.get("list") is None and campaign.get("segment") is None:
        return "audience"
    if campaign.get("template") is None:
        return "content"
    return "schedule"


def _sender(campaign: dict) -> dict | None:
    sender, options = campaign.get("sender"), campaign.get("options") or {}
    if sender is None:
        return None
    return compact({"name": options.get("sender_name") or sender.get("name"), "email": sender["address"]})


def _audience(campaign: dict) -> dict:
    lst, segment = campaign.get("list"), campaign.get("segment")
    return compact({"list_id": lst and lst["databaseId"], "name": lst and lst["name"], "segment_id": segment and segment["databaseId"]})


def campaign_summary(campaign: dict) -> dict:
    status, suspended = campaign_status(campaign)
    options = campaign.get("options") or {}
    return compact({
        "id": campaign["databaseId"], "name": campaign["name"],
        "audience": compact({k: v for k, v in _audience(campaign).items() if k != "name"}),
        "type": CAMPAIGN_TYPES.get(campaign["kind"], "standard"), "created_on": unix(campaign["createdAt"]),
        "scheduled_for": unix(campaign.get("scheduledAt")), "scheduled_on": options.get("scheduled_on"), "sender": _sender(campaign),
        "next_building_step": _next_building_step(campaign), "status": status, "suspended": suspended,
        "over_limit": False, "under_review": False, "updated_on": unix(campaign["updatedAt"]),
    })


def campaign_full(campaign: dict) -> dict:
    options = campaign.get("options") or {}
    tracking = options.get("tracking") or {}
    return compact({
        **campaign_summary(campaign),
        "audience": _audience(campaign),
        "tracking": compact({k: tracking.get(k) for k in ("opens", "clicks_html", "clicks_text", "additional_params")}),
        "delivery_finished_on": unix(campaign.get("finishedAt")),
        "reply_to_email": options.get("reply_to"),
        "content": campaign_content(campaign),
    })


def revision(r: dict) -> dict:
    """A CampaignRevision: its id and when it was saved (the contract's `date` is a string: ISO 8601 in UTC)."""
    return {"id": r["databaseId"], "date": iso_utc(r["createdAt"])}


def campaign_at_revision(campaign: dict, revision: dict) -> dict:
    """The campaign with the content a revision saved (`domain.campaigns.revisions.snapshot`) in place of its own."""
    saved = revision["content"] or {}
    template = saved.get("template")
    return {**campaign, "options": {**(campaign.get("options") or {}), "content": saved.get("content") or {}},
            "template": template and {"parts": template.get("parts") or [], "defaultLanguage": template.get("default_language"),
                                      "settings": template.get("settings") or {}, "updatedAt": revision["createdAt"]}}


def iso_utc(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def campaign_content(campaign: dict) -> dict:
    options, template = campaign.get("options") or {}, campaign.get("template")
    meta = options.get("content") or {}
    body = template_content(template) if template else {}
    return compact({
        "subject": body.get("subject") or meta.get("subject"), "html": body.get("html"), "text": body.get("text"), "json": meta.get("json", body.get("json")),
        "type": meta.get("type") or "html", "encoding": meta.get("encoding"), "default_unsubscribe_link": meta.get("default_unsubscribe_link"),
        "last_updated_on": unix(template["updatedAt"]) if template else None,
    })


def done(kind: str, id: int, verb: str, value: bool = True, data: dict | None = None) -> dict:
    """Especial's acknowledgement body: `{id, object, <verb>: true, data}`."""
    return compact({"id": id, "object": kind, verb: value, "data": data})
