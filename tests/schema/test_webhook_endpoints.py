"""Webhook endpoints: create (the signing secret shown once), update, delete; bad input is a user error."""
from schema.graph import schema

CREATE = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    webhookEndpoint { id url events active description basicAuthUsername } signingSecret userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) { webhookEndpoint { id url events active basicAuthUsername } userErrors { field code } } }"""
DELETE = """mutation($input: DeleteInput!) { deleteWebhookEndpoint(input: $input) { deletedId userErrors { field code } } }"""
ENDPOINTS = """query($slug: String!) { tenant(slug: $slug) { webhookEndpoints { totalCount nodes { id url } } } }"""


async def create(tenant, **fields) -> dict:
    return (await tenant.graph(CREATE, {"input": {"tenantId": tenant.id, "url": "https://hooks.example.com/in", **fields}}))["createWebhookEndpoint"]


async def test_create_returns_the_signing_secret_once(make_tenant):
    tenant = await make_tenant()

    created = await create(tenant, events=["message.sent", "process.cancelled", "message.sent"], description="CRM",
                           basicAuthUsername="hook", basicAuthPassword="pw")

    assert created["userErrors"] == []
    assert created["signingSecret"].startswith("whsec_")
    assert created["webhookEndpoint"] | {"id": None} == {
        "id": None, "url": "https://hooks.example.com/in", "events": ["message.sent", "process.cancelled"], "active": True,
        "description": "CRM", "basicAuthUsername": "hook",
    }
    # nowhere else in the graph: not on the endpoint, not on the update payload
    sdl = schema.as_str()
    endpoint_type = sdl[sdl.index("type WebhookEndpoint implements Node"):].split("}", 1)[0]
    assert "secret" not in endpoint_type.lower() and "password" not in endpoint_type.lower()
    assert "signingSecret" not in sdl[sdl.index("type WebhookEndpointPayload"):].split("}", 1)[0]


async def test_invalid_input_is_a_user_error(make_tenant):
    tenant = await make_tenant()

    for fields, field, code in (
        ({"url": "ftp://hooks.example.com/in"}, "url", "INVALID_URL"),
        ({"url": "https://"}, "url", "INVALID_URL"),
        ({"url": "  "}, "url", "REQUIRED"),
        ({"events": ["message.sent", "Email.Sent"]}, "events", "UNKNOWN_EVENT"),
        ({"basicAuthUsername": "hook"}, "basicAuthPassword", "INCOMPLETE_BASIC_AUTH"),
        ({"tenantId": "bm9wZQ=="}, "tenantId", "INVALID_ID"),
    ):
        created = await create(tenant, **fields)
        assert created["webhookEndpoint"] is None and created["signingSecret"] is None, fields
        assert [(e["field"], e["code"]) for e in created["userErrors"]] == [(field, code)], fields
    assert (await tenant.graph(ENDPOINTS, {"slug": tenant.slug}))["tenant"]["webhookEndpoints"]["totalCount"] == 0


async def test_update_and_delete(make_tenant):
    tenant = await make_tenant()
    endpoint = (await create(tenant, basicAuthUsername="hook", basicAuthPassword="pw"))["webhookEndpoint"]

    updated = (await tenant.graph(UPDATE, {"input": {
        "id": endpoint["id"], "url": "http://other.example.com/hook", "events": ["process.cancelled"], "active": False,
        "basicAuthUsername": None, "basicAuthPassword": None,
    }}))["updateWebhookEndpoint"]
    assert updated == {"webhookEndpoint": {
        "id": endpoint["id"], "url": "http://other.example.com/hook", "events": ["process.cancelled"], "active": False, "basicAuthUsername": None,
    }, "userErrors": []}
    bad = (await tenant.graph(UPDATE, {"input": {"id": endpoint["id"], "url": "mailto:x@example.com"}}))["updateWebhookEndpoint"]
    assert bad == {"webhookEndpoint": None, "userErrors": [{"field": "url", "code": "INVALID_URL"}]}

    deleted = (await tenant.graph(DELETE, {"input": {"id": endpoint["id"]}}))["deleteWebhookEndpoint"]
    assert deleted == {"deletedId": endpoint["id"], "userErrors": []}
    assert (await tenant.graph(ENDPOINTS, {"slug": tenant.slug}))["tenant"]["webhookEndpoints"]["totalCount"] == 0


async def test_another_tenant_and_a_read_token_cannot_change_endpoints(make_tenant):
    owner = await make_tenant()
    endpoint = (await create(owner))["webhookEndpoint"]
    stranger = await make_tenant()
    reader = await make_tenant(role="read", slug=f"{owner.slug}-r")  # a read token, but for its own tenant

    moved = (await stranger.graph(UPDATE, {"input": {"id": endpoint["id"], "url": "https://evil.example.com"}}))["updateWebhookEndpoint"]
    assert moved["userErrors"] == [{"field": "id", "code": "NOT_FOUND"}]
    gone = (await stranger.graph(DELETE, {"input": {"id": endpoint["id"]}}))["deleteWebhookEndpoint"]
    assert gone["userErrors"] == [{"field": "id", "code": "NOT_FOUND"}]
    read_only = (await reader.graph(CREATE, {"input": {"tenantId": reader.id, "url": "https://hooks.example.com/in"}}))["createWebhookEndpoint"]
    assert [e["code"] for e in read_only["userErrors"]] == ["FORBIDDEN"]
    assert (await owner.graph(ENDPOINTS, {"slug": owner.slug}))["tenant"]["webhookEndpoints"]["nodes"] == [
        {"id": endpoint["id"], "url": "https://hooks.example.com/in"}
    ]
