"""Campaign revisions in the graph: a revision is kept each time a campaign's content changes (created with a
template, a new template or `options.content`, the parts of the template it sends edited), never twice the same."""
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id databaseId } userErrors { code } } }"""
UPDATE_TEMPLATE = """mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { template { id } userErrors { code } } }"""
CREATE_CAMPAIGN = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } userErrors { field code } } }"""
UPDATE_CAMPAIGN = """mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { id } userErrors { field code } } }"""
REVISIONS = """query($id: ID!) { node(id: $id) { ... on Campaign { revisions(first: 10) { totalCount nodes { databaseId content } } } } }"""
REVISION = """query($id: ID!, $revision: Int!) { node(id: $id) { ... on Campaign { revision(databaseId: $revision) { databaseId content } } } }"""


async def ok(tenant, mutation: str, name: str, input: dict) -> dict:
    payload = (await tenant.graph(mutation, {"input": input}))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def template(tenant, html: str) -> str:
    return (await ok(tenant, CREATE_TEMPLATE, "createTemplate", {"tenantId": tenant.id, "name": "Content", "parts": [
        {"language": "en", "subject": "Hi", "html": html}]}))["template"]["id"]


async def campaign(tenant, **fields) -> str:
    return (await ok(tenant, CREATE_CAMPAIGN, "createCampaign", {"tenantId": tenant.id, "name": "News", **fields}))["campaign"]["id"]


async def revisions(tenant, campaign_id: str) -> list[dict]:
    return (await tenant.graph(REVISIONS, {"id": campaign_id}))["node"]["revisions"]["nodes"]


def htmls(found: list[dict]) -> list[str]:
    return [r["content"]["template"]["parts"][0]["html"] for r in found]


async def test_a_revision_is_kept_for_each_new_version_of_the_content(make_tenant):
    tenant = await make_tenant()
    first, second = await template(tenant, "<p>one</p>"), await template(tenant, "<p>two</p>")
    news = await campaign(tenant, templateId=first, options={"content": {"type": "html"}})

    await ok(tenant, UPDATE_CAMPAIGN, "updateCampaign", {"id": news, "name": "Renamed"})  # not content
    await ok(tenant, UPDATE_CAMPAIGN, "updateCampaign", {"id": news, "templateId": second})
    await ok(tenant, UPDATE_CAMPAIGN, "updateCampaign", {"id": news, "options": {"content": {"type": "bee", "json": "{}"}}})
    await ok(tenant, UPDATE_TEMPLATE, "updateTemplate", {"id": second, "parts": [{"language": "en", "subject": "Hi", "html": "<p>two</p>"}]})  # the same

    found = await revisions(tenant, news)
    assert htmls(found) == ["<p>two</p>", "<p>two</p>", "<p>one</p>"]  # newest first
    assert [r["content"]["content"] for r in found] == [{"type": "bee", "json": "{}"}, {"type": "html"}, {"type": "html"}]
    assert found[0]["databaseId"] > found[1]["databaseId"] > found[2]["databaseId"]


async def test_editing_a_template_revises_every_campaign_sending_it(make_tenant):
    tenant = await make_tenant()
    shared = await template(tenant, "<p>v1</p>")
    one, two = await campaign(tenant, templateId=shared), await campaign(tenant, templateId=shared)
    empty = await campaign(tenant)

    await ok(tenant, UPDATE_TEMPLATE, "updateTemplate", {"id": shared, "parts": [{"language": "en", "subject": "Hi", "html": "<p>v2</p>"}]})
    await ok(tenant, UPDATE_TEMPLATE, "updateTemplate", {"id": shared, "name": "Renamed"})  # not content

    assert htmls(await revisions(tenant, one)) == htmls(await revisions(tenant, two)) == ["<p>v2</p>", "<p>v1</p>"]
    assert await revisions(tenant, empty) == []


async def test_a_revision_is_read_through_its_own_campaign_only(make_tenant):
    tenant, stranger = await make_tenant(), await make_tenant()
    content = await template(tenant, "<p>mine</p>")
    mine, other = await campaign(tenant, templateId=content), await campaign(tenant, templateId=content)
    [revision] = await revisions(tenant, mine)

    found = (await tenant.graph(REVISION, {"id": mine, "revision": revision["databaseId"]}))["node"]["revision"]
    elsewhere = (await tenant.graph(REVISION, {"id": other, "revision": revision["databaseId"]}))["node"]["revision"]
    foreign = (await stranger.graph(REVISION, {"id": mine, "revision": revision["databaseId"]}))["node"]

    assert found == revision and elsewhere is None and foreign is None
