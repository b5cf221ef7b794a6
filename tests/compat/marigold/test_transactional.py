"""Transactional journeys: TRANSACTIONAL campaigns by api_name. Send per call (one message per item), update the
profile and send, bulk send to the audience, and read each message's status back by id or sg_external_id."""
import re
import uuid
from email import message_from_bytes, policy

from tests.compat.marigold import samples
from tests.compat.marigold.support import assert_envelope, audience_list, transactional_journey
from tests.support.fixtures import eventually

MESSAGE = """query($id: ID!) { node(id: $id) { ... on Message { status recipient externalId data
  campaign { externalId kind status } template { apiName } } } }"""
CONTACT = """query($slug: String!, $email: String!) { tenant(slug: $slug) { contacts(email: $email) { nodes {
  email externalId firstName lastName language attributes } } } }"""
CAMPAIGN = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { campaign(externalId: $apiName) { status recipientsCount } } }"""
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def global_message_id(marigold_id: str) -> str:
    from schema.relay import to_global_id

    return to_global_id("Message", uuid.UUID(marigold_id).int & ((1 << 48) - 1))


async def org_with_journey(marigold_org, api_name: str = "order_confirmation", **extra):
    """An organization with an email content (made through the content route) and a transactional journey sending it."""
    org = await marigold_org()
    body = samples.email()
    body["headers"] = {"EN_US": [{**samples.HEADER, "subject": "Order for {{ required_string_1 }}"}]}
    body["properties"]["languages"] = ["EN_US"]
    body["content"] = {"text": "Hi {{ required_string_1 }}, {{ required_integer_1 }} items.", "html": "<p>Hi {{ required_string_1 }}</p>"}
    assert (await org.api.post("/content/message", body)).status_code == 201
    await transactional_journey(org, api_name, "message_1", **extra)
    return org


def mails_to(mailbox, address: str):
    return [message_from_bytes(raw, policy=policy.default) for raw in mailbox.to(address)]


async def test_send_delivers_the_message_and_its_status_reads_back_through_marigold_and_graphql(marigold_org, mailbox):
    org = await org_with_journey(marigold_org)
    to = f"john.{org.slug}@doe.com"
    trace = str(uuid.uuid4())
    item = samples.transactional_item(email=to, recipient=to, sg_external_id=trace)

    response = await org.api.post("/journeys/transactional/order_confirmation/send", {"items": item})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result_code"] == "Succeeded" and body["errors"] == []
    assert body["response_data"] == [{**item, "errors": []}]
    [message] = body["messages"]
    assert UUID.match(message["id"])
    [mail] = await eventually(lambda: mails_to(mailbox, to))
    assert str(mail["Subject"]) == "Order for John"
    assert "Hi John, 5 items." in mail.get_body(("plain",)).get_content()

    async def sent_status():
        answer = (await org.api.get(f"/journeys/transactional/status/{message['id']}")).json()
        return answer if answer["status"] == 30 else None

    status = await eventually(sent_status)
    assert status == {"id": message["id"], "sg_external_id": trace, "status": 30, "status_message": "Mail was sent"}
    by_ids = await org.api.post("/journeys/transactional/status", {"ids": [message["id"]], "sg_external_ids": [trace]})
    assert by_ids.status_code == 200 and by_ids.json() == [status]
    node = (await org.graph(MESSAGE, {"id": global_message_id(message["id"])}))["node"]
    assert node["status"] == "SENT" and node["recipient"] == to and node["externalId"] == trace
    assert node["campaign"] == {"externalId": "order_confirmation", "kind": "TRANSACTIONAL", "status": "DRAFT"}
    assert node["template"] == {"apiName": "message_1"}
    assert node["data"]["dtsdata"] == item["dtsdata"] and node["data"]["required_integer_1"] == 5


async def test_items_that_fail_are_reported_per_item_and_the_others_are_sent(marigold_org, mailbox):
    org = await org_with_journey(marigold_org)
    good = f"ann.{org.slug}@example.com"
    items = [samples.transactional_item(email=None, recipient=good, sg_external_id=None),
             samples.transactional_item(email=None, recipient="not an address", sg_external_id=None),
             samples.transactional_item(email=None, recipient="user-404", lookup={"scope": "MASTER", "field": "ID"}, sg_external_id=None)]

    response = await org.api.post("/journeys/transactional/order_confirmation/send", {"items": items})

    assert response.status_code == 200
    body = response.json()
    assert body["result_code"] == "PartiallySucceeded" and len(body["messages"]) == 1
    assert [len(d["errors"]) for d in body["response_data"]] == [0, 1, 1]
    assert body["response_data"][1]["errors"][0]["error_code"] == "INVALID_ADDRESS"
    assert body["response_data"][2]["errors"][0]["error_code"] == "CONTACT_NOT_FOUND"
    assert [e["error_code"] for e in body["errors"]] == ["INVALID_ADDRESS", "CONTACT_NOT_FOUND"]
    await eventually(lambda: mails_to(mailbox, good))


async def test_when_every_item_fails_nothing_is_sent_and_the_answer_is_failed(marigold_org):
    org = await org_with_journey(marigold_org)

    response = await org.api.post("/journeys/transactional/order_confirmation/send",
                                  {"items": [samples.transactional_item(recipient="nope", email=None)]})

    assert response.status_code == 400
    assert response.json()["result_code"] == "Failed" and response.json()["messages"] == []


async def test_the_same_sg_external_id_again_answers_the_same_message_and_sends_once(marigold_org, mailbox):
    org = await org_with_journey(marigold_org)
    to = f"retry.{org.slug}@example.com"
    item = samples.transactional_item(email=None, recipient=to, sg_external_id=str(uuid.uuid4()))

    first = (await org.api.post("/journeys/transactional/order_confirmation/send", {"items": [item]})).json()
    second = (await org.api.post("/journeys/transactional/order_confirmation/send", {"items": [item]})).json()

    assert first["messages"] == second["messages"] and len(first["messages"]) == 1
    await eventually(lambda: mails_to(mailbox, to))
    assert len(mails_to(mailbox, to)) == 1


async def test_a_lookup_by_user_id_sends_to_the_contacts_address(marigold_org, mailbox):
    org = await org_with_journey(marigold_org)
    email = f"bob.{org.slug}@example.com"
    await audience_list(org, "customers", [{"email": email, "externalId": "user-42", "firstName": "Bob"}])

    response = await org.api.post("/journeys/transactional/order_confirmation/send", {"items": [
        samples.transactional_item(email=None, recipient="user-42", lookup={"scope": "MASTER", "field": "ID"}, data={"required_integer_1": 2},
                                   sg_external_id=None)]})

    assert response.json()["result_code"] == "Succeeded", response.text
    [mail] = await eventually(lambda: mails_to(mailbox, email))
    assert "2 items" in mail.get_body(("plain",)).get_content()


async def test_update_profile_and_send_creates_the_contact_then_sends_with_its_profile(marigold_org, mailbox):
    org = await org_with_journey(marigold_org)
    to = f"carla.{org.slug}@example.com"
    item = samples.transactional_item(email=None, recipient=to, data={"required_integer_1": 3}, sg_external_id=None,
                                      profile=[{"scope": "MASTER", "fields": {"NAME": "Carla", "LASTNAME": "Diaz", "LANGUAGE": "FR", "TIER": "gold"}},
                                               {"scope": "ORDERS", "fields": {"LAST_ORDER": "A-17"}}])

    response = await org.api.post("/journeys/transactional/shortcut/order_confirmation/updateProfileAndSend", {"items": [item]})

    assert response.json()["result_code"] == "Succeeded", response.text
    [contact] = (await org.graph(CONTACT, {"slug": org.slug, "email": to}))["tenant"]["contacts"]["nodes"]
    assert (contact["firstName"], contact["lastName"], contact["language"]) == ("Carla", "Diaz", "fr")
    assert contact["attributes"] == {"TIER": "gold", "ORDERS": {"LAST_ORDER": "A-17"}}
    await eventually(lambda: mails_to(mailbox, to))

    again = samples.transactional_item(email=None, recipient=to, sg_external_id=None, profile=[{"LASTNAME": "Diaz-Ruiz"}])
    assert (await org.api.post("/journeys/transactional/shortcut/order_confirmation/updateProfileAndSend", {"items": again})).status_code == 200
    [contact] = (await org.graph(CONTACT, {"slug": org.slug, "email": to}))["tenant"]["contacts"]["nodes"]
    assert contact["lastName"] == "Diaz-Ruiz" and contact["firstName"] == "Carla" and contact["attributes"]["TIER"] == "gold"


async def test_bulk_send_reaches_the_journeys_audience_and_the_journey_keeps_accepting_sends(marigold_org, mailbox):
    org = await marigold_org()
    people = [{"email": f"{n}.{org.slug}@example.com", "firstName": n.title()} for n in ("eve", "finn")]
    list_id = await audience_list(org, "audience_1", people)
    assert (await org.api.post("/content/sms", samples.sms())).status_code == 201  # an SMS is not what we bulk-send here
    body = samples.email(api_name="newsletter", languages=["EN"])
    body["headers"] = {"EN": [{**samples.HEADER, "subject": "News for {{ first_name }}"}]}
    assert (await org.api.post("/content/message", body)).status_code == 201
    await transactional_journey(org, "weekly", "newsletter", listId=list_id)

    response = await org.api.post("/journeys/transactional/bulk/weekly/send")

    assert response.status_code == 200, response.text
    assert response.json() == {"result_code": "Succeeded", "message": "The journey has been triggered successfully.", "errors": []}
    for person in people:
        [mail] = await eventually(lambda: mails_to(mailbox, person["email"]))
        assert str(mail["Subject"]) == f"News for {person['firstName']}"
    campaign = (await org.graph(CAMPAIGN, {"slug": org.slug, "apiName": "weekly"}))["tenant"]["campaign"]
    assert campaign == {"status": "RUNNING", "recipientsCount": 2}
    single = await org.api.post("/journeys/transactional/weekly/send", {"items": samples.transactional_item(sg_external_id=None)})
    assert single.json()["result_code"] == "Succeeded"
    assert (await org.api.get("/journeys/transactional/weekly")).json()["launch_state"] == "launch"
    assert (await org.api.delete("/journeys/transactional/weekly")).status_code == 200


async def test_list_get_and_delete_transactional_journeys(marigold_org):
    org = await org_with_journey(marigold_org, "journey_1")
    await transactional_journey(org, "journey_2", "message_1")

    listed = await org.api.get("/journeys/transactional")
    got = await org.api.get("/journeys/transactional/journey_1")
    deleted = await org.api.delete("/journeys/transactional/journey_2")

    assert listed.json() == {"journeys": [{"api_name": "journey_1", "type": "transactional"}, {"api_name": "journey_2", "type": "transactional"}]}
    assert got.json() == {"api_name": "journey_1", "type": "transactional", "launch_state": "none", "name": "Journey journey_1",
                          "campaign_analytics_tag": None}
    assert deleted.json() == {"result_code": "Succeeded", "message": "The journey has been deleted successfully.", "errors": []}
    assert_envelope(await org.api.get("/journeys/transactional/journey_2"), 404, "NotFound")
    assert (await org.api.get("/journeys")).json() == {"journeys": [{"api_name": "journey_1", "type": "transactional"}]}


async def test_status_of_unknown_or_malformed_ids(marigold_org):
    org = await org_with_journey(marigold_org)

    unknown = await org.api.post("/journeys/transactional/status", {"ids": [str(uuid.uuid4())], "sg_external_ids": [str(uuid.uuid4())]})
    malformed = await org.api.post("/journeys/transactional/status", {"ids": ["not-a-uuid"]})
    empty = await org.api.post("/journeys/transactional/status", {})
    one_unknown = await org.api.get(f"/journeys/transactional/status/{uuid.uuid4()}")
    one_malformed = await org.api.get("/journeys/transactional/status/12")

    assert unknown.status_code == 200 and unknown.json() == []
    assert_envelope(malformed, 400, "ValidationFailed", "INVALID_ID")
    assert_envelope(empty, 400, "ValidationFailed", "REQUIRED")
    assert_envelope(one_unknown, 404, "NotFound", "MESSAGE_NOT_FOUND")
    assert_envelope(one_malformed, 400, "ValidationFailed", "INVALID_ID")
