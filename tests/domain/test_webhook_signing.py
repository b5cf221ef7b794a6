"""Webhook signatures follow Standard Webhooks exactly, so a receiver's existing library verifies them."""
import base64

from domain.webhooks import signing

# The published Standard Webhooks test vector (also used by the Svix libraries).
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = '{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_standard_webhooks_test_vector_reproduces_exactly():
    assert signing.sign(SECRET, webhook_id=ID, timestamp=TIMESTAMP, body=BODY) == SIGNATURE
    assert signing.sign(SECRET, webhook_id=ID, timestamp=TIMESTAMP, body=BODY.encode()) == SIGNATURE


def test_headers_carry_id_timestamp_and_signature():
    headers = signing.headers(SECRET, webhook_id=ID, body=BODY, timestamp=TIMESTAMP)
    assert headers == {"webhook-id": ID, "webhook-timestamp": str(TIMESTAMP), "webhook-signature": SIGNATURE}


def test_verify_accepts_the_vector_and_rejects_tampering():
    headers = {"Webhook-Id": ID, "Webhook-Timestamp": str(TIMESTAMP), "Webhook-Signature": SIGNATURE}
    assert signing.verify(SECRET, body=BODY, headers=headers, now=TIMESTAMP + 10)
    assert not signing.verify(SECRET, body=BODY.replace("2", "3"), headers=headers, now=TIMESTAMP)
    assert not signing.verify(SECRET, body=BODY, headers={**headers, "Webhook-Id": "msg_other"}, now=TIMESTAMP)
    assert not signing.verify(signing.generate_secret(), body=BODY, headers=headers, now=TIMESTAMP)
    assert not signing.verify(SECRET, body=BODY, headers={k: v for k, v in headers.items() if k != "Webhook-Signature"}, now=TIMESTAMP)


def test_verify_rejects_old_and_future_timestamps():
    headers = {"webhook-id": ID, "webhook-timestamp": str(TIMESTAMP), "webhook-signature": SIGNATURE}
    assert signing.verify(SECRET, body=BODY, headers=headers, now=TIMESTAMP + 300)
    assert not signing.verify(SECRET, body=BODY, headers=headers, now=TIMESTAMP + 301)
    assert not signing.verify(SECRET, body=BODY, headers=headers, now=TIMESTAMP - 301)
    assert not signing.verify(SECRET, body=BODY, headers={**headers, "webhook-timestamp": "soon"}, now=TIMESTAMP)


def test_one_valid_signature_among_several_is_enough():
    headers = {"webhook-id": ID, "webhook-timestamp": str(TIMESTAMP), "webhook-signature": f"v1,bm9wZQ== v1a,xyz {SIGNATURE}"}
    assert signing.verify(SECRET, body=BODY, headers=headers, now=TIMESTAMP)


def test_generated_secrets_are_whsec_and_32_random_bytes():
    first, second = signing.generate_secret(), signing.generate_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
