"""Confirming a new tenant in the graph: created `awaitingConfirmation` it is inactive and cannot be reactivated;
`sendTenantConfirmation` mails its admins a code (only a caller with ADMIN on it may ask); `confirmTenant` takes the
code with no credential, once; another tenant's caller neither mails nor reads it."""
from __future__ import annotations

import re
import secrets
from email import message_from_bytes, policy

from tests.schema.test_users import add
from tests.support.fixtures import eventually, messages_to

CREATE = """mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id accountId active awaitingConfirmation }
  userErrors { field code } } }"""
SEND = """mutation($id: ID!) { sendTenantConfirmation(input: {id: $id}) { tenant { awaitingConfirmation } userErrors { field code } } }"""
CONFIRM = """mutation($accountId: Int!, $code: String!) { confirmTenant(input: {accountId: $accountId, confirmation: $code}) {
  tenant { accountId active awaitingConfirmation } userErrors { field code } } }"""
UPDATE = """mutation($id: ID!) { updateTenant(input: {id: $id, active: true}) { tenant { active } userErrors { field code } } }"""
RESEND = """mutation($email: String!) { resendTenantConfirmation(input: {email: $email}) { email userErrors { field code } } }"""
TOKEN = re.compile(r"\b([1-9][0-9]*\.[0-9]+\.[A-Za-z0-9_-]{20,60})\b")


async def pending_child(parent) -> dict:
    slug = f"child-{secrets.token_hex(4)}"
    data = await parent.graph(CREATE, {"input": {"parentId": parent.id, "slug": slug, "name": "Child", "awaitingConfirmation": True}})
    assert data["createTenant"]["userErrors"] == [], data
    return data["createTenant"]["tenant"]


async def code_in_mail(mailbox, address: str, count: int = 1) -> str:
    raws = await eventually(lambda: len(mailbox.to(address)) >= count and mailbox.to(address))
    return TOKEN.search(message_from_bytes(raws[count - 1], policy=policy.default).get_body(("plain",)).get_content()).group(1)


async def test_a_tenant_awaiting_confirmation_is_inactive_until_its_admin_confirms_it(api, make_tenant, mailbox):
    parent = await make_tenant()
    child = await pending_child(parent)
    assert (child["active"], child["awaitingConfirmation"]) == (False, True)
    assert (await parent.graph(UPDATE, {"id": child["id"]}))["updateTenant"] == {
        "tenant": None, "userErrors": [{"field": "active", "code": "TENANT_NOT_CONFIRMED"}]}
    assert (await parent.graph(SEND, {"id": child["id"]}))["sendTenantConfirmation"]["userErrors"] == [{"field": "id", "code": "NO_TENANT_ADMIN"}]
    owner = await add(parent, tenantId=child["id"], role="ADMIN")

    assert (await parent.graph(SEND, {"id": child["id"]}))["sendTenantConfirmation"] == {"tenant": {"awaitingConfirmation": True}, "userErrors": []}
    code = await code_in_mail(mailbox, owner["email"])
    anonymous = type(parent.graph)(url=api.url, token=None)
    confirmed = (await anonymous(CONFIRM, {"accountId": child["accountId"], "code": code}))["confirmTenant"]

    assert confirmed == {"tenant": {"accountId": child["accountId"], "active": True, "awaitingConfirmation": False}, "userErrors": []}
    again = (await anonymous(CONFIRM, {"accountId": child["accountId"], "code": code}))["confirmTenant"]
    assert again == {"tenant": None, "userErrors": [{"field": "confirmation", "code": "INVALID_TOKEN"}]}
    assert (await parent.graph(SEND, {"id": child["id"]}))["sendTenantConfirmation"]["userErrors"] == [{"field": "id", "code": "TENANT_ALREADY_CONFIRMED"}]


async def test_another_tenant_neither_mails_the_code_nor_confirms_with_a_code_of_its_own(api, make_tenant, mailbox):
    parent, stranger = await make_tenant(), await make_tenant()
    child, own = await pending_child(parent), await pending_child(stranger)
    await add(parent, tenantId=child["id"], role="ADMIN")
    stranger_owner = await add(stranger, tenantId=own["id"], role="ADMIN")

    refused = (await stranger.graph(SEND, {"id": child["id"]}))["sendTenantConfirmation"]
    assert refused["tenant"] is None and refused["userErrors"][0]["code"] in {"NOT_FOUND", "TENANT_NOT_FOUND"}
    assert (await stranger.graph(SEND, {"id": own["id"]}))["sendTenantConfirmation"]["userErrors"] == []
    code = await code_in_mail(mailbox, stranger_owner["email"])
    anonymous = type(parent.graph)(url=api.url, token=None)
    wrong = (await anonymous(CONFIRM, {"accountId": child["accountId"], "code": code}))["confirmTenant"]
    assert wrong == {"tenant": None, "userErrors": [{"field": "confirmation", "code": "INVALID_TOKEN"}]}


async def test_resending_answers_the_same_for_any_address_and_mails_only_an_admin_of_a_pending_tenant(api, make_tenant, mailbox):
    parent = await make_tenant()
    child = await pending_child(parent)
    owner = await add(parent, tenantId=child["id"], role="ADMIN")
    reader = await add(parent, tenantId=child["id"], role="READ")
    anonymous = type(parent.graph)(url=api.url, token=None)

    for address in (owner["email"], reader["email"], "nobody.at.all@example.com"):
        assert (await anonymous(RESEND, {"email": address}))["resendTenantConfirmation"] == {"email": address, "userErrors": []}

    code = await code_in_mail(mailbox, owner["email"])
    assert (await anonymous(CONFIRM, {"accountId": child["accountId"], "code": code}))["confirmTenant"]["userErrors"] == []
    assert await messages_to(reader["email"]) == 0 and await messages_to("nobody.at.all@example.com") == 0
    bad = (await anonymous(RESEND, {"email": "not an address"}))["resendTenantConfirmation"]
    assert bad["email"] is None and bad["userErrors"][0]["field"] == "email"
