"""Relay connections: keyset cursors that page both ways and do not shift, checked page sizes and cursors, message filters."""
import base64

import pytest

from tests.support.fixtures import eventually

CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }"""
SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { field code } } }"""
CONTACTS = """query($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
  tenant(slug: $slug) {
    contacts(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { email } }
    } } }"""
MESSAGES = """query($slug: String!, $first: Int, $after: String, $filter: MessageFilter) {
  tenant(slug: $slug) {
    messages(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id recipient channel status }
    } } }"""


async def add_contact(tenant, name: str) -> str:
    email = f"{name}@example.com"
    payload = (await tenant.graph(CREATE_CONTACT, {"input": {"tenantId": tenant.id, "email": email}}))["createContact"]
    assert payload["userErrors"] == []
    return email


@pytest.fixture
async def seven(make_tenant):
    """A tenant with contacts c1..c7, created in that order."""
    tenant = await make_tenant()
    return tenant, [await add_contact(tenant, f"c{i}") for i in range(1, 8)]


async def contacts(tenant, **args) -> dict:
    return (await tenant.graph(CONTACTS, {"slug": tenant.slug, **args}))["tenant"]["contacts"]


def emails(connection: dict) -> list[str]:
    return [edge["node"]["email"] for edge in connection["edges"]]


async def error_for(tenant, query: str, **variables) -> dict:
    body = await tenant.graph(query, {"slug": tenant.slug, **variables}, expect_errors=True)
    assert body["data"] == {"tenant": None}
    [error] = body["errors"]
    return error


async def test_first_and_after_page_forward_through_every_contact(seven):
    tenant, all_emails = seven
    pages, after = [], None

    while True:
        page = await contacts(tenant, first=3, after=after)
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert [emails(p) for p in pages] == [all_emails[0:3], all_emails[3:6], all_emails[6:7]]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False]
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True]
    assert {p["totalCount"] for p in pages} == {7}
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


async def test_last_and_before_page_backward(seven):
    tenant, all_emails = seven

    tail = await contacts(tenant, last=2)
    before_tail = await contacts(tenant, last=2, before=tail["pageInfo"]["startCursor"])
    head = await contacts(tenant, last=5, before=before_tail["pageInfo"]["startCursor"])

    assert emails(tail) == all_emails[5:7]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    assert tail["pageInfo"]["hasNextPage"] is False
    assert emails(before_tail) == all_emails[3:5]
    assert before_tail["pageInfo"]["hasNextPage"] is True
    assert emails(head) == all_emails[0:3]
    assert head["pageInfo"]["hasPreviousPage"] is False
    assert tail["totalCount"] == before_tail["totalCount"] == 7


async def test_a_contact_added_between_requests_does_not_shift_the_next_page(seven):
    tenant, all_emails = seven
    first_page = await contacts(tenant, first=3)

    newcomer = await add_contact(tenant, "newcomer")
    second_page = await contacts(tenant, first=3, after=first_page["pageInfo"]["endCursor"])
    last_page = await contacts(tenant, first=3, after=second_page["pageInfo"]["endCursor"])

    assert emails(second_page) == all_emails[3:6]
    assert emails(last_page) == [all_emails[6], newcomer]
    assert last_page["totalCount"] == 8


async def test_a_message_sent_between_requests_does_not_shift_the_next_newest_first_page(make_tenant):
    tenant = await make_tenant()
    sent = []
    for i in range(5):
        payload = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": f"m{i}@example.com", "subject": "s", "text": "t"}}))
        sent.append(payload["sendMessage"]["message"]["id"])
    newest_first = list(reversed(sent))
    page = (await tenant.graph(MESSAGES, {"slug": tenant.slug, "first": 2}))["tenant"]["messages"]

    await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": "late@example.com", "subject": "s", "text": "t"}})
    next_page = (await tenant.graph(MESSAGES, {"slug": tenant.slug, "first": 2, "after": page["pageInfo"]["endCursor"]}))["tenant"]["messages"]

    assert [m["id"] for m in page["nodes"]] == newest_first[0:2]
    assert [m["id"] for m in next_page["nodes"]] == newest_first[2:4]
    assert next_page["totalCount"] == 6


@pytest.mark.parametrize("args, argument", [
    ({"first": 101}, "first"), ({"first": -1}, "first"), ({"last": 101}, "last"), ({"last": -5}, "last"),
])
async def test_a_page_size_outside_0_to_100_is_an_error_naming_the_argument(make_tenant, args, argument):
    tenant = await make_tenant()

    error = await error_for(tenant, CONTACTS, **args)

    assert f"`{argument}`" in error["message"]
    assert error["extensions"]["code"] == "INVALID_PAGE_SIZE"


async def test_the_largest_page_size_is_accepted(seven):
    tenant, all_emails = seven

    assert emails(await contacts(tenant, first=100)) == all_emails
    assert emails(await contacts(tenant, first=0)) == []


@pytest.mark.parametrize("cursor", [
    "not a cursor!", "%%%", base64.urlsafe_b64encode(b"k:abc").decode(), base64.urlsafe_b64encode(b"Contact:1").decode(), "",
])
async def test_a_malformed_cursor_is_an_invalid_cursor_error(make_tenant, cursor):
    tenant = await make_tenant()

    after = await error_for(tenant, CONTACTS, first=3, after=cursor)
    before = await error_for(tenant, CONTACTS, last=3, before=cursor)

    assert after["extensions"]["code"] == before["extensions"]["code"] == "INVALID_CURSOR"
    assert "`after`" in after["message"] and "`before`" in before["message"]


async def test_messages_can_be_filtered_by_status_channel_and_recipient(make_tenant):
    tenant = await make_tenant()
    for to in ("Ana@Example.com", "ben@example.com", "ana@example.com"):
        await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": to, "subject": "s", "text": "t"}})
    sms = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": "+4915112345678", "channel": "SMS", "text": "t"}}))
    assert sms["sendMessage"]["userErrors"] == []

    async def messages(**filter):
        return (await tenant.graph(MESSAGES, {"slug": tenant.slug, "filter": filter}))["tenant"]["messages"]

    async def emails_sent():
        return (await messages(channel="EMAIL", status="SENT"))["totalCount"] == 3

    await eventually(emails_sent)
    by_channel = await messages(channel="SMS")
    assert [(m["recipient"], m["channel"]) for m in by_channel["nodes"]] == [("+4915112345678", "SMS")]
    assert {m["status"] for m in (await messages(status="SENT"))["nodes"]} == {"SENT"}
    assert (await messages(status="QUEUED", channel="EMAIL"))["totalCount"] == 0
    ben = await messages(recipient="ben@example.com")
    assert [m["recipient"] for m in ben["nodes"]] == ["ben@example.com"]
    # an address matches whatever the case it is written in, as mail servers treat it
    assert (await messages(recipient="ANA@example.COM"))["totalCount"] == 2
    assert (await messages(recipient="nobody@example.com"))["totalCount"] == 0
    assert (await messages())["totalCount"] == 4
