"""Especial contacts of a list over real HTTP: add, show, list, update, delete, unsubscribe, import;
bad input; isolation between accounts; and a campaign delivered to an audience built through Especial."""
from __future__ import annotations

import pytest

from schema.relay import to_global_id
from tests.compat.especial.audience_fixtures import CONTACT, add_contact, add_list, oversized_json, unique_email
from tests.compat.especial.conftest import assert_valid
from tests.support.fixtures import eventually

CONTACTS, ONE = "/lists/{list_id}/contacts", "/lists/{list_id}/contacts/{contact_id}"
IMPORT, UNSUBSCRIBE = "/lists/{list_id}/import-contacts", "/lists/{list_id}/contacts/{contact_id}/unsubscribe"


@pytest.fixture
async def newsletter(client) -> dict:
    return await add_list(client)


async def test_added_contact_is_active_with_its_custom_attributes(client, newsletter):
    email = unique_email()
    response = await client.post(f"/lists/{newsletter['id']}/contacts", json={**CONTACT, "email": email})

    assert response.status_code == 201, response.text
    created = assert_valid(response, CONTACTS, "POST")
    data = created["data"]
    assert created["object"] == "contact" and created["created"] is True and created["id"] == data["id"]
    assert data["email"] == email and data["status"] == "active" and isinstance(data["subscribed_on"], int)
    assert data["custom_attributes"] == [{"name": "first_name", "value": "Ada"}]
    assert data["bounces_count"] == 0 and data["last_bounce_type"] == "none" and data["tags"] == [] and data["interests"] == []
    shown = assert_valid(await client.get(f"/lists/{newsletter['id']}/contacts/{data['id']}"), ONE, "GET")
    assert shown["data"] == data


async def test_adding_a_known_address_again_updates_the_same_contact(client, newsletter):
    first = await add_contact(client, newsletter["id"], email="Grace@Example.com")

    again = await add_contact(client, newsletter["id"], email="grace@example.com", custom_attributes=[{"name": "city", "value": "Paris"}])

    assert again["id"] == first["id"] and again["email"] == "grace@example.com"
    assert again["custom_attributes"] == [{"name": "city", "value": "Paris"}, {"name": "first_name", "value": "Ada"}]


async def test_one_contact_on_two_lists_keeps_a_status_per_list(client, newsletter):
    other = await add_list(client, name="Offers")
    contact = await add_contact(client, newsletter["id"])
    await add_contact(client, other["id"], email=contact["email"])

    response = await client.post(f"/lists/{newsletter['id']}/contacts/{contact['id']}/unsubscribe")

    assert response.status_code == 200, response.text
    body = assert_valid(response, UNSUBSCRIBE, "POST")
    assert body["subscribed"] is False and body["data"]["status"] == "unsubscribed"
    still = assert_valid(await client.get(f"/lists/{other['id']}/contacts/{contact['id']}"), ONE, "GET")["data"]
    assert still["status"] == "active"


async def test_resubscribe_decides_whether_an_unsubscribed_contact_comes_back(client, newsletter):
    contact = await add_contact(client, newsletter["id"])
    await client.post(f"/lists/{newsletter['id']}/contacts/{contact['id']}/unsubscribe")

    kept_out = await client.post(f"/lists/{newsletter['id']}/contacts", params={"resubscribe": "false"}, json={"email": contact["email"]})
    back = await client.post(f"/lists/{newsletter['id']}/contacts", json={"email": contact["email"]})

    assert assert_valid(kept_out, CONTACTS, "POST")["data"]["status"] == "unsubscribed"
    assert assert_valid(back, CONTACTS, "POST")["data"]["status"] == "active"


async def test_patch_merges_custom_attributes_and_replaces_tags(client, newsletter):
    contact = await add_contact(client, newsletter["id"])
    path = f"/lists/{newsletter['id']}/contacts/{contact['id']}"

    response = await client.patch(path, json={"custom_attributes": [{"name": "plan", "value": "pro"}], "tags": ["vip", "beta"],
                                              "interests": ["news"]})

    assert response.status_code == 200, response.text
    body = assert_valid(response, ONE, "PATCH")
    assert body["updated"] is True and body["id"] == contact["id"]
    assert body["data"]["custom_attributes"] == [{"name": "first_name", "value": "Ada"}, {"name": "plan", "value": "pro"}]
    assert body["data"]["tags"] == ["vip", "beta"] and body["data"]["interests"] == ["news"]
    removed = assert_valid(await client.patch(path, json={"custom_attributes": [{"name": "plan"}]}), ONE, "PATCH")["data"]
    assert removed["custom_attributes"] == [{"name": "first_name", "value": "Ada"}]
    moved = assert_valid(await client.patch(path, json={"email": "moved@example.com"}), ONE, "PATCH")["data"]
    assert moved["email"] == "moved@example.com" and moved["status"] == "active"


async def test_deleting_takes_the_contact_off_this_list_only(client, newsletter):
    other = await add_list(client, name="Offers")
    contact = await add_contact(client, newsletter["id"])
    await add_contact(client, other["id"], email=contact["email"])

    response = await client.delete(f"/lists/{newsletter['id']}/contacts/{contact['id']}")

    assert assert_valid(response, ONE, "DELETE") == {"id": contact["id"], "object": "contact", "deleted": True}
    assert (await client.get(f"/lists/{newsletter['id']}/contacts/{contact['id']}")).status_code == 404
    assert (await client.get(f"/lists/{other['id']}/contacts/{contact['id']}")).status_code == 200
    again = await client.delete(f"/lists/{newsletter['id']}/contacts/{contact['id']}")
    assert again.status_code == 404 and assert_valid(again, ONE, "DELETE")


async def test_contacts_are_paged_filtered_and_followed_by_cursor(client, newsletter):
    made = [await add_contact(client, newsletter["id"]) for _ in range(3)]
    await client.post(f"/lists/{newsletter['id']}/contacts/{made[1]['id']}/unsubscribe")
    path = f"/lists/{newsletter['id']}/contacts"

    first = assert_valid(await client.get(path, params={"per_page": 2, "with_count": "true"}), CONTACTS, "GET")
    second = assert_valid(await client.get(path, params={"per_page": 2, "page": 2}), CONTACTS, "GET")
    by_cursor = assert_valid(await client.get(path, params={"per_page": 2, "cursor": first["pagination"]["cursor"]["next"]}), CONTACTS, "GET")
    active = assert_valid(await client.get(path, params={"filter": "status==active", "with_count": "true"}), CONTACTS, "GET")
    by_email = assert_valid(await client.get(path, params={"filter": f"email=={made[2]['email'].upper()}"}), CONTACTS, "GET")

    assert first["pagination"]["count"] == 3 and [c["id"] for c in first["data"]] == [made[0]["id"], made[1]["id"]]
    assert [c["id"] for c in second["data"]] == [made[2]["id"]] == [c["id"] for c in by_cursor["data"]]
    assert "cursor" not in second["pagination"]
    assert active["pagination"]["count"] == 2 and [c["id"] for c in active["data"]] == [made[0]["id"], made[2]["id"]]
    assert [c["id"] for c in by_email["data"]] == [made[2]["id"]]


async def test_bounces_of_the_contacts_messages_are_counted(client, newsletter):
    contact = await add_contact(client, newsletter["id"])
    await _bounced_messages(client.user.account_id, contact["id"], contact["email"], ["SOFT_BOUNCE", "HARD_BOUNCE"])

    data = assert_valid(await client.get(f"/lists/{newsletter['id']}/contacts/{contact['id']}"), ONE, "GET")["data"]

    assert data["bounces_count"] == 2 and data["last_bounce_type"] == "hb"


async def test_import_adds_updates_and_reports_per_contact(client, newsletter):
    known = await add_contact(client, newsletter["id"], tags=None)
    await client.patch(f"/lists/{newsletter['id']}/contacts/{known['id']}", json={"tags": ["old"]})
    rows = [
        {"email": known["email"], "tags": ["new"], "custom_attributes": [{"name": "plan", "value": "pro"}]},
        {"email": "new.one@example.com", "interests": ["news"]},
        {"email": "new.two@example.com"},
    ]

    response = await client.post(f"/lists/{newsletter['id']}/import-contacts", json={"import_to": "active", "contacts": rows})

    assert response.status_code == 201, response.text
    body = assert_valid(response, IMPORT, "POST")
    assert body["imported"] is True and body["object"] == "contact" and body["errors"] == [] and len(body["id"]) == 3
    assert body["id"][0] == known["id"]
    by_email = {c["email"]: c for c in body["data"]}
    assert by_email[known["email"]]["tags"] == ["new"]  # remove_tags defaults to true
    assert by_email[known["email"]]["custom_attributes"] == [{"name": "first_name", "value": "Ada"}, {"name": "plan", "value": "pro"}]
    assert by_email["new.one@example.com"]["interests"] == ["news"] and by_email["new.two@example.com"]["status"] == "active"
    listed = assert_valid(await client.get(f"/lists/{newsletter['id']}/contacts", params={"with_count": "true"}), CONTACTS, "GET")
    assert listed["pagination"]["count"] == 3


async def test_import_to_unsubscribed_and_deleted(client, newsletter):
    a, b = await add_contact(client, newsletter["id"]), await add_contact(client, newsletter["id"])

    unsubscribed = await client.post(f"/lists/{newsletter['id']}/import-contacts",
                                     json={"import_to": "unsubscribed", "contacts": [{"email": a["email"]}]})
    deleted = await client.post(f"/lists/{newsletter['id']}/import-contacts",
                                json={"import_to": "deleted", "contacts": [{"email": b["email"]}, {"email": "stranger@example.com"}]})

    assert assert_valid(unsubscribed, IMPORT, "POST")["data"][0]["status"] == "unsubscribed"
    body = assert_valid(deleted, IMPORT, "POST")
    assert body["id"] == [b["id"]] and body["data"] == []
    assert body["errors"] == [{"loc": ["contacts", "1", "email"], "msg": "Contact not found", "code": 8001}]
    assert (await client.get(f"/lists/{newsletter['id']}/contacts/{b['id']}")).status_code == 404


async def test_an_audience_built_through_especial_receives_a_campaign(client, newsletter, mailbox):
    """Authenticate, add a sender, a list and contacts through Especial (the `newsletter` fixture and an import); launch a campaign to the list through
    the graph; the subscribed contacts get the mail, the unsubscribed one does not, and both sides agree."""
    people = [unique_email("reader") for _ in range(3)]
    response = await client.post(f"/lists/{newsletter['id']}/import-contacts", json={"contacts": [
        {"email": email, "custom_attributes": [{"name": "first_name", "value": f"Reader {i}"}]} for i, email in enumerate(people)]})
    ids = assert_valid(response, IMPORT, "POST")["id"]
    await client.post(f"/lists/{newsletter['id']}/contacts/{ids[2]}/unsubscribe")
    graph, tenant_id = client.user.tenant.graph, client.user.tenant.id
    template = (await graph("""mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { template { id } userErrors { code } } }""",
                            {"i": {"tenantId": tenant_id, "name": "News", "parts": [{"language": "en", "subject": "News for {{ email }}",
                                                                                       "text": "Hello {{ first_name }}"}]}}))
    campaign = (await graph("""mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id } userErrors { code } } }""",
                            {"i": {"tenantId": tenant_id, "name": "Launch", "templateId": template["createTemplate"]["template"]["id"],
                                   "listId": to_global_id("ContactList", newsletter["id"])}}))
    campaign_id = campaign["createCampaign"]["campaign"]["id"]

    launched = await graph("""mutation($id: ID!) { launchCampaign(input: {campaignId: $id}) { userErrors { code message } } }""", {"id": campaign_id})

    assert launched["launchCampaign"]["userErrors"] == []
    await eventually(lambda: all(mailbox.to(email) for email in people[:2]), timeout=30)
    mail = mailbox.to(people[0])[0].decode()
    sender = newsletter["default_sender"]  # the account's only sender, which the campaign sends from
    assert f"From: {sender['name']} <{sender['email']}>" in mail and f"News for {people[0]}" in mail and "Hello Reader 0" in mail
    messages = await graph("""query($id: ID!) { node(id: $id) { ... on Tenant { messages { nodes { recipient status } } } } }""", {"id": tenant_id})
    sent = {m["recipient"]: m["status"] for m in messages["node"]["messages"]["nodes"]}
    assert sent.get(people[0]) in ("SENT", "DELIVERED") and sent.get(people[1]) in ("SENT", "DELIVERED")
    assert not mailbox.to(people[2])
    statuses = assert_valid(await client.get(f"/lists/{newsletter['id']}/contacts", params={"filter": "status==unsubscribed"}), CONTACTS, "GET")
    assert [c["email"] for c in statuses["data"]] == [people[2]]


@pytest.mark.parametrize("body, loc", [
    ({}, ["body", "email"]),
    ({"email": "not an address"}, ["body", "email"]),
    ({"email": 42}, ["body", "email"]),
    ({"email": "a@example.com", "custom_attributes": [{"value": "x"}]}, ["body", "custom_attributes", "0", "name"]),
    ({"email": "a@example.com", "custom_attributes": {"name": "x"}}, ["body", "custom_attributes"]),
])
async def test_bad_contact_bodies_are_422_naming_the_field(client, newsletter, body, loc):
    response = await client.post(f"/lists/{newsletter['id']}/contacts", json=body)

    assert response.status_code == 422, response.text
    assert assert_valid(response, CONTACTS, "POST")["detail"][0]["loc"] == loc


@pytest.mark.parametrize("body, loc", [
    ({"contacts": []}, ["body", "contacts"]),
    ({"import_to": "archived", "contacts": [{"email": "a@example.com"}]}, ["body", "import_to"]),
    ({"contacts": [{"email": "a@example.com", "tags": ["not a tag!"]}]}, ["body", "contacts", "0", "tags", "0"]),
    ({"contacts": [{"email": "a@example.com"}, {"email": "broken"}]}, ["body", "contacts", "1", "email"]),
    ({"contacts": "a@example.com"}, ["body", "contacts"]),
])
async def test_bad_imports_are_422_and_import_nothing(client, newsletter, body, loc):
    response = await client.post(f"/lists/{newsletter['id']}/import-contacts", json=body)

    assert response.status_code == 422, response.text
    assert assert_valid(response, IMPORT, "POST")["detail"][0]["loc"] == loc
    count = assert_valid(await client.get(f"/lists/{newsletter['id']}/contacts", params={"with_count": "true"}), CONTACTS, "GET")
    assert count["pagination"]["count"] == 0


async def test_an_import_over_one_megabyte_is_413(client, newsletter):
    response = await client.post(f"/lists/{newsletter['id']}/import-contacts", content=oversized_json(), headers={"Content-Type": "application/json"})

    assert response.status_code == 413 and assert_valid(response, IMPORT, "POST")


@pytest.mark.parametrize("params, name", [
    ({"send_double_opt_in": "true"}, "send_double_opt_in"), ({"send_double_opt_in": "sometimes"}, "send_double_opt_in"),
    ({"resubscribe": "perhaps"}, "resubscribe"),
])
async def test_options_this_server_cannot_honour_are_refused(client, newsletter, params, name):
    response = await client.post(f"/lists/{newsletter['id']}/contacts", params=params, json=CONTACT)

    assert response.status_code == 422
    detail = assert_valid(response, CONTACTS, "POST")["detail"][0]
    assert detail["loc"] == ["body", name]


@pytest.mark.parametrize("params", [{"query": "email = 'a@example.com'"}, {"fiql": "email==a"}, {"filter": "tags==vip"},
                                    {"filter": "status==gone"}, {"sort": "-email"}, {"cursor": "not-a-cursor"}, {"per_page": "0"}])
async def test_contact_selections_this_server_cannot_apply_are_422(client, newsletter, params):
    response = await client.get(f"/lists/{newsletter['id']}/contacts", params=params)

    assert response.status_code == 422, response.text
    assert_valid(response, CONTACTS, "GET")


@pytest.mark.parametrize("method, path, contract", [
    ("GET", "/lists/{l}/contacts/{c}", ONE), ("PATCH", "/lists/{l}/contacts/{c}", ONE), ("DELETE", "/lists/{l}/contacts/{c}", ONE),
    ("POST", "/lists/{l}/contacts/{c}/unsubscribe", UNSUBSCRIBE),
])
async def test_unknown_contacts_and_lists_are_404(client, newsletter, method, path, contract):
    contact = await add_contact(client, newsletter["id"])
    other_list = await add_list(client, name="Elsewhere")
    body = {"tags": ["x"]} if method == "PATCH" else None

    for list_id, contact_id in ((newsletter["id"], 999999999), (999999999, contact["id"]), (other_list["id"], contact["id"])):
        response = await client.request(method, path.format(l=list_id, c=contact_id), json=body)
        assert response.status_code == 404, (list_id, contact_id, response.text)
        assert_valid(response, contract, method)
    malformed = await client.request(method, path.format(l=newsletter["id"], c="abc"), json=body)
    assert malformed.status_code == 422 and assert_valid(malformed, contract, method)


async def test_another_accounts_contacts_are_not_found_and_unchanged(client, other_client):
    theirs = await add_list(other_client)
    contact = await add_contact(other_client, theirs["id"])
    mine = await add_list(client)
    base = f"/lists/{theirs['id']}"

    attempts = [
        ("GET", f"{base}/contacts", None, CONTACTS), ("POST", f"{base}/contacts", CONTACT, CONTACTS),
        ("POST", f"{base}/import-contacts", {"contacts": [CONTACT]}, IMPORT),
        ("GET", f"{base}/contacts/{contact['id']}", None, ONE), ("PATCH", f"{base}/contacts/{contact['id']}", {"tags": ["x"]}, ONE),
        ("DELETE", f"{base}/contacts/{contact['id']}", None, ONE), ("POST", f"{base}/contacts/{contact['id']}/unsubscribe", None, UNSUBSCRIBE),
        ("GET", f"/lists/{mine['id']}/contacts/{contact['id']}", None, ONE),
    ]
    for method, path, body, contract in attempts:
        response = await client.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert_valid(response, contract, method)

    after = assert_valid(await other_client.get(f"{base}/contacts", params={"with_count": "true"}), CONTACTS, "GET")
    assert after["pagination"]["count"] == 1 and after["data"] == [contact]


async def _bounced_messages(tenant_id: int, contact_id: int, recipient: str, codes: list[str]) -> None:
    """Given: messages to the contact that bounced, oldest first (as delivery reports leave them)."""
    from domain.db import create_engine, session_factory
    from domain.messaging.models import Message, MessageStatus
    from tests.support.environment import DATABASE_URL

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            for code in codes:
                session.add(Message(tenant_id=tenant_id, recipient=recipient, contact_id=contact_id, status=MessageStatus.BOUNCED, error_code=code))
                await session.flush()
            await session.commit()
    finally:
        await engine.dispose()
