"""Bad input gets a GraphQL error or a userError naming the field, never a server error."""
import gc
import json

import httpx
import pytest

from schema.relay import to_global_id
from tests.support.fixtures import eventually

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { field code message } } }"""
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) {
  createTemplate(input: $input) { template { id } userErrors { field code message } } }"""
CREATE_TENANT = """mutation($input: CreateTenantInput!) {
  createTenant(input: $input) { tenant { slug parent { slug } } userErrors { field code message } } }"""
TENANT = """query($slug: String!) { tenant(slug: $slug) { slug } }"""
READ = """query($id: ID!) { node(id: $id) { ... on Message { status subject text } } }"""


async def post(api, token: str | None, body, *, raw: bool = False) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=60) as client:
        if raw:
            return await client.post(f"{api.url}/graphql", content=body, headers={**headers, "Content-Type": "application/json"})
        return await client.post(f"{api.url}/graphql", json=body, headers=headers)


async def graphql_errors(api, tenant, query: str, variables: dict | None = None) -> list[dict]:
    response = await post(api, tenant.token, {"query": query, "variables": variables or {}})
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert body.get("data") is None
    assert body["errors"], body
    return body["errors"]


async def send(tenant, **input) -> dict:
    return (await tenant.graph(SEND, {"input": {"subject": "s", "text": "t", **input}}))["sendMessage"]


async def test_a_syntactically_invalid_query_is_a_graphql_error(api, make_tenant):
    tenant = await make_tenant()

    errors = await graphql_errors(api, tenant, "query { viewer { kind ")

    assert errors[0]["message"].startswith("Syntax Error")


async def test_an_unknown_field_is_a_graphql_error(api, make_tenant):
    tenant = await make_tenant()

    errors = await graphql_errors(api, tenant, "{ viewer { kind favouriteColour } }")

    assert "Cannot query field 'favouriteColour'" in errors[0]["message"]


async def test_a_variable_of_the_wrong_type_is_a_graphql_error(api, make_tenant):
    tenant = await make_tenant()

    errors = await graphql_errors(api, tenant, "query($first: Int) { tenants(first: $first) { totalCount } }", {"first": "three"})

    assert "$first" in errors[0]["message"]


async def test_an_unknown_tenant_id_is_not_found_on_tenant_id(make_tenant):
    tenant = await make_tenant()

    payload = await send(tenant, tenantId=to_global_id("Tenant", 2_000_000_000), to="x@example.com")

    assert payload["message"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("tenantId", "NOT_FOUND")]


@pytest.mark.parametrize("bad_id", ["garbage", "", to_global_id("Contact", 1), "VGVuYW50Ong=", "🙃"])
async def test_a_malformed_id_is_invalid_id(make_tenant, bad_id):
    tenant = await make_tenant()

    payload = await send(tenant, tenantId=bad_id, to="x@example.com")

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("tenantId", "INVALID_ID")]


async def test_a_template_with_a_jinja_syntax_error_is_invalid_template(make_tenant):
    tenant = await make_tenant()

    payload = (await tenant.graph(CREATE_TEMPLATE, {"input": {
        "tenantId": tenant.id, "name": "Broken", "parts": [{"language": "en", "subject": "ok", "html": "<p>{{ oops</p>"}],
    }}))["createTemplate"]

    assert payload["template"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("parts.0.html", "INVALID_TEMPLATE")]
    assert "line 1" in payload["userErrors"][0]["message"]


async def test_inline_content_with_a_jinja_syntax_error_is_invalid_template(make_tenant):
    tenant = await make_tenant()

    payload = await send(tenant, tenantId=tenant.id, to="x@example.com", subject="Hi {{ oops")

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("subject", "INVALID_TEMPLATE")]


@pytest.mark.parametrize("phone", ["not a phone", "12345", "+49", "+1 555 0100 0000 0000 0000"])
async def test_an_sms_to_an_invalid_phone_is_invalid_address(make_tenant, phone):
    tenant = await make_tenant()

    payload = await send(tenant, tenantId=tenant.id, channel="SMS", to=phone)

    assert payload["message"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("to", "INVALID_ADDRESS")]


async def test_a_sub_tenant_with_a_taken_slug_is_slug_taken(make_tenant):
    parent, other = await make_tenant(), await make_tenant()

    created = (await parent.graph(CREATE_TENANT, {"input": {"slug": f"{parent.slug}-eu", "name": "EU", "parentId": parent.id}}))["createTenant"]
    taken = (await parent.graph(CREATE_TENANT, {"input": {"slug": other.slug, "name": "Copy", "parentId": parent.id}}))["createTenant"]
    again = (await parent.graph(CREATE_TENANT, {"input": {"slug": f"{parent.slug}-eu", "name": "EU 2", "parentId": parent.id}}))["createTenant"]

    assert created == {"tenant": {"slug": f"{parent.slug}-eu", "parent": {"slug": parent.slug}}, "userErrors": []}
    for payload in (taken, again):
        assert payload["tenant"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("slug", "SLUG_TAKEN")]
    assert (await other.graph(TENANT, {"slug": other.slug}))["tenant"] == {"slug": other.slug}  # untouched


def deep(levels: int):
    value = "bottom"
    for _ in range(levels):
        value = {"down": [value]}
    return value


WEIRD_VARIABLES = {
    "huge subject": {"subject": "x" * 1_000_000},
    "huge recipient": {"to": "a" * 100_000 + "@example.com"},
    "nul byte in text": {"text": "before\x00after"},
    "nul byte in data": {"data": {"k\x00": "v\x00"}},
    "unusual unicode": {"subject": "\ud7ff\ue000\uffff 😀"},
    "null to": {"to": None},
    "null tenant": {"tenantId": None},
    "data is a list": {"data": [1, 2, 3]},
    "data is a string": {"data": "just a string"},
    "data is a number": {"data": 1e308},
    "deeply nested data": {"data": deep(300)},
    "unknown channel": {"channel": "CARRIER_PIGEON"},
    "idempotency key too long": {"idempotencyKey": "k" * 10_000},
    "external id too long": {"externalId": "e" * 10_000},
    "sender without address": {"sender": "Nobody <>"},
    "huge language": {"language": "de" * 5000},
}


@pytest.mark.parametrize("name", list(WEIRD_VARIABLES))
async def test_weird_send_message_variables_never_cause_a_server_error(api, make_tenant, name):
    tenant = await make_tenant()
    input = {"tenantId": tenant.id, "to": "weird@example.com", "subject": "s", "text": "t", **WEIRD_VARIABLES[name]}

    response = await post(api, tenant.token, {"query": SEND, "variables": {"input": input}})

    assert response.status_code in (200, 400), response.text[:500]
    assert "[SQL:" not in response.text and "sqlalchemy" not in response.text, response.text[:500]  # no internals leak
    body = response.json()
    payload = (body.get("data") or {}).get("sendMessage")
    assert body.get("errors") or payload["message"] or payload["userErrors"], body


@pytest.mark.parametrize("field, value", [("idempotencyKey", "k" * 201), ("externalId", "e" * 201), ("language", "x" * 17)])
async def test_an_over_long_identifier_is_a_too_long_user_error(make_tenant, field, value):
    tenant = await make_tenant()

    payload = await send(tenant, tenantId=tenant.id, to="long@example.com", **{field: value})

    assert payload["message"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "TOO_LONG")]


async def test_a_nul_character_in_content_or_data_is_dropped_and_the_message_is_sent(make_tenant, mailbox):
    tenant = await make_tenant()
    to = f"nul.{tenant.slug}@example.com"
    inline = await send(tenant, tenantId=tenant.id, to=to, subject="a\x00b", text="before\x00after")
    rendered = await send(tenant, tenantId=tenant.id, to=to, text="{{ v }}", data={"v": "x\x00y"})

    async def statuses():
        nodes = [(await tenant.graph(READ, {"id": p["message"]["id"]}))["node"] for p in (inline, rendered)]
        return nodes if all(n["status"] == "SENT" for n in nodes) else None

    first, second = await eventually(statuses)
    assert (first["subject"], first["text"], second["text"]) == ("ab", "beforeafter", "xy")
    assert len(mailbox.to(to)) == 2


WEIRD_BODIES = {
    "not json": b"{query",
    "json list": b"[1, 2]",
    "json string": b'"query"',
    "query is a number": json.dumps({"query": 42}).encode(),
    "variables is a string": json.dumps({"query": TENANT, "variables": "slug"}).encode(),
    "no query": json.dumps({"variables": {}}).encode(),
    "very deep query": json.dumps({"query": "{ viewer " + "{ kind " * 5000 + "}" * 5001}).encode(),
    "very deep json": pytest.param(
        b'{"query": "{ viewer { kind } }", "variables": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001
    ),
    "huge int": json.dumps({"query": "query($f: Int) { tenants(first: $f) { totalCount } }", "variables": {"f": 2**70}}).encode(),
    "unknown operation name": json.dumps({"query": "{ viewer { kind } }", "operationName": "Nope"}).encode(),
}


@pytest.mark.parametrize("body", WEIRD_BODIES.values(), ids=WEIRD_BODIES.keys())
async def test_weird_request_bodies_never_cause_a_server_error(api, make_tenant, body):
    tenant = await make_tenant()

    response = await post(api, tenant.token, body, raw=True)

    assert response.status_code in (200, 400), response.text[:500]


@pytest.mark.parametrize("body", [
    pytest.param(json.dumps({"query": "{ viewer { kind } }"}).encode(), id="a good request"),
    pytest.param(json.dumps({"query": "{ viewer { "}).encode(), id="a syntax error"),
    pytest.param(json.dumps({"variables": {}}).encode(), id="no query"),
    pytest.param(json.dumps({"query": "{ viewer { kind } }", "operationName": "Nope"}).encode(), id="unknown operation"),
])
async def test_a_rejected_request_returns_its_database_connection(api, make_tenant, body):
    tenant = await make_tenant()
    pool = api.app.state.engine.sync_engine.pool
    gc.collect()  # what earlier tests left behind goes now, not during the count
    gc.disable()
    try:
        before = pool.checkedout()
        for _ in range(3):
            assert (await post(api, tenant.token, body, raw=True)).status_code in (200, 400)
        after = pool.checkedout()
    finally:
        gc.enable()

    assert after <= before  # strawberry's 400s are raised before the operation that closes the session


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 20_000, "Bearer a.b.c", "bearer\tx"])
async def test_weird_authorization_headers_are_unauthenticated_not_server_errors(api, header):
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"{api.url}/graphql", json={"query": "{ viewer { kind } }"}, headers={"Authorization": header})

    assert response.status_code in (200, 400), response.text[:500]
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
