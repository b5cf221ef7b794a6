"""Definitions and actions: what a node's automations can use, derived from the domain rather than copied from the seed."""
import pytest

from domain.messaging.models import MessageEventType
from tests.compat.contactflow.conftest import error_codes
from tests.compat.contactflow.test_customers import customer

# The seed's step operations (the stepType filter of GET /automations): every action offered is one of them.
SEED_STEP_TYPES = {"CLAB_CAMPAIGN_SMS", "CLAB_CAMPAIGN", "WEBHOOK", "TAG", "FROM_LAST_STEP", "WAIT_AND_CHECK", "WAIT_FOR_TRIGGER", "AB_TEST", "NO_ACTION"}
DEFINITION_ROUTES = ["/actions", "/definitions/trigger-events", "/definitions/events-context", "/definitions/customers",
                     "/definitions/automation-categories", "/automations/categories"]


async def test_actions_are_the_steps_automations_execute_and_follow_the_nodes_channels(cf):
    everything = await cf.get("/actions")

    assert everything.status_code == 200, everything.text
    assert everything.json() == ["CLAB_CAMPAIGN", "CLAB_CAMPAIGN_SMS", "NO_ACTION"]
    assert set(everything.json()) <= SEED_STEP_TYPES
    assert (await cf.patch(f"/nodes/{cf.node}", json={"active": True, "smsActive": False})).status_code == 200
    assert (await cf.get("/actions")).json() == ["CLAB_CAMPAIGN", "NO_ACTION"]
    assert (await cf.patch(f"/nodes/{cf.node}", json={"active": True, "smsActive": True, "emailActive": False})).status_code == 200
    assert (await cf.get("/actions")).json() == ["CLAB_CAMPAIGN_SMS", "NO_ACTION"]


async def test_trigger_events_are_every_message_event_type_with_its_attributes(cf):
    response = await cf.get("/definitions/trigger-events")

    assert response.status_code == 200, response.text
    events = response.json()
    assert set(events) == {kind.name for kind in MessageEventType}
    assert events["OPENED"]["message.recipient"] == "string" and events["CLICKED"]["event.occurredAt"] == "date-time"
    assert events["BOUNCED"]["event.detail"] == "object" and "message.html" not in events["SENT"]


async def test_events_context_describes_the_message_and_the_event(cf):
    context = (await cf.get("/definitions/events-context")).json()

    assert set(context) == {"message", "event"}
    assert context["message"]["status"] == "string" and context["message"]["sentAt"] == "date-time"
    assert context["event"] == {"id": "integer", "messageId": "integer", "type": "string", "detail": "object", "occurredAt": "date-time"}


async def test_customer_definitions_are_the_contact_fields_and_the_attributes_customers_really_have(cf):
    before = (await cf.get("/definitions/customers")).json()
    assert before["attributes"] == {}
    assert {"email": "string", "phone": "string", "externalId": "string", "clabUuid": "string"}.items() <= before["fields"].items()

    automation = await cf.automation()
    body = customer(cf, "Ada")
    body["attributes"].update({"age": 36, "vip": True, "address": {"city": "Milan"}})
    assert (await cf.post(f"/automations/{automation['uuid']}/customers", json=body)).status_code == 201

    attributes = (await cf.get("/definitions/customers")).json()["attributes"]
    assert attributes.pop("age") in ("integer", "number")
    assert attributes == {"email": "string", "firstName": "string", "vip": "boolean", "address": "object"}


async def test_categories_are_custom_and_those_the_nodes_automations_use(cf):
    assert (await cf.get("/definitions/automation-categories")).json() == {"categories": ["Custom"]}

    await cf.automation(category="Seasonal")
    await cf.automation()

    assert (await cf.get("/definitions/automation-categories")).json() == {"categories": ["Custom", "Seasonal"]}
    assert (await cf.get("/automations/categories")).json() == {"categories": ["Custom", "Seasonal"]}


@pytest.mark.parametrize("path", DEFINITION_ROUTES)
async def test_a_missing_or_malformed_node_header_is_refused_in_contactflows_envelope(cf, path):
    missing = await cf.get(path, headers={"Node": ""}, node="")
    malformed = await cf.get(path, node="not-a-uuid")
    no_token = await cf.get(path, token="nope")

    assert missing.status_code == 400 and error_codes(missing) == ["NODE_REQUIRED"]
    assert malformed.status_code == 400 and error_codes(malformed) == ["INVALID_NODE"]
    assert no_token.status_code == 401 and error_codes(no_token)


async def test_another_node_sees_neither_this_nodes_categories_nor_its_customer_attributes(cf, other):
    automation = await cf.automation(category="SecretCategory")
    body = customer(cf, "Bo")
    body["attributes"]["secretAttribute"] = "x"
    assert (await cf.post(f"/automations/{automation['uuid']}/customers", json=body)).status_code == 201

    for path in DEFINITION_ROUTES:
        refused = await other.get(path, node=cf.node)
        assert refused.status_code == 403 and error_codes(refused) == ["FORBIDDEN"]
    assert (await other.get("/definitions/automation-categories")).json() == {"categories": ["Custom"]}
    assert (await other.get("/definitions/customers")).json()["attributes"] == {}
