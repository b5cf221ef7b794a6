"""Helpers for the Especial audience specs: senders, lists and contacts made through the Especial routes
themselves, with the seed's request samples."""
from __future__ import annotations

import secrets

from tests.compat.especial.conftest import EspecialClient, assert_valid

# The seed's request samples ("Add a sender", "Create a List", "Add a contact"), with real values.
SENDER = {"name": "Acme News", "email": "news@example.com", "language": "en_US"}
LIST = {"name": "Newsletter", "default_sender": {"id": "<sender id>"}, "language": "en_US", "redirections": {}, "webhook": {}}
CONTACT = {"email": "user@example.com", "custom_attributes": [{"name": "first_name", "value": "Ada"}]}


def unique_email(prefix: str = "c") -> str:
    return f"{prefix}.{secrets.token_hex(4)}@example.com"


async def add_sender(client: EspecialClient, **fields) -> dict:
    response = await client.post("/brands/default/senders", json={**SENDER, "email": unique_email("news"), **fields})
    assert response.status_code == 201, response.text
    return assert_valid(response, "/brands/default/senders", "POST")["data"]


async def add_list(client: EspecialClient, sender_id: str | None = None, **fields) -> dict:
    sender_id = sender_id or (await add_sender(client))["id"]
    response = await client.post("/lists", json={**LIST, "default_sender": {"id": sender_id}, **fields})
    assert response.status_code == 201, response.text
    return assert_valid(response, "/lists", "POST")["data"]


async def add_contact(client: EspecialClient, list_id: int, email: str | None = None, **fields) -> dict:
    response = await client.post(f"/lists/{list_id}/contacts", json={**CONTACT, "email": email or unique_email(), **fields})
    assert response.status_code == 201, response.text
    return assert_valid(response, "/lists/{list_id}/contacts", "POST")["data"]


def oversized_json() -> bytes:
    """A syntactically valid JSON body just over the 1 MB limit."""
    return b'{"name": "' + b"x" * 1_100_000 + b'"}'
