"""A transactional send is on every integration's hot path: it runs a constant, small number of statements."""
from sqlalchemy import event

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id status sender } userErrors { code } } }"""


async def sent_statements(api, tenant, variables) -> tuple[dict, list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_):
        # The outbox flush marks earlier sends published after their commit: not this request's work.
        if not statement.startswith("UPDATE outbox"):
            statements.append(" ".join(statement.split()[:3]))

    engine = api.app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        data = await tenant.graph(SEND, variables)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return data["sendMessage"], statements


async def test_send_message_reads_twice_and_writes_three_rows(api, make_tenant):
    """The token with the tenants it may reach, the tenant with its default sender; the message, its
    QUEUED event and its outbox record."""
    tenant = await make_tenant()
    variables = {"input": {"tenantId": tenant.id, "to": "reader@example.com", "subject": "Hi {{ name }}", "text": "Hello", "data": {"name": "A"}}}
    payload, statements = await sent_statements(api, tenant, variables)
    assert payload["message"]["status"] == "QUEUED"
    assert [s.split()[0] for s in statements] == ["WITH", "SELECT", "INSERT", "INSERT", "INSERT"], statements
    assert [s for s in statements if s.startswith("INSERT")] == ["INSERT INTO messages", "INSERT INTO message_events", "INSERT INTO outbox"]


async def test_the_default_sender_comes_with_the_tenant(api, make_tenant):
    tenant = await make_tenant()
    created = await tenant.graph(
        """mutation($t: ID!) { createSender(input: {tenantId: $t, name: "Shop", address: "shop@example.com", isDefault: true}) { userErrors { code } } }""",
        {"t": tenant.id},
    )
    assert created["createSender"]["userErrors"] == []
    variables = {"input": {"tenantId": tenant.id, "to": "reader@example.com", "subject": "Hi", "text": "Hello"}}
    payload, statements = await sent_statements(api, tenant, variables)
    assert payload["message"]["sender"] == "Shop <shop@example.com>"
    assert len(statements) == 5, statements
