"""A tenant's users in the graph: `Tenant.members` pages in a constant number of statements; identity mail (reset
tokens) never lands in an account's message log; another tenant's admin cannot touch them."""
from __future__ import annotations

import secrets

from tests.support.fixtures import eventually

ADD = """mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { member { userId user { status } } userErrors { field code } } }"""
MEMBERS = """query($slug: String!, $first: Int!) { tenant(slug: $slug) { members(first: $first) { totalCount
  nodes { userId role email user { databaseId email name profile status createdAt confirmedAt } } } } }"""
SUSPEND = """mutation($input: TenantUserInput!) { suspendUser(input: $input) { user { status } userErrors { field code } } }"""
FORGOT = """mutation($email: String!) { requestPasswordReset(input: {email: $email}) { email userErrors { code } } }"""
MESSAGES = """query($slug: String!) { tenant(slug: $slug) { messages(first: 10) { totalCount } } }"""


async def add(tenant, **fields) -> dict:
    email = f"member.{secrets.token_hex(4)}@example.com"
    data = await tenant.graph(ADD, {"input": {"tenantId": tenant.id, "email": email, "password": "long enough", "role": "WRITE",
                                              "profile": {"first_name": "Ada", "last_name": "Lovelace"}, **fields}})
    assert data["addTenantMember"]["userErrors"] == [], data
    return data["addTenantMember"]["member"] | {"email": email}


async def test_a_members_page_of_12_runs_as_many_statements_as_a_page_of_3(api, make_tenant):
    tenant = await make_tenant()
    for _ in range(12):
        await add(tenant)
    counts = {}
    for first in (3, 12):
        with api.count_statements() as counter:
            data = await tenant.graph(MEMBERS, {"slug": tenant.slug, "first": first})
        members = data["tenant"]["members"]
        assert (len(members["nodes"]), members["totalCount"]) == (first, 12)
        assert {m["user"]["name"] for m in members["nodes"]} == {"Ada Lovelace"}
        counts[first] = counter.count
    assert counts[3] == counts[12], counts


async def test_a_reset_mail_is_sent_but_never_kept_in_the_accounts_messages(api, make_tenant, mailbox):
    tenant = await make_tenant()
    member = await add(tenant)

    anonymous = type(tenant.graph)(url=api.url, token=None)
    data = await anonymous(FORGOT, {"email": member["email"]})

    assert data["requestPasswordReset"] == {"email": member["email"], "userErrors": []}
    await eventually(lambda: mailbox.to(member["email"]))
    assert (await tenant.graph(MESSAGES, {"slug": tenant.slug}))["tenant"]["messages"]["totalCount"] == 0


async def test_another_tenants_admin_cannot_suspend_a_member(make_tenant):
    tenant = await make_tenant()
    member = await add(tenant)
    stranger = await make_tenant()

    refused = await stranger.graph(SUSPEND, {"input": {"tenantId": tenant.id, "userId": member["userId"]}})
    assert refused["suspendUser"] == {"user": None, "userErrors": [{"field": "tenantId", "code": "NOT_FOUND"}]}
    refused = await stranger.graph(SUSPEND, {"input": {"tenantId": stranger.id, "userId": member["userId"]}})
    assert refused["suspendUser"] == {"user": None, "userErrors": [{"field": "userId", "code": "USER_NOT_FOUND"}]}

    done = await tenant.graph(SUSPEND, {"input": {"tenantId": tenant.id, "userId": member["userId"]}})
    assert done["suspendUser"] == {"user": {"status": "SUSPENDED"}, "userErrors": []}
