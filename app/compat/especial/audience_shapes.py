"""Especial's audience bodies (lists, contacts, senders) from the graph's data, and the GraphQL they need.

Vocabulary (docs/domain.md §2.4, §3.1):
- ids are `databaseId`s: integers for lists and contacts, strings for senders;
- a list's `language`, `redirections` and `status` live in ContactList.settings; `pages` and `webhook`
  are empty (sendgraph hosts no opt-in pages and keeps no per-list webhooks);
- a contact's `status` is its ListMember status: SUBSCRIBED active, UNSUBSCRIBED unsubscribed,
  PENDING unconfirmed, BOUNCED bounced;
- `last_bounce_type` names the last bounce as Especial's bounce log types do (`hb` hard, `sb` soft),
  `none` when the contact never bounced;
- times are UNIX seconds.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

SENDER_FIELDS = "databaseId name address verified settings brand createdAt tenant { id }"
LIST_FIELDS = "databaseId name settings createdAt tenant { id } defaultSender { name address }"
CONTACT_FIELDS = "databaseId email attributes tags interests bounces { count lastErrorCode }"
MEMBER_FIELDS = f"status subscribedAt contact {{ {CONTACT_FIELDS} }}"
ERRORS = "userErrors { field message code }"

# --- senders -------------------------------------------------------------------------------------------
SENDER = f"query EspecialSender($id: ID!) {{ node(id: $id) {{ ... on Sender {{ {SENDER_FIELDS} }} }} }}"
SENDERS = f"""query EspecialSenders($account: ID!, $first: Int!, $offset: Int!, $count: Boolean!) {{
  node(id: $account) {{ ... on Tenant {{ senders(brand: "default", channel: EMAIL, first: $first, offset: $offset) {{
    totalCount @include(if: $count) nodes {{ {SENDER_FIELDS} }} }} }} }} }}"""
CREATE_SENDER = f"""mutation EspecialCreateSender($input: CreateSenderInput!) {{
  createSender(input: $input) {{ sender {{ {SENDER_FIELDS} }} {ERRORS} }} }}"""
UPDATE_SENDER = f"""mutation EspecialUpdateSender($input: UpdateSenderInput!) {{
  updateSender(input: $input) {{ sender {{ {SENDER_FIELDS} }} {ERRORS} }} }}"""
DELETE_SENDER = f"""mutation EspecialDeleteSender($input: DeleteInput!) {{ deleteSender(input: $input) {{ deletedId {ERRORS} }} }}"""

# --- lists ---------------------------------------------------------------------------------------------
LIST = f"query EspecialList($id: ID!) {{ node(id: $id) {{ ... on ContactList {{ {LIST_FIELDS} }} }} }}"
LISTS = f"""query EspecialLists($account: ID!, $first: Int!, $offset: Int!, $count: Boolean!, $name: String) {{
  node(id: $account) {{ ... on Tenant {{ lists(first: $first, offset: $offset, name: $name) {{
    totalCount @include(if: $count) nodes {{ {LIST_FIELDS} }} }} }} }} }}"""
CREATE_LIST = f"""mutation EspecialCreateList($input: CreateListInput!) {{ createList(input: $input) {{ list {{ {LIST_FIELDS} }} {ERRORS} }} }}"""
UPDATE_LIST = f"""mutation EspecialUpdateList($input: UpdateListInput!) {{ updateList(input: $input) {{ list {{ {LIST_FIELDS} }} {ERRORS} }} }}"""
DELETE_LIST = f"""mutation EspecialDeleteList($input: DeleteInput!) {{ deleteList(input: $input) {{ deletedId {ERRORS} }} }}"""

# --- contacts of a list ---------------------------------------------------------------------------------
MEMBER = f"""query EspecialContact($list: ID!, $contact: ID!) {{
  node(id: $list) {{ ... on ContactList {{ tenant {{ id }} member(contactId: $contact) {{ {MEMBER_FIELDS} }} }} }} }}"""
MEMBERS = f"""query EspecialContacts($list: ID!, $first: Int!, $offset: Int, $after: String, $status: SubscriptionStatus, $count: Boolean!) {{
  node(id: $list) {{ ... on ContactList {{ members(first: $first, offset: $offset, after: $after, status: $status) {{
    totalCount @include(if: $count) pageInfo {{ hasNextPage endCursor }} nodes {{ {MEMBER_FIELDS} }} }} }} }} }}"""
CONTACT_BY_EMAIL = """query EspecialContactByEmail($account: ID!, $email: String!) {
  node(id: $account) { ... on Tenant { contacts(email: $email, first: 1) { nodes { id } } } } }"""
IMPORT_CONTACTS = f"""mutation EspecialImportContacts($input: ImportContactsInput!) {{
  importContacts(input: $input) {{ results {{ email created error {{ field message code }} member {{ {MEMBER_FIELDS} }} contact {{ databaseId }} }} {ERRORS} }} }}"""
UPDATE_CONTACT = f"""mutation EspecialUpdateContact($input: UpdateContactInput!) {{
  updateContact(input: $input) {{ contact {{ {CONTACT_FIELDS} }} {ERRORS} }} }}"""
SUBSCRIBE_CONTACT = f"""mutation EspecialSubscribeContact($input: SubscribeContactInput!) {{
  subscribeContact(input: $input) {{ member {{ {MEMBER_FIELDS} }} {ERRORS} }} }}"""
REMOVE_CONTACT = f"""mutation EspecialRemoveContact($input: RemoveContactFromListInput!) {{
  removeContactFromList(input: $input) {{ removedContactId {ERRORS} }} }}"""

CONTACT_STATUS = {"SUBSCRIBED": "active", "UNSUBSCRIBED": "unsubscribed", "PENDING": "unconfirmed", "BOUNCED": "bounced"}
STATUS_FILTER = {"active": "SUBSCRIBED", "unsubscribed": "UNSUBSCRIBED", "unconfirmed": "PENDING", "bounced": "BOUNCED"}
IMPORT_ACTION = {"active": "SUBSCRIBE", "unsubscribed": "UNSUBSCRIBE", "deleted": "REMOVE"}
BOUNCE_TYPE = {"HARD_BOUNCE": "hb", "SOFT_BOUNCE": "sb"}
DEFAULT_LANGUAGE = "en_US"
# Especial's codes for a row an import could not take (ImportContact*ErrorResponse).
IMPORT_ERROR_CODES = {"MEMBER_NOT_FOUND": (8001, "Contact not found"), "INVALID_ATTRIBUTES": (8014, "Invalid custom attribute")}


def unix(iso: str | None) -> int | None:
    return int(datetime.fromisoformat(iso).timestamp()) if iso else None


def pagination(page: int, per_page: int, connection: dict, *, with_count: bool) -> dict:
    shape = {"page": page, "per_page": per_page}
    if with_count:
        shape["count"] = connection["totalCount"]
    return shape


def sender(node: dict) -> dict:
    settings = node.get("settings") or {}
    shape = {
        "id": str(node["databaseId"]), "name": node.get("name") or "", "email": node["address"], "confirmed": node["verified"],
        "language": settings.get("language") or DEFAULT_LANGUAGE,
    }
    for key in ("confirmed_on", "last_confirmation_sent_on"):
        if isinstance(settings.get(key), int):
            shape[key] = settings[key]
    return shape


def contact_list(node: dict) -> dict:
    settings = node.get("settings") or {}
    default_sender = node.get("defaultSender")
    return {
        "id": node["databaseId"], "name": node["name"], "status": settings.get("status") or "active",
        "policy_accepted": bool(settings.get("policy_accepted", False)), "language": settings.get("language") or DEFAULT_LANGUAGE,
        "created_on": unix(node["createdAt"]),
        "default_sender": {"name": default_sender.get("name") or "", "email": default_sender["address"]} if default_sender else {},
        "redirections": settings.get("redirections") or {}, "pages": {}, "webhook": {},
    }


def contact(member: dict) -> dict:
    """ContactFullResponse: a contact as a member of one list."""
    row = member["contact"]
    bounces = row["bounces"]
    last = bounces["lastErrorCode"]
    return {
        "id": row["databaseId"], "email": row["email"] or "", "status": CONTACT_STATUS.get(member["status"], member["status"].lower()),
        "subscribed_on": unix(member["subscribedAt"]),
        "last_bounce_type": BOUNCE_TYPE.get(last, (last or "none").lower()) if bounces["count"] else "none",
        "bounces_count": bounces["count"],
        "custom_attributes": [{"name": name, "value": _text(value)} for name, value in sorted((row["attributes"] or {}).items())],
        "tags": list(row.get("tags") or []), "interests": list(row.get("interests") or []),
    }


def attributes(custom_attributes: list[dict] | None) -> dict | None:
    """Especial `custom_attributes: [{name, value}]` as the graph's attributes object (a missing value removes one)."""
    if custom_attributes is None:
        return None
    return {item["name"]: item.get("value") for item in custom_attributes}


def import_error(index: int, error: dict) -> dict:
    code, message = IMPORT_ERROR_CODES.get(error["code"], (8015, error["message"]))
    field = (error.get("field") or "").split(".")[-1] or "email"
    return {"loc": ["contacts", str(index), field], "msg": message if code != 8015 else error["message"], "code": code}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
