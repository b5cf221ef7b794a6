"""Bad input on the journey routes: missing fields, wrong types, oversized bodies, unknown names and ids are
Marigold errors (400 ValidationFailed, 404 NotFound, 413 RequestEntityTooLarge), never a 500."""
import json

import pytest

from tests.compat.marigold import samples
from tests.compat.marigold.support import assert_envelope, transactional_journey
from tests.compat.marigold.test_isolation import ROUTES


@pytest.fixture(scope="module")
async def org(shared_org):
    org = shared_org
    assert (await org.api.post("/content/message", samples.email())).status_code == 201
    assert (await org.api.post("/journeys/singlebatch", samples.single_batch(api_name="batch_1", launch_state="none", segment_api_name=None))).status_code == 201
    await transactional_journey(org, "order", "message_1")
    return org


SEND = "/journeys/transactional/order/send"
PROFILE = "/journeys/transactional/shortcut/order/updateProfileAndSend"


@pytest.mark.parametrize("path, body, code", [
    (SEND, {}, "REQUIRED"),
    (SEND, {"items": []}, "REQUIRED"),
    (SEND, {"items": "john@doe.com"}, "REQUIRED"),
    (SEND, {"items": [samples.transactional_item(recipient=None, email=None)]}, "REQUIRED"),
    (SEND, {"items": [samples.transactional_item(language=None)]}, "REQUIRED"),
    (SEND, {"items": [samples.transactional_item(language="english please")]}, "INVALID_LANGUAGE"),
    (SEND, {"items": [samples.transactional_item(recipient=42)]}, "INVALID_TYPE"),
    (SEND, {"items": [samples.transactional_item(data=["not", "an", "object"])]}, "INVALID_TYPE"),
    (SEND, {"items": [samples.transactional_item(dtsdata={"x": 1})]}, "INVALID_TYPE"),
    (SEND, {"items": [samples.transactional_item(sg_external_id="trace-1")]}, "INVALID_ID"),
    (SEND, {"items": [samples.transactional_item(lookup={"scope": "ORDERS", "field": "ID"})]}, "UNSUPPORTED_LOOKUP"),
    (SEND, {"items": [samples.transactional_item(lookup="MAIL")]}, "INVALID_TYPE"),
    (SEND, {"items": [samples.transactional_item(), 7]}, "INVALID_TYPE"),
    (PROFILE, {"items": [samples.transactional_item(profile={"NAME": "x"})]}, "INVALID_TYPE"),
    (PROFILE, {"items": [samples.transactional_item(profile=[{"NAME": 5}])]}, "INVALID_TYPE"),
    (PROFILE, {"items": [samples.transactional_item(profile=[{"scope": "ORDERS", "fields": "x"}])]}, "INVALID_TYPE"),
    ("/journeys/transactional/status", {"ids": "x"}, "INVALID_TYPE"),
    ("/journeys/transactional/status", {"ids": ["00000000-0000-4000-8000-000000000001"] * 101}, "TOO_MANY_IDS"),
    ("/journeys/transactional/status", {"sg_external_ids": ["nope"]}, "INVALID_ID"),
    ("/journeys/singlebatch", {"journey": samples.journey()}, "REQUIRED"),
    ("/journeys/singlebatch", {"journey": "x", "message": {"api_name": "message_1"}}, "INVALID_TYPE"),
    ("/journeys/singlebatch", {"journey": samples.journey(), "message": {"api_name": 1}}, "INVALID_TYPE"),
    ("/journeys/singlebatch", {**samples.single_batch(api_name="new"), "folder": "root"}, "INVALID_TYPE"),
    ("/journeys/singlebatch/message", {"journey_model": samples.journey(api_name="new")}, "REQUIRED"),
    ("/journeys/singlebatch/sms", {"journey_model": samples.journey(api_name="new"), "sms_model": {"content": {"text": "x"}}}, "REQUIRED"),
    ("/journeys/singlebatch/batch_1/launch", {"launch_state": "none"}, "INVALID_VALUE"),
    ("/journeys/singlebatch/batch_1/launch", {"launch_state": "schedule"}, "REQUIRED"),
    ("/journeys/singlebatch/batch_1/trigger", {"journey": samples.journey(api_name="another_one")}, "INVALID_VALUE"),
    ("/journeys/singlebatch/batch_1/trigger", {}, "REQUIRED"),
])
async def test_missing_fields_and_wrong_types_are_validation_failures(org, path, body, code):
    assert_envelope(await org.api.post(path, body), 400, "ValidationFailed", code)


@pytest.mark.parametrize("method, path", [
    ("GET", "/journeys/singlebatch/nope"), ("DELETE", "/journeys/singlebatch/nope"), ("POST", "/journeys/singlebatch/nope/cancel"),
    ("GET", "/journeys/transactional/nope"), ("DELETE", "/journeys/transactional/nope"), ("POST", "/journeys/transactional/bulk/nope/send"),
    ("GET", "/journeys/singlebatch/order"),  # a transactional journey is not a single batch
    ("GET", "/journeys/transactional/batch_1"),
    ("GET", "/content/nope"), ("DELETE", "/content/nope"), ("GET", "/content/nope/lockstate"), ("POST", "/content/nope/unlock"),
])
async def test_unknown_api_names_are_not_found(org, method, path):
    assert_envelope(await org.api.request(method, path), 404, "NotFound")


async def test_sending_through_an_unknown_journey_is_not_found(org):
    assert_envelope(await org.api.post("/journeys/transactional/nope/send", {"items": samples.transactional_item()}), 404, "NotFound")


async def test_a_journey_that_cannot_send_says_why(org):
    bulk_without_audience = await org.api.post("/journeys/transactional/bulk/order/send")
    launch_without_audience = await org.api.post("/journeys/singlebatch/batch_1/launch", {"launch_state": "launch"})

    assert_envelope(bulk_without_audience, 400, "ValidationFailed", "CAMPAIGN_HAS_NO_AUDIENCE")
    assert_envelope(launch_without_audience, 400, "ValidationFailed", "CAMPAIGN_HAS_NO_AUDIENCE")


async def test_oversized_bodies_are_refused_on_every_route_that_reads_one(org):
    huge = {"items": [samples.transactional_item(data={"blob": "x" * 1_050_000})]}

    for method, path, body in ROUTES:
        if body is not None:
            assert_envelope(await org.api.request(method, path, huge), 413, "RequestEntityTooLarge", "BODY_TOO_LARGE")


WEIRD = [None, [], "text", {"items": {"recipient": {"$ne": 1}}, "journey": [], "message": None, "ids": [None], "launch_state": 5},
         {"journey": {"api_name": "x" * 500, "name": "y"}, "message": {"api_name": "z"}, "journey_model": {"api_name": "x" * 500}},
         b"\xff\xfe", b"[" * 5000]


async def test_weird_payloads_are_never_a_server_error(org):
    for method, path, body in ROUTES:
        if body is None:
            continue
        for weird in WEIRD:
            content = weird if isinstance(weird, bytes) else json.dumps(weird).encode()
            response = await org.api.request(method, path, content=content, headers={"content-type": "application/json"})
            assert response.status_code < 500, (path, weird, response.text)
            if response.status_code >= 400:
                assert response.json()["result_code"] in ("ValidationFailed", "NotFound", "Failed", "Conflict"), response.text
