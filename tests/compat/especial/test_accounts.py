"""Especial accounts over real HTTP: the caller's own account (show, update); sub-accounts (create with an owner who
can log in, list, show, update, suspend, unsuspend, delete); a suspended sub-account cannot send; only an admin of
the parent may create, suspend or delete one; bad input; another account never sees or changes them."""
from __future__ import annotations

import httpx
import pytest

from tests.compat.especial.audience_fixtures import SENDER, unique_email
from tests.compat.especial.conftest import EspecialUser, assert_valid
from tests.compat.especial.test_emails import email_body

ONE = "/accounts/{account_id}"
ADDRESS = {"address1": "1 Main Street", "address2": "Suite 2", "city": "Montreal", "country": "CA", "province": "QC", "postal_code": "H2X 1Y4"}


def account_body(name: str = "Acme Retail", **fields) -> dict:
    """The seed's request sample for "Create a sub-account", with real values and an owner."""
    return {"name": name, "address": ADDRESS, "account_owner": {"first_name": "Ada", "last_name": "Lovelace", "email": unique_email("owner"),
                                                                "password": "correct horse battery"},
            "fax": "+1 514 555 0100", "phone": "+1 514 555 0101", "website": "http://example.com", "usage_limits": {}, "domains": {},
            "trial": False, "partner": False, **fields}


async def create_sub(client, **fields) -> dict:
    """An active sub-account (skip_verification: confirming one by mail is test_account_confirmation's subject)."""
    response = await client.post("/accounts", json=account_body(**fields), params={"skip_verification": "true"})
    assert response.status_code == 201, response.text
    return assert_valid(response, "/accounts", "POST")


async def sub_accounts(client) -> list[dict]:
    response = await client.get("/accounts", params={"with_count": "true"})
    assert response.status_code == 200, response.text
    return assert_valid(response, "/accounts", "GET")["data"]


async def test_my_account_is_shown_and_updated(client):
    response = await client.get("/accounts/self")
    assert response.status_code == 200, response.text
    data = assert_valid(response, "/accounts/self", "GET")["data"]
    account_id = str(client.user.account_id)
    assert (data["id"], data["lineage"], data["status"], data["partner"]) == (account_id, account_id, "active", False)

    body = {"address": ADDRESS, "name": "Acme Inc.", "fax": "+1 555 0100", "phone": "+1 555 0101", "domains": {}, "website": "http://example.com"}
    response = await client.patch("/accounts/self", json=body)
    assert response.status_code == 200, response.text
    patched = assert_valid(response, "/accounts/self", "PATCH")
    assert patched["warnings"] == []
    expected = {"name": "Acme Inc.", "address": ADDRESS, "fax": "+1 555 0100", "phone": "+1 555 0101", "website": "http://example.com"}
    assert {k: patched["data"][k] for k in expected} == expected
    shown = assert_valid(await client.get("/accounts/self"), "/accounts/self", "GET")["data"]
    assert {k: shown[k] for k in expected} == expected

    response = await client.patch("/accounts/self", json={"phone": "+1 555 0199"})
    assert response.status_code == 200 and response.json()["data"]["name"] == "Acme Inc." and response.json()["data"]["address"] == ADDRESS


async def test_a_sub_account_is_created_with_an_owner_listed_shown_updated_and_deleted(client, login):
    created = await create_sub(client)
    sub_id = created["id"]
    parent_id = str(client.user.account_id)
    assert created["object"] == "account" and created["created"] is True and created["email"].startswith("owner.")
    data = created["data"]
    assert (data["lineage"], data["status"], data["name"], data["address"], data["fax"]) == (
        f"{parent_id}/{sub_id}", "active", "Acme Retail", ADDRESS, "+1 514 555 0100")
    assert data["account_owner"]["user_id"].isdigit()

    # The owner logs in and acts on the sub-account as its admin.
    owner = EspecialUser(email=created["email"], password="correct horse battery", user_id=int(data["account_owner"]["user_id"]), tenant=None)
    async with httpx.AsyncClient(timeout=30) as http:
        token = await http.post(f"{client.base}/token", data={"username": owner.email, "password": owner.password})
    assert token.status_code == 200 and token.json()["accounts"] == [int(sub_id)]

    assert [a["id"] for a in await sub_accounts(client)] == [sub_id]
    response = await client.get(f"/accounts/{sub_id}")
    assert response.status_code == 200 and assert_valid(response, ONE, "GET")["data"] == data | {"last_activity_on": response.json()["data"]["last_activity_on"]}

    response = await client.patch(f"/accounts/{sub_id}", json={"name": "Acme Outlet", "metadata": {"crm": "42"}, "usage_limits": {}})
    assert response.status_code == 200, response.text
    patched = assert_valid(response, ONE, "PATCH")["data"]
    assert (patched["name"], patched["metadata"], patched["address"]) == ("Acme Outlet", {"crm": "42"}, ADDRESS)

    response = await client.delete(f"/accounts/{sub_id}")
    assert response.status_code == 200 and assert_valid(response, ONE, "DELETE") == {"id": sub_id, "object": "account", "deleted": True}
    response = await client.get(f"/accounts/{sub_id}")
    assert response.status_code == 404 and assert_valid(response, ONE, "GET")["detail"][0]["loc"] == ["body", "account_id"]
    assert await sub_accounts(client) == []


async def test_a_suspended_sub_account_cannot_send_until_unsuspended(client):
    sub_id = (await create_sub(client))["id"]
    sender = await client.post("/brands/default/senders", json={**SENDER, "email": unique_email("news")}, params={"account_id": sub_id})
    assert sender.status_code == 201, sender.text
    sender_id = int(sender.json()["data"]["id"])

    response = await client.post(f"/accounts/{sub_id}/suspend")
    assert response.status_code == 200, response.text
    suspended = assert_valid(response, "/accounts/{account_id}/suspend", "POST")
    assert (suspended["id"], suspended["suspended"], suspended["data"]["status"]) == (sub_id, True, "suspended")
    assert [a["status"] for a in await sub_accounts(client)] == ["suspended"]

    response = await client.post("/emails", json=email_body(unique_email(), sender_id), params={"account_id": sub_id})
    assert response.status_code == 422, response.text
    assert assert_valid(response, "/emails", "POST")["detail"][0]["type"] == "value_error.tenant_inactive"

    response = await client.post(f"/accounts/{sub_id}/unsuspend")
    assert response.status_code == 200, response.text
    unsuspended = assert_valid(response, "/accounts/{account_id}/unsuspend", "POST")
    assert (unsuspended["unsuspended"], unsuspended["data"]["status"]) == (True, "active")
    response = await client.post("/emails", json=email_body(unique_email(), sender_id), params={"account_id": sub_id})
    assert response.status_code == 201, response.text


async def test_only_an_admin_of_the_parent_creates_suspends_or_deletes_a_sub_account(client, make_user, login, api):
    sub_id = (await create_sub(client))["id"]
    reader = await login(await make_user(tenant=client.user.tenant, role="read"))
    for method, path, body in [("POST", "/accounts", account_body()), ("POST", ONE + "/suspend", None), ("DELETE", ONE, None)]:
        response = await reader.request(method, path.format(account_id=sub_id), json=body)
        assert response.status_code == 403, (path, response.text)
        assert_valid(response, path, method)
    assert [a["status"] for a in await sub_accounts(client)] == ["active"]

    # The sub-account's own admin may not suspend or delete it either (it does not see it as a sub-account; the graph refuses too).
    sub_admin = await login(await make_user(tenant=_handle(client, int(sub_id)), role="admin"))
    response = await sub_admin.post(f"/accounts/{sub_id}/suspend")
    assert response.status_code == 404 and assert_valid(response, "/accounts/{account_id}/suspend", "POST")
    gid = (await sub_admin.get("/accounts/self")).json()["data"]["id"]
    async with httpx.AsyncClient(timeout=30) as http:
        for document in ['mutation($id: ID!) { updateTenant(input: {id: $id, active: false}) { userErrors { code } } }',
                         'mutation($id: ID!) { deleteTenant(input: {id: $id}) { userErrors { code } } }']:
            answer = await http.post(f"{api.url}/graphql", json={"query": document, "variables": {"id": _tenant_gid(int(gid))}},
                                     headers={"Authorization": f"Bearer {sub_admin.token}"})
            assert [e["code"] for e in next(iter(answer.json()["data"].values()))["userErrors"]] == ["FORBIDDEN"], answer.text
    assert [a["status"] for a in await sub_accounts(client)] == ["active"]


def _tenant_gid(account_id: int) -> str:
    from schema.relay import to_global_id

    return to_global_id("Tenant", account_id)


def _handle(client, account_id: int):
    """A stand-in TenantHandle for a sub-account: `make_user` only needs its account id."""
    from dataclasses import replace

    return replace(client.user.tenant, account_id=account_id, id=_tenant_gid(account_id))


@pytest.mark.parametrize("body, loc", [
    ({}, ["body", "name"]),
    ({"name": ""}, ["body", "name"]),
    ({"name": "X", "usage_limits": {"per_month": 10}}, ["body", "usage_limits"]),
    ({"name": "X", "partner": True}, ["body", "partner"]),
    ({"name": "X", "trial": True}, ["body", "trial"]),
    ({"name": "X", "address": {"city": "Montreal"}}, ["body", "address", "address1"]),
    ({"name": "X", "account_owner": {"first_name": "A", "last_name": "B"}}, ["body", "account_owner", "email"]),
    ({"name": "X", "account_owner": {"first_name": "A", "last_name": "B", "email": "new.owner.nopass@example.com"}}, ["body", "account_owner", "password"]),
])
async def test_bad_bodies_are_422_with_the_field_and_create_nothing(client, body, loc):
    response = await client.post("/accounts", json=body)
    assert response.status_code == 422, response.text
    assert assert_valid(response, "/accounts", "POST")["detail"][0]["loc"] == loc
    assert await sub_accounts(client) == []


@pytest.mark.parametrize("params", [{"recursive": "true"}, {"filter": "name==x"}, {"partner_account_id": "1"}, {"sort": "-name"}, {"page": "0"}])
async def test_unsupported_listings_are_422(client, params):
    response = await client.get("/accounts", params=params)
    assert response.status_code == 422, response.text
    assert_valid(response, "/accounts", "GET")


async def test_another_accounts_sub_accounts_are_not_found_and_unchanged(client, other_client):
    theirs = (await create_sub(other_client))["id"]
    mine = (await create_sub(client))["id"]
    for method, path, body in [("GET", ONE, None), ("PATCH", ONE, {"name": "Hijacked"}), ("DELETE", ONE, None),
                               ("POST", ONE + "/suspend", None), ("POST", ONE + "/unsuspend", None)]:
        response = await client.request(method, path.format(account_id=theirs), json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert assert_valid(response, path, method)["detail"][0]["loc"] == ["body", "account_id"]
    response = await client.get("/accounts/self", params={"account_id": theirs})
    assert response.status_code == 404
    assert [a["id"] for a in await sub_accounts(client)] == [mine]
    assert [(a["id"], a["name"], a["status"]) for a in await sub_accounts(other_client)] == [(theirs, "Acme Retail", "active")]
