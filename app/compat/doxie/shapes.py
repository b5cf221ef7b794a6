"""Doxie response bodies, built from GraphQL results."""
from __future__ import annotations


def _template_key(template: dict | None) -> str | None:
    return template and (template["apiName"] or template["name"])


def mail_sent(result: dict) -> dict:
    messages = result["messages"]
    return {
        "success": True,
        "process_uuid": result["process"]["uuid"],
        "sent_email_templates": [_template_key(m["template"]) for m in messages if m["channel"] == "EMAIL"],
        "sent_sms_templates": [_template_key(m["template"]) for m in messages if m["channel"] == "SMS"],
    }


def process_started(result: dict, data: dict | None = None) -> dict:
    """Injector, survey and QR code answers."""
    return {"success": True, "error_message": None, "process_uuid": result["process"]["uuid"], "data": data}


def qr_code(code: dict) -> dict:
    return {"qr_code_uuid": code["uuid"], "qr_code_url": code["url"], "target_url": code["targetUrl"], "valid_until": code["validUntil"],
            "status": code["status"]}


def event(node: dict) -> dict:
    return {
        "id": node["databaseId"],
        "slug": node["slug"],
        "name": node["name"],
        "type": node["type"].lower(),
        "active": node["active"],
        "parameters": node["parameters"],
        "recipient_field": node["recipientField"],
        "phone_field": node["phoneField"],
        "settings": node["settings"],
        "email_templates": [_template_key(t) for t in node["templates"] if t["channel"] == "EMAIL"],
        "sms_templates": [_template_key(t) for t in node["templates"] if t["channel"] == "SMS"],
        "created_at": node["createdAt"],
    }


def process(node: dict) -> dict:
    event = node["event"]
    return {
        "uuid": node["uuid"],
        "type": node["kind"],
        "status": node["status"].lower(),
        "event": event and {"id": event["databaseId"], "slug": event["slug"], "name": event["name"], "type": event["type"].lower()},
        "payload": node["payload"],
        "qr_code": node["qrCode"] and qr_code(node["qrCode"]),
        "created_at": node["createdAt"],
        "cancelled_at": node["cancelledAt"],
    }


def message(node: dict) -> dict:
    return {
        "id": node["databaseId"],
        "message_type": node["channel"].lower(),
        "status": node["status"].lower(),
        "recipient": node["recipient"],
        "sender": node["sender"],
        "subject": node["subject"],
        "template": _template_key(node["template"]),
        "error_code": node["errorCode"],
        "error": node["error"],
        "created_at": node["createdAt"],
        "scheduled_at": node["scheduledAt"],
        "sent_at": node["sentAt"],
        "delivered_at": node["deliveredAt"],
    }


def interaction(node: dict) -> dict:
    """A Doxie webhook interaction: one delivery attempt."""
    endpoint = node.get("endpoint")
    return {
        "id": node["databaseId"],
        "webhook_id": node["webhookId"],
        "event": node["event"],
        "attempt": node["attempt"],
        "endpoint": endpoint and {"id": endpoint["databaseId"], "url": endpoint["url"]},
        "payload": node["payload"],
        "response_status": node["responseStatus"],
        "response_body": node["responseBody"],
        "error": node["error"],
        "succeeded": node["succeeded"],
        "created_at": node["createdAt"],
    }


CONSENT_STATUS = {"PENDING": "unconfirmed", "SUBSCRIBED": "confirmed", "UNSUBSCRIBED": "revoked", "BOUNCED": "bounced"}


def consent(member: dict) -> dict:
    """A consent is a list membership; its purpose is the list."""
    contact = member.get("contact") or {}
    return {
        "identifier": member["databaseId"],
        "status": CONSENT_STATUS[member["status"]],
        "purpose_id": member["list"] and member["list"]["databaseId"],
        "purpose": member["list"] and member["list"]["name"],
        "email": contact.get("email"),
        "phone": contact.get("phone"),
        "confirmed_at": member["subscribedAt"] if member["status"] == "SUBSCRIBED" else None,
        "revoked_at": member["unsubscribedAt"],
    }


def endpoint(node: dict, names: dict[str, list[str]]) -> dict:
    """A webhook endpoint, its events in Doxie's names (`names`: Doxie name -> graph names); [] = every event."""
    doxie_names = {graph: doxie for doxie, graphs in names.items() for graph in graphs}
    return {
        "id": node["databaseId"],
        "url": node["url"],
        "events": list(dict.fromkeys(doxie_names.get(e, e) for e in node["events"])),
        "active": node["active"],
        "description": node["description"],
        "basic_auth_username": node["basicAuthUsername"],
        "created_at": node["createdAt"],
    }


def api_user(node: dict) -> dict:
    return {"id": node["databaseId"], "username": node["username"], "permission": node["role"].lower(), "created_at": node["createdAt"]}


def tenant_settings(tenant: dict) -> dict:
    return {
        "slug": tenant["slug"],
        "name": tenant["name"],
        "active": tenant["active"],
        "email_active": tenant["emailActive"],
        "sms_active": tenant["smsActive"],
        "timezone": tenant["timezone"],
        "default_language": tenant["defaultLanguage"],
        "settings": tenant["settings"],
        "updated_at": tenant["updatedAt"],
    }


def brand(node: dict) -> dict:
    """A brand with its settings (secrets masked by the graph) as attributes, and its senders as Doxie's lists."""
    senders = node["senders"]
    return {
        **node["settings"],
        "id": node["databaseId"],
        "slug": node["slug"],
        "name": node["name"],
        "possible_sender_emails": [s["address"] for s in senders if s["channel"] == "EMAIL"],
        "rcs_possible_senders": [s["address"] for s in senders if s["channel"] == "RCS"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def messaging_schedule(node: dict) -> dict:
    """A messaging schedule: its owning event, its template (by Doxie template key), when and on which condition."""
    event, template = node["event"], node["template"]
    return {
        "id": node["databaseId"],
        "name": node["name"],
        "event_id": event["databaseId"],
        "event_slug": event["slug"],
        "event_type": event["type"].lower(),
        "template": _template_key(template),
        "template_id": template["databaseId"],
        "channel": node["channel"].lower(),
        "delay_seconds": node["delaySeconds"],
        "condition": node["condition"] and node["condition"].lower(),
        "active": node["active"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def landing_page(node: dict) -> dict:
    """A landing page or a layout (PAGE templates): what pages/landing_pages and pages/landing_page_layouts show."""
    page = node["page"]
    brand, layout, event = page["brand"], page.get("layout"), page.get("ownerEvent")
    shown = {
        "id": node["databaseId"],
        "name": node["name"],
        "brand_id": brand and brand["databaseId"],
        "brand": brand and {"id": brand["databaseId"], "slug": brand["slug"], "name": brand["name"]},
        "content_state": page["contentState"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }
    if page["kind"] == "LANDING_PAGE":
        shown |= {
            "landing_page_layout_id": layout and layout["databaseId"],
            "owner_type": page["ownerType"],
            "owner_id": event and event["databaseId"],
            "published": page["publishedAt"] is not None,
            "published_at": page["publishedAt"],
            "url": page["publicUrl"],
        }
    return shown


def editor_asset(node: dict) -> dict:
    return {"id": node["uuid"], "filename": node["filename"], "content_type": node["contentType"], "size": node["size"], "url": node["url"],
            "created_at": node["createdAt"]}
