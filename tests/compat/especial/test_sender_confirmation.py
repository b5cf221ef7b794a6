"""Especial sender confirmation over real HTTP: resend-confirmation-email mails the sender's address a signed
confirmation id through the workers; confirm-email (no token needed: the id is the proof) marks the sender confirmed."""
from __future__ import annotations

import re

from tests.compat.especial.audience_fixtures import add_sender
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import body_of, received
from tests.compat.especial.test_system_emails import add_template
from tests.support.fixtures import eventually

RESEND, CONFIRM = "/brands/default/senders/{sender_id}/resend-confirmation-email", "/brands/default/senders/confirm-email"
ONE = "/brands/default/senders/{sender_id}"
CONFIRMATION_ID = re.compile(r"\b(\d+\.[A-Za-z0-9_-]{24})(?![A-Za-z0-9_-])")


async def mailed_confirmation_id(mailbox, address: str, subtype: str = "plain") -> tuple[str, object]:
    mail = (await eventually(lambda: received(mailbox, address)))[-1]
    return CONFIRMATION_ID.search(body_of(mail, subtype)).group(1), mail


async def test_the_mailed_confirmation_id_confirms_the_sender(client, anonymous, mailbox):
    sender = await add_sender(client)

    response = await client.post(RESEND.format(sender_id=sender["id"]))

    assert response.status_code == 200, response.text
    assert assert_valid(response, RESEND, "POST") == {"id": sender["id"], "resent": True, "object": "sender"}
    confirmation_id, mail = await mailed_confirmation_id(mailbox, sender["email"])
    assert sender["email"] in mail["Subject"] and confirmation_id.startswith(f"{sender['id']}.")
    shown = assert_valid(await client.get(ONE.format(sender_id=sender["id"])), ONE, "GET")["data"]
    assert shown["confirmed"] is False and isinstance(shown["last_confirmation_sent_on"], int)

    confirmed = await anonymous.post(CONFIRM, json={"confirmation_id": confirmation_id})  # the seed's sample, from the mail

    assert confirmed.status_code == 200, confirmed.text
    body = assert_valid(confirmed, CONFIRM, "POST")
    assert body["confirmed"] is True and body["object"] == "sender"
    assert body["data"]["id"] == sender["id"] and body["data"]["confirmed"] is True and isinstance(body["data"]["confirmed_on"], int)
    assert assert_valid(await client.get(ONE.format(sender_id=sender["id"])), ONE, "GET")["data"]["confirmed"] is True
    # Confirming again changes nothing; a confirmed sender gets no more mail.
    assert (await anonymous.post(CONFIRM, json={"confirmation_id": confirmation_id})).status_code == 200
    again = await client.post(RESEND.format(sender_id=sender["id"]))
    assert again.status_code == 422 and assert_valid(again, RESEND, "POST")["detail"][0]["type"] == "value_error.sender_already_confirmed"


async def test_the_configured_sender_confirm_template_and_sender_are_used(client, anonymous, mailbox):
    system_sender = await add_sender(client, name="Acme Accounts")
    template_id = await add_template(client, content={"type": "html", "subject": "Confirm {{ sender_email }}",
                                                      "html": "<p>Your code: <b>{{ confirmation_id }}</b></p>"})
    await client.put("/brands/default/system-emails", json={"sender_confirm": [
        {"language": "fr", "template": {"id": template_id}, "sender": {"id": system_sender["id"]}}]})
    sender = await add_sender(client, language="fr_FR")

    assert (await client.post(RESEND.format(sender_id=sender["id"]))).status_code == 200

    confirmation_id, mail = await mailed_confirmation_id(mailbox, sender["email"], "html")
    assert mail["Subject"] == f"Confirm {sender['email']}" and mail["From"] == f"Acme Accounts <{system_sender['email']}>"
    assert (await anonymous.post(CONFIRM, json={"confirmation_id": confirmation_id})).status_code == 200


async def test_a_forged_or_altered_confirmation_id_is_a_404(client, anonymous, mailbox):
    sender = await add_sender(client)
    await client.post(RESEND.format(sender_id=sender["id"]))
    confirmation_id, _ = await mailed_confirmation_id(mailbox, sender["email"])
    other = await add_sender(client)

    for forged in (f"{sender['id']}.{'A' * 24}", confirmation_id.replace(sender["id"], other["id"], 1), "nonsense", f"{confirmation_id}x"):
        response = await anonymous.post(CONFIRM, json={"confirmation_id": forged})
        assert response.status_code == 404, (forged, response.text)
        assert assert_valid(response, CONFIRM, "POST")["detail"][0]["loc"] == ["body", "confirmation_id"]
    assert assert_valid(await client.get(ONE.format(sender_id=other["id"])), ONE, "GET")["data"]["confirmed"] is False


async def test_an_empty_confirmation_id_is_a_422(anonymous):
    response = await anonymous.post(CONFIRM, json={"confirmation_id": ""})

    assert response.status_code == 422
    assert assert_valid(response, CONFIRM, "POST")["detail"][0]["loc"] == ["body", "confirmation_id"]


async def test_another_accounts_sender_gets_no_confirmation_mail(client, other_client, mailbox):
    sender = await add_sender(client)

    response = await other_client.post(RESEND.format(sender_id=sender["id"]))

    assert response.status_code == 404
    assert assert_valid(response, RESEND, "POST")["detail"][0]["loc"] == ["body", "sender_id"]
    assert received(mailbox, sender["email"]) == []
