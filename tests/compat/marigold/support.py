"""The Marigold client the tests use, the checks every Marigold answer must pass, and GraphQL set-ups."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.fixtures import TenantHandle


@dataclass
class Marigold:
    """One service account talking to `/marigold/Portal/Api/organizations/{slug}/...`."""

    base: str
    slug: str
    key: str | None

    async def request(self, method: str, path: str, json: Any = None, *, key: Any = ..., slug: str | None = None,
                      **kwargs) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        api_key = self.key if key is ... else key
        if api_key is not None:
            headers["X-ApiKey"] = api_key
        url = f"{self.base}/Portal/Api/organizations/{slug or self.slug}{path}" if slug != "" else f"{self.base}/Portal/Api/organizations{path}"
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.request(method, url, json=json, headers=headers, **kwargs)

    async def get(self, path: str = "", **kwargs) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, json: Any = None, **kwargs) -> httpx.Response:
        return await self.request("POST", path, json, **kwargs)

    async def put(self, path: str, json: Any = None, **kwargs) -> httpx.Response:
        return await self.request("PUT", path, json, **kwargs)

    async def delete(self, path: str, **kwargs) -> httpx.Response:
        return await self.request("DELETE", path, **kwargs)


@dataclass
class Organization:
    """A Marigold organization: its tenant (with an admin GraphQL client) and a service account's client."""

    tenant: TenantHandle
    api: Marigold

    @property
    def slug(self) -> str:
        return self.tenant.slug

    async def graph(self, query: str, variables: dict | None = None) -> dict:
        return await self.tenant.graph(query, variables)


def assert_envelope(response: httpx.Response, status: int, result_code: str, error_code: str | None = None) -> dict:
    """Marigold's error envelope: {result_code, message, errors: [{error_code, description}]}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["result_code"] == result_code, body
    assert isinstance(body["errors"], list) and body["errors"], body
    assert all(set(e) == {"error_code", "description"} for e in body["errors"]), body
    if error_code is not None:
        assert body["errors"][0]["error_code"] == error_code, body
    return body


CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { id } userErrors { code message } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code message } } }"""
CREATE_CAMPAIGN = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id status } userErrors { code message } } }"""
TEMPLATE = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { template(apiName: $apiName) { id } } }"""


async def ok(org: Organization, mutation: str, name: str, input: dict) -> dict:
    payload = (await org.graph(mutation, {"input": input}))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def audience_list(org: Organization, name: str, people: list[dict]) -> str:
    """A contact list named `name` (a Marigold audience api name) with `people` subscribed."""
    list_id = (await ok(org, CREATE_LIST, "createList", {"tenantId": org.tenant.id, "name": name}))["list"]["id"]
    for person in people:
        await ok(org, CREATE_CONTACT, "createContact", {"tenantId": org.tenant.id, "listIds": [list_id], **person})
    return list_id


async def transactional_journey(org: Organization, api_name: str, content_api_name: str, **extra) -> str:
    """A transactional journey (a TRANSACTIONAL campaign) sending the content `content_api_name`."""
    template = (await org.graph(TEMPLATE, {"slug": org.slug, "apiName": content_api_name}))["tenant"]["template"]
    payload = await ok(org, CREATE_CAMPAIGN, "createCampaign", {
        "tenantId": org.tenant.id, "name": f"Journey {api_name}", "kind": "TRANSACTIONAL", "externalId": api_name,
        "templateId": template["id"], **extra})
    return payload["campaign"]["id"]
