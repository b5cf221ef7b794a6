"""Helpers for the Especial messaging specs: what a send needs (a sender, a list with subscribed contacts),
made through the graph as the account's owner, and reading what the `mailbox` received."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from tests.support.fixtures import Mailbox, TenantHandle

CREATE_SENDER = """mutation($input: CreateSenderInput!) { createSender(input: $input) { sender { databaseId } userErrors { code message } } }"""
CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { id databaseId } userErrors { code message } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { databaseId } userErrors { code message } } }"""
CAMPAIGN = """query($id: ID!) { node(id: $id) { ... on Campaign { status scheduledAt recipientsCount
  template { databaseId settings } sender { address } } } }"""
MESSAGES = """query($id: ID!, $to: String!) { node(id: $id) { ... on Tenant {
  messages(first: 10, filter: {recipient: $to}) { nodes { databaseId status recipient sender subject } } } } }"""


def unique_email(prefix: str = "r") -> str:
    return f"{prefix}.{secrets.token_hex(4)}@example.com"


@dataclass
class Audience:
    list_id: int
    contact_ids: list[int]
    emails: list[str]


async def make_sender(tenant: TenantHandle, *, name: str = "Acme News", address: str | None = None) -> int:
    data = await tenant.graph(CREATE_SENDER, {"input": {"tenantId": tenant.id, "address": address or unique_email("news"), "name": name}})
    payload = data["createSender"]
    assert not payload["userErrors"], payload["userErrors"]
    return payload["sender"]["databaseId"]


async def make_audience(tenant: TenantHandle, people: list[tuple[str, str]]) -> Audience:
    """A list with these (email, first name) contacts subscribed to it."""
    data = await tenant.graph(CREATE_LIST, {"input": {"tenantId": tenant.id, "name": f"List {secrets.token_hex(3)}"}})
    lst = data["createList"]["list"]
    contact_ids = []
    for email, first_name in people:
        made = await tenant.graph(CREATE_CONTACT, {"input": {"tenantId": tenant.id, "email": email, "firstName": first_name,
                                                             "language": "en", "listIds": [lst["id"]]}})
        assert not made["createContact"]["userErrors"], made["createContact"]["userErrors"]
        contact_ids.append(made["createContact"]["contact"]["databaseId"])
    return Audience(list_id=lst["databaseId"], contact_ids=contact_ids, emails=[e for e, _ in people])


def received(mailbox: Mailbox, address: str) -> list[EmailMessage]:
    return [message_from_bytes(raw, policy=policy.default) for raw in mailbox.to(address)]


def body_of(mail: EmailMessage, subtype: str = "html") -> str:
    part = mail.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


async def graph_messages(tenant: TenantHandle, to: str) -> list[dict]:
    return (await tenant.graph(MESSAGES, {"id": tenant.id, "to": to}))["node"]["messages"]["nodes"]


async def graph_campaign(tenant: TenantHandle, campaign_id: int) -> dict | None:
    from schema.relay import to_global_id

    return (await tenant.graph(CAMPAIGN, {"id": to_global_id("Campaign", campaign_id)}))["node"]
