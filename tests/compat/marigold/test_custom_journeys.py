"""Custom journeys: CUSTOM campaigns by api_name whose steps are named entry points (made in the graph). Triggering an
entry point sends that entry point's content to the body's items, one message per item, delivered by the workers."""
from __future__ import annotations

from email import message_from_bytes, policy

from tests.compat.marigold import samples
from tests.compat.marigold.support import CREATE_CAMPAIGN, TEMPLATE, Organization, assert_envelope, audience_list, ok, transactional_journey
from tests.support.fixtures import eventually

CANCEL = """mutation($id: ID!) { cancelCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } } }"""
FEEDBACKS = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { campaign(externalId: $apiName) {
  kind status feedbacks { step { externalId } messages } } } }"""
MESSAGES = """query($slug: String!, $to: String!) { tenant(slug: $slug) { messages(filter: {recipient: $to}) { nodes {
  externalId campaign { externalId kind } template { apiName } } } } }"""


async def content(org: Organization, api_name: str, subject: str, text: str) -> str:
    body = samples.email(api_name=api_name, languages=["EN_US"])
    body["headers"] = {"EN_US": [{**samples.HEADER, "subject": subject}]}
    body["content"] = {"text": text, "html": f"<p>{text}</p>"}
    assert (await org.api.post("/content/message", body)).status_code == 201
    return (await org.graph(TEMPLATE, {"slug": org.slug, "apiName": api_name}))["tenant"]["template"]["id"]


async def custom_journey(org: Organization, api_name: str = "onboarding") -> str:
    """A custom journey with two entry points, `signup` and `churn`, each sending its own content."""
    welcome = await content(org, "welcome_mail", "Welcome {{ required_string_1 }}", "Hi {{ required_string_1 }}, {{ required_integer_1 }} tips inside.")
    winback = await content(org, "winback_mail", "We miss you", "Come back soon.")
    payload = await ok(org, CREATE_CAMPAIGN, "createCampaign", {
        "tenantId": org.tenant.id, "name": "Onboarding", "kind": "CUSTOM", "externalId": api_name,
        "steps": [{"type": "ENTRY_POINT", "externalId": "signup", "name": "New sign-up", "templateId": welcome},
                  {"type": "ENTRY_POINT", "externalId": "churn", "templateId": winback}]})
    return payload["campaign"]["id"]


def mails_to(mailbox, address: str):
    return [message_from_bytes(raw, policy=policy.default) for raw in mailbox.to(address)]


def trigger_path(api_name: str = "onboarding", entry_point: str = "signup") -> str:
    return f"/journeys/custom/{api_name}/entrypoints/{entry_point}/trigger"


async def test_triggering_an_entry_point_mails_its_content_to_each_recipient(marigold_org, mailbox):
    org = await marigold_org()
    await custom_journey(org)
    ann, bob = f"ann.{org.slug}@example.com", f"bob.{org.slug}@example.com"
    items = [samples.transactional_item(email=None, recipient=ann, sg_external_id=None),
             samples.transactional_item(email=None, recipient=bob, data={"required_string_1": "Bob", "required_integer_1": 2}, sg_external_id=None)]

    response = await org.api.post(trigger_path(), {"items": items})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result_code"] == "Succeeded" and body["errors"] == [] and len(body["messages"]) == 2
    assert body["response_data"] == [{**item, "errors": []} for item in items]
    [to_ann] = await eventually(lambda: mails_to(mailbox, ann))
    [to_bob] = await eventually(lambda: mails_to(mailbox, bob))
    assert str(to_ann["Subject"]) == "Welcome John" and "Hi John, 5 tips inside." in to_ann.get_body(("plain",)).get_content()
    assert str(to_bob["Subject"]) == "Welcome Bob" and "Hi Bob, 2 tips inside." in to_bob.get_body(("plain",)).get_content()
    [message] = (await org.graph(MESSAGES, {"slug": org.slug, "to": ann}))["tenant"]["messages"]["nodes"]
    assert message["campaign"] == {"externalId": "onboarding", "kind": "CUSTOM"} and message["template"] == {"apiName": "welcome_mail"}
    journey = (await org.graph(FEEDBACKS, {"slug": org.slug, "apiName": "onboarding"}))["tenant"]["campaign"]
    assert journey["kind"] == "CUSTOM" and journey["status"] == "DRAFT"  # never launched: it sends per trigger
    assert {f["step"]["externalId"]: f["messages"] for f in journey["feedbacks"]} == {"signup": 2, "churn": 0}


async def test_each_entry_point_sends_its_own_content_and_the_seed_item_object_is_accepted(marigold_org, mailbox):
    org = await marigold_org()
    await custom_journey(org)
    to = f"carl.{org.slug}@example.com"

    response = await org.api.post(trigger_path(entry_point="churn"), {"items": samples.transactional_item(email=to, recipient=to, sg_external_id=None)})

    assert response.json()["result_code"] == "Succeeded", response.text
    [mail] = await eventually(lambda: mails_to(mailbox, to))
    assert str(mail["Subject"]) == "We miss you"


async def test_items_that_fail_are_reported_and_the_others_are_sent(marigold_org, mailbox):
    org = await marigold_org()
    await custom_journey(org)
    known = f"dora.{org.slug}@example.com"
    await audience_list(org, "customers", [{"email": known, "externalId": "user-7", "firstName": "Dora"}])
    items = [samples.transactional_item(email=None, recipient="user-7", lookup={"scope": "MASTER", "field": "ID"}, sg_external_id=None),
             samples.transactional_item(email=None, recipient="not an address", sg_external_id=None),
             samples.transactional_item(email=None, recipient="user-404", lookup={"scope": "MASTER", "field": "ID"}, sg_external_id=None)]

    response = await org.api.post(trigger_path(), {"items": items})
    all_failed = await org.api.post(trigger_path(), {"items": [items[1]]})

    assert response.status_code == 200 and response.json()["result_code"] == "PartiallySucceeded", response.text
    assert [e["error_code"] for e in response.json()["errors"]] == ["INVALID_ADDRESS", "CONTACT_NOT_FOUND"]
    await eventually(lambda: mails_to(mailbox, known))
    assert all_failed.status_code == 400 and all_failed.json()["result_code"] == "Failed" and all_failed.json()["messages"] == []


async def test_custom_journeys_are_listed_with_their_type(marigold_org):
    org = await marigold_org()
    await custom_journey(org)

    assert (await org.api.get("/journeys")).json() == {"journeys": [{"api_name": "onboarding", "type": "custom"}]}


async def test_unknown_journeys_entry_points_and_other_kinds_are_not_found_and_send_nothing(marigold_org):
    org = await marigold_org()
    await custom_journey(org)
    await transactional_journey(org, "receipts", "welcome_mail")
    item = {"items": samples.transactional_item(sg_external_id=None)}

    cases = [await org.api.post(trigger_path("nope"), item), await org.api.post(trigger_path(entry_point="nope"), item),
             await org.api.post(trigger_path("receipts"), item)]  # a transactional journey has no entry points

    for response in cases:
        assert_envelope(response, 404, "NotFound")
    assert cases[1].json()["errors"][0]["error_code"] == "ENTRY_POINT_NOT_FOUND"
    assert (await org.graph(MESSAGES, {"slug": org.slug, "to": "john.doe@doe.com"}))["tenant"]["messages"]["nodes"] == []


async def test_bad_input_gets_marigolds_envelope(marigold_org):
    org = await marigold_org()
    await custom_journey(org)

    for body in (None, [], {}, {"items": []}, {"items": "x"}, {"items": [{"language": "en-US"}]},
                 {"items": samples.transactional_item(lookup={"scope": "ORDERS", "field": "ID"})},
                 {"items": samples.transactional_item(sg_external_id="not-a-uuid")},
                 {"items": samples.transactional_item(language=None)}):
        response = await org.api.post(trigger_path(), body)
        assert_envelope(response, 400, "ValidationFailed")
    assert_envelope(await org.api.post(trigger_path(), content=b"{not json", headers={"Content-Type": "application/json"}), 400, "ValidationFailed")
    assert_envelope(await org.api.get(trigger_path()), 405, "Failed")


async def test_a_cancelled_journey_sends_nothing_and_a_read_only_key_may_not_trigger(marigold_org, service_account):
    from tests.compat.marigold.support import Marigold

    org = await marigold_org()
    campaign = await custom_journey(org)
    reader = Marigold(base=org.api.base, slug=org.slug, key=await service_account(org.tenant, role="read"))
    item = {"items": samples.transactional_item(sg_external_id=None)}

    assert_envelope(await reader.post(trigger_path(), item), 401, "Failed")
    assert (await org.graph(CANCEL, {"id": campaign}))["cancelCampaign"]["userErrors"] == []
    assert_envelope(await org.api.post(trigger_path(), item), 422, "Failed", "CAMPAIGN_NOT_SENDABLE")
    assert (await org.graph(MESSAGES, {"slug": org.slug, "to": "john.doe@doe.com"}))["tenant"]["messages"]["nodes"] == []
