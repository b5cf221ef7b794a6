"""Campaign set-ups through the graph, and reading what the mailbox received, for delivery-feedback specs."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

from tests.support.fixtures import eventually

CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { id } userErrors { code message } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code message } } }"""
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code message } } }"""
CREATE_CAMPAIGN = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } userErrors { code message } } }"""
LAUNCH = """mutation($id: ID!) { launchCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code message } } }"""
CAMPAIGN = """query($id: ID!) { node(id: $id) { ... on Campaign { status recipientsCount } } }"""
MEMBERS = """query($id: ID!) { node(id: $id) { ... on ContactList { members { nodes { status contact { email } } } } } }"""
MESSAGES = """query($slug: String!, $to: String!) { tenant(slug: $slug) { messages(filter: {recipient: $to}) { nodes {
  id databaseId status errorCode error campaign { id } deliveredAt events { type detail } } } } }"""

PART = {"language": "en", "subject": "News for {{ first_name }}",
        "html": '<p>Hi {{ first_name }}, <a href="https://example.org/read?a=1&amp;b=2">read on</a>.</p>',
        "text": "Hi {{ first_name }}, read on: https://example.org/read"}


async def ok(tenant, mutation: str, name: str, variables: dict) -> dict:
    payload = (await tenant.graph(mutation, variables))[name]
    assert payload["userErrors"] == [], payload
    return payload


@dataclass
class Setup:
    list_id: str
    template_id: str
    campaign_id: str
    emails: list[str]


async def campaign(tenant, names: list[str], *, part: dict = PART, options: dict | None = None) -> Setup:
    """A list with one subscribed contact per name, a template, and a DRAFT campaign to the list."""
    list_id = (await ok(tenant, CREATE_LIST, "createList", {"input": {"tenantId": tenant.id, "name": "Readers"}}))["list"]["id"]
    tag = secrets.token_hex(3)
    emails = [f"{name.lower()}.{tag}.{tenant.slug}@example.com" for name in names]
    for name, email in zip(names, emails):
        await ok(tenant, CREATE_CONTACT, "createContact",
                 {"input": {"tenantId": tenant.id, "email": email, "firstName": name, "listIds": [list_id]}})
    template_id = (await ok(tenant, CREATE_TEMPLATE, "createTemplate", {"input": {"tenantId": tenant.id, "name": "News", "parts": [part]}}))["template"]["id"]
    campaign_id = await new_campaign(tenant, list_id, template_id, options=options)
    return Setup(list_id, template_id, campaign_id, emails)


async def new_campaign(tenant, list_id: str, template_id: str, *, options: dict | None = None) -> str:
    payload = await ok(tenant, CREATE_CAMPAIGN, "createCampaign", {"input": {
        "tenantId": tenant.id, "name": f"Campaign {secrets.token_hex(2)}", "templateId": template_id, "listId": list_id, "options": options,
    }})
    return payload["campaign"]["id"]


async def launch_and_finish(tenant, campaign_id: str, timeout: float = 20.0) -> dict:
    launched = (await tenant.graph(LAUNCH, {"id": campaign_id}))["launchCampaign"]
    assert launched["userErrors"] == [], launched

    async def sent():
        node = (await tenant.graph(CAMPAIGN, {"id": campaign_id}))["node"]
        return node if node["status"] == "SENT" else None

    return await eventually(sent, timeout=timeout)


async def mail_to(mailbox, address: str, count: int = 1) -> list[EmailMessage]:
    raws = await eventually(lambda: len(mailbox.to(address)) >= count and mailbox.to(address))
    return [message_from_bytes(raw, policy=policy.default) for raw in raws]


async def messages_to(tenant, address: str) -> list[dict]:
    return (await tenant.graph(MESSAGES, {"slug": tenant.slug, "to": address}))["tenant"]["messages"]["nodes"]


async def final_message(tenant, address: str) -> dict:
    """The newest message to `address`, once it left QUEUED/SENDING."""
    async def done():
        nodes = await messages_to(tenant, address)
        return nodes[0] if nodes and nodes[0]["status"] not in ("QUEUED", "SENDING") else None

    return await eventually(done, timeout=20)


async def member_statuses(tenant, list_id: str) -> dict[str, str]:
    nodes = (await tenant.graph(MEMBERS, {"id": list_id}))["node"]["members"]["nodes"]
    return {n["contact"]["email"]: n["status"] for n in nodes}


def local(api, public_url: str) -> str:
    """A link from a mail (under SENDGRAPH_PUBLIC_URL), pointed at the API the tests run."""
    parts = urlsplit(public_url)
    return api.url + parts.path + (f"?{parts.query}" if parts.query else "")
