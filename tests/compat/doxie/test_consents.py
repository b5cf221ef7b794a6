"""Doxie MPM consents over real HTTP: a double opt-in mail with a confirmation link, confirming by
following it (a doi.confirmed webhook), revoking one or all consents."""
from __future__ import annotations

import re
from email import message_from_bytes, policy

import httpx

from tests.support.fixtures import eventually

CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { id databaseId } userErrors { code message } } }"""
MEMBERS = """query($id: ID!) { node(id: $id) { ... on ContactList { members { nodes { status contact { email } } } } } }"""
CREATE_ENDPOINT = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { userErrors { code } } }"""
DOI_TEXT = "Hello {{ first_name }}, please confirm {{ purpose }}: {{ confirmation_url }}"


async def purpose(doxie, *, name: str = "Newsletter", double_opt_in: bool = True) -> dict:
    result = (await doxie.tenant.graph(CREATE_LIST, {"input": {"tenantId": doxie.tenant.id, "name": name, "doubleOptIn": double_opt_in}}))["createList"]
    assert result["userErrors"] == []
    return result["list"]


async def doi_setup(doxie) -> dict:
    template = await doxie.template(name="DOI mail", api_name="doi_mail", subject="Please confirm", text=DOI_TEXT)
    await doxie.event(slug="doi_mail", templates=[template])
    return await purpose(doxie)


def confirmation_path(raw: bytes) -> str:
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/doi/\S+)", text).group(1)


async def statuses(doxie, consent_purpose: dict) -> list[tuple[str, str]]:
    node = (await doxie.tenant.graph(MEMBERS, {"id": consent_purpose["id"]}))["node"]
    return [(m["contact"]["email"], m["status"]) for m in node["members"]["nodes"]]


async def test_a_consent_is_unconfirmed_until_the_link_in_the_doi_mail_is_posted(doxie, mailbox, api, receiver):
    newsletter = await doi_setup(doxie)
    await doxie.tenant.graph(CREATE_ENDPOINT, {"input": {"tenantId": doxie.tenant.id, "url": f"{receiver.url}/{doxie.tenant.slug}", "events": ["doi.confirmed"]}})
    address = f"ada.{doxie.tenant.slug}@example.com"

    async with doxie.public() as client:
        response = await client.post("/mpm/consents", json={
            "email": address, "purpose_id": newsletter["databaseId"], "event_slug": "doi_mail", "first_name": "Ada"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["error_message"] is None and body["process_uuid"]
    assert body["data"]["status"] == "unconfirmed"
    assert (body["data"]["purpose_id"], body["data"]["purpose"], body["data"]["email"]) == (newsletter["databaseId"], "Newsletter", address)
    assert await statuses(doxie, newsletter) == [(address, "PENDING")]
    mail = (await eventually(lambda: mailbox.to(address)))[0]
    assert "Hello Ada, please confirm Newsletter" in message_from_bytes(mail, policy=policy.default).get_body(("plain",)).get_content()
    link = confirmation_path(mail)

    async with httpx.AsyncClient(base_url=api.url) as browser:
        shown = await browser.get(link)  # what a mail scanner does: nothing is confirmed
        assert shown.status_code == 200 and "<form method=\"post\">" in shown.text
        assert await statuses(doxie, newsletter) == [(address, "PENDING")]
        confirmed = await browser.post(link)
        again = await browser.post(link)
        forged = await browser.post(link[:-3] + "xyz")

    assert confirmed.status_code == 200 and "confirmed" in confirmed.text
    assert again.status_code == 200
    assert forged.status_code == 404
    assert await statuses(doxie, newsletter) == [(address, "SUBSCRIBED")]
    webhook = (await eventually(lambda: receiver.to(f"/{doxie.tenant.slug}")))[0].json()
    assert webhook["identifier"] == body["data"]["identifier"]
    assert webhook["ipAddress"] == "127.0.0.1"
    assert webhook["timestamp"].endswith("Z")

    async with doxie.admin() as client:
        shown = (await client.get(f"/shared/processes/{body['process_uuid']}")).json()["data"]
    assert shown["process"]["type"] == "doi"
    assert [c["identifier"] for c in shown["confirmed_consents"]["items"]] == [body["data"]["identifier"]]
    assert shown["unconfirmed_consents"]["items"] == []


async def test_initiating_a_confirmed_consent_again_sends_nothing(doxie, mailbox, api):
    newsletter = await doi_setup(doxie)
    address = f"bob.{doxie.tenant.slug}@example.com"
    async with doxie.public() as client:
        await client.post("/mpm/consents", json={"email": address, "purpose_id": newsletter["databaseId"], "event_slug": "doi_mail"})
        link = confirmation_path((await eventually(lambda: mailbox.to(address)))[0])
        async with httpx.AsyncClient(base_url=api.url) as browser:
            await browser.post(link)

        again = await client.post("/mpm/consents", json={"email": address, "purpose_id": newsletter["databaseId"], "event_slug": "doi_mail"})

    assert again.status_code == 200
    assert again.json()["process_uuid"] is None
    assert again.json()["data"]["status"] == "confirmed"
    assert len(mailbox.to(address)) == 1


async def test_revoking_one_consent_and_then_all_of_a_contacts_consents(doxie, mailbox, api):
    newsletter = await doi_setup(doxie)
    offers = await purpose(doxie, name="Offers")
    address = f"cleo.{doxie.tenant.slug}@example.com"
    async with doxie.public() as client:
        for consent_purpose in (newsletter, offers):
            started = await client.post("/mpm/consents", json={"email": address, "purpose_id": consent_purpose["databaseId"], "event_slug": "doi_mail"})
            assert started.status_code == 200, started.text
        links = [confirmation_path(raw) for raw in await eventually(lambda: len(mailbox.to(address)) == 2 and mailbox.to(address))]

        one = await client.post("/mpm/consents/revoke", json={"email": address, "purpose_id": newsletter["databaseId"]})
        rest = await client.post("/mpm/consents/revoke", json={"email": address})
        nothing_left = await client.post("/mpm/consents/revoke", json={"email": address, "purpose_id": offers["databaseId"]})

    assert one.status_code == 200, one.text
    assert [(c["purpose"], c["status"]) for c in one.json()["data"]["revoked"]] == [("Newsletter", "revoked")]
    assert [(c["purpose"], c["status"]) for c in rest.json()["data"]["revoked"]] == [("Offers", "revoked")]
    assert (nothing_left.status_code, nothing_left.json()["error"]) == (404, "CONSENT_NOT_FOUND")
    assert await statuses(doxie, newsletter) == [(address, "UNSUBSCRIBED")]
    async with httpx.AsyncClient(base_url=api.url) as browser:
        late = await browser.post(links[0])  # a revoked consent cannot be confirmed any more
    assert late.status_code == 409
    assert await statuses(doxie, offers) == [(address, "UNSUBSCRIBED")]


async def test_consent_requests_that_cannot_work_are_refused(doxie, stranger):
    newsletter = await doi_setup(doxie)
    plain = await purpose(doxie, name="Plain", double_opt_in=False)
    foreign = await purpose(stranger, name="Theirs")

    async with doxie.public() as client:
        no_purpose = await client.post("/mpm/consents", json={"email": "x@example.com", "event_slug": "doi_mail"})
        bad_purpose = await client.post("/mpm/consents", json={"email": "x@example.com", "purpose_id": "first", "event_slug": "doi_mail"})
        not_doi = await client.post("/mpm/consents", json={"email": "x@example.com", "purpose_id": plain["databaseId"], "event_slug": "doi_mail"})
        theirs = await client.post("/mpm/consents", json={"email": "x@example.com", "purpose_id": foreign["databaseId"], "event_slug": "doi_mail"})
        no_event = await client.post("/mpm/consents", json={"email": "x@example.com", "purpose_id": newsletter["databaseId"]})
        no_address = await client.post("/mpm/consents", json={"purpose_id": newsletter["databaseId"], "event_slug": "doi_mail"})
        bad_address = await client.post("/mpm/consents", json={"email": "not-an-address", "purpose_id": newsletter["databaseId"], "event_slug": "doi_mail"})
        unknown_contact = await client.post("/mpm/consents/revoke", json={"email": "nobody@example.com"})
        not_an_object = await client.post("/mpm/consents/revoke", json=["x@example.com"])

    expected = [(no_purpose, 422, "REQUIRED"), (bad_purpose, 422, "INVALID_TYPE"), (not_doi, 422, "NOT_DOUBLE_OPT_IN"),
                (theirs, 404, "NOT_FOUND"), (no_event, 422, "DOI_EVENT_REQUIRED"), (no_address, 422, "REQUIRED"),
                (bad_address, 422, "INVALID_ADDRESS"), (unknown_contact, 404, "CONTACT_NOT_FOUND"), (not_an_object, 422, "INVALID_BODY")]
    for response, status, code in expected:
        assert (response.status_code, response.json()["error"]) == (status, code), response.text
        assert response.json()["success"] is False
    assert await statuses(stranger, foreign) == []
