"""Outgoing webhooks, end to end: a mutation commits, a worker fans the event out and POSTs it, signed,
to a real HTTP receiver; failures are retried with backoff and every attempt is readable in the graph."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from domain.db import create_engine, session_factory
from domain.outbox.models import OutboxRecord
from domain.webhooks import signing
from tests.support.environment import DATABASE_URL
from tests.support.fixtures import eventually

CREATE = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { webhookEndpoint { id } signingSecret userErrors { field code message } } }"""
SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id databaseId } userErrors { code } } }"""
DELIVERIES = """query($id: ID!) { node(id: $id) { ... on WebhookEndpoint {
  deliveries { totalCount nodes { event attempt webhookId responseStatus responseBody error succeeded createdAt payload } } } } }"""
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }"""
CREATE_EVENT = """mutation($input: CreateEventInput!) { createEvent(input: $input) { event { slug } userErrors { code message } } }"""
TRIGGER = """mutation($input: TriggerEventInput!) { triggerEvent(input: $input) { process { id uuid } userErrors { code message } } }"""
CANCEL = """mutation($id: ID!) { cancelProcess(input: {processId: $id}) { process { status cancelledAt } userErrors { code } } }"""
PROCESS_DELIVERIES = """query($id: ID!) { node(id: $id) { ... on Process {
  webhookDeliveries { totalCount nodes { event attempt responseStatus endpoint { id } } } } } }"""


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A local HTTP server that records every request and answers each path with a script of statuses (then 200)."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    scripts: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def answer(self, path: str, *statuses: int) -> None:
        self.scripts[path] = list(statuses)


@pytest.fixture(scope="module")
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with state.lock:
                state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                script = state.scripts.get(self.path)
                status = script.pop(0) if script else 200
            answer = b'{"ok": true}' if status < 300 else b"receiver is down"
            self.send_response(status)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def independently_verified(secret: str, request: Received) -> bool:
    """The algorithm as the README documents it, written out again without sendgraph's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode() + request.body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return abs(time.time() - int(request.headers["webhook-timestamp"])) < 300 and any(
        hmac.compare_digest(expected, candidate) for candidate in request.headers["webhook-signature"].split(" ")
    )


async def create_endpoint(tenant, url: str, **fields) -> tuple[str, str]:
    payload = (await tenant.graph(CREATE, {"input": {"tenantId": tenant.id, "url": url, **fields}}))["createWebhookEndpoint"]
    assert payload["userErrors"] == []
    return payload["webhookEndpoint"]["id"], payload["signingSecret"]


async def deliveries(tenant, endpoint_id: str) -> dict:
    return (await tenant.graph(DELIVERIES, {"id": endpoint_id}))["node"]["deliveries"]


async def send(tenant, to: str, **fields) -> dict:
    data = await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": to, "subject": "Hi {{ name }}", "text": "Hello {{ name }}",
                                               "data": {"name": "Ada"}, **fields}})
    assert data["sendMessage"]["userErrors"] == []
    return data["sendMessage"]["message"]


async def test_a_sent_message_is_posted_as_a_signed_message_sent_webhook(make_tenant, receiver):
    tenant = await make_tenant()
    path = f"/{tenant.slug}/sent"
    endpoint_id, secret = await create_endpoint(tenant, receiver.url + path, events=["message.sent"])
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32

    message = await send(tenant, "ada@example.com")

    [request] = await eventually(lambda: receiver.to(path))
    assert independently_verified(secret, request)
    assert signing.verify(secret, body=request.body, headers=request.headers)
    assert not signing.verify(secret, body=request.body.replace(b"Ada", b"Eve"), headers=request.headers)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-event"] == "message.sent"
    assert "authorization" not in request.headers
    body = request.json()
    assert body["message_id"] == message["databaseId"]
    assert body["message_type"] == "email"
    assert body["recipient"] == "ada@example.com"
    assert (body["subject"], body["text"]) == ("Hi Ada", "Hello Ada")
    assert body["original_tenant_slug"] == tenant.slug
    assert body["original_payload"] == {"name": "Ada"}
    assert body["process_id"] is None  # a transactional send belongs to no process
    assert body["timestamp"].endswith("Z")

    history = await eventually(lambda: _settled(tenant, endpoint_id, 1))
    [attempt] = history["nodes"]
    assert (attempt["event"], attempt["attempt"], attempt["responseStatus"], attempt["error"], attempt["succeeded"]) == (
        "message.sent", 1, 200, None, True)
    assert attempt["webhookId"] == request.headers["webhook-id"]
    assert attempt["payload"] == body


async def test_basic_auth_is_sent_when_the_endpoint_has_it(make_tenant, receiver):
    tenant = await make_tenant()
    path = f"/{tenant.slug}/auth"
    await create_endpoint(tenant, receiver.url + path, basicAuthUsername="hook", basicAuthPassword="s3cr3t:pw")

    await send(tenant, "auth@example.com")

    [request] = await eventually(lambda: receiver.to(path))
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"hook:s3cr3t:pw").decode()


async def test_a_failing_receiver_is_retried_with_backoff_and_every_attempt_is_recorded(make_tenant, receiver):
    tenant = await make_tenant()
    path = f"/{tenant.slug}/flaky"
    receiver.answer(path, 500, 500)  # then 200
    endpoint_id, secret = await create_endpoint(tenant, receiver.url + path)

    await send(tenant, "flaky@example.com")

    requests = await eventually(lambda: len(receiver.to(path)) == 3 and receiver.to(path), timeout=40)
    assert len({r.headers["webhook-id"] for r in requests}) == 1  # the same delivery, retried
    assert all(independently_verified(secret, r) for r in requests)  # each attempt signed afresh
    assert requests[0].body == requests[2].body

    history = await eventually(lambda: _settled(tenant, endpoint_id, 3))
    assert history["totalCount"] == 3
    assert [(a["attempt"], a["responseStatus"], a["error"], a["succeeded"]) for a in history["nodes"]] == [
        (3, 200, None, True), (2, 500, "HTTP 500", False), (1, 500, "HTTP 500", False),
    ]
    assert {a["responseBody"] for a in history["nodes"][1:]} == {"receiver is down"}
    assert {a["webhookId"] for a in history["nodes"]} == {requests[0].headers["webhook-id"]}
    await _stays(lambda: len(receiver.to(path)) == 3)  # delivered: no fourth attempt


async def test_a_tenant_never_receives_another_tenants_events(make_tenant, receiver):
    tenant_a, tenant_b = await make_tenant(), await make_tenant()
    a_path, b_path, b_other = f"/{tenant_a.slug}/all", f"/{tenant_b.slug}/all", f"/{tenant_b.slug}/cancellations"
    a_endpoint, _ = await create_endpoint(tenant_a, receiver.url + a_path)
    b_endpoint, _ = await create_endpoint(tenant_b, receiver.url + b_path)
    b_cancellations, _ = await create_endpoint(tenant_b, receiver.url + b_other, events=["process.cancelled"])

    await send(tenant_b, "b@example.com")

    [request] = await eventually(lambda: receiver.to(b_path))
    assert request.json()["original_tenant_slug"] == tenant_b.slug
    await eventually(lambda: _settled(tenant_b, b_endpoint, 1))
    assert (await deliveries(tenant_a, a_endpoint))["totalCount"] == 0
    assert (await deliveries(tenant_b, b_cancellations))["totalCount"] == 0  # not subscribed to message.sent
    assert receiver.to(a_path) == [] and receiver.to(b_other) == []
    # and A cannot read B's endpoint or its history
    assert (await tenant_a.graph(DELIVERIES, {"id": b_endpoint}))["node"] is None


async def test_a_failed_message_is_posted_as_message_failed(make_tenant, receiver):
    tenant = await make_tenant()
    path = f"/{tenant.slug}/failed"
    await create_endpoint(tenant, receiver.url + path, events=["message.failed"])

    message = await send(tenant, "broken@example.com", text="{{ ''.__class__.__mro__ }}")

    [request] = await eventually(lambda: receiver.to(path))
    body = request.json()
    assert request.headers["webhook-event"] == "message.failed"
    assert (body["message_id"], body["status"], body["error_code"]) == (message["databaseId"], "failed", "RENDER_FAILED")


async def test_cancelling_a_process_posts_process_cancelled(make_tenant, receiver):
    tenant = await make_tenant()
    path = f"/{tenant.slug}/cancelled"
    endpoint_id, secret = await create_endpoint(tenant, receiver.url + path, events=["process.cancelled"])
    template = (await tenant.graph(CREATE_TEMPLATE, {"input": {
        "tenantId": tenant.id, "name": "Reminder", "parts": [{"language": "en", "subject": "Reminder", "text": "Order {{ order_id }}"}],
    }}))["createTemplate"]["template"]["id"]
    created = (await tenant.graph(CREATE_EVENT, {"input": {
        "tenantId": tenant.id, "slug": "reminder", "name": "Reminder", "templateIds": [template], "parameters": [{"name": "email"}],
    }}))["createEvent"]
    assert created["userErrors"] == []
    payload = {"email": f"p.{tenant.slug}@example.com", "order_id": "B-9"}
    process = (await tenant.graph(TRIGGER, {"input": {"tenantId": tenant.id, "eventSlug": "reminder", "payload": payload}}))["triggerEvent"]["process"]

    cancelled = (await tenant.graph(CANCEL, {"id": process["id"]}))["cancelProcess"]
    assert cancelled["userErrors"] == []

    [request] = await eventually(lambda: receiver.to(path))
    assert independently_verified(secret, request)
    body = request.json()
    assert body["process_uuid"] == process["uuid"]
    assert body["original_payload"] == payload
    assert body["cancellation_timestamp"].endswith("Z")

    async def process_history():
        history = (await tenant.graph(PROCESS_DELIVERIES, {"id": process["id"]}))["node"]["webhookDeliveries"]
        return history if history["nodes"] and history["nodes"][0]["responseStatus"] == 200 else None

    history = await eventually(process_history)
    assert [(d["event"], d["attempt"], d["endpoint"]["id"]) for d in history["nodes"]] == [("process.cancelled", 1, endpoint_id)]


async def _settled(tenant, endpoint_id: str, count: int) -> dict | None:
    """The endpoint's history once it holds `count` attempts, none of them pending."""
    history = await deliveries(tenant, endpoint_id)
    nodes = history["nodes"]
    if len(nodes) == count and all(n["responseStatus"] is not None or n["error"] is not None for n in nodes):
        return history
    return None


async def _stays(check, seconds: float = 3.0) -> None:
    import asyncio

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert check()
        await asyncio.sleep(0.2)


MESSAGE_STATUS = """query($id: ID!) { node(id: $id) { ... on Message { status } } }"""


async def test_a_tenant_without_webhook_endpoints_gets_no_webhook_job_per_sent_message(make_tenant):
    tenant = await make_tenant()
    sent = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": "quiet@example.com", "subject": "s", "text": "t"}}))["sendMessage"]
    assert sent["userErrors"] == []

    async def status():
        return (await tenant.graph(MESSAGE_STATUS, {"id": sent["message"]["id"]}))["node"]["status"] == "SENT"

    await eventually(status, timeout=30)
    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            webhook_jobs = (await session.execute(select(func.count()).select_from(OutboxRecord).where(
                OutboxRecord.job == "emit_webhooks", OutboxRecord.kwargs["tenant_id"].as_integer() == tenant.account_id))).scalar_one()
    finally:
        await engine.dispose()
    assert webhook_jobs == 0
