"""No send lost, none sent twice: worker crashes, a Redis outage, several workers and schedulers.

Each test runs its own `sendgraph serve` / `worker` / `scheduler` processes on a fresh database.
"""
from datetime import datetime, timedelta, timezone

import httpx

from schema.relay import to_global_id
from tests.e2e.processes import crash, free_port, run, running
from tests.e2e.stack import fresh_stack, message_statuses, private_redis, received, seed_campaign, wait_for

LAUNCH = """mutation($input: LaunchCampaignInput!) { launchCampaign(input: $input) { campaign { status } userErrors { code message } } }"""
SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id status } userErrors { code message } } }"""
TENANT = """query($slug: String!) { tenant(slug: $slug) { id } }"""


def graph(base: str, token: str, query: str, variables: dict) -> dict:
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def test_a_campaign_survives_two_worker_crashes_with_every_recipient_served_once(tmp_path, mailbox):
    stack = fresh_stack(tmp_path, SENDGRAPH_SENDING_TIMEOUT="3", SENDGRAPH_LAUNCH_CHUNK_SIZE="250")
    token, domain, campaign_id = seed_campaign(stack, slug="crash", recipients=2000)
    base = f"http://127.0.0.1:{free_port()}"
    worker_args = ("worker", "--processes", "1", "--threads", "4")
    with running("serve", "--port", base.rsplit(":", 1)[1], env=stack.env, cwd=tmp_path, ready_url=f"{base}/healthz"):
        launched = graph(base, token, LAUNCH, {"input": {"campaignId": to_global_id("Campaign", campaign_id)}})["launchCampaign"]
        assert launched["userErrors"] == []
        kills = 0
        for threshold in (300, 900):
            with running(*worker_args, env=stack.env, cwd=tmp_path) as worker:
                wait_for(lambda: len(received(mailbox, domain)) >= threshold, timeout=120, what=f"{threshold} deliveries")
                crash(worker)
                kills += 1
        with running(*worker_args, env=stack.env, cwd=tmp_path):
            wait_for(lambda: len(set(received(mailbox, domain))) == 2000, timeout=180, what="every recipient")
            wait_for(lambda: message_statuses(stack, campaign_id) == {"SENT": 2000}, timeout=60, what="every message SENT")

    deliveries = received(mailbox, domain)
    assert len(set(deliveries)) == 2000
    assert len(deliveries) <= 2000 + kills, f"{len(deliveries) - 2000} duplicates after {kills} kills"


def test_sends_accepted_while_redis_is_down_are_delivered_when_it_returns(tmp_path, mailbox):
    with private_redis() as redis_server:
        stack = fresh_stack(tmp_path, redis_url=redis_server.url)
        run("tenant", "create", "--slug", "outage", "--name", "Outage", env=stack.env, cwd=tmp_path)
        token = run("token", "create", "--tenant", "outage", env=stack.env, cwd=tmp_path)
        base = f"http://127.0.0.1:{free_port()}"
        domain = "outage.example.com"
        with running("serve", "--port", base.rsplit(":", 1)[1], env=stack.env, cwd=tmp_path, ready_url=f"{base}/healthz"), \
                running("worker", "--processes", "1", "--threads", "2", env=stack.env, cwd=tmp_path):
            tenant_id = graph(base, token, TENANT, {"slug": "outage"})["tenant"]["id"]
            redis_server.stop()

            for i in range(100):
                sent = graph(base, token, SEND, {"input": {"tenantId": tenant_id, "to": f"m{i}@{domain}", "subject": "s", "text": "t"}})
                assert sent["sendMessage"]["userErrors"] == [] and sent["sendMessage"]["message"]["status"] == "QUEUED"
            assert received(mailbox, domain) == []

            redis_server.start()
            wait_for(lambda: len(set(received(mailbox, domain))) == 100, timeout=120, what="100 deliveries after Redis returned")
    assert len(received(mailbox, domain)) == 100


def test_two_workers_and_two_schedulers_launch_a_scheduled_campaign_once(tmp_path, mailbox):
    stack = fresh_stack(tmp_path, SENDGRAPH_LAUNCH_CHUNK_SIZE="100")
    token, domain, campaign_id = seed_campaign(stack, slug="many", recipients=400)
    base = f"http://127.0.0.1:{free_port()}"
    with running("serve", "--port", base.rsplit(":", 1)[1], env=stack.env, cwd=tmp_path, ready_url=f"{base}/healthz"), \
            running("worker", "--no-scheduler", "--threads", "4", env=stack.env, cwd=tmp_path), \
            running("worker", "--no-scheduler", "--threads", "4", env=stack.env, cwd=tmp_path), \
            running("scheduler", env=stack.env, cwd=tmp_path), running("scheduler", env=stack.env, cwd=tmp_path):
        # Chosen once the stack is up: starting five processes on a busy machine can take longer than any fixed lead.
        at = datetime.now(timezone.utc) + timedelta(seconds=10)
        launched = graph(base, token, LAUNCH, {"input": {"campaignId": to_global_id("Campaign", campaign_id), "at": at.isoformat()}})
        assert launched["launchCampaign"]["campaign"]["status"] == "SCHEDULED"
        wait_for(lambda: len(received(mailbox, domain)) >= 400, timeout=120, what="400 deliveries")
        wait_for(lambda: message_statuses(stack, campaign_id) == {"SENT": 400}, timeout=60, what="400 messages SENT")

    deliveries = received(mailbox, domain)
    assert len(deliveries) == len(set(deliveries)) == 400
