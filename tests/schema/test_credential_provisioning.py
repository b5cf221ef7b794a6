"""Admins provision credentials through the graph: a Marigold API key shown once, and users with a role on
their tenant who can then log in through Especial's password grant. Nobody else can."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

CREATE_KEY = """mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey apiCredential { kind key role allowedEndpoints expiresAt } userErrors { field code } } }"""
ADD_MEMBER = """mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { member { email role } userErrors { field code } } }"""
CREDENTIALS = """query($slug: String!) { tenant(slug: $slug) { apiCredentials(kind: API_KEY) { nodes { key allowedEndpoints } } } }"""


async def test_an_api_key_is_shown_once_works_on_marigold_and_is_listed_without_its_secret(api, make_tenant):
    tenant = await make_tenant()
    created = (await tenant.graph(CREATE_KEY, {"input": {"tenantId": tenant.id, "role": "READ"}}))["createApiKey"]
    assert created["userErrors"] == []
    key, secret = created["apiKey"].split(":", 1)
    assert created["apiCredential"]["key"] == key and created["apiCredential"]["role"] == "READ" and len(secret) >= 32

    async with httpx.AsyncClient(base_url=f"{api.url}/marigold/Portal/Api") as http:
        own = await http.get(f"/organizations/{tenant.slug}", headers={"X-ApiKey": created["apiKey"]})
        wrong = await http.get(f"/organizations/{tenant.slug}", headers={"X-ApiKey": f"{key}:not-the-secret"})
    assert own.status_code == 200, own.text
    assert wrong.status_code == 401

    listed = (await tenant.graph(CREDENTIALS, {"slug": tenant.slug}))["tenant"]["apiCredentials"]["nodes"]
    assert [c["key"] for c in listed] == [key]
    assert secret not in str(listed)


async def test_an_api_key_limited_to_some_endpoints_is_refused_elsewhere(api, make_tenant):
    tenant = await make_tenant()
    created = (await tenant.graph(CREATE_KEY, {"input": {
        "tenantId": tenant.id, "endpoints": ["GET /Portal/Api/organizations"],
        "expiresAt": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()}}))["createApiKey"]
    assert created["userErrors"] == [] and created["apiCredential"]["allowedEndpoints"] == ["GET /Portal/Api/organizations"]

    async with httpx.AsyncClient(base_url=f"{api.url}/marigold/Portal/Api", headers={"X-ApiKey": created["apiKey"]}) as http:
        allowed = await http.get("/organizations")
        elsewhere = await http.get(f"/organizations/{tenant.slug}")
    assert allowed.status_code == 200, allowed.text
    assert elsewhere.status_code == 401


async def test_an_api_key_needs_an_admin_and_a_future_expiry_with_a_time_zone(make_tenant):
    admin = await make_tenant()
    writer = await make_tenant(role="write")
    refused = (await writer.graph(CREATE_KEY, {"input": {"tenantId": writer.id}}))["createApiKey"]
    foreign = (await admin.graph(CREATE_KEY, {"input": {"tenantId": writer.id}}))["createApiKey"]
    past = (await admin.graph(CREATE_KEY, {"input": {"tenantId": admin.id, "expiresAt": "2020-01-01T00:00:00+00:00"}}))["createApiKey"]
    naive = (await admin.graph(CREATE_KEY, {"input": {"tenantId": admin.id, "expiresAt": "2999-01-01T00:00:00"}}))["createApiKey"]

    assert refused["apiKey"] is None and refused["userErrors"][0]["code"] == "FORBIDDEN"
    assert foreign["apiKey"] is None and foreign["userErrors"][0]["code"] in ("FORBIDDEN", "TENANT_NOT_FOUND", "NOT_FOUND")
    assert past["userErrors"] == [{"field": "expiresAt", "code": "INVALID_TIME"}]
    assert naive["userErrors"] == [{"field": "expiresAt", "code": "INVALID_TIME"}]


async def test_a_new_member_logs_in_through_especial_and_sees_the_tenant(api, make_tenant):
    tenant = await make_tenant()
    email = f"new.{tenant.slug}@example.com"
    added = (await tenant.graph(ADD_MEMBER, {"input": {"tenantId": tenant.id, "email": email, "password": "correct horse", "role": "WRITE"}}))
    assert added["addTenantMember"] == {"member": {"email": email, "role": "WRITE"}, "userErrors": []}

    async with httpx.AsyncClient(base_url=f"{api.url}/especial") as http:
        login = await http.post("/token", data={"username": email, "password": "correct horse"})
        assert login.status_code == 200, login.text
        lists = await http.get("/lists", params={"account_id": tenant.account_id},
                               headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert lists.status_code == 200, lists.text


async def test_an_existing_user_keeps_its_password_when_added_to_another_tenant(api, make_tenant):
    first, second = await make_tenant(), await make_tenant()
    email = f"shared.{first.slug}@example.com"
    await first.graph(ADD_MEMBER, {"input": {"tenantId": first.id, "email": email, "password": "first password"}})
    again = (await second.graph(ADD_MEMBER, {"input": {"tenantId": second.id, "email": email, "password": "attacker's choice"}}))

    assert again["addTenantMember"]["userErrors"] == []
    async with httpx.AsyncClient(base_url=f"{api.url}/especial") as http:
        old = await http.post("/token", data={"username": email, "password": "first password"})
        new = await http.post("/token", data={"username": email, "password": "attacker's choice"})
    assert old.status_code == 200 and new.status_code == 401


async def test_members_are_added_by_admins_only_and_new_users_need_a_real_password(make_tenant):
    admin = await make_tenant()
    reader = await make_tenant(role="read")
    weak = (await admin.graph(ADD_MEMBER, {"input": {"tenantId": admin.id, "email": f"weak.{admin.slug}@example.com", "password": "short"}}))
    none = (await admin.graph(ADD_MEMBER, {"input": {"tenantId": admin.id, "email": f"none.{admin.slug}@example.com"}}))
    refused = (await reader.graph(ADD_MEMBER, {"input": {"tenantId": reader.id, "email": f"r.{reader.slug}@example.com", "password": "long enough"}}))
    bad_email = (await admin.graph(ADD_MEMBER, {"input": {"tenantId": admin.id, "email": "not an address", "password": "long enough"}}))

    assert weak["addTenantMember"]["userErrors"] == [{"field": "password", "code": "WEAK_PASSWORD"}]
    assert none["addTenantMember"]["userErrors"] == [{"field": "password", "code": "WEAK_PASSWORD"}]
    assert refused["addTenantMember"]["member"] is None and refused["addTenantMember"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert bad_email["addTenantMember"]["userErrors"][0]["field"] == "email"
