"""Customer tokens: one customer's way through one automation, read by UUID or searched in the node."""
import uuid

from tests.compat.contactflow.conftest import error_codes
from tests.compat.contactflow.test_customers import customer

# The seed's response sample for GET /tokens/{tokenUuid}: the keys every token has.
TOKEN_SAMPLE = {
    "uuid": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f", "userPk": "string", "clabUuid": "8cbf0f5e-0020-4bd6-8925-9d4b777708ec",
    "attributes": {}, "automationUuid": "37d046c1-2b04-4489-aa44-3e7a9ef5bf6c", "automationName": "string",
    "stepUuid": "17fc4e5d-cafc-47f1-b56e-a388e726ab24", "stepOperation": "CLAB_CAMPAIGN_SMS", "stepType": "ACTION",
    "stepDescription": "string", "enterStepDate": "2019-08-24T14:15:22Z", "enterAutomationDate": "2019-08-24T14:15:22Z",
    "status": "READY", "automationStatus": "COMMITTED", "errorDate": "2019-08-24T14:15:22Z", "errorMessage": "string",
}


async def add(cf, automation: dict, name: str, **changes) -> dict:
    body = customer(cf, name, **changes)
    response = await cf.post(f"/automations/{automation['uuid']}/customers", json=body)
    assert response.status_code == 201, response.text
    return body


async def test_a_token_tells_where_its_customer_is(cf):
    automation = await cf.automation()
    body = await add(cf, automation, "Ann")

    response = await cf.get(f"/tokens/{body['uuid']}")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert set(shown) == set(TOKEN_SAMPLE)
    step = automation["steps"][0]
    assert {k: shown[k] for k in ("uuid", "userPk", "clabUuid", "attributes", "automationUuid", "automationName")} == {
        **{k: body[k] for k in ("uuid", "userPk", "clabUuid", "attributes")}, "automationUuid": automation["uuid"],
        "automationName": automation["name"]}
    assert (shown["stepUuid"], shown["stepOperation"], shown["stepType"], shown["stepDescription"]) == (
        step["uuid"], "CLAB_CAMPAIGN", "ACTION", "Welcome mail")
    assert (shown["status"], shown["automationStatus"], shown["errorDate"], shown["errorMessage"]) == ("READY", "DRAFT", None, None)
    assert shown["enterStepDate"].endswith("Z") and shown["enterAutomationDate"].endswith("Z")


async def test_token_search_filters_by_automation_step_customer_recipient_and_status(cf):
    first, second = await cf.automation(status="RUNNING"), await cf.automation()
    done = await add(cf, first, "Bea")
    broken = await add(cf, first, "Cal", attributes={"firstName": "Cal"})  # no email: its token stops in ERROR
    waiting = await add(cf, second, "Dan")

    async def uuids(**params):
        response = await cf.get("/tokens", params=params)
        assert response.status_code == 200, response.text
        return sorted(t["uuid"] for t in response.json()["elements"])

    assert await uuids() == sorted([done["uuid"], broken["uuid"], waiting["uuid"]])
    assert await uuids(automationUuid=first["uuid"]) == sorted([done["uuid"], broken["uuid"]])
    assert await uuids(stepUuid=second["steps"][0]["uuid"]) == [waiting["uuid"]]
    assert await uuids(clabUuid=done["clabUuid"]) == [done["uuid"]]
    assert await uuids(recipient=waiting["attributes"]["email"].upper()) == [waiting["uuid"]]
    assert await uuids(aggregatedStatus="RUNNING") == [waiting["uuid"]]
    assert await uuids(aggregatedStatus="COMPLETED") == [done["uuid"]]
    assert await uuids(aggregatedStatus="ERROR") == [broken["uuid"]]
    assert await uuids(automationUuid=str(uuid.uuid4())) == []


async def test_token_search_pages_by_number_and_has_a_compact_style(cf):
    automation = await cf.automation()
    made = [await add(cf, automation, name) for name in ("Eve", "Fay", "Gil")]

    second = (await cf.get("/tokens", params={"page": 1, "size": 2})).json()
    compact = (await cf.get("/tokens", params={"style": "compact"})).json()

    assert second["page"] == {"size": 2, "totalElements": 3, "totalPages": 2, "number": 1}
    assert [t["uuid"] for t in second["elements"]] == [made[2]["uuid"]]
    assert set(compact["elements"][0]) == {"uuid", "userPk", "clabUuid", "attributes", "automationUuid", "automationName", "status", "stepUuid"}


async def test_tokens_need_a_node_the_token_may_operate_on(cf, other):
    automation = await cf.automation()
    body = await add(cf, automation, "Hub")

    missing_node = await cf.get("/tokens", node="", headers={"Node": ""})
    foreign_node = await other.get(f"/tokens/{body['uuid']}", node=cf.node)
    own_node = await other.get(f"/tokens/{body['uuid']}")

    assert missing_node.status_code == 400 and error_codes(missing_node) == ["NODE_REQUIRED"]
    assert foreign_node.status_code == 403 and error_codes(foreign_node) == ["FORBIDDEN"]
    assert own_node.status_code == 404 and error_codes(own_node) == ["TOKEN_NOT_FOUND"]
