"""Custom journeys in the graph: a CUSTOM campaign's steps are named entry points with content; it is never
launched, and `triggerEntryPoint` sends one entry point's content per item."""
import pytest

CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }"""
CREATE_CAMPAIGN = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  campaign { id kind steps { externalId type templateId } } userErrors { field code } } }"""
LAUNCH = """mutation($id: ID!) { launchCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } } }"""
TRIGGER = """mutation($input: TriggerEntryPointInput!) { triggerEntryPoint(input: $input) {
  entryPoint { externalId } results { message { recipient status campaign { kind } } userErrors { code } } userErrors { field code } } }"""


async def template(tenant) -> str:
    payload = (await tenant.graph(CREATE_TEMPLATE, {"input": {"tenantId": tenant.id, "name": "Hello", "parts": [
        {"language": "en", "subject": "Hello", "text": "Hello {{ first_name or 'there' }}"}]}}))["createTemplate"]
    return payload["template"]["id"]


async def create(tenant, kind: str = "CUSTOM", steps: list | None = None) -> dict:
    return (await tenant.graph(CREATE_CAMPAIGN, {"input": {"tenantId": tenant.id, "name": "Journey", "kind": kind, "externalId": "j", "steps": steps}}))["createCampaign"]


@pytest.mark.parametrize("step, field, code", [
    ({"type": "SEND"}, "steps[0].type", "INVALID_STEP_TYPE"),
    ({"type": "ENTRY_POINT", "externalId": None}, "steps[0].externalId", "REQUIRED"),
    ({"type": "ENTRY_POINT", "externalId": "signup", "templateId": None}, "steps[0].templateId", "REQUIRED"),
])
async def test_a_custom_journeys_steps_are_named_entry_points_with_content(make_tenant, step, field, code):
    tenant = await make_tenant()
    content = await template(tenant)

    payload = await create(tenant, steps=[{"externalId": "signup", "templateId": content, **step}])

    assert payload["campaign"] is None and payload["userErrors"] == [{"field": field, "code": code}]


async def test_entry_point_names_are_unique_in_a_journey_and_it_is_never_launched(make_tenant):
    tenant = await make_tenant()
    content = await template(tenant)
    point = {"type": "ENTRY_POINT", "externalId": "signup", "templateId": content}

    twice = await create(tenant, steps=[point, point])
    made = await create(tenant, steps=[point])
    launched = (await tenant.graph(LAUNCH, {"id": made["campaign"]["id"]}))["launchCampaign"]

    assert twice["userErrors"] == [{"field": "steps[1].externalId", "code": "DUPLICATE_ENTRY_POINT"}]
    assert made["campaign"]["kind"] == "CUSTOM" and made["campaign"]["steps"][0]["externalId"] == "signup"
    assert launched["userErrors"] == [{"code": "CAMPAIGN_NOT_LAUNCHABLE"}]


async def test_trigger_entry_point_queues_one_message_per_item(make_tenant):
    tenant = await make_tenant()
    content = await template(tenant)
    journey = await create(tenant, steps=[{"type": "ENTRY_POINT", "externalId": "signup", "templateId": content}])
    items = [{"recipient": "ada@example.com"}, {"recipient": "nobody"}]

    payload = (await tenant.graph(TRIGGER, {"input": {"campaignId": journey["campaign"]["id"], "entryPoint": "signup", "items": items}}))["triggerEntryPoint"]
    unknown = (await tenant.graph(TRIGGER, {"input": {"campaignId": journey["campaign"]["id"], "entryPoint": "nope", "items": items}}))["triggerEntryPoint"]

    assert payload["userErrors"] == [] and payload["entryPoint"] == {"externalId": "signup"}
    assert payload["results"][0]["message"] == {"recipient": "ada@example.com", "status": "QUEUED", "campaign": {"kind": "CUSTOM"}}
    assert payload["results"][1] == {"message": None, "userErrors": [{"code": "INVALID_ADDRESS"}]}
    assert unknown["userErrors"] == [{"field": "entryPoint", "code": "ENTRY_POINT_NOT_FOUND"}]


async def test_only_a_custom_journey_has_entry_points(make_tenant):
    tenant = await make_tenant()
    newsletter = await create(tenant, kind="NEWSLETTER")

    payload = (await tenant.graph(TRIGGER, {"input": {"campaignId": newsletter["campaign"]["id"], "entryPoint": "signup",
                                                        "items": [{"recipient": "ada@example.com"}]}}))["triggerEntryPoint"]

    assert payload["userErrors"] == [{"field": "campaignId", "code": "CAMPAIGN_NOT_CUSTOM"}]
