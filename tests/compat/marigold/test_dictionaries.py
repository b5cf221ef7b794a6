"""Dictionaries: Dictionary by api_name, each label one entry {language: text}. List (search, skip, take), create,
get, update, delete; list, create, update and delete labels; a template linked to a dictionary sends its labels
translated into the message's language."""
import pytest

from tests.compat.marigold import samples
from tests.compat.marigold.support import assert_envelope, transactional_journey
from tests.compat.marigold.test_transactional import mails_to
from tests.support.fixtures import eventually

SUCCEEDED = {"result_code": "Succeeded", "errors": []}
DICTIONARY = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { dictionary(apiName: $apiName) {
  id apiName name description tags labels { label translations } } } }"""
LINK = """mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { template { dictionary { apiName } } userErrors { code message } } }"""
TEMPLATE = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { template(apiName: $apiName) { id } } }"""


def succeeded(response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {**SUCCEEDED, "message": message}


async def test_create_get_update_and_delete_a_dictionary(marigold_org):
    org = await marigold_org()

    created = await org.api.post("/dictionaries", samples.dictionary())
    succeeded(created, 201, "Dictionary created successfully.")
    assert (await org.api.get("/dictionaries/dictionary_1")).json() == {
        "api_name": "dictionary_1", "name": "Email Message", "description": None, "tags": [], "organizations": [org.slug],
        "not_accessible_organizations_count": 0}

    updated = await org.api.put("/dictionaries/dictionary_1", samples.dictionary_update(organizations=[org.slug]))
    succeeded(updated, 200, "Dictionary updated successfully.")
    got = (await org.api.get("/dictionaries/dictionary_1")).json()
    assert got["description"] == "Description for the dictionary." and got["tags"] == ["addresses", "footer", "email", "holiday"]
    assert got["name"] == "Email Message"
    graph = (await org.graph(DICTIONARY, {"slug": org.slug, "apiName": "dictionary_1"}))["tenant"]["dictionary"]
    assert graph["description"] == "Description for the dictionary." and graph["tags"] == got["tags"]

    succeeded(await org.api.delete("/dictionaries/dictionary_1"), 200, "Dictionary deleted successfully.")
    assert_envelope(await org.api.get("/dictionaries/dictionary_1"), 404, "NotFound", "NOT_FOUND")
    assert (await org.graph(DICTIONARY, {"slug": org.slug, "apiName": "dictionary_1"}))["tenant"]["dictionary"] is None


async def test_update_with_another_api_name_renames_it(marigold_org):
    org = await marigold_org()
    await org.api.post("/dictionaries", samples.dictionary())

    succeeded(await org.api.put("/dictionaries/dictionary_1", samples.dictionary_update(api_name="dictionary_2")), 200, "Dictionary updated successfully.")

    assert_envelope(await org.api.get("/dictionaries/dictionary_1"), 404, "NotFound")
    assert (await org.api.get("/dictionaries/dictionary_2")).json()["api_name"] == "dictionary_2"


async def test_list_searches_skips_and_takes(marigold_org):
    org = await marigold_org()
    for index in range(1, 6):
        await org.api.post("/dictionaries", samples.dictionary(api_name=f"dictionary_{index}", name=f"Dictionary {index}",
                                                              tags=["holiday"] if index % 2 else ["footer"]))

    everything = (await org.api.get("/dictionaries")).json()
    holiday = (await org.api.get("/dictionaries", params={"search": "HOLIDAY"})).json()
    page = (await org.api.get("/dictionaries", params={"skip": 1, "take": 2})).json()

    assert everything == {"dictionaries": [{"api_name": f"dictionary_{i}"} for i in range(1, 6)]}
    assert holiday == {"dictionaries": [{"api_name": f"dictionary_{i}"} for i in (1, 3, 5)]}
    assert page == {"dictionaries": [{"api_name": "dictionary_2"}, {"api_name": "dictionary_3"}]}
    assert (await org.api.get("/dictionaries", params={"search": "100%_"})).json() == {"dictionaries": []}


async def test_a_second_dictionary_with_the_same_api_name_is_a_conflict(marigold_org):
    org = await marigold_org()
    await org.api.post("/dictionaries", samples.dictionary())

    assert_envelope(await org.api.post("/dictionaries", samples.dictionary()), 422, "Conflict", "API_NAME_TAKEN")
    await org.api.post("/dictionaries", samples.dictionary(api_name="dictionary_2"))
    assert_envelope(await org.api.put("/dictionaries/dictionary_2", samples.dictionary_update()), 422, "Conflict", "API_NAME_TAKEN")


async def test_labels_are_created_listed_updated_and_deleted(marigold_org):
    org = await marigold_org()
    await org.api.post("/dictionaries", samples.dictionary())

    succeeded(await org.api.post("/dictionaries/dictionary_1/labels", samples.label()), 201, "Label created successfully.")
    succeeded(await org.api.post("/dictionaries/dictionary_1/labels", samples.label(label="label_2", translations={"EN_US": "Two"}),
                                 params={"sync": "true"}), 201, "Label created successfully.")
    listed = (await org.api.get("/dictionaries/dictionary_1/labels")).json()
    assert listed == {"labels": [{"label": "label_1", "translations": {"EN": "Label1_English", "DE": "Label1_Dutch"}},
                                 {"label": "label_2", "translations": {"EN_US": "Two"}}]}
    graph = (await org.graph(DICTIONARY, {"slug": org.slug, "apiName": "dictionary_1"}))["tenant"]["dictionary"]
    assert graph["labels"][0] == {"label": "label_1", "translations": {"en": "Label1_English", "de": "Label1_Dutch"}}

    updated = await org.api.put("/dictionaries/dictionary_1/labels/label_1", samples.label(translations={"EN": "Label one"}))
    succeeded(updated, 200, "Label updated successfully.")
    assert (await org.api.get("/dictionaries/dictionary_1/labels", params={"search": "one"})).json() == {
        "labels": [{"label": "label_1", "translations": {"EN": "Label one"}}]}
    assert (await org.api.get("/dictionaries/dictionary_1/labels", params={"skip": 1, "take": 5})).json()["labels"][0]["label"] == "label_2"

    succeeded(await org.api.delete("/dictionaries/dictionary_1/labels/label_1"), 200, "Label deleted successfully.")
    assert [entry["label"] for entry in (await org.api.get("/dictionaries/dictionary_1/labels")).json()["labels"]] == ["label_2"]
    assert_envelope(await org.api.delete("/dictionaries/dictionary_1/labels/label_1"), 404, "NotFound", "LABEL_NOT_FOUND")


async def test_creating_a_label_twice_conflicts_and_updating_a_missing_one_is_not_found(marigold_org):
    org = await marigold_org()
    await org.api.post("/dictionaries", samples.dictionary())
    await org.api.post("/dictionaries/dictionary_1/labels", samples.label())

    assert_envelope(await org.api.post("/dictionaries/dictionary_1/labels", samples.label()), 422, "Conflict", "LABEL_TAKEN")
    assert_envelope(await org.api.put("/dictionaries/dictionary_1/labels/nope", samples.label(label=None)), 404, "NotFound", "LABEL_NOT_FOUND")
    assert (await org.api.get("/dictionaries/dictionary_1/labels")).json()["labels"][0]["translations"] == {"EN": "Label1_English", "DE": "Label1_Dutch"}


async def test_a_template_linked_to_a_dictionary_sends_its_labels_in_the_messages_language(marigold_org, mailbox):
    org = await marigold_org()
    body = samples.email()
    body["properties"]["languages"] = ["EN_US", "DE"]
    body["properties"]["default_language"] = "EN_US"
    body["headers"] = {"EN_US": [{**samples.HEADER, "subject": "{{ t.greeting }}, {{ required_string_1 }}"}],
                       "DE": [{**samples.HEADER, "subject": "{{ t.greeting }}, {{ required_string_1 }}"}]}
    body["content"] = {"text": "{{ t.greeting }}! {{ t.signature }}", "html": "<p>{{ t.greeting }}</p>"}
    assert (await org.api.post("/content/message", body)).status_code == 201
    await org.api.post("/dictionaries", samples.dictionary())
    await org.api.post("/dictionaries/dictionary_1/labels", samples.label(label="greeting", translations={"EN_US": "Hello", "DE": "Hallo"}))
    await org.api.post("/dictionaries/dictionary_1/labels", samples.label(label="signature", translations={"EN_US": "The team"}))
    dictionary = (await org.graph(DICTIONARY, {"slug": org.slug, "apiName": "dictionary_1"}))["tenant"]["dictionary"]
    template = (await org.graph(TEMPLATE, {"slug": org.slug, "apiName": "message_1"}))["tenant"]["template"]
    linked = (await org.graph(LINK, {"input": {"id": template["id"], "dictionaryId": dictionary["id"]}}))["updateTemplate"]
    assert linked == {"template": {"dictionary": {"apiName": "dictionary_1"}}, "userErrors": []}
    await transactional_journey(org, "welcome", "message_1")
    english, german = f"en.{org.slug}@example.com", f"de.{org.slug}@example.com"

    for to, language in ((english, "en-US"), (german, "de")):
        item = samples.transactional_item(email=to, recipient=to, language=language, sg_external_id=None)
        response = await org.api.post("/journeys/transactional/welcome/send", {"items": item})
        assert response.json()["result_code"] == "Succeeded", response.text

    [mail] = await eventually(lambda: mails_to(mailbox, english))
    assert str(mail["Subject"]) == "Hello, John"
    assert "Hello! The team" in mail.get_body(("plain",)).get_content()
    [mail] = await eventually(lambda: mails_to(mailbox, german))
    assert str(mail["Subject"]) == "Hallo, John"
    assert "Hallo! The team" in mail.get_body(("plain",)).get_content()  # no German signature: the default language's

    await org.api.put("/dictionaries/dictionary_1/labels/greeting", samples.label(label="greeting", translations={"EN_US": "Welcome"}))
    item = samples.transactional_item(email=english, recipient=english, language="en-US", sg_external_id=None)
    await org.api.post("/journeys/transactional/welcome/send", {"items": item})
    later = await eventually(lambda: mails_to(mailbox, english)[1:])
    assert str(later[0]["Subject"]) == "Welcome, John"


async def test_a_template_cannot_use_another_organizations_dictionary(marigold_org):
    org, other = await marigold_org(), await marigold_org()
    assert (await org.api.post("/content/message", samples.email())).status_code == 201
    await other.api.post("/dictionaries", samples.dictionary())
    foreign = (await other.graph(DICTIONARY, {"slug": other.slug, "apiName": "dictionary_1"}))["tenant"]["dictionary"]
    template = (await org.graph(TEMPLATE, {"slug": org.slug, "apiName": "message_1"}))["tenant"]["template"]

    linked = (await org.graph(LINK, {"input": {"id": template["id"], "dictionaryId": foreign["id"]}}))["updateTemplate"]

    assert linked["template"] is None and linked["userErrors"][0]["code"] == "NOT_FOUND"


# -- bad input -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
async def org(shared_org):
    assert (await shared_org.api.post("/dictionaries", samples.dictionary(api_name="bad_input"))).status_code == 201
    assert (await shared_org.api.post("/dictionaries/bad_input/labels", samples.label())).status_code == 201
    return shared_org


@pytest.mark.parametrize("method, path, body, code", [
    ("POST", "/dictionaries", {"name": "No api name"}, "REQUIRED"),
    ("POST", "/dictionaries", {"api_name": "x"}, "REQUIRED"),
    ("POST", "/dictionaries", {"api_name": 5, "name": "x"}, "INVALID_TYPE"),
    ("POST", "/dictionaries", {"api_name": "x" * 201, "name": "x"}, "TOO_LONG"),
    ("POST", "/dictionaries", samples.dictionary(api_name="x", tags="holiday"), "INVALID_TYPE"),
    ("POST", "/dictionaries", samples.dictionary(api_name="x", organizations=["Organization_1", "Organization_2"]), "ORGANIZATIONS_UNSUPPORTED"),
    ("POST", "/dictionaries", ["not", "an", "object"], "INVALID_TYPE"),
    ("PUT", "/dictionaries/bad_input", {"description": "no api_name"}, "REQUIRED"),
    ("PUT", "/dictionaries/bad_input", samples.dictionary_update(api_name="bad_input", description=7), "INVALID_TYPE"),
    ("POST", "/dictionaries/bad_input/labels", {"translations": {"EN": "x"}}, "REQUIRED"),
    ("POST", "/dictionaries/bad_input/labels", {"label": "x"}, "REQUIRED"),
    ("POST", "/dictionaries/bad_input/labels", samples.label(label="x", translations={}), "REQUIRED"),
    ("POST", "/dictionaries/bad_input/labels", samples.label(label="x", translations=["EN"]), "INVALID_TYPE"),
    ("POST", "/dictionaries/bad_input/labels", samples.label(label="x", translations={"EN": 1}), "INVALID_TYPE"),
    ("POST", "/dictionaries/bad_input/labels", samples.label(label="x", translations={"english please": "x"}), "INVALID_LANGUAGE"),
    ("POST", "/dictionaries/bad_input/labels", samples.label(label="x", translations={"EN": "a", "en": "b"}), "DUPLICATE"),
    ("POST", "/dictionaries/bad_input/labels", samples.label(label="not a label!"), "INVALID_LABEL"),
    ("POST", "/dictionaries/bad_input/labels", samples.label(label="x", translations={"EN": "x" * 10_001}), "TOO_LONG"),
    ("POST", "/dictionaries/bad_input/labels?sync=maybe", samples.label(label="x"), "INVALID_TYPE"),
    ("PUT", "/dictionaries/bad_input/labels/label_1", samples.label(label="label_2"), "INVALID_VALUE"),
    ("PUT", "/dictionaries/bad_input/labels/label_1", {"label": "label_1"}, "REQUIRED"),
    ("GET", "/dictionaries?take=-1", None, "INVALID_TYPE"),
    ("GET", "/dictionaries?skip=abc", None, "INVALID_TYPE"),
    ("GET", "/dictionaries/bad_input/labels?take=x", None, "INVALID_TYPE"),
])
async def test_missing_fields_and_wrong_types_are_validation_failures(org, method, path, body, code):
    assert_envelope(await org.api.request(method, path, body), 400, "ValidationFailed", code)


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/dictionaries/nope", None), ("PUT", "/dictionaries/nope", samples.dictionary_update(api_name="nope")),
    ("DELETE", "/dictionaries/nope", None), ("GET", "/dictionaries/nope/labels", None),
    ("POST", "/dictionaries/nope/labels", samples.label()), ("PUT", "/dictionaries/nope/labels/label_1", samples.label()),
    ("DELETE", "/dictionaries/nope/labels/label_1", None), ("DELETE", "/dictionaries/bad_input/labels/nope", None),
])
async def test_unknown_api_names_and_labels_are_not_found(org, method, path, body):
    assert_envelope(await org.api.request(method, path, body), 404, "NotFound")


async def test_a_body_that_is_not_json_or_too_large_is_refused(org):
    not_json = await org.api.request("POST", "/dictionaries", content=b"{nope", headers={"content-type": "application/json"})
    huge = await org.api.post("/dictionaries/bad_input/labels", samples.label(label="big", translations={"EN": "x" * 1_050_000}))

    assert_envelope(not_json, 400, "ValidationFailed", "INVALID_JSON")
    assert_envelope(huge, 413, "RequestEntityTooLarge", "BODY_TOO_LARGE")


async def test_a_read_only_service_account_cannot_change_dictionaries(marigold_org):
    org = await marigold_org(role="read")

    refused = await org.api.post("/dictionaries", samples.dictionary())

    assert_envelope(refused, 401, "Failed")
    assert (await org.api.get("/dictionaries")).json() == {"dictionaries": []}
