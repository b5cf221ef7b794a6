"""A list query runs a constant number of SQL statements whatever its page size (dataloaders batch every relation)."""
import pytest

CAMPAIGNS = """
query Campaigns($slug: String!, $first: Int!) {
  tenant(slug: $slug) {
    campaigns(first: $first) {
      totalCount
      edges { node { id name status tenant { slug } template { name parts { language } } list { name } segment { name } steps { type } } }
    }
  }
}"""


@pytest.fixture
async def tenant_with_60_campaigns(make_tenant):
    tenant = await make_tenant()
    graph = tenant.graph
    template = (await graph("""mutation($t: ID!) { createTemplate(input: {tenantId: $t, name: "T", parts: [{language: "en", subject: "s", text: "t"}]}) { template { id } } }""", {"t": tenant.id}))["createTemplate"]["template"]["id"]
    contact_list = (await graph("""mutation($t: ID!) { createList(input: {tenantId: $t, name: "L"}) { list { id } } }""", {"t": tenant.id}))["createList"]["list"]["id"]
    for i in range(60):
        await graph(
            """mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { userErrors { code } } }""",
            {"i": {"tenantId": tenant.id, "name": f"Campaign {i}", "templateId": template, "listId": contact_list}},
        )
    return tenant


async def test_campaign_page_of_50_runs_as_many_statements_as_a_page_of_10(api, tenant_with_60_campaigns):
    tenant = tenant_with_60_campaigns
    counts = {}
    for first in (10, 50):
        with api.count_statements() as counter:
            data = await tenant.graph(CAMPAIGNS, {"slug": tenant.slug, "first": first})
        assert len(data["tenant"]["campaigns"]["edges"]) == first
        assert data["tenant"]["campaigns"]["totalCount"] == 60
        counts[first] = counter.count
    assert counts[10] == counts[50], counts
