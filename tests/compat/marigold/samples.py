"""Request bodies from the Marigold seed's samples (002), with the parts the seed shows collapsed
(`[ ]`, `{ }`) filled in with fields its schemas name. Each function returns a fresh copy."""
from __future__ import annotations

import copy

PROPERTIES = {
    "name": "Email Message", "description": "Description for the message.", "api_name": "message_1",
    "tags": ["addresses", "footer", "email", "holiday"], "languages": ["EN_US", "FR"], "default_language": "EN",
    "empty_language": "FR", "audience_api_name": "audience_1", "folder": "106",
}
HEADER = {"from_domain": "news.example.com", "from_alias": "Example News", "reply_email": "reply@example.com",
          "reply_alias": "Replies", "to_alias": "{{ first_name }}", "preheader": "A preheader",
          "subject": "Hello {{ first_name }}!", "from_address": "news@example.com", "deliverygroup_api_name": "default"}
HTML = ("<html> <head> <style> h1 color: red; p color: blue; </style> </head> <body> <h1>Hello World!</h1> "
        "<p>This is Rahul</p> </body> </html>")

JOURNEY = {
    "api_name": "journey_1", "name": "Christmas Campaign 1", "campaign_analytics_tag": "christmas_2424",
    "message_analytics_tag": "batch_2",
    "deduplication": {"fields": ["MASTER.MAIL"], "sort_field": "MASTER.ID", "sort_descending": True},
    "send_in_waves": {"type": "Waves", "interval_in_minutes": 60, "number_of_waves": 5, "items_per_wave": 50000},
    "sending_limit": {"percentage": 15, "type": "Absolute", "sort_selection": "Sorted", "sort_field": "MASTER.ID", "sort_descending": True},
    "disable_flags": True, "disable_tracking": True, "launch_state": "launch",
    "scheduling": {"launch_date": "2023-12-15T10:11:17.9968156Z"},
    "segment_api_name": "segment_1", "audience_filter": "endswith([MASTER.MAIL], '@my_company.com')",
}


def properties(**changes) -> dict:
    return {**copy.deepcopy(PROPERTIES), **changes}


def email(**changes) -> dict:
    """POST content/message."""
    return {"properties": properties(**changes), "headers": {"language1": [dict(HEADER)], "language2": [dict(HEADER)]},
            "content": {"text": "Hello World!", "html": HTML}}


def sms(**changes) -> dict:
    return {"properties": properties(**changes), "content": {"text": "Hello world!"}}


def page(**changes) -> dict:
    return {"properties": properties(**changes), "content": {"html": HTML}}


def mms(**changes) -> dict:
    return {"properties": properties(**changes), "content": {"my_language_code": {"text": "Hello world!", "media_type": "IMAGE", "media_url": "URL to the media"}}}


def rcs(**changes) -> dict:
    return {"properties": properties(**changes), "content": {"my_language_code": {"text": "Hello world!"}}}


def mobile(**changes) -> dict:
    """POST content/mobile; the seed's `content: {}` filled with one push notification per language."""
    return {
        "properties": properties(mobile_app_api_name="mobile_device_list_1", **changes),
        "mobile_properties": {"distribution_type": "MobilePush", "custom_in_app_content": True, "in_app_content_type": "Image",
                              "rich_push_content_enabled": True, "rich_push_content_type": "Image", "expiration_date": "2025-01-01"},
        "content": {"EN_US": [{"push": {"title": "Hello", "text": "Hello world!"}}], "FR": [{"push": {"title": "Salut", "text": "Bonjour!"}}]},
    }


def journey(**changes) -> dict:
    """The Single_Batch journey object, without `sending_limit` (refused: see test_single_batch)."""
    body = copy.deepcopy(JOURNEY)
    body.pop("sending_limit")
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def single_batch(**changes) -> dict:
    """POST journeys/singlebatch."""
    return {"journey": journey(**changes), "message": {"api_name": "message_1"}, "folder": "106"}


def transactional_item(**changes) -> dict:
    """One item of POST journeys/transactional/{api_name}/send."""
    item = {
        "email": "john.doe@doe.com", "recipient": "john.doe@doe.com", "language": "en-US",
        "data": {"required_string_1": "John", "optional_integer_1": 1, "required_integer_1": 5},
        "dtsdata": [{"name": "ORDERS", "keys": [{"field": "ID", "value": "1"}]}],
        "lookup": {"scope": "MASTER", "field": "MAIL"}, "sg_external_id": "c1379533-b642-48ee-968a-b952c042ed94",
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


def dictionary(**changes) -> dict:
    """POST dictionaries."""
    body = {"api_name": "dictionary_1", "name": "Email Message", "description": None, "tags": None, "organizations": None}
    body.update(changes)
    return body


def dictionary_update(**changes) -> dict:
    """PUT dictionaries/{api_name} (the seed's sample names two organizations; a dictionary belongs to one here)."""
    body = {"api_name": "dictionary_1", "description": "Description for the dictionary.", "tags": ["addresses", "footer", "email", "holiday"]}
    body.update(changes)
    return body


def label(**changes) -> dict:
    """POST dictionaries/{api_name}/labels, and the body of PUT .../labels/{label}."""
    body = {"label": "label_1", "translations": {"EN": "Label1_English", "DE": "Label1_Dutch"}}
    body.update(changes)
    return body
