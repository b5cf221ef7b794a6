"""Doxie response bodies, built from GraphQL results."""
from __future__ import annotations


def mail_sent(result: dict) -> dict:
    messages = result["messages"]
    return {
        "success": True,
        "process_uuid": result["process"]["uuid"],
        "sent_email_templates": [m["template"]["apiName"] or m["template"]["name"] for m in messages if m["channel"] == "EMAIL"],
        "sent_sms_templates": [m["template"]["apiName"] or m["template"]["name"] for m in messages if m["channel"] == "SMS"],
    }
