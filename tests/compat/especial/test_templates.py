"""Especial templates over real HTTP: create / get / list / update / delete / render, bad input, isolation."""
from __future__ import annotations

import pytest

from tests.compat.especial.conftest import assert_valid

# The seed's request sample for "Create a template", with content that renders.
TEMPLATE = {
    "name": "Welcome",
    "description": "Sent to new subscribers",
    "content": {"type": "html", "subject": "Hello {{ first_name }}", "html": "<p>Hi {{ first_name }} ({{ email }})</p>",
                "text": "Hi {{ first_name }}"},
    "tags": ["onboarding"],
}


async def create(client, body: dict | None = None) -> int:
    response = await client.post("/templates", json=body or TEMPLATE)
    assert response.status_code == 201, response.text
    return assert_valid(response, "/templates", "POST")["id"]


async def test_created_template_reads_back_as_sent(client):
    response = await client.post("/templates", json=TEMPLATE)
    assert response.status_code == 201
    created = assert_valid(response, "/templates", "POST")
    assert created["object"] == "template" and created["created"] is True

    response = await client.get(f"/templates/{created['id']}")
    data = assert_valid(response, "/templates/{template_id}", "GET")["data"]
    assert data["id"] == created["id"] and data["name"] == "Welcome" and data["description"] == "Sent to new subscribers"
    assert data["tags"] == ["onboarding"] and data["is_owner"] is True
    assert data["content"] == {"type": "html", "subject": "Hello {{ first_name }}", "html": TEMPLATE["content"]["html"], "text": "Hi {{ first_name }}"}
    assert isinstance(data["created_on"], int) and data["updated_on"] >= data["created_on"]


async def test_template_is_a_graph_template_of_the_account(client):
    template_id = await create(client)
    from schema.relay import to_global_id

    node = (await client.user.tenant.graph("""query($id: ID!) { node(id: $id) { ... on Template { name channel parts { subject } tenant { accountId } } } }""",
                                          {"id": to_global_id("Template", template_id)}))["node"]
    assert node == {"name": "Welcome", "channel": "EMAIL", "parts": [{"subject": "Hello {{ first_name }}"}], "tenant": {"accountId": client.user.account_id}}


async def test_patch_changes_only_what_is_given(client):
    template_id = await create(client)
    response = await client.patch(f"/templates/{template_id}", json={"name": "Welcome v2", "content": {"html": "<p>New {{ first_name }}</p>"}})
    assert response.status_code == 200, response.text
    body = assert_valid(response, "/templates/{template_id}", "PATCH")
    assert body["updated"] is True and body["id"] == template_id
    data = assert_valid(await client.get(f"/templates/{template_id}"), "/templates/{template_id}", "GET")["data"]
    assert data["name"] == "Welcome v2" and data["description"] == "Sent to new subscribers" and data["tags"] == ["onboarding"]
    assert data["content"]["html"] == "<p>New {{ first_name }}</p>" and data["content"]["subject"] == "Hello {{ first_name }}"


async def test_render_returns_the_html_with_a_sample_contact(client):
    template_id = await create(client)
    response = await client.get(f"/templates/{template_id}/render")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == "<p>Hi Jane (jane.doe@example.com)</p>"


async def test_deleted_template_is_gone(client):
    template_id = await create(client)
    response = await client.delete(f"/templates/{template_id}")
    assert assert_valid(response, "/templates/{template_id}", "DELETE") == {"id": template_id, "object": "template", "deleted": True}
    response = await client.get(f"/templates/{template_id}")
    assert response.status_code == 404
    assert_valid(response, "/templates/{template_id}", "GET")


async def test_list_pages_by_number_with_count(client):
    ids = [await create(client, {**TEMPLATE, "name": f"T{i}"}) for i in range(3)]
    response = await client.get("/templates", params={"page": 2, "per_page": 2, "with_count": "true"})
    body = assert_valid(response, "/templates", "GET")
    assert body["pagination"] == {"page": 2, "per_page": 2, "count": 3}
    assert [t["id"] for t in body["data"]] == ids[2:]
    first = assert_valid(await client.get("/templates"), "/templates", "GET")
    assert [t["id"] for t in first["data"]] == ids and "count" not in first["pagination"]


async def test_list_filters_by_name(client):
    await create(client, {**TEMPLATE, "name": "Alpha"})
    beta = await create(client, {**TEMPLATE, "name": "Beta"})
    body = assert_valid(await client.get("/templates", params={"filter": "name==Beta"}), "/templates", "GET")
    assert [t["id"] for t in body["data"]] == [beta]
    body = assert_valid(await client.get("/templates", params={"filter": "is_not_owner==true"}), "/templates", "GET")
    assert body["data"] == []


async def test_campaign_content_is_not_in_the_template_library(client):
    library = await create(client)
    response = await client.post("/campaigns", json={"name": "Spring", "content": {"subject": "Hi", "html": "<p>Spring</p>"}})
    assert response.status_code == 201, response.text
    body = assert_valid(await client.get("/templates", params={"with_count": "true"}), "/templates", "GET")
    assert [t["id"] for t in body["data"]] == [library] and body["pagination"]["count"] == 1


async def test_sms_and_page_templates_of_the_account_are_not_email_templates(client):
    tenant = client.user.tenant
    for channel, part in (("SMS", {"language": "en", "text": "Hi"}), ("PAGE", {"language": "en", "html": "<p>A landing page</p>"})):
        made = await tenant.graph("""mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { template { databaseId } userErrors { code } } }""",
                                  {"i": {"tenantId": tenant.id, "name": f"Not email {channel}", "channel": channel, "parts": [part]}})
        template_id = made["createTemplate"]["template"]["databaseId"]
        for response in (await client.get(f"/templates/{template_id}"), await client.delete(f"/templates/{template_id}")):
            assert response.status_code == 404, response.text
    assert (await client.get("/templates", params={"with_count": "true"})).json()["pagination"]["count"] == 0


@pytest.mark.parametrize("body, loc", [
    ({"content": {"type": "html", "html": "<p>x</p>"}}, ["body", "name"]),
    ({"name": "No content"}, ["body", "content"]),
    ({"name": "", "content": {"type": "html", "html": "<p>x</p>"}}, ["body", "name"]),
    ({"name": "Bad type", "content": {"type": "mjml", "html": "<p>x</p>"}}, ["body", "content", "type"]),
    ({"name": "Wrong type", "content": {"type": "html", "html": 42}}, ["body", "content", "html"]),
    ({"name": "Tags", "content": {"type": "html", "html": "<p>x</p>"}, "tags": "a"}, ["body", "tags"]),
    ({"name": "Empty", "content": {"type": "html", "subject": "only a subject"}}, ["body", "content", "html"]),
    ({"name": "Syntax", "content": {"type": "html", "html": "{{ broken"}}, ["body", "content", "html"]),
    (["not", "an", "object"], ["body"]),
])
async def test_bad_template_bodies_are_422_naming_the_field(client, body, loc):
    response = await client.post("/templates", json=body)
    assert response.status_code == 422, response.text
    detail = assert_valid(response, "/templates", "POST")["detail"]
    assert detail[0]["loc"] == loc


async def test_bad_json_oversized_bodies_and_bad_ids_are_errors_not_500(client):
    response = await client.post("/templates", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert_valid(response, "/templates", "POST")
    response = await client.post("/templates", json={**TEMPLATE, "description": "x" * 1_100_000})
    assert response.status_code == 413
    assert_valid(response, "/templates", "POST")
    response = await client.get("/templates/abc")
    assert response.status_code == 422
    assert_valid(response, "/templates/{template_id}", "GET")
    for method in ("GET", "DELETE"):
        response = await client.request(method, "/templates/987654321")
        assert response.status_code == 404
        assert_valid(response, "/templates/{template_id}", method)
    response = await client.patch("/templates/987654321", json={"name": "x"})
    assert response.status_code == 404
    response = await client.get("/templates", params={"page": 0})
    assert response.status_code == 422
    assert_valid(response, "/templates", "GET")
    response = await client.get("/templates", params={"sort": "-name"})
    assert response.status_code == 422
    response = await client.get("/templates", params={"filter": "colour==red"})
    assert response.status_code == 422


async def test_another_account_cannot_see_or_change_a_template(client, other_client):
    template_id = await create(client)
    for method, path, body in [("GET", "/templates/{id}", None), ("PATCH", "/templates/{id}", {"name": "Hijacked"}),
                               ("DELETE", "/templates/{id}", None), ("GET", "/templates/{id}/render", None)]:
        response = await other_client.request(method, path.format(id=template_id), json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"][0]["type"] == "not_found"
    listed = assert_valid(await other_client.get("/templates"), "/templates", "GET")
    assert template_id not in [t["id"] for t in listed["data"]]
    # Naming the first account explicitly is refused, and nothing changed.
    response = await other_client.get(f"/templates/{template_id}", params={"account_id": client.user.account_id})
    assert response.status_code in (403, 404)
    data = assert_valid(await client.get(f"/templates/{template_id}"), "/templates/{template_id}", "GET")["data"]
    assert data["name"] == "Welcome"


async def test_template_routes_need_a_token(anonymous):
    response = await anonymous.get("/templates")
    assert response.status_code == 401
    assert_valid(response, "/templates", "GET")
