"""Content (email, SMS, page, MMS, RCS, mobile push) onto templates, by api_name; seed request and response samples."""
import pytest

from tests.compat.marigold import samples
from tests.compat.marigold.support import assert_envelope

TEMPLATE = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { template(apiName: $apiName) {
  name apiName channel defaultLanguage settings parts { language subject preheader html text headers } } } }"""


async def template(org, api_name: str) -> dict | None:
    return (await org.graph(TEMPLATE, {"slug": org.slug, "apiName": api_name}))["tenant"]["template"]


async def test_create_email_answers_the_seeds_sample_and_stores_one_part_per_language(marigold_org):
    org = await marigold_org()

    response = await org.api.post("/content/message?publish=true", samples.email())

    assert response.status_code == 201, response.text
    assert response.json() == {"result_code": "Succeeded", "message": "The Email message has been created successfully.", "errors": []}
    stored = await template(org, "message_1")
    assert stored["channel"] == "EMAIL" and stored["name"] == "Email Message" and stored["defaultLanguage"] == "en"
    assert [p["language"] for p in stored["parts"]] == ["en-US", "fr"]
    part = stored["parts"][0]
    assert part["subject"] == "Hello {{ first_name }}!" and part["preheader"] == "A preheader"
    assert part["text"] == "Hello World!" and "<h1>Hello World!</h1>" in part["html"]
    assert part["headers"]["from_domain"] == "news.example.com" and part["headers"]["from_alias"] == "Example News"
    settings = stored["settings"]
    assert settings["audience_api_name"] == "audience_1" and settings["folder"] == "106" and settings["published"] is True
    assert settings["tags"] == ["addresses", "footer", "email", "holiday"] and settings["empty_language"] == "fr"


async def test_get_content_answers_the_seeds_response_shape(marigold_org):
    org = await marigold_org()
    await org.api.post("/content/message", samples.email())

    response = await org.api.get("/content/message_1")

    assert response.status_code == 200
    assert response.json() == {"name": "Email Message", "description": "Description for the message.", "api_name": "message_1",
                               "tags": ["addresses", "footer", "email", "holiday"], "type": "Email"}


@pytest.mark.parametrize("path, body, channel, content_type, label", [
    ("sms", samples.sms, "SMS", "Sms", "The SMS message"),
    ("page", samples.page, "PAGE", "Page", "The Page content"),
    ("mms", samples.mms, "MMS", "Unknown", "The MMS message"),
    ("rcs", samples.rcs, "RCS", "Unknown", "The RCS message"),
    ("mobile", samples.mobile, "PUSH", "MobilePush", "The Mobile message"),
])
async def test_create_content_of_every_channel(marigold_org, path, body, channel, content_type, label):
    org = await marigold_org()

    response = await org.api.post(f"/content/{path}", body())

    assert response.status_code == 201, response.text
    assert response.json() == {"result_code": "Succeeded", "message": f"{label} has been created successfully.", "errors": []}
    stored = await template(org, "message_1")
    assert stored["channel"] == channel and len(stored["parts"]) == 2
    assert (await org.api.get("/content/message_1")).json()["type"] == content_type


async def test_mms_media_and_mobile_properties_are_kept_with_the_content(marigold_org):
    org = await marigold_org()
    await org.api.post("/content/mms", samples.mms())
    await org.api.post("/content/mobile", samples.mobile(api_name="push_1"))

    mms, push = await template(org, "message_1"), await template(org, "push_1")

    assert mms["settings"]["mms"]["en-US"] == {"media_type": "IMAGE", "media_url": "URL to the media"}
    assert mms["parts"][0]["text"] == "Hello world!"
    assert push["settings"]["mobile_properties"]["distribution_type"] == "MobilePush"
    assert push["settings"]["mobile_app_api_name"] == "mobile_device_list_1"
    assert [(p["language"], p["subject"], p["text"]) for p in push["parts"]] == [("en-US", "Hello", "Hello world!"), ("fr", "Salut", "Bonjour!")]


async def test_remove_content_deletes_it(marigold_org):
    org = await marigold_org()
    await org.api.post("/content/sms", samples.sms())

    response = await org.api.delete("/content/message_1")

    assert response.status_code == 200
    assert response.json()["result_code"] == "Succeeded" and response.json()["message"] == "The content has been deleted successfully"
    assert await template(org, "message_1") is None
    assert_envelope(await org.api.get("/content/message_1"), 404, "NotFound")
    assert_envelope(await org.api.delete("/content/message_1"), 404, "NotFound")


async def test_lock_state_reads_unlocked_and_unlock_keeps_it_so(marigold_org):
    org = await marigold_org()
    await org.api.post("/content/page", samples.page())

    before = await org.api.get("/content/message_1/lockstate")
    unlocked = await org.api.post("/content/message_1/unlock")

    assert before.json() == {"lockstate": "unlocked"}
    assert unlocked.status_code == 200
    assert unlocked.json() == {"result_code": "Succeeded", "message": "The content has been unlocked successfully", "errors": []}
    assert (await org.api.get("/content/message_1/lockstate")).json() == {"lockstate": "unlocked"}


async def test_a_second_content_with_the_same_api_name_is_a_conflict(marigold_org):
    org = await marigold_org()
    await org.api.post("/content/message", samples.email())

    response = await org.api.post("/content/sms", samples.sms())

    assert_envelope(response, 422, "Conflict", "DUPLICATE")
    assert (await template(org, "message_1"))["channel"] == "EMAIL"


@pytest.mark.parametrize("path, body, field", [
    ("message", {"properties": samples.properties(), "headers": {"EN_US": [samples.HEADER]}}, "content"),
    ("message", {**samples.email(), "headers": {"EN_US": [{"from_domain": "x.com"}], "FR": [{"subject": "x"}]}}, "headers.EN_US.0.subject"),
    ("message", {**samples.email(), "content": {"text": "only text"}}, "content.html"),
    ("sms", {"properties": samples.properties(api_name=None), "content": {"text": "x"}}, "properties.api_name"),
    ("sms", {"properties": samples.properties(languages=[]), "content": {"text": "x"}}, "properties.languages"),
    ("sms", {"properties": samples.properties(audience_api_name=None), "content": {"text": "x"}}, "properties.audience_api_name"),
    ("page", {"properties": samples.properties()}, "content"),
    ("mms", {**samples.mms(), "content": {"EN_US": {"text": "x", "media_type": "GIF"}}}, "content.EN_US.media_type"),
    ("mms", {**samples.mms(), "content": {"EN_US": {"text": "x", "media_type": "IMAGE"}}}, "content.EN_US.media_url"),
    ("mobile", {**samples.mobile(), "content": {}}, "content"),
])
async def test_missing_required_fields_are_a_validation_failure(marigold_org, path, body, field):
    org = await marigold_org()

    body = assert_envelope(await org.api.post(f"/content/{path}", body), 400, "ValidationFailed")

    assert field in body["errors"][0]["description"], body


@pytest.mark.parametrize("body", [
    [], "a string", 42,
    {"properties": "not an object", "content": {"text": "x"}},
    {"properties": samples.properties(name=5), "content": {"text": "x"}},
    {"properties": samples.properties(languages="EN"), "content": {"text": "x"}},
    {"properties": samples.properties(languages=["not a language!"]), "content": {"text": "x"}},
    {"properties": samples.properties(tags=[1, 2]), "content": {"text": "x"}},
    {"properties": samples.properties(folder="root"), "content": {"text": "x"}},
    {"properties": samples.properties(), "content": {"text": ["x"]}},
])
async def test_wrong_types_are_a_validation_failure(marigold_org, body):
    org = await marigold_org()

    assert_envelope(await org.api.post("/content/sms", body), 400, "ValidationFailed")


async def test_bodies_that_are_not_json_or_too_large_are_refused(marigold_org):
    org = await marigold_org()

    not_json = await org.api.request("POST", "/content/sms", content=b"{nope", headers={"content-type": "application/json"})
    empty = await org.api.request("POST", "/content/sms", content=b"")
    huge = await org.api.post("/content/sms", {**samples.sms(), "content": {"text": "x" * 1_100_000}})
    bad_flag = await org.api.post("/content/sms?publish=maybe", samples.sms())

    assert_envelope(not_json, 400, "ValidationFailed", "INVALID_JSON")
    assert_envelope(empty, 400, "ValidationFailed", "BODY_REQUIRED")
    assert_envelope(huge, 413, "RequestEntityTooLarge", "BODY_TOO_LARGE")
    assert_envelope(bad_flag, 400, "ValidationFailed")
    assert await template(org, "message_1") is None
