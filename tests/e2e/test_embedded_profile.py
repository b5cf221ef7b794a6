"""With no configuration at all: SQLite, in-process workers, .eml files in var/outbox."""
from email import message_from_bytes, policy

import httpx

from tests.e2e.flow import send_and_wait_until_sent
from tests.e2e.processes import environment, free_port, run, running


def test_tenant_token_and_send_message_write_an_eml_file(tmp_path):
    env = environment()
    run("tenant", "create", "--slug", "laptop", "--name", "Laptop Inc", env=env, cwd=tmp_path)
    token = run("token", "create", "--tenant", "laptop", env=env, cwd=tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running("serve", "--port", str(port), env=env, cwd=tmp_path, ready_url=f"{base}/readyz"):
        node = send_and_wait_until_sent(base, token, "laptop", "someone@example.com")
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert (tmp_path / "var" / "sendgraph.db").exists()
    [eml] = list((tmp_path / "var" / "outbox").glob("*.eml"))
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["To"] == "someone@example.com"
    assert mail["Subject"] == "Hello e2e"
    assert mail["Message-ID"] == node["providerMessageId"]


def test_demo_seeds_a_tenant_and_prints_a_working_token(tmp_path):
    env = environment()
    token = run("demo", env=env, cwd=tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running("serve", "--port", str(port), env=env, cwd=tmp_path, ready_url=f"{base}/readyz"):
        response = httpx.post(
            f"{base}/graphql", headers={"Authorization": f"Bearer {token}"},
            json={"query": '{ tenant(slug: "demo") { lists { totalCount } contacts { totalCount } templates { totalCount } events { totalCount } campaigns { totalCount } } }'},
        )
    counts = {k: v["totalCount"] for k, v in response.json()["data"]["tenant"].items()}
    assert counts == {"lists": 1, "contacts": 3, "templates": 1, "events": 1, "campaigns": 1}
