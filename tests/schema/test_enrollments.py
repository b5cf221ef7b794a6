"""Enrollments: customers in automations through the graph (enrollCustomer, enrollCustomers, removeCustomer,
removeCustomerBatch), their steps executed while the automation runs, and the fields that read them."""
import secrets
import uuid

from tests.support.environment import DATABASE_URL
from tests.support.fixtures import Graph, eventually

CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id databaseId } userErrors { code } } }"""
CREATE_CAMPAIGN = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  campaign { id externalId status steps { externalId type } } userErrors { field code message } } }"""
LAUNCH = """mutation($id: ID!) { launchCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code message } } }"""
SUSPEND = """mutation($id: ID!) { suspendCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } } }"""
CANCEL = """mutation($id: ID!) { cancelCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } } }"""
ENROLLMENT_FIELDS = "id uuid status stepPosition step { externalId type } error errorAt source contact { email externalId attributes } messages { status }"
ENROLL = f"""mutation($input: EnrollCustomerInput!) {{ enrollCustomer(input: $input) {{ enrollment {{ {ENROLLMENT_FIELDS} }} userErrors {{ field code message }} }} }}"""
ENROLL_BATCH = """mutation($input: EnrollCustomersInput!) { enrollCustomers(input: $input) {
  batch { sourceUuid sourceLabel status packet customers } enrollments { uuid status } userErrors { field code } } }"""
REMOVE = """mutation($id: ID!) { removeCustomer(input: {enrollmentId: $id}) { enrollment { status } userErrors { code } } }"""
REMOVE_BATCH = """mutation($campaign: ID!, $source: String!) { removeCustomerBatch(input: {campaignId: $campaign, sourceUuid: $source}) {
  removedCount userErrors { code } } }"""
CAMPAIGN = f"""query($id: ID!) {{ node(id: $id) {{ ... on Campaign {{ status
  enrollments {{ totalCount nodes {{ uuid status }} }} enrollmentCounts {{ status count }} messageCounts {{ status count }} }} }} }}"""
ENROLLMENT = f"""query($id: ID!) {{ node(id: $id) {{ ... on Enrollment {{ {ENROLLMENT_FIELDS} }} }} }}"""
TENANT_ENROLLMENTS = """query($slug: String!, $filter: EnrollmentFilter, $uuid: String!) { tenant(slug: $slug) {
  enrollments(filter: $filter) { totalCount nodes { uuid } } enrollment(uuid: $uuid) { uuid } } }"""


async def ok(tenant, document: str, name: str, variables: dict) -> dict:
    payload = (await tenant.graph(document, variables))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def automation(tenant, steps: list[dict] | None = None, *, running: bool = True) -> dict:
    """An automation whose first step mails a welcome template (steps may be given instead)."""
    template = (await ok(tenant, CREATE_TEMPLATE, "createTemplate", {"input": {"tenantId": tenant.id, "name": "Welcome", "parts": [
        {"language": "en", "subject": "Welcome {{ first_name }}", "text": "Hello {{ first_name }} ({{ plan }})"}]}}))["template"]
    steps = steps if steps is not None else [{"type": "CLAB_CAMPAIGN", "name": "Welcome mail", "templateId": template["id"]}]
    campaign = (await ok(tenant, CREATE_CAMPAIGN, "createCampaign", {"input": {
        "tenantId": tenant.id, "name": "Onboarding", "kind": "AUTOMATION", "steps": steps}}))["campaign"]
    if running:
        launched = await ok(tenant, LAUNCH, "launchCampaign", {"id": campaign["id"]})
        assert launched["campaign"]["status"] == "RUNNING"
    return {**campaign, "template": template}


def person(name: str, **extra) -> dict:
    return {"externalId": f"cust-{secrets.token_hex(4)}", "email": f"{name.lower()}.{secrets.token_hex(3)}@example.com",
            "firstName": name, **extra}


async def test_an_automation_gets_uuids_and_launches_without_a_list_or_template(make_tenant):
    tenant = await make_tenant()

    created = await automation(tenant)

    assert uuid.UUID(created["externalId"]) and uuid.UUID(created["steps"][0]["externalId"])
    assert (await tenant.graph(CAMPAIGN, {"id": created["id"]}))["node"]["status"] == "RUNNING"


async def test_an_enrolled_customer_is_sent_the_first_step_and_finishes(make_tenant, mailbox):
    tenant = await make_tenant()
    flow = await automation(tenant)
    customer = person("Ada", attributes={"plan": "gold"})

    enrolled = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": customer}}))["enrollment"]

    assert enrolled["status"] == "FINISHED" and uuid.UUID(enrolled["uuid"])
    assert enrolled["step"] == {"externalId": flow["steps"][0]["externalId"], "type": "CLAB_CAMPAIGN"}
    assert enrolled["contact"] == {"email": customer["email"], "externalId": customer["externalId"], "attributes": {"plan": "gold"}}
    assert await eventually(lambda: mailbox.to(customer["email"]))

    async def sent():
        node = (await tenant.graph(ENROLLMENT, {"id": enrolled["id"]}))["node"]
        return node if node["messages"] and node["messages"][0]["status"] in ("SENT", "DELIVERED") else None

    assert (await eventually(sent))["error"] is None
    campaign = (await tenant.graph(CAMPAIGN, {"id": flow["id"]}))["node"]
    assert campaign["status"] == "RUNNING"  # an automation keeps running: more customers may come
    assert campaign["enrollments"]["totalCount"] == 1 and campaign["enrollmentCounts"] == [{"status": "FINISHED", "count": 1}]
    assert campaign["messageCounts"] in ([{"status": "SENT", "count": 1}], [{"status": "DELIVERED", "count": 1}])


async def test_a_token_passes_no_action_steps_and_waits_at_a_step_the_engine_does_not_run(make_tenant, mailbox):
    tenant = await make_tenant()
    flow = await automation(tenant, running=False)
    template_id = flow["template"]["id"]
    steps = [{"type": "NO_ACTION"}, {"type": "CLAB_CAMPAIGN", "templateId": template_id}, {"type": "WAIT_AND_CHECK", "name": "Wait a day"},
             {"type": "CLAB_CAMPAIGN", "templateId": template_id}]
    flow = await automation(tenant, steps)
    customer = person("Bo")

    enrolled = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": customer}}))["enrollment"]

    assert (enrolled["status"], enrolled["stepPosition"], enrolled["step"]["type"]) == ("ACTIVE", 2, "WAIT_AND_CHECK")
    await eventually(lambda: mailbox.to(customer["email"]))
    assert len(enrolled["messages"]) == 1


async def test_customers_enrolled_before_the_launch_start_when_it_runs_and_wait_while_suspended(make_tenant, mailbox):
    tenant = await make_tenant()
    flow = await automation(tenant, running=False)
    early = person("Cy")
    waiting = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": early}}))["enrollment"]
    assert (waiting["status"], waiting["stepPosition"], waiting["messages"]) == ("ACTIVE", 0, [])

    await ok(tenant, LAUNCH, "launchCampaign", {"id": flow["id"]})
    await eventually(lambda: mailbox.to(early["email"]))
    await ok(tenant, SUSPEND, "suspendCampaign", {"id": flow["id"]})
    late = person("Di")
    held = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": late}}))["enrollment"]

    assert held["status"] == "ACTIVE" and held["messages"] == [] and mailbox.to(late["email"]) == []
    assert (await tenant.graph(ENROLLMENT, {"id": waiting["id"]}))["node"]["status"] == "FINISHED"


async def test_a_step_that_cannot_send_stops_the_token_with_the_reason(make_tenant):
    tenant = await make_tenant()
    flow = await automation(tenant)

    enrolled = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": {"externalId": "no-mail"}}}))["enrollment"]

    assert enrolled["status"] == "ERROR" and enrolled["error"].startswith("The customer has no email address") and enrolled["errorAt"]
    assert enrolled["source"]["errorCode"] == "RECIPIENT_REQUIRED"


async def test_a_customer_is_found_again_by_customer_id_then_clab_uuid_then_email(make_tenant):
    tenant = await make_tenant()
    flow, other_flow = await automation(tenant, running=False), await automation(tenant, running=False)
    customer = person("Eve", clabUuid=str(uuid.uuid4()))
    first = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": customer}}))["enrollment"]

    again = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": {"externalId": customer["externalId"]}}}))["enrollment"]
    by_clab = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": other_flow["id"], "customer": {"clabUuid": customer["clabUuid"]}}}))["enrollment"]
    by_email = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": other_flow["id"], "customer": {"email": customer["email"].upper()}}}))["enrollment"]

    assert again["uuid"] == first["uuid"]  # the same customer keeps its one enrollment per campaign
    assert by_clab["contact"]["email"] == customer["email"] and by_email["uuid"] == by_clab["uuid"]


async def test_removing_a_customer_cancels_it_once(make_tenant):
    tenant = await make_tenant()
    flow = await automation(tenant, running=False)
    enrolled = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": person("Fay")}}))["enrollment"]

    removed = (await tenant.graph(REMOVE, {"id": enrolled["id"]}))["removeCustomer"]
    again = (await tenant.graph(REMOVE, {"id": enrolled["id"]}))["removeCustomer"]

    assert removed == {"enrollment": {"status": "CANCELLED"}, "userErrors": []}
    assert again == {"enrollment": None, "userErrors": [{"code": "ENROLLMENT_ALREADY_CANCELLED"}]}


async def test_a_batch_is_recorded_closes_with_its_last_packet_and_an_open_one_can_be_removed(make_tenant):
    tenant = await make_tenant()
    flow = await automation(tenant, running=False)
    source = str(uuid.uuid4())

    first = (await ok(tenant, ENROLL_BATCH, "enrollCustomers", {"input": {"campaignId": flow["id"], "sourceUuid": source, "sourceLabel": "CRM",
                                                                          "packet": "FIRST", "customers": [person("Gil"), person("Hal")]}}))
    removed = (await tenant.graph(REMOVE_BATCH, {"campaign": flow["id"], "source": source}))["removeCustomerBatch"]
    closed_source = str(uuid.uuid4())
    last = (await ok(tenant, ENROLL_BATCH, "enrollCustomers", {"input": {"campaignId": flow["id"], "sourceUuid": closed_source, "packet": "LAST",
                                                                         "customers": [person("Ivy")]}}))
    refused = (await tenant.graph(REMOVE_BATCH, {"campaign": flow["id"], "source": closed_source}))["removeCustomerBatch"]

    assert first["batch"] == {"sourceUuid": source, "sourceLabel": "CRM", "status": "OPEN", "packet": "FIRST", "customers": 2}
    assert [e["status"] for e in first["enrollments"]] == ["ACTIVE", "ACTIVE"]
    assert removed == {"removedCount": 2, "userErrors": []}
    assert last["batch"]["status"] == "CLOSED" and refused["userErrors"] == [{"code": "BATCH_CLOSED"}]
    counts = (await tenant.graph(CAMPAIGN, {"id": flow["id"]}))["node"]["enrollmentCounts"]
    assert counts == [{"status": "ACTIVE", "count": 1}, {"status": "CANCELLED", "count": 2}]


async def test_a_bad_customer_in_a_batch_enrolls_none_and_names_its_index(make_tenant):
    tenant = await make_tenant()
    flow = await automation(tenant, running=False)

    payload = (await tenant.graph(ENROLL_BATCH, {"input": {"campaignId": flow["id"], "customers": [person("Jo"), {"email": "broken"}]}}))["enrollCustomers"]

    assert payload["batch"] is None and payload["userErrors"] == [{"field": "customers[1].email", "code": "INVALID_ADDRESS"}]
    assert (await tenant.graph(CAMPAIGN, {"id": flow["id"]}))["node"]["enrollments"]["totalCount"] == 0


async def test_tenant_enrollments_filter_and_find_by_uuid(make_tenant):
    tenant = await make_tenant()
    flow, other_flow = await automation(tenant, running=False), await automation(tenant, running=False)
    kim = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": person("Kim")}}))["enrollment"]
    await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": other_flow["id"], "customer": person("Lu")}})

    async def found(filter: dict | None, token: str = kim["uuid"]) -> tuple[int, dict | None]:
        data = (await tenant.graph(TENANT_ENROLLMENTS, {"slug": tenant.slug, "filter": filter, "uuid": token}))["tenant"]
        return data["enrollments"]["totalCount"], data["enrollment"]

    assert await found(None) == (2, {"uuid": kim["uuid"]})
    assert (await found({"campaignExternalId": flow["externalId"]}))[0] == 1
    assert (await found({"stepExternalId": flow["steps"][0]["externalId"]}))[0] == 1
    assert (await found({"recipient": kim["contact"]["email"].upper()}))[0] == 1
    assert (await found({"statuses": ["FINISHED"]}))[0] == 0
    assert (await found(None, token=str(uuid.uuid4())))[1] is None
    assert (await found(None, token="not-a-uuid"))[1] is None


async def test_enrollments_of_another_tenant_are_invisible_and_untouchable(make_tenant):
    tenant, stranger = await make_tenant(), await make_tenant()
    flow = await automation(tenant, running=False)
    enrolled = (await ok(tenant, ENROLL, "enrollCustomer", {"input": {"campaignId": flow["id"], "customer": person("Mo")}}))["enrollment"]

    enroll = (await stranger.graph(ENROLL, {"input": {"campaignId": flow["id"], "customer": person("Ned")}}))["enrollCustomer"]
    remove = (await stranger.graph(REMOVE, {"id": enrolled["id"]}))["removeCustomer"]
    node = (await stranger.graph(ENROLLMENT, {"id": enrolled["id"]}))["node"]
    lookup = (await stranger.graph(TENANT_ENROLLMENTS, {"slug": stranger.slug, "filter": None, "uuid": enrolled["uuid"]}))["tenant"]

    assert [e["code"] for e in enroll["userErrors"]] == ["NOT_FOUND"] and [e["code"] for e in remove["userErrors"]] == ["NOT_FOUND"]
    assert node is None and lookup == {"enrollments": {"totalCount": 0, "nodes": []}, "enrollment": None}
    assert (await tenant.graph(ENROLLMENT, {"id": enrolled["id"]}))["node"]["status"] == "ACTIVE"


async def read_token_graph(api, tenant) -> Graph:
    """A READ bearer token on `tenant`, issued through the domain service."""
    from app.auth import issue_token
    from app.settings import get_settings
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import issue_token_credential

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            credential = await issue_token_credential(session, tenant_id=tenant.account_id, role=Role.READ)
            await session.commit()
    finally:
        await engine.dispose()
    return Graph(api.url, issue_token(get_settings(), credential))


async def test_a_read_token_cannot_enroll_and_closed_or_non_automation_campaigns_take_no_customers(api, make_tenant):
    tenant = await make_tenant()
    flow = await automation(tenant)
    reader = await read_token_graph(api, tenant)
    newsletter = (await ok(tenant, CREATE_CAMPAIGN, "createCampaign", {"input": {"tenantId": tenant.id, "name": "News"}}))["campaign"]

    read_only = (await reader(ENROLL, {"input": {"campaignId": flow["id"], "customer": person("Oz")}}))["enrollCustomer"]
    await ok(tenant, CANCEL, "cancelCampaign", {"id": flow["id"]})
    cancelled = (await tenant.graph(ENROLL, {"input": {"campaignId": flow["id"], "customer": person("Oz")}}))["enrollCustomer"]
    not_automation = (await tenant.graph(ENROLL, {"input": {"campaignId": newsletter["id"], "customer": person("Pia")}}))["enrollCustomer"]

    assert [e["code"] for e in read_only["userErrors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in cancelled["userErrors"]] == ["CAMPAIGN_NOT_ENROLLABLE"]
    assert [e["code"] for e in not_automation["userErrors"]] == ["CAMPAIGN_NOT_ENROLLABLE"]
    assert (await tenant.graph(CAMPAIGN, {"id": flow["id"]}))["node"]["enrollments"]["totalCount"] == 0


async def test_steps_must_send_templates_of_their_own_tenant(make_tenant):
    tenant, stranger = await make_tenant(), await make_tenant()
    foreign = (await ok(stranger, CREATE_TEMPLATE, "createTemplate", {"input": {"tenantId": stranger.id, "name": "Theirs", "parts": [
        {"language": "en", "subject": "s", "text": "t"}]}}))["template"]

    payload = (await tenant.graph(CREATE_CAMPAIGN, {"input": {"tenantId": tenant.id, "name": "Flow", "kind": "AUTOMATION",
                                                             "steps": [{"type": "CLAB_CAMPAIGN", "templateId": foreign["id"]}]}}))["createCampaign"]

    assert payload["campaign"] is None and payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert payload["userErrors"][0]["field"] == "steps[0].templateId"
