"""Single-batch journeys: SINGLE_BATCH campaigns by api_name; the audience is the content's audience list, narrowed
by the segment and the audience filter; created, launched, scheduled, triggered, cancelled, deleted, or sent in one call."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from tests.compat.marigold import samples
from tests.compat.marigold.support import assert_envelope, audience_list
from tests.support.fixtures import eventually

CAMPAIGN = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { campaign(externalId: $apiName) {
  kind status options audienceFilter scheduledAt recipientsCount template { apiName } list { id } segment { id } } } }"""
FILTER = "endswith([MASTER.MAIL], '@My-Company.com')"  # the seed's '@my_company.com' is no valid mail domain
MESSAGES = """query($slug: String!) { tenant(slug: $slug) { messages(first: 100) { nodes { recipient channel status campaign { externalId } } } } }"""


async def campaign(org, api_name: str) -> dict | None:
    return (await org.graph(CAMPAIGN, {"slug": org.slug, "apiName": api_name}))["tenant"]["campaign"]


def mails_to(mailbox, address: str):
    return [message_from_bytes(raw, policy=policy.default) for raw in mailbox.to(address)]


async def org_with_audience(marigold_org, names=("ann", "ben"), domain="my-company.com", others=("zoe",)):
    """An organization whose list `audience_1` holds people at `domain` and `others` elsewhere, and email content message_1."""
    org = await marigold_org()
    inside = [f"{n}.{org.slug}@{domain}" for n in names]
    outside = [f"{n}.{org.slug}@elsewhere.org" for n in others]
    list_id = await audience_list(org, "audience_1", [{"email": e, "firstName": e.split(".")[0].title()} for e in inside + outside])
    body = samples.email()
    body["headers"] = {"EN_US": [{**samples.HEADER, "subject": "Christmas for {{ first_name }}"}], "FR": [samples.HEADER]}
    assert (await org.api.post("/content/message", body)).status_code == 201
    return org, inside, outside, list_id


async def test_create_with_a_missing_message_answers_partially_succeeded_like_the_seed(marigold_org):
    org = await marigold_org()

    response = await org.api.post("/journeys/singlebatch", samples.single_batch())

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["result_code"] == "PartiallySucceeded"
    assert {"error_code": "NOT_FOUND", "description": "Message with api name 'message_1' doesn't exist"} in body["errors"]
    assert {"error_code": "NOT_FOUND", "description": "Segment with api name 'segment_1' doesn't exist"} in body["errors"]
    assert body["errors"][-1]["error_code"] == "CAMPAIGN_HAS_NO_CONTENT"  # launch_state launch: it could not start
    journey = body["journey"]
    assert journey["api_name"] == "journey_1" and journey["type"] == "singlebatch" and journey["name"] == "Christmas Campaign 1"
    assert journey["launch_state"] == "none"
    for key in ("campaign_analytics_tag", "message_analytics_tag", "deduplication", "send_in_waves", "disable_flags", "disable_tracking"):
        assert journey[key] == samples.JOURNEY[key]
    stored = await campaign(org, "journey_1")
    assert stored["kind"] == "SINGLE_BATCH" and stored["status"] == "DRAFT"
    assert stored["options"]["waves"] == {"size": 50000, "interval_seconds": 3600.0}
    assert stored["audienceFilter"] == [{"field": "email", "op": "endswith", "value": "@my_company.com"}]
    assert stored["options"]["audience_filter"] == "endswith([MASTER.MAIL], '@my_company.com')"


async def test_create_and_launch_sends_to_the_filtered_audience_list(marigold_org, mailbox):
    org, inside, outside, list_id = await org_with_audience(marigold_org)

    response = await org.api.post("/journeys/singlebatch", samples.single_batch(segment_api_name=None, audience_filter=FILTER))

    assert response.status_code == 201, response.text
    assert response.json()["result_code"] == "Succeeded" and response.json()["errors"] == []
    assert response.json()["journey"]["launch_state"] == "launch"
    for address in inside:
        [mail] = await eventually(lambda: mails_to(mailbox, address))
        assert str(mail["Subject"]) == f"Christmas for {address.split('.')[0].title()}"

    async def sent():
        stored = await campaign(org, "journey_1")
        return stored if stored["status"] == "SENT" else None

    stored = await eventually(sent)
    assert stored["recipientsCount"] == len(inside) and stored["list"]["id"] == list_id
    assert all(not mails_to(mailbox, address) for address in outside)
    assert (await org.api.get("/journeys/singlebatch/journey_1")).json()["journey"]["launch_state"] == "launch"


async def test_a_segment_names_the_audience_by_its_name(marigold_org):
    from domain.contacts import service as contacts
    from domain.db import create_engine, session_factory
    from tests.support.environment import DATABASE_URL

    org, _, _, _ = await org_with_audience(marigold_org)
    engine = create_engine(DATABASE_URL)
    async with session_factory(engine)() as session:  # segments have no mutation yet: made as the CLI would
        await contacts.create_segment(session, tenant_id=org.tenant.account_id, name="segment_1", rules=[{"field": "first_name", "op": "eq", "value": "Ann"}])
        await session.commit()
    await engine.dispose()

    response = await org.api.post("/journeys/singlebatch", samples.single_batch(launch_state="none"))

    assert response.json()["result_code"] == "Succeeded", response.text
    stored = await campaign(org, "journey_1")
    assert stored["segment"] is not None and stored["list"] is not None and stored["status"] == "DRAFT"


async def test_get_list_launch_cancel_and_delete_a_single_batch_journey(marigold_org):
    org, _, _, _ = await org_with_audience(marigold_org)
    await org.api.post("/journeys/singlebatch", samples.single_batch(launch_state="none", segment_api_name=None))
    later = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)

    listed = await org.api.get("/journeys/singlebatch")
    scheduled = await org.api.post("/journeys/singlebatch/journey_1/launch",
                                   {"launch_state": "scheduled", "scheduling": {"launch_date": later.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")}})
    got = await org.api.get("/journeys/singlebatch/journey_1")
    refused_delete = await org.api.delete("/journeys/singlebatch/journey_1")
    cancelled = await org.api.post("/journeys/singlebatch/journey_1/cancel")
    deleted = await org.api.delete("/journeys/singlebatch/journey_1")

    assert listed.json() == {"journeys": [{"api_name": "journey_1", "type": "singlebatch"}]}
    assert scheduled.json() == {"result_code": "Succeeded", "message": "The journey has been launched successfully.", "errors": []}
    assert got.json()["journey"]["launch_state"] == "schedule"
    assert got.json()["journey"]["scheduling"] == {"launch_date": later.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")}
    assert_envelope(refused_delete, 422, "Failed", "CAMPAIGN_ACTIVE")
    assert cancelled.json() == {"result_code": "Succeeded", "message": "The journey has been cancelled successfully.", "errors": []}
    assert deleted.json() == {"result_code": "Succeeded", "message": "The journey has been deleted successfully", "errors": []}
    assert await campaign(org, "journey_1") is None
    assert_envelope(await org.api.get("/journeys/singlebatch/journey_1"), 404, "NotFound")
    assert_envelope(await org.api.post("/journeys/singlebatch/journey_1/cancel"), 404, "NotFound")


async def test_trigger_saves_the_body_and_launches(marigold_org, mailbox):
    org, inside, _, _ = await org_with_audience(marigold_org, names=("cy",))
    await org.api.post("/journeys/singlebatch", samples.single_batch(launch_state="none", segment_api_name=None, audience_filter=FILTER))

    response = await org.api.post("/journeys/singlebatch/journey_1/trigger", {"journey": samples.journey(
        name="Christmas Campaign 2", segment_api_name=None, send_in_waves=None, launch_state="launch", audience_filter=FILTER)})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result_code"] == "Succeeded" and body["journey"]["name"] == "Christmas Campaign 2"
    assert body["journey"]["launch_state"] == "launch"
    await eventually(lambda: mails_to(mailbox, inside[0]))
    again = await org.api.post("/journeys/singlebatch/journey_1/trigger", {"journey": samples.journey(segment_api_name=None)})
    assert_envelope(again, 422, "Failed", "CAMPAIGN_NOT_EDITABLE")


async def test_send_single_batch_email_creates_the_content_and_the_journey_and_sends(marigold_org, mailbox):
    org = await marigold_org()
    address = f"dora.{org.slug}@my-company.com"
    await audience_list(org, "audience_1", [{"email": address, "firstName": "Dora"}])
    message = samples.email(api_name="xmas_mail", languages=["EN"])
    message["headers"] = {"EN": [{**samples.HEADER, "subject": "Hi {{ first_name }}"}]}

    response = await org.api.post("/journeys/singlebatch/message",
                                  {"journey_model": samples.journey(segment_api_name=None, audience_filter=FILTER), "message_model": message, "folder": "106"})

    assert response.status_code == 201, response.text
    assert response.json()["result_code"] == "Succeeded" and response.json()["journey"]["launch_state"] == "launch"
    [mail] = await eventually(lambda: mails_to(mailbox, address))
    assert str(mail["Subject"]) == "Hi Dora"
    assert (await org.api.get("/content/xmas_mail")).json()["type"] == "Email"
    assert (await campaign(org, "journey_1"))["template"] == {"apiName": "xmas_mail"}


async def test_send_single_batch_sms_queues_one_sms_per_audience_member_with_a_phone(marigold_org):
    org = await marigold_org()
    await audience_list(org, "audience_1", [{"phone": "+4915112345678", "email": f"sms.{org.slug}@my-company.com"}])

    response = await org.api.post("/journeys/singlebatch/sms", {"journey_model": samples.journey(segment_api_name=None, audience_filter=FILTER),
                                                               "sms_model": samples.sms(api_name="xmas_sms"), "folder": "106"})

    assert response.status_code == 201, response.text
    assert response.json()["result_code"] == "Succeeded"

    async def queued():
        nodes = (await org.graph(MESSAGES, {"slug": org.slug}))["tenant"]["messages"]["nodes"]
        return nodes or None

    [message] = await eventually(queued)
    assert message["recipient"] == "+4915112345678" and message["channel"] == "SMS" and message["campaign"] == {"externalId": "journey_1"}


async def test_send_single_batch_mobile_push_is_created_but_honestly_not_launched(marigold_org):
    org = await marigold_org()
    await audience_list(org, "audience_1", [{"email": f"push.{org.slug}@my-company.com"}])

    response = await org.api.post("/journeys/singlebatch/mobile", {"journey_model": samples.journey(segment_api_name=None),
                                                                  "mobile_message_model": samples.mobile(api_name="xmas_push")})

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["result_code"] == "PartiallySucceeded" and body["journey"]["launch_state"] == "none"
    assert body["errors"][0]["error_code"] == "CHANNEL_UNSUPPORTED"
    assert (await org.api.get("/content/xmas_push")).json()["type"] == "MobilePush"


async def test_a_failed_send_call_leaves_no_content_behind(marigold_org):
    org = await marigold_org()
    await org.api.post("/journeys/singlebatch", samples.single_batch(launch_state="none", segment_api_name=None))

    response = await org.api.post("/journeys/singlebatch/sms", {"journey_model": samples.journey(segment_api_name=None),
                                                               "sms_model": samples.sms(api_name="orphan")})

    assert_envelope(response, 422, "Conflict", "EXTERNAL_ID_TAKEN")
    assert_envelope(await org.api.get("/content/orphan"), 404, "NotFound")


async def test_a_second_journey_with_the_same_api_name_is_a_conflict(marigold_org):
    org = await marigold_org()
    await org.api.post("/journeys/singlebatch", samples.single_batch(launch_state="none"))

    assert_envelope(await org.api.post("/journeys/singlebatch", samples.single_batch()), 422, "Conflict", "EXTERNAL_ID_TAKEN")


@pytest.mark.parametrize("journey, code", [
    ({"sending_limit": samples.JOURNEY["sending_limit"]}, "SENDING_LIMIT_UNSUPPORTED"),
    ({"audience_filter": "[MASTER.MAIL] LIKE '%x%'"}, "UNSUPPORTED_AUDIENCE_FILTER"),
    ({"audience_filter": "endswith([ORDERS.TOTAL], '1')"}, "UNSUPPORTED_AUDIENCE_FILTER"),
    ({"audience_filter": "[MASTER.MAIL] = 'a' OR [MASTER.MAIL] = 'b'"}, "UNSUPPORTED_AUDIENCE_FILTER"),
    ({"deduplication": {"fields": ["MASTER.CITY"]}}, "DEDUPLICATION_UNSUPPORTED"),
    ({"send_in_waves": {"type": "Waves", "number_of_waves": 5}}, "REQUIRED"),
    ({"launch_state": "later"}, "INVALID_VALUE"),
    ({"launch_state": "schedule", "scheduling": {"launch_date": "tomorrow"}}, "INVALID_TIME"),
    ({"launch_state": "schedule", "scheduling": {"launch_date": "2030-01-01T10:00:00"}}, "INVALID_TIME"),
    ({"name": None, "api_name": None}, "REQUIRED"),
    ({"disable_flags": "yes"}, "INVALID_TYPE"),
])
async def test_what_cannot_be_honoured_or_read_is_refused_and_nothing_is_created(marigold_org, journey, code):
    org = await marigold_org()
    body = {"journey": {**samples.journey(), **journey}, "message": {"api_name": "message_1"}}
    body["journey"] = {k: v for k, v in body["journey"].items() if v is not None}

    assert_envelope(await org.api.post("/journeys/singlebatch", body), 400, "ValidationFailed", code)
    assert (await org.api.get("/journeys/singlebatch")).json() == {"journeys": []}


async def test_audience_filters_understood_here(marigold_org):
    org = await marigold_org()
    expression = "startswith([MASTER.NAME], 'An') AND [MASTER.LANGUAGE] IN ('EN', 'fr_be') and [MASTER.ID] IS NOT NULL AND [MASTER.MAIL] <> 'X@Y.COM'"

    response = await org.api.post("/journeys/singlebatch", samples.single_batch(launch_state="none", audience_filter=expression))

    assert response.status_code == 201, response.text
    assert (await campaign(org, "journey_1"))["audienceFilter"] == [
        {"field": "first_name", "op": "startswith", "value": "An"}, {"field": "language", "op": "in", "value": ["en", "fr-BE"]},
        {"field": "external_id", "op": "exists", "value": True}, {"field": "email", "op": "neq", "value": "x@y.com"}]
