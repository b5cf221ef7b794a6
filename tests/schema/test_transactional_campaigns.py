"""Transactional campaigns in the graph: lookups by a dialect's own ids (template apiName, campaign externalId,
segment name, message externalIds), sendTransactional (per-item results), bulkSendTransactional."""
from email import message_from_bytes, policy

from tests.support.fixtures import eventually

CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }"""
CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { id } userErrors { code } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }"""
CREATE_CAMPAIGN = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } userErrors { field code } } }"""
UPDATE_CAMPAIGN = """mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { id } userErrors { field code } } }"""
SEND = """mutation($input: SendTransactionalInput!) { sendTransactional(input: $input) {
  campaign { externalId } results { message { id recipient externalId status } userErrors { field code } } userErrors { field code } } }"""
BULK = """mutation($id: ID!) { bulkSendTransactional(input: {campaignId: $id}) { campaign { status recipientsCount } userErrors { code } } }"""
LOOKUPS = """query($slug: String!, $apiName: String!, $externalId: String!, $kind: CampaignKind, $segment: String, $trace: [String!]) {
  tenant(slug: $slug) { template(apiName: $apiName) { id } campaign(externalId: $externalId, kind: $kind) { id kind }
    segments(name: $segment) { totalCount } messages(filter: {externalIds: $trace}) { nodes { externalId } } } }"""
CAMPAIGN = """query($id: ID!) { node(id: $id) { ... on Campaign { status recipientsCount } } }"""
CONTACT = """query($slug: String!, $email: String!) { tenant(slug: $slug) { contacts(email: $email) { nodes { firstName attributes } } } }"""


async def ok(tenant, mutation: str, name: str, input: dict) -> dict:
    payload = (await tenant.graph(mutation, {"input": input}))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def transactional(tenant, *, external_id: str = "receipt", list_id: str | None = None) -> tuple[str, str]:
    template = (await ok(tenant, CREATE_TEMPLATE, "createTemplate", {"tenantId": tenant.id, "name": "Receipt", "apiName": "receipt_mail",
                "parts": [{"language": "en", "subject": "Receipt for {{ first_name or 'you' }}", "text": "Total {{ total }}"}]}))["template"]["id"]
    campaign = (await ok(tenant, CREATE_CAMPAIGN, "createCampaign", {"tenantId": tenant.id, "name": "Receipts", "kind": "TRANSACTIONAL",
                "externalId": external_id, "templateId": template, "listId": list_id}))["campaign"]["id"]
    return template, campaign


async def test_templates_and_campaigns_are_found_by_the_dialects_own_ids(make_tenant):
    tenant = await make_tenant()
    template, campaign = await transactional(tenant)

    found = (await tenant.graph(LOOKUPS, {"slug": tenant.slug, "apiName": "receipt_mail", "externalId": "receipt", "kind": "TRANSACTIONAL"}))["tenant"]
    wrong_kind = (await tenant.graph(LOOKUPS, {"slug": tenant.slug, "apiName": "nope", "externalId": "receipt", "kind": "SINGLE_BATCH"}))["tenant"]

    assert found["template"] == {"id": template} and found["campaign"] == {"id": campaign, "kind": "TRANSACTIONAL"}
    assert wrong_kind["template"] is None and wrong_kind["campaign"] is None


async def test_another_tenants_api_names_are_not_found(make_tenant):
    owner, other = await make_tenant(), await make_tenant()
    await transactional(owner)

    found = (await other.graph(LOOKUPS, {"slug": other.slug, "apiName": "receipt_mail", "externalId": "receipt"}))["tenant"]

    assert found["template"] is None and found["campaign"] is None


async def test_an_external_id_names_one_campaign_of_its_tenant(make_tenant):
    tenant, other = await make_tenant(), await make_tenant()
    _, campaign = await transactional(tenant)
    await transactional(other)  # the same id in another tenant is fine

    again = (await tenant.graph(CREATE_CAMPAIGN, {"input": {"tenantId": tenant.id, "name": "Again", "externalId": "receipt"}}))["createCampaign"]
    second = (await ok(tenant, CREATE_CAMPAIGN, "createCampaign", {"tenantId": tenant.id, "name": "Second", "externalId": "second"}))["campaign"]["id"]
    renamed = (await tenant.graph(UPDATE_CAMPAIGN, {"input": {"id": second, "externalId": "receipt"}}))["updateCampaign"]
    kept = (await tenant.graph(UPDATE_CAMPAIGN, {"input": {"id": campaign, "externalId": "receipt"}}))["updateCampaign"]

    assert again["userErrors"] == [{"field": "externalId", "code": "EXTERNAL_ID_TAKEN"}]
    assert renamed["userErrors"] == [{"field": "externalId", "code": "EXTERNAL_ID_TAKEN"}]
    assert kept["userErrors"] == []


async def test_send_transactional_sends_each_item_and_reports_each_failure(make_tenant, mailbox):
    tenant = await make_tenant()
    _, campaign = await transactional(tenant)
    to = f"ada.{tenant.slug}@example.com"

    payload = (await tenant.graph(SEND, {"input": {"campaignId": campaign, "items": [
        {"recipient": to, "data": {"total": "12.50"}, "externalId": "trace-1"},
        {"recipient": "broken"},
        {"recipient": "user-1", "lookup": "EXTERNAL_ID"},
    ]}}))["sendTransactional"]

    assert payload["userErrors"] == [] and payload["campaign"] == {"externalId": "receipt"}
    first, second, third = payload["results"]
    assert first["userErrors"] == [] and first["message"]["recipient"] == to and first["message"]["status"] == "QUEUED"
    assert second == {"message": None, "userErrors": [{"field": "items.1.recipient", "code": "INVALID_ADDRESS"}]}
    assert third == {"message": None, "userErrors": [{"field": "items.2.recipient", "code": "CONTACT_NOT_FOUND"}]}
    [raw] = await eventually(lambda: mailbox.to(to))
    mail = message_from_bytes(raw, policy=policy.default)
    assert str(mail["Subject"]) == "Receipt for you" and "Total 12.50" in mail.get_body(("plain",)).get_content()
    traced = (await tenant.graph(LOOKUPS, {"slug": tenant.slug, "apiName": "x", "externalId": "x", "trace": ["trace-1", "trace-2"]}))["tenant"]
    assert traced["messages"]["nodes"] == [{"externalId": "trace-1"}]


async def test_send_transactional_with_a_profile_upserts_the_contact_first(make_tenant, mailbox):
    tenant = await make_tenant()
    _, campaign = await transactional(tenant)
    to = f"grace.{tenant.slug}@example.com"

    payload = (await tenant.graph(SEND, {"input": {"campaignId": campaign, "items": [
        {"recipient": to, "profile": {"firstName": "Grace", "attributes": {"plan": "pro"}}}]}}))["sendTransactional"]

    assert payload["results"][0]["userErrors"] == []
    contact = (await tenant.graph(CONTACT, {"slug": tenant.slug, "email": to}))["tenant"]["contacts"]["nodes"]
    assert contact == [{"firstName": "Grace", "attributes": {"plan": "pro"}}]
    [raw] = await eventually(lambda: mailbox.to(to))
    assert str(message_from_bytes(raw, policy=policy.default)["Subject"]) == "Receipt for Grace"


async def test_a_campaign_that_is_not_transactional_or_is_cancelled_sends_nothing(make_tenant):
    tenant = await make_tenant()
    newsletter = (await ok(tenant, CREATE_CAMPAIGN, "createCampaign", {"tenantId": tenant.id, "name": "News"}))["campaign"]["id"]
    _, campaign = await transactional(tenant)
    await tenant.graph("""mutation($id: ID!) { cancelCampaign(input: {campaignId: $id}) { userErrors { code } } }""", {"id": campaign})

    wrong_kind = (await tenant.graph(SEND, {"input": {"campaignId": newsletter, "items": [{"recipient": "a@example.com"}]}}))["sendTransactional"]
    cancelled = (await tenant.graph(SEND, {"input": {"campaignId": campaign, "items": [{"recipient": "a@example.com"}]}}))["sendTransactional"]
    no_items = (await tenant.graph(SEND, {"input": {"campaignId": newsletter, "items": []}}))["sendTransactional"]

    assert wrong_kind["userErrors"] == [{"field": "campaignId", "code": "CAMPAIGN_NOT_TRANSACTIONAL"}]
    assert cancelled["userErrors"] == [{"field": "campaignId", "code": "CAMPAIGN_NOT_SENDABLE"}]
    assert no_items["userErrors"][0]["code"] == "CAMPAIGN_NOT_TRANSACTIONAL"


async def test_a_read_only_token_cannot_send_and_a_foreign_one_finds_nothing(make_tenant):
    from app.auth import issue_token
    from app.settings import get_settings
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import issue_token_credential
    from tests.support.environment import DATABASE_URL
    from tests.support.fixtures import Graph

    tenant, stranger = await make_tenant(), await make_tenant()
    _, campaign = await transactional(tenant)
    engine = create_engine(DATABASE_URL)
    async with session_factory(engine)() as session:
        credential = await issue_token_credential(session, tenant_id=tenant.account_id, role=Role.READ)
        await session.commit()
    await engine.dispose()
    reader = Graph(tenant.graph.url, issue_token(get_settings(), credential))
    variables = {"input": {"campaignId": campaign, "items": [{"recipient": "a@example.com"}]}}

    read_only = (await reader(SEND, variables))["sendTransactional"]
    foreign = (await stranger.graph(SEND, variables))["sendTransactional"]

    assert read_only["userErrors"] == [{"field": None, "code": "FORBIDDEN"}] and read_only["results"] == []
    assert foreign["userErrors"] == [{"field": "campaignId", "code": "NOT_FOUND"}]


async def test_bulk_send_reaches_the_audience_twice_when_asked_twice_and_stays_running(make_tenant, mailbox):
    tenant = await make_tenant()
    list_id = (await ok(tenant, CREATE_LIST, "createList", {"tenantId": tenant.id, "name": "Buyers"}))["list"]["id"]
    to = f"hedy.{tenant.slug}@example.com"
    await ok(tenant, CREATE_CONTACT, "createContact", {"tenantId": tenant.id, "email": to, "firstName": "Hedy", "listIds": [list_id]})
    _, campaign = await transactional(tenant, list_id=list_id)

    first = (await tenant.graph(BULK, {"id": campaign}))["bulkSendTransactional"]
    await eventually(lambda: mailbox.to(to))

    async def expanded():
        node = (await tenant.graph(CAMPAIGN, {"id": campaign}))["node"]
        return node["recipientsCount"] == 1 and node

    await eventually(expanded)
    second = (await tenant.graph(BULK, {"id": campaign}))["bulkSendTransactional"]
    await eventually(lambda: len(mailbox.to(to)) == 2)

    assert first["userErrors"] == [] and first["campaign"]["status"] == "RUNNING"
    assert second["userErrors"] == []
    assert (await tenant.graph(CAMPAIGN, {"id": campaign}))["node"]["status"] == "RUNNING"
