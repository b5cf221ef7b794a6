"""Postgres + Redis: the API only publishes; a separate `sendgraph worker` process delivers over SMTP."""
from email import message_from_bytes, policy

import httpx

from tests.e2e.flow import send_and_wait_until_sent
from tests.e2e.processes import environment, free_port, run, running
from tests.support.environment import DATABASE_NAME, DATABASE_URL, SMTP_PORT, TEST_REDIS_URL


def test_separate_worker_process_delivers_through_smtp(tmp_path, migrated, mailbox):
    env = environment(
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=TEST_REDIS_URL,
        SENDGRAPH_REDIS_NAMESPACE=f"{DATABASE_NAME}-e2e",  # its own queues: the in-test workers must not take these jobs
        SMTP_URL=f"smtp://127.0.0.1:{SMTP_PORT}",
        SECRET_KEY="production-profile-secret-key-for-hs256-tokens",
    )
    run("migrate", env=env, cwd=tmp_path)
    run("tenant", "create", "--slug", "prod-e2e", "--name", "Prod", env=env, cwd=tmp_path)
    token = run("token", "create", "--tenant", "prod-e2e", env=env, cwd=tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running("serve", "--port", str(port), env=env, cwd=tmp_path, ready_url=f"{base}/readyz"):
        ready = httpx.get(f"{base}/readyz").json()
        assert ready == {"status": "ready", "database": "ok", "broker": "ok"}
        with running("worker", "--processes", "1", "--threads", "2", env=env, cwd=tmp_path):
            node = send_and_wait_until_sent(base, token, "prod-e2e", "prod@example.com", timeout=60)
    [raw] = mailbox.to("prod@example.com")
    assert message_from_bytes(raw, policy=policy.default)["Message-ID"] == node["providerMessageId"]
    assert not (tmp_path / "var" / "outbox").exists()  # SMTP, not files
