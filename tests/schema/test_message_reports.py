"""Message reports in the graph: `Tenant.messageReport` groups a tenant's messages by origin (and UTC day), counted in
SQL over what the workers really did; `ContactList.report` counts a page of lists' members and campaign mail with as
many statements for 12 lists as for 3; `Tenant.audienceCounts`; and a step filter on messages needs its campaign."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.support.campaigns import campaign, launch_and_finish, mail_to
from tests.support.fixtures import eventually

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code message } } }"""
REPORT = """query($slug: String!, $since: DateTime, $until: DateTime, $byDay: Boolean!) { tenant(slug: $slug) {
  audienceCounts { lists activeContacts }
  messageReport(since: $since, until: $until, byDay: $byDay) { origin day messages statuses { status count } events { type count total } } } }"""
LISTS = """query($slug: String!, $first: Int!) { tenant(slug: $slug) { lists(first: $first) { nodes { name
  report { members { status count } messages { origin messages } } } } } }"""
STEP_FILTER = """query($slug: String!) { tenant(slug: $slug) { messages(filter: {stepExternalId: "s1"}) { totalCount } } }"""


async def test_a_tenants_messages_are_reported_per_origin_and_day(make_tenant, mailbox):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Ida", "Jon"])
    await launch_and_finish(tenant, setup.campaign_id)
    sent = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": "kim@example.com", "subject": "Hi", "text": "Hello"}}))["sendMessage"]
    assert sent["userErrors"] == []
    await mail_to(mailbox, "kim@example.com")

    async def reported():
        data = (await tenant.graph(REPORT, {"slug": tenant.slug, "byDay": False}))["tenant"]
        direct = [g for g in data["messageReport"] if g["origin"] == "DIRECT"]
        return data if direct and direct[0]["statuses"] == [{"status": "SENT", "count": 1}] else None

    data = await eventually(reported)
    assert data["audienceCounts"] == {"lists": 1, "activeContacts": 2}
    groups = {g["origin"]: g for g in data["messageReport"]}
    assert set(groups) == {"CAMPAIGN", "DIRECT"} and groups["CAMPAIGN"]["messages"] == 2 and groups["DIRECT"]["messages"] == 1
    assert {"type": "SENT", "count": 2, "total": 2} in groups["CAMPAIGN"]["events"]

    today = datetime.now(timezone.utc)
    by_day = (await tenant.graph(REPORT, {"slug": tenant.slug, "byDay": True, "since": (today - timedelta(hours=1)).isoformat()}))["tenant"]
    assert {g["day"] for g in by_day["messageReport"]} <= {today.date().isoformat(), (today - timedelta(hours=1)).date().isoformat()}
    assert sum(g["messages"] for g in by_day["messageReport"]) == 3
    before = (await tenant.graph(REPORT, {"slug": tenant.slug, "byDay": False, "until": (today - timedelta(hours=1)).isoformat()}))["tenant"]
    assert before["messageReport"] == []


async def test_a_page_of_12_list_reports_runs_as_many_statements_as_a_page_of_3(api, make_tenant):
    tenant = await make_tenant()
    for i in range(12):
        await campaign(tenant, [f"P{i}"])
    counts = {}
    for first in (3, 12):
        with api.count_statements() as counter:
            nodes = (await tenant.graph(LISTS, {"slug": tenant.slug, "first": first}))["tenant"]["lists"]["nodes"]
        assert len(nodes) == first and all(n["report"] == {"members": [{"status": "SUBSCRIBED", "count": 1}], "messages": []} for n in nodes)
        counts[first] = counter.count
    assert counts[3] == counts[12], counts


async def test_a_step_filter_without_its_campaign_is_refused(make_tenant):
    tenant = await make_tenant()
    body = await tenant.graph(STEP_FILTER, {"slug": tenant.slug}, expect_errors=True)
    assert "campaignId" in body["errors"][0]["message"] and body["data"] == {"tenant": None}, body
