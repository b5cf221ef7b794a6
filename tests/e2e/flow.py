"""The first-use flow of the README: a tenant, a token, one sendMessage, read back until SENT."""
from __future__ import annotations

import time

import httpx

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id status } userErrors { code message } } }"""
READ = """query($slug: String!, $id: ID!) { tenant(slug: $slug) { id } node(id: $id) { ... on Message { status error providerMessageId } } }"""
TENANT = """query($slug: String!) { tenant(slug: $slug) { id } }"""


def send_and_wait_until_sent(base_url: str, token: str, slug: str, to: str, timeout: float = 30) -> dict:
    headers = {"Authorization": f"Bearer {token}"}

    def graph(query: str, variables: dict) -> dict:
        response = httpx.post(f"{base_url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    tenant_id = graph(TENANT, {"slug": slug})["tenant"]["id"]
    sent = graph(SEND, {"input": {"tenantId": tenant_id, "to": to, "subject": "Hello {{ name }}", "text": "Hi {{ name }}", "data": {"name": "e2e"}}})
    assert sent["sendMessage"]["userErrors"] == []
    message_id = sent["sendMessage"]["message"]["id"]
    deadline = time.monotonic() + timeout
    while True:
        node = graph(READ, {"slug": slug, "id": message_id})["node"]
        if node["status"] == "SENT":
            return node
        assert node["status"] in ("QUEUED", "SENDING"), node
        assert time.monotonic() < deadline, f"message still {node['status']} after {timeout}s"
        time.sleep(0.2)
