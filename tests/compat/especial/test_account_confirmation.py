"""Especial sub-account verification over real HTTP: without `skip_verification` a sub-account is `pending` (it sends
nothing and cannot be unsuspended) until its owner confirms it with the mailed code, with no credential; the code
works once and only for its account; the mail can be sent again by address, and the answer tells nobody whether the
address owns a pending account."""
from __future__ import annotations

import httpx
import pytest

from tests.compat.especial.audience_fixtures import SENDER, unique_email
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_accounts import account_body, sub_accounts
from tests.compat.especial.test_emails import email_body
from tests.compat.especial.test_users import mailed_token
from tests.support.fixtures import messages_to

CONFIRM = "/accounts/{account_id}/confirm"
RESEND = "/accounts/resend-verification-email"


async def create_pending(client) -> dict:
    response = await client.post("/accounts", json=account_body())
    assert response.status_code == 201, response.text
    return assert_valid(response, "/accounts", "POST")


async def anonymous(client, path: str, body: dict) -> httpx.Response:
    """A POST with no credential at all: the owner of a new account has none for it yet."""
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{client.base}{path}", json=body)


async def test_a_sub_account_is_pending_until_its_owner_confirms_it_with_the_mailed_code(client, mailbox):
    created = await create_pending(client)
    sub_id, owner = created["id"], created["email"]
    assert created["data"]["status"] == "pending"
    unsuspend = await client.post(f"/accounts/{sub_id}/unsuspend")
    assert unsuspend.status_code == 422 and unsuspend.json()["detail"][0]["type"] == "value_error.tenant_not_confirmed"
    code = await mailed_token(mailbox, owner)

    response = await anonymous(client, CONFIRM.format(account_id=sub_id), {"confirmation": code})

    assert response.status_code == 200, response.text
    confirmed = assert_valid(response, CONFIRM, "POST")
    assert (confirmed["id"], confirmed["object"], confirmed["confirmed"], confirmed["data"]["status"]) == (sub_id, "account", True, "active")
    assert [(a["id"], a["status"]) for a in await sub_accounts(client)] == [(sub_id, "active")]
    again = await anonymous(client, CONFIRM.format(account_id=sub_id), {"confirmation": code})
    assert again.status_code == 422 and assert_valid(again, CONFIRM, "POST")["detail"][0]["loc"] == ["body", "confirmation"]


async def test_a_pending_sub_account_sends_nothing_until_confirmed(client, mailbox):
    created = await create_pending(client)
    sub_id = created["id"]
    sender = await client.post("/brands/default/senders", json={**SENDER, "email": unique_email("news")}, params={"account_id": sub_id})
    assert sender.status_code == 201, sender.text
    sender_id = int(sender.json()["data"]["id"])

    response = await client.post("/emails", json=email_body(unique_email(), sender_id), params={"account_id": sub_id})
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "value_error.tenant_inactive", response.text

    code = await mailed_token(mailbox, created["email"])
    assert (await anonymous(client, CONFIRM.format(account_id=sub_id), {"confirmation": code})).status_code == 200
    response = await client.post("/emails", json=email_body(unique_email(), sender_id), params={"account_id": sub_id})
    assert response.status_code == 201, response.text


async def test_a_code_confirms_only_its_own_account(client, mailbox):
    first, second = await create_pending(client), await create_pending(client)
    code = await mailed_token(mailbox, first["email"])

    for account_id, confirmation in [(second["id"], code), (first["id"], code[:-2] + "xx"), (first["id"], "not-a-code"), ("999999999", code)]:
        response = await anonymous(client, CONFIRM.format(account_id=account_id), {"confirmation": confirmation})
        assert response.status_code == 422, (account_id, response.text)
        assert assert_valid(response, CONFIRM, "POST")["detail"][0]["loc"] == ["body", "confirmation"]
    assert {a["id"]: a["status"] for a in await sub_accounts(client)} == {first["id"]: "pending", second["id"]: "pending"}


async def test_the_code_is_mailed_again_by_address_and_the_answer_is_the_same_for_any_address(client, mailbox):
    created = await create_pending(client)
    first = await mailed_token(mailbox, created["email"])

    response = await anonymous(client, RESEND, {"email": created["email"]})

    assert response.status_code == 200, response.text
    assert assert_valid(response, RESEND, "POST") == {"object": "account", "verification_resent": True}
    second = await mailed_token(mailbox, created["email"], count=2)
    confirmed = await anonymous(client, CONFIRM.format(account_id=created["id"]), {"confirmation": second})
    assert confirmed.status_code == 200, confirmed.text
    assert (await anonymous(client, CONFIRM.format(account_id=created["id"]), {"confirmation": first})).status_code == 422

    nobody = await anonymous(client, RESEND, {"email": "nobody.here@example.com"})
    assert (nobody.status_code, nobody.json()) == (200, response.json())
    confirmed_already = await anonymous(client, RESEND, {"email": created["email"]})
    assert confirmed_already.status_code == 200 and await messages_to(created["email"]) == 2  # nothing queued for a confirmed account
    assert await messages_to("nobody.here@example.com") == 0


@pytest.mark.parametrize("body", [{}, {"email": "not an address"}])
async def test_a_resend_without_a_valid_address_is_422(client, body):
    response = await anonymous(client, RESEND, body)
    assert response.status_code == 422, response.text
    assert assert_valid(response, RESEND, "POST")["detail"][0]["loc"] == ["body", "email"]


async def test_a_sub_account_to_verify_needs_an_owner_and_none_is_created_without(client):
    body = account_body()
    del body["account_owner"]

    response = await client.post("/accounts", json=body)

    assert response.status_code == 422 and assert_valid(response, "/accounts", "POST")["detail"][0]["loc"] == ["body", "account_owner"]
    assert await sub_accounts(client) == []
    skipped = await client.post("/accounts", json=body, params={"skip_verification": "true"})
    assert skipped.status_code == 201 and skipped.json()["data"]["status"] == "active"
