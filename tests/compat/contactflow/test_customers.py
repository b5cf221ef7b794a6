"""Customers in automations: added one by one or in batches, their steps' mail delivered by the workers."""
import secrets
import uuid
from email import message_from_bytes, policy

from tests.compat.contactflow.conftest import error_codes
from tests.support.fixtures import eventually

# The seed's request sample for POST /automations/{automationUuid}/customers (its response has the same shape).
CUSTOMER_SAMPLE = {
    "uuid": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f", "userPk": "string", "clabUuid": "8cbf0f5e-0020-4bd6-8925-9d4b777708ec",
    "attributes": {}, "automationUuid": "37d046c1-2b04-4489-aa44-3e7a9ef5bf6c", "automationName": "string",
}
# The seed's request sample for POST /automations/{automationUuid}/customers/batch, and its response's keys.
BATCH_SAMPLE = {"customers": [], "notification": {}, "packet": "FIRST", "sourceLabel": "string",
                "sourceUuid": "33c81504-964f-4455-ac8b-47961f07cd05", "status": "OPEN"}
BATCH_RESPONSE_KEYS = {"sourceLabel", "sourceUuid", "status"}
ENROLLMENT = """query($slug: String!, $uuid: String!) { tenant(slug: $slug) { enrollment(uuid: $uuid) {
  status uuid contact { email externalId } messages { status recipient subject step: campaign { externalId } } } } }"""
MESSAGES = """query($slug: String!, $to: String!) { tenant(slug: $slug) { messages(filter: {recipient: $to}) { nodes { status subject campaign { externalId } } } } }"""


def customer(cf, name: str = "Ada", **changes) -> dict:
    email = f"{name.lower()}.{secrets.token_hex(3)}@example.com"
    return {**CUSTOMER_SAMPLE, "uuid": str(uuid.uuid4()), "userPk": f"pk-{secrets.token_hex(4)}", "clabUuid": str(uuid.uuid4()),
            "attributes": {"email": email, "firstName": name}, **changes}


def subjects(mailbox, address: str) -> list[str]:
    return [str(message_from_bytes(raw, policy=policy.default)["Subject"]) for raw in mailbox.to(address)]


async def token(cf, token_uuid: str) -> dict:
    response = await cf.get(f"/tokens/{token_uuid}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_customer_added_to_a_running_automation_gets_its_first_mail_and_its_token_completes(cf, mailbox):
    automation = await cf.automation(status="RUNNING")
    body = customer(cf, "Ada", automationUuid=automation["uuid"], automationName=automation["name"])
    address = body["attributes"]["email"]

    response = await cf.post(f"/automations/{automation['uuid']}/customers", json=body)

    assert response.status_code == 201, response.text
    assert response.json() == body  # the seed's response: the customer as added
    assert await eventually(lambda: subjects(mailbox, address)) == ["Welcome Ada"]
    mail = message_from_bytes(mailbox.to(address)[0], policy=policy.default)
    assert "Hello Ada, welcome aboard." in mail.get_body(("plain",)).get_content()

    async def sent():
        found = (await cf.tenant.graph(MESSAGES, {"slug": cf.tenant.slug, "to": address}))["tenant"]["messages"]["nodes"]
        return found if found and found[0]["status"] in ("SENT", "DELIVERED") else None

    [message] = await eventually(sent)
    assert message["subject"] == "Welcome Ada" and message["campaign"]["externalId"] == automation["uuid"]
    shown = await token(cf, body["uuid"])
    assert shown["status"] == "COMPLETED" and shown["stepUuid"] == automation["steps"][0]["uuid"]
    assert shown["stepOperation"] == "CLAB_CAMPAIGN" and shown["automationStatus"] == "RUNNING" and shown["errorMessage"] is None
    graph = (await cf.tenant.graph(ENROLLMENT, {"slug": cf.tenant.slug, "uuid": body["uuid"]}))["tenant"]["enrollment"]
    assert graph["status"] == "FINISHED" and graph["contact"] == {"email": address, "externalId": body["userPk"]}
    assert [m["status"] for m in graph["messages"]] in (["SENT"], ["DELIVERED"])
    statistics = (await cf.get(f"/automations/{automation['uuid']}")).json()["statistics"]
    assert statistics["customers"] == 1 and statistics["completed"] == 1 and statistics["messages"] in ({"sent": 1}, {"delivered": 1})


async def test_customers_of_a_draft_automation_wait_until_it_runs(cf, mailbox):
    automation = await cf.automation()
    body = customer(cf, "Bo")
    address = body["attributes"]["email"]
    assert (await cf.post(f"/automations/{automation['uuid']}/customers", json=body)).status_code == 201

    waiting = await token(cf, body["uuid"])
    assert waiting["status"] == "READY" and waiting["automationStatus"] == "DRAFT" and mailbox.to(address) == []

    assert (await cf.patch(f"/automations/{automation['uuid']}", json={"status": "RUNNING"})).status_code == 200
    assert await eventually(lambda: subjects(mailbox, address)) == ["Welcome Bo"]
    assert (await eventually(lambda: _completed(cf, body["uuid"])))["status"] == "COMPLETED"


async def _completed(cf, token_uuid):
    shown = await token(cf, token_uuid)
    return shown if shown["status"] == "COMPLETED" else None


async def test_a_paused_automation_holds_new_customers_mail_until_it_resumes(cf, mailbox):
    automation = await cf.automation(status="RUNNING")
    path = f"/automations/{automation['uuid']}"
    assert (await cf.patch(path, json={"status": "PAUSED"})).json()["status"] == "PAUSED"
    body = customer(cf, "Cy")
    await cf.post(f"{path}/customers", json=body)

    assert (await token(cf, body["uuid"]))["status"] == "READY"
    assert mailbox.to(body["attributes"]["email"]) == []
    await cf.patch(path, json={"status": "RUNNING"})
    assert await eventually(lambda: subjects(mailbox, body["attributes"]["email"])) == ["Welcome Cy"]


async def test_the_customer_id_finds_the_same_contact_and_a_second_add_keeps_the_first_token(cf, mailbox):
    automation = await cf.automation(status="RUNNING")
    first = customer(cf, "Di")
    again = {**first, "uuid": str(uuid.uuid4()), "attributes": {"vip": True}}

    await cf.post(f"/automations/{automation['uuid']}/customers", json=first)
    response = await cf.post(f"/automations/{automation['uuid']}/customers", json=again)

    assert response.status_code == 201 and response.json()["uuid"] == first["uuid"]  # a duplicated token is discarded
    assert response.json()["attributes"] == {**first["attributes"], "vip": True}
    await eventually(lambda: subjects(mailbox, first["attributes"]["email"]))
    assert len(mailbox.to(first["attributes"]["email"])) == 1


async def test_a_customer_without_an_email_gets_an_error_token(cf):
    automation = await cf.automation(status="RUNNING")
    body = customer(cf, "Ed", attributes={"firstName": "Ed"})

    response = await cf.post(f"/automations/{automation['uuid']}/customers", json=body)

    assert response.status_code == 201
    shown = await token(cf, body["uuid"])
    assert shown["status"] == "ERROR" and shown["errorMessage"].startswith("The customer has no email address")
    assert shown["errorDate"].endswith("Z")
    errors = (await cf.get("/tokens", params={"automationUuid": automation["uuid"], "aggregatedStatus": "ERROR"})).json()
    assert [t["uuid"] for t in errors["elements"]] == [body["uuid"]]


async def test_the_nodes_hub_phone_field_feeds_sms_steps(cf, sms_provider):
    node = await cf.patch(f"/nodes/{cf.node}", json={"active": True, "hubPhoneField": "cell"})
    assert node.json()["hubPhoneField"] == "cell"
    model = await cf.mail_model(channel="SMS", text="Hi {{ firstName }}, your code is ready")
    automation = (await cf.post("/automations", json={"name": "SMS flow", "status": "RUNNING", "steps": [
        {"uuid": str(uuid.uuid4()), "type": "ACTION", "operation": "CLAB_CAMPAIGN_SMS", "description": "Text", "modelIdentifier": model}]})).json()
    body = customer(cf, "Flo", attributes={"firstName": "Flo", "cell": "+4915112345678"})

    await cf.post(f"/automations/{automation['uuid']}/customers", json=body)

    assert (await eventually(lambda: _completed(cf, body["uuid"])))["stepOperation"] == "CLAB_CAMPAIGN_SMS"
    sent = await eventually(lambda: sms_provider.sent_to("+4915112345678"))
    assert "Hi Flo, your code is ready" in sent[0]["text"]


async def test_deleting_a_customer_cancels_its_token_and_it_can_come_back_with_a_new_one(cf):
    automation = await cf.automation()
    body = customer(cf, "Gus")
    await cf.post(f"/automations/{automation['uuid']}/customers", json=body)

    deleted = await cf.delete(f"/automations/{automation['uuid']}/customers/{body['uuid']}")
    cancelled = await token(cf, body["uuid"])
    twice = await cf.delete(f"/automations/{automation['uuid']}/customers/{body['uuid']}")
    back = await cf.post(f"/automations/{automation['uuid']}/customers", json={**body, "uuid": str(uuid.uuid4())})

    assert deleted.status_code == 204 and cancelled["status"] == "CANCELLED"
    assert twice.status_code == 409 and error_codes(twice) == ["ENROLLMENT_ALREADY_CANCELLED"]
    assert back.status_code == 201 and back.json()["uuid"] != body["uuid"]
    # one customer has one token per automation: the new token replaces the cancelled one
    assert (await cf.get(f"/tokens/{body['uuid']}")).status_code == 404
    assert (await token(cf, back.json()["uuid"]))["status"] == "READY"
    current = (await cf.get("/tokens", params={"automationUuid": automation["uuid"]})).json()
    assert [t["uuid"] for t in current["elements"]] == [back.json()["uuid"]]


async def test_a_batch_enrolls_its_customers_and_an_open_batch_can_be_deleted(cf, mailbox):
    automation = await cf.automation(status="RUNNING")
    people = [customer(cf, name) for name in ("Hal", "Ivy")]
    batch = {**BATCH_SAMPLE, "sourceUuid": str(uuid.uuid4()), "customers": people}

    response = await cf.post(f"/automations/{automation['uuid']}/customers/batch", json=batch)

    assert response.status_code == 201, response.text
    assert set(response.json()) == BATCH_RESPONSE_KEYS
    assert response.json() == {"sourceLabel": "string", "sourceUuid": batch["sourceUuid"], "status": "OPEN"}
    for person in people:
        await eventually(lambda: subjects(mailbox, person["attributes"]["email"]))
    removed = await cf.delete(f"/automations/{automation['uuid']}/customers/batch", params={"sourceUuid": batch["sourceUuid"]})
    assert removed.status_code == 204
    assert {(await token(cf, p["uuid"]))["status"] for p in people} == {"CANCELLED"}


async def test_the_last_packet_closes_a_batch_which_then_cannot_be_deleted(cf):
    automation = await cf.automation()
    path = f"/automations/{automation['uuid']}/customers/batch"
    source = str(uuid.uuid4())

    first = await cf.post(path, json={**BATCH_SAMPLE, "sourceUuid": source, "customers": [customer(cf, "Jo")]})
    last = await cf.post(path, json={**BATCH_SAMPLE, "sourceUuid": source, "packet": "LAST", "customers": [customer(cf, "Kim")]})
    late = await cf.post(path, json={**BATCH_SAMPLE, "sourceUuid": source, "packet": "MIDDLE", "customers": [customer(cf, "Lu")]})
    delete = await cf.delete(path, params={"sourceUuid": source})

    assert (first.json()["status"], last.json()["status"]) == ("OPEN", "CLOSED")
    assert late.status_code == 400 and error_codes(late) == ["BATCH_CLOSED"]
    assert delete.status_code == 400 and error_codes(delete) == ["BATCH_CLOSED"]
    assert (await cf.get("/tokens", params={"automationUuid": automation["uuid"]})).json()["page"]["totalElements"] == 2


async def test_another_nodes_admin_can_neither_add_remove_nor_see_customers(cf, other):
    automation = await cf.automation(status="RUNNING")
    body = customer(cf, "Max")
    await cf.post(f"/automations/{automation['uuid']}/customers", json=body)
    base = f"/automations/{automation['uuid']}/customers"
    batch = {**BATCH_SAMPLE, "sourceUuid": str(uuid.uuid4()), "customers": [customer(cf, "Ned")]}

    own_node = [await other.post(base, json=customer(cf, "Oz")), await other.delete(f"{base}/{body['uuid']}"),
                await other.post(f"{base}/batch", json=batch), await other.delete(f"{base}/batch", params={"sourceUuid": batch["sourceUuid"]}),
                await other.get(f"/tokens/{body['uuid']}")]
    this_node = [await other.post(base, json=customer(cf, "Pia"), node=cf.node), await other.delete(f"{base}/{body['uuid']}", node=cf.node),
                 await other.get(f"/tokens/{body['uuid']}", node=cf.node), await other.get("/tokens", node=cf.node)]
    their_tokens = (await other.get("/tokens")).json()

    assert [r.status_code for r in own_node] == [404, 404, 404, 404, 404]
    assert [r.status_code for r in this_node] == [403, 403, 403, 403]
    assert all(error_codes(r) for r in own_node + this_node)
    assert their_tokens["elements"] == []
    assert (await token(cf, body["uuid"]))["status"] == "COMPLETED"
    assert (await cf.get("/tokens", params={"automationUuid": automation["uuid"]})).json()["page"]["totalElements"] == 1


async def test_bad_customer_input_is_a_4xx_in_the_envelope_never_a_500(cf):
    automation = await cf.automation()
    base = f"/automations/{automation['uuid']}/customers"
    bad = {
        "no customer id clab uuid or email": await cf.post(base, json={"attributes": {"firstName": "Nobody"}}),
        "attributes not an object": await cf.post(base, json={"userPk": "pk-1", "attributes": ["email"]}),
        "email not an address": await cf.post(base, json={"userPk": "pk-2", "attributes": {"email": "not-an-address"}}),
        "user pk not a string": await cf.post(base, json={"userPk": 42}),
        "uuid not a uuid": await cf.post(base, json={"userPk": "pk-3", "uuid": "token-1"}),
        "body not an object": await cf.post(base, json=[]),
        "batch customers missing": await cf.post(f"{base}/batch", json={"packet": "FIRST"}),
        "batch customers empty": await cf.post(f"{base}/batch", json={**BATCH_SAMPLE, "sourceUuid": str(uuid.uuid4())}),
        "batch customer not an object": await cf.post(f"{base}/batch", json={"customers": ["x"]}),
        "batch unknown packet": await cf.post(f"{base}/batch", json={"customers": [customer(cf)], "packet": "SECOND"}),
        "batch delete without source": await cf.delete(f"{base}/batch"),
        "token search status": await cf.get("/tokens", params={"aggregatedStatus": "SLEEPING"}),
        "token search size": await cf.get("/tokens", params={"size": "0"}),
        "NUL in the customer id": await cf.post(base, json={"userPk": "pk\x00"}),
        "NUL in a token search": await cf.get("/tokens", params={"recipient": "a\x00@example.com"}),
    }
    for case, response in bad.items():
        assert response.status_code == 400, (case, response.text)
        error_codes(response)
    invalid_second = await cf.post(f"{base}/batch", json={"customers": [customer(cf), customer(cf, attributes={"email": "nope"})]})
    assert invalid_second.status_code == 400 and invalid_second.json()["errors"][0]["field"] == "customers[1].email"
    assert (await cf.get("/tokens", params={"automationUuid": automation["uuid"]})).json()["page"]["totalElements"] == 0
    not_found = {
        "unknown automation": await cf.post(f"/automations/{uuid.uuid4()}/customers", json=customer(cf)),
        "unknown customer": await cf.delete(f"{base}/{uuid.uuid4()}"),
        "unknown batch": await cf.delete(f"{base}/batch", params={"sourceUuid": str(uuid.uuid4())}),
        "unknown token": await cf.get(f"/tokens/{uuid.uuid4()}"),
        "token not a uuid": await cf.get("/tokens/not-a-uuid"),
    }
    for case, response in not_found.items():
        assert response.status_code == 404, (case, response.text)
        error_codes(response)
    oversized = await cf.post(f"{base}/batch", content=b'{"customers": [' + b'{"userPk": "x"},' * 80_000 + b'{}]}')
    assert oversized.status_code == 413
