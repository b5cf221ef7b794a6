"""Especial transactional email (POST /emails) over real HTTP: delivered by the workers to the mailbox,
readable in the graph; bad input and other accounts get Especial's errors."""
from __future__ import annotations

import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import body_of, graph_messages, make_sender, received, unique_email
from tests.support.fixtures import eventually


def email_body(to: str, sender_id: int, **content) -> dict:
    """The seed's request sample for "Send a transactional email"."""
    return {
        "email": to,
        "group_id": 1,
        "tracking": {"opens": True, "clicks_html": True, "clicks_text": True},
        "sender": {"id": str(sender_id), "name": "Acme Support"},
        "additional_headers": [{"name": "X-Order", "value": "A-1001"}],
        "content": content or {"subject": "Your order", "html": "<p>Thanks for order A-1001</p>", "text": "Thanks for order A-1001",
                               "encoding": "utf-8"},
    }


@pytest.fixture
async def sender_id(client) -> int:
    return await make_sender(client.user.tenant, name="Acme News", address="news@acme.example")


async def test_email_is_delivered_with_its_sender_and_headers(client, sender_id, mailbox):
    to = unique_email()
    response = await client.post("/emails", json=email_body(to, sender_id))
    assert response.status_code == 201, response.text
    body = assert_valid(response, "/emails", "POST")
    assert body["email"] == to and body["object"] == "email" and body["sent"] is True

    mails = await eventually(lambda: received(mailbox, to))
    mail = mails[0]
    assert mail["Subject"] == "Your order" and mail["X-Order"] == "A-1001"
    assert mail["From"] == "Acme Support <news@acme.example>"
    assert "Thanks for order A-1001" in body_of(mail, "html") and "Thanks for order A-1001" in body_of(mail, "plain")
    assert "List-Unsubscribe" not in mail  # transactional mail is not marketing

    async def sent():
        messages = await graph_messages(client.user.tenant, to)
        return messages if messages and messages[0]["status"] == "SENT" else None

    message = (await eventually(sent))[0]
    assert message["databaseId"] == body["data"]["id"] and message["subject"] == "Your order"


async def test_email_with_a_template_renders_its_custom_attributes(client, sender_id, mailbox):
    response = await client.post("/templates", json={"name": "Receipt", "content": {"type": "html", "subject": "Receipt for {{ first_name }}",
                                                                                      "html": "<p>Dear {{ first_name }}, total {{ total }}</p>"}})
    template_id = response.json()["id"]
    to = unique_email()
    content = {"subject": "ignored: the template has one", "template": {"id": template_id, "custom_attributes": [
        {"name": "first_name", "value": "Ada"}, {"name": "total", "value": "42 EUR"}]}}
    response = await client.post("/emails", json=email_body(to, sender_id, **content))
    assert response.status_code == 201, response.text
    assert_valid(response, "/emails", "POST")
    mail = (await eventually(lambda: received(mailbox, to)))[0]
    assert mail["Subject"] == "Receipt for Ada"
    assert "Dear Ada, total 42 EUR" in body_of(mail)


async def test_attachments_are_refused_honestly(client, sender_id):
    body = {**email_body(unique_email(), sender_id), "attachment": {"filename": "invoice.pdf", "type": "pdf", "content": "JVBERi0xLjQK"}}
    response = await client.post("/emails", json=body)
    assert response.status_code == 422
    detail = assert_valid(response, "/emails", "POST")["detail"]
    assert detail[0]["loc"] == ["body", "attachment"] and "not supported" in detail[0]["msg"]


@pytest.mark.parametrize("change, loc", [
    (lambda b: b.pop("email"), ["body", "email"]),
    (lambda b: b.pop("sender"), ["body", "sender"]),
    (lambda b: b.pop("content"), ["body", "content"]),
    (lambda b: b.update(email="not-an-address"), ["body", "email"]),
    (lambda b: b.update(group_id="one"), ["body", "group_id"]),
    (lambda b: b.update(group_id=0), ["body", "group_id"]),
    (lambda b: b["content"].pop("subject"), ["body", "content", "subject"]),
    (lambda b: b["content"].update(html=None, text=None), ["body", "content", "html"]),
    (lambda b: b["content"].pop("html") and b["content"].pop("text"), ["body", "content", "html"]),
    (lambda b: b["content"].update(html="{% if %}"), ["body", "content", "html"]),
    (lambda b: b["content"].update(template={"id": "x"}), ["body", "content", "template", "id"]),
    (lambda b: b.update(additional_headers=[{"name": "From", "value": "ceo@bank.example"}]), ["body", "additional_headers"]),
    (lambda b: b.update(additional_headers=[{"name": "X-Bad", "value": "a\r\nBcc: x@y.example"}]), ["body", "additional_headers"]),
    (lambda b: b.update(queue=5), ["body", "queue"]),
])
async def test_bad_email_bodies_are_422_naming_the_field(client, sender_id, change, loc):
    body = email_body(unique_email(), sender_id)
    change(body)
    response = await client.post("/emails", json=body)
    assert response.status_code == 422, response.text
    assert assert_valid(response, "/emails", "POST")["detail"][0]["loc"] == loc


async def test_unknown_sender_or_template_and_oversized_bodies_are_errors_not_500(client, sender_id):
    for body in (email_body(unique_email(), 987654321), email_body(unique_email(), sender_id, subject="s", template={"id": 987654321})):
        response = await client.post("/emails", json=body)
        assert response.status_code == 404, response.text
        assert_valid(response, "/emails", "POST")
    response = await client.post("/emails", json=email_body(unique_email(), sender_id, subject="big", html="x" * 1_100_000))
    assert response.status_code == 413
    assert_valid(response, "/emails", "POST")
    response = await client.post("/emails", content=b"", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert_valid(response, "/emails", "POST")


async def test_another_account_cannot_send_with_this_accounts_sender_or_template(client, other_client, sender_id, mailbox):
    template_id = (await client.post("/templates", json={"name": "T", "content": {"type": "html", "subject": "s", "html": "<p>x</p>"}})).json()["id"]
    to = unique_email()
    response = await other_client.post("/emails", json=email_body(to, sender_id))
    assert response.status_code == 404
    assert_valid(response, "/emails", "POST")
    own_sender = await make_sender(other_client.user.tenant)
    response = await other_client.post("/emails", json=email_body(to, own_sender, subject="s", template={"id": template_id}))
    assert response.status_code in (404, 422), response.text
    assert_valid(response, "/emails", "POST")
    response = await other_client.post("/emails", json=email_body(to, sender_id), params={"account_id": client.user.account_id})
    assert response.status_code in (403, 404)
    assert await graph_messages(client.user.tenant, to) == [] and received(mailbox, to) == []


async def test_sending_needs_a_token_with_write_access(anonymous, make_user, login, make_tenant, sender_id, client):
    response = await anonymous.post("/emails", json=email_body(unique_email(), sender_id))
    assert response.status_code == 401
    assert_valid(response, "/emails", "POST")
    reader = await login(await make_user(tenant=client.user.tenant, role="read"))
    response = await reader.post("/emails", json=email_body(unique_email(), sender_id))
    assert response.status_code == 403
    assert_valid(response, "/emails", "POST")
