"""Tenant isolation over the API: another tenant's rows are invisible and untouchable, roles limit writes, tokens are checked."""
from dataclasses import replace

import pytest

from tests.support.fixtures import Graph

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { field code } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { field code } } }"""
UPDATE_CONTACT = """mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id } userErrors { field code } } }"""
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { field code } } }"""
DELETE_TEMPLATE = """mutation($input: DeleteInput!) { deleteTemplate(input: $input) { deletedId userErrors { field code } } }"""
NODE = """query($id: ID!) { node(id: $id) { id __typename } }"""
NODES = """query($ids: [ID!]!) { nodes(ids: $ids) { id } }"""
CONTACT = """query($id: ID!) { node(id: $id) { ... on Contact { email firstName } } }"""
TENANT = """query($slug: String, $accountId: Int) { tenant(slug: $slug, accountId: $accountId) { slug } }"""
TENANTS = """{ tenants { totalCount nodes { slug } } }"""
COUNTS = """query($slug: String!) { tenant(slug: $slug) { contacts { totalCount } templates { totalCount } messages { totalCount } } }"""


async def data_of(tenant) -> dict:
    """A contact, a template and a message owned by `tenant`, by global id."""
    contact = (await tenant.graph(CREATE_CONTACT, {"input": {"tenantId": tenant.id, "email": f"own.{tenant.slug}@example.com", "firstName": "Own"}}))
    template = (await tenant.graph(CREATE_TEMPLATE, {"input": {
        "tenantId": tenant.id, "name": "T", "parts": [{"language": "en", "subject": "s", "text": "t"}]}}))
    message = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": f"to.{tenant.slug}@example.com", "subject": "s", "text": "t"}}))
    return {
        "contact": contact["createContact"]["contact"]["id"], "template": template["createTemplate"]["template"]["id"],
        "message": message["sendMessage"]["message"]["id"],
    }


async def counts(tenant) -> dict:
    return (await tenant.graph(COUNTS, {"slug": tenant.slug}))["tenant"]


@pytest.fixture
async def two_tenants(make_tenant):
    a, b = await make_tenant(), await make_tenant()
    return a, await data_of(a), b, await data_of(b)


async def test_another_tenants_nodes_resolve_to_null(two_tenants):
    a, own, b, theirs = two_tenants

    for kind in ("message", "contact", "template"):
        assert (await a.graph(NODE, {"id": theirs[kind]}))["node"] is None, kind
        assert (await b.graph(NODE, {"id": theirs[kind]}))["node"]["id"] == theirs[kind], kind


async def test_nodes_nulls_only_the_foreign_ids(two_tenants):
    a, own, b, theirs = two_tenants

    nodes = (await a.graph(NODES, {"ids": [own["contact"], theirs["contact"], own["message"], theirs["template"]]}))["nodes"]

    assert nodes == [{"id": own["contact"]}, None, {"id": own["message"]}, None]


async def test_another_tenant_cannot_be_found_by_slug_or_account_id(two_tenants):
    a, _, b, _ = two_tenants

    assert (await a.graph(TENANT, {"slug": b.slug}))["tenant"] is None
    assert (await a.graph(TENANT, {"accountId": b.account_id}))["tenant"] is None
    assert (await a.graph(TENANT, {"slug": a.slug}))["tenant"] == {"slug": a.slug}


async def test_tenants_lists_only_the_own_tenant_and_its_sub_tenants(make_tenant):
    a = await make_tenant()
    await make_tenant()  # someone else
    sub = await make_tenant(parent=a)

    tenants = (await a.graph(TENANTS))["tenants"]

    assert tenants == {"totalCount": 2, "nodes": [{"slug": a.slug}, {"slug": sub.slug}]}
    assert (await sub.graph(TENANTS))["tenants"] == {"totalCount": 1, "nodes": [{"slug": sub.slug}]}


async def test_writes_aimed_at_another_tenant_are_user_errors_and_change_nothing(two_tenants):
    a, own, b, theirs = two_tenants
    before = await counts(b)

    attempts = {
        "send to their tenant": (SEND, "sendMessage", {"tenantId": b.id, "to": "x@example.com", "subject": "s", "text": "t"}),
        "send their template": (SEND, "sendMessage", {"tenantId": a.id, "to": "x@example.com", "templateId": theirs["template"]}),
        "contact in their tenant": (CREATE_CONTACT, "createContact", {"tenantId": b.id, "email": "intruder@example.com"}),
        "update their contact": (UPDATE_CONTACT, "updateContact", {"id": theirs["contact"], "firstName": "Hacked"}),
        "delete their template": (DELETE_TEMPLATE, "deleteTemplate", {"id": theirs["template"]}),
    }
    for name, (mutation, field, input) in attempts.items():
        payload = (await a.graph(mutation, {"input": input}))[field]
        assert payload["userErrors"], name
        assert {e["code"] for e in payload["userErrors"]} <= {"FORBIDDEN", "NOT_FOUND"}, (name, payload)
        assert all(v is None for k, v in payload.items() if k != "userErrors"), (name, payload)

    assert await counts(b) == before
    assert (await b.graph(CONTACT, {"id": theirs["contact"]}))["node"] == {"email": f"own.{b.slug}@example.com", "firstName": "Own"}
    assert (await b.graph(NODE, {"id": theirs["template"]}))["node"]["__typename"] == "Template"


async def test_a_read_token_may_read_but_every_write_is_forbidden(make_tenant):
    admin = await make_tenant()
    reader = await make_tenant(role="read", parent=admin)  # READ on the sub-tenant; the admin inherits ADMIN there
    owned = await data_of(replace(reader, token=admin.token, graph=admin.graph))  # rows in the sub-tenant, made by the admin
    before = await counts(reader)

    assert (await reader.graph(CONTACT, {"id": owned["contact"]}))["node"]["firstName"] == "Own"
    attempts = {
        "sendMessage": (SEND, {"tenantId": reader.id, "to": "x@example.com", "subject": "s", "text": "t"}),
        "createContact": (CREATE_CONTACT, {"tenantId": reader.id, "email": "new@example.com"}),
        "updateContact": (UPDATE_CONTACT, {"id": owned["contact"], "firstName": "Changed"}),
        "createTemplate": (CREATE_TEMPLATE, {"tenantId": reader.id, "name": "T2", "parts": [{"language": "en", "subject": "s", "text": "t"}]}),
        "deleteTemplate": (DELETE_TEMPLATE, {"id": owned["template"]}),
    }
    for field, (mutation, input) in attempts.items():
        payload = (await reader.graph(mutation, {"input": input}))[field]
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"], (field, payload)

    assert await counts(reader) == before
    assert (await admin.graph(CONTACT, {"id": owned["contact"]}))["node"]["firstName"] == "Own"
    assert (await admin.graph(NODE, {"id": owned["template"]}))["node"] is not None


async def test_no_token_is_unauthenticated(api, two_tenants):
    _, _, b, theirs = two_tenants
    anonymous = Graph(api.url, None)

    for query, variables in ((NODE, {"id": theirs["contact"]}), (TENANTS, None), (TENANT, {"slug": b.slug})):
        body = await anonymous(query, variables, expect_errors=True)
        assert not any((body["data"] or {}).values())  # a nullable root field is null, nothing more
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]

    body = await anonymous(SEND, {"input": {"tenantId": b.id, "to": "x@example.com", "subject": "s", "text": "t"}}, expect_errors=True)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert await counts(b) == {"contacts": {"totalCount": 1}, "templates": {"totalCount": 1}, "messages": {"totalCount": 1}}


async def test_a_garbage_token_is_rejected_as_invalid(api, two_tenants):
    _, _, b, _ = two_tenants

    body = await Graph(api.url, "not-a-jwt")(TENANTS, expect_errors=True)

    assert body["data"] is None
    assert body["errors"][0]["message"] == "Invalid token"
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_signed_with_another_key_is_rejected_as_invalid(api, make_tenant):
    import jwt

    tenant = await make_tenant()
    claims = jwt.decode(tenant.token, options={"verify_signature": False})
    forged = jwt.encode(claims, "some-other-secret-key-of-sufficient-length", algorithm="HS256")

    body = await Graph(api.url, forged)(TENANTS, expect_errors=True)

    assert body["errors"][0]["message"] == "Invalid token"


async def test_each_request_gets_its_own_authentication_error(api):
    garbage, anonymous = Graph(api.url, "not-a-jwt"), Graph(api.url, None)

    first = await garbage(TENANTS, expect_errors=True)
    then = await anonymous(TENANTS, expect_errors=True)

    assert first["errors"][0]["message"] == "Invalid token"
    assert then["errors"][0]["message"].startswith("Authentication required")
