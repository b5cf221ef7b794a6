"""External contents: the node's mail and SMS models, and the test email of a step's mail (one transactional
message, delivered by the workers)."""
import secrets
from email import message_from_bytes, policy

from tests.compat.contactflow.conftest import error_codes
from tests.support.fixtures import eventually

# The seed's request sample for POST /external-contents/test-email.
TEST_EMAIL_SAMPLE = {
    "modelIdentifier": 0, "senderName": "string", "senderEmail": "string", "senderReplyTo": "string", "subject": "string",
    "htmlContent": "string", "textContent": "string", "customRef": "string", "email": "string", "attributes": [],
}
MESSAGE = """query($slug: String!, $to: String!) { tenant(slug: $slug) { messages(filter: {recipient: $to}) { nodes { status externalId sender } } } }"""


def address() -> str:
    return f"tester.{secrets.token_hex(4)}@example.com"


async def test_a_test_email_with_inline_content_is_delivered_with_its_sender_and_reply_to(cf, mailbox):
    to = address()
    body = {**TEST_EMAIL_SAMPLE, "senderName": "Shop Team", "senderEmail": "team@shop.example", "senderReplyTo": "help@shop.example",
            "subject": "Preview for {{ firstName }}", "htmlContent": "<p>Hi {{ firstName }}</p>", "textContent": "Hi {{ firstName }}",
            "customRef": "preview-1", "email": to, "attributes": [{"key": "firstName", "value": "Ada"}]}

    response = await cf.post("/external-contents/test-email", json=body)

    assert response.status_code == 204, response.text
    raw = await eventually(lambda: mailbox.to(to))
    mail = message_from_bytes(raw[0], policy=policy.default)
    assert str(mail["Subject"]) == "Preview for Ada" and mail.get_body(("plain",)).get_content().strip() == "Hi Ada"
    assert str(mail["From"]) == "Shop Team <team@shop.example>" and str(mail["Reply-To"]) == "help@shop.example"
    [message] = (await cf.tenant.graph(MESSAGE, {"slug": cf.tenant.slug, "to": to}))["tenant"]["messages"]["nodes"]
    assert message["externalId"] == "preview-1"


async def test_a_test_email_of_a_mail_model_renders_the_model(cf, mailbox):
    to = address()
    model = await cf.mail_model(subject="Model for {{ firstName }}", text="Model body")

    response = await cf.post("/external-contents/test-email", json={
        **TEST_EMAIL_SAMPLE, "modelIdentifier": model, "senderName": None, "senderEmail": None, "senderReplyTo": None,
        "subject": None, "htmlContent": None, "textContent": None, "email": to, "attributes": [{"name": "firstName", "value": "Bo"}]})

    assert response.status_code == 204, response.text
    raw = await eventually(lambda: mailbox.to(to))
    assert str(message_from_bytes(raw[0], policy=policy.default)["Subject"]) == "Model for Bo"


async def test_a_test_email_needs_a_node_of_the_caller_and_valid_input(cf, other):
    sample_as_is = await cf.post("/external-contents/test-email", json=TEST_EMAIL_SAMPLE)  # "string" is no address
    cases = {
        "no recipient": await cf.post("/external-contents/test-email", json={"subject": "s", "textContent": "t"}),
        "no content": await cf.post("/external-contents/test-email", json={"email": address()}),
        "attributes not a list": await cf.post("/external-contents/test-email", json={"email": address(), "subject": "s", "textContent": "t", "attributes": {}}),
        "attribute without key": await cf.post("/external-contents/test-email", json={"email": address(), "subject": "s", "textContent": "t", "attributes": [{"value": 1}]}),
        "model not a number": await cf.post("/external-contents/test-email", json={"email": address(), "modelIdentifier": "m"}),
    }
    foreign = await other.post("/external-contents/test-email", json={"email": address(), "subject": "s", "textContent": "t"}, node=cf.node)
    unknown_model = await cf.post("/external-contents/test-email", json={"email": address(), "modelIdentifier": 999999})

    assert sample_as_is.status_code == 400 and error_codes(sample_as_is) == ["INVALID_ADDRESS"]
    for case, response in cases.items():
        assert response.status_code == 400, (case, response.text)
        error_codes(response)
    assert foreign.status_code == 403 and error_codes(foreign) == ["FORBIDDEN"]
    assert unknown_model.status_code == 404


async def test_mail_and_sms_models_are_the_nodes_templates_of_that_channel(cf, other):
    mail = await cf.mail_model()
    sms = await cf.mail_model(channel="SMS", text="Hi")
    await other.mail_model()

    mails = await cf.get("/external-contents/mail-models")
    texts = await cf.get("/external-contents/sms-models")

    assert mails.status_code == 200 and [m["id"] for m in mails.json()] == [mail]
    assert set(mails.json()[0]) == {"id", "name"}
    assert [m["id"] for m in texts.json()] == [sms]


async def test_models_need_a_node_the_caller_may_operate_on(cf, other):
    foreign = await other.get("/external-contents/mail-models", node=cf.node)
    missing = await cf.get("/external-contents/sms-models", node="", headers={"Node": ""})

    assert foreign.status_code == 403 and error_codes(foreign) == ["FORBIDDEN"]
    assert missing.status_code == 400 and error_codes(missing) == ["NODE_REQUIRED"]
