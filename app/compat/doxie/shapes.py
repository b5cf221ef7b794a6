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
    return {"qr_code_uuid": code["uuid"], "target_url": code["targetUrl"], "valid_until": code["validUntil"], "status": code["status"]}


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
