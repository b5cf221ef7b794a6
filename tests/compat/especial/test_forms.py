"""Especial subscription forms over real HTTP: create (the seed's request sample), show, list by page, patch, delete;
a form belongs to a list of the account, is no library template, and has no hosted URL here. Unknown or foreign forms
and lists are 404, bad bodies 422."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import add_list
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_templates import TEMPLATE

FORMS, FORM = "/forms", "/forms/{form_id}"
EMBEDDED = '<form method="post"><input name="email" type="email"><button>Subscribe</button></form>'


def form_body(list_id: int, **overrides) -> dict:
    """The seed's request sample for "Create a form", with real values."""
    return {"name": "Newsletter sign-up", "status": "active",
            "content": {"embedded": EMBEDDED, "linked": f"<html><body>{EMBEDDED}</body></html>"},
            "redirections": {"after_opt_in": "https://acme.example/thanks"}, "list_id": list_id, "language": "en", "double_opt_in": True,
            **overrides}


async def create_form(client, body: dict) -> dict:
    response = await client.post(FORMS, json=body)
    assert response.status_code == 201, response.text
    return assert_valid(response, FORMS, "POST")


@pytest.fixture
async def list_id(client) -> int:
    return (await add_list(client))["id"]


async def test_create_show_list_patch_delete(client, list_id):
    created = await create_form(client, form_body(list_id))
    form_id = created["id"]
    assert created["object"] == "form" and created["created"] is True
    data = created["data"]
    assert {k: data[k] for k in ("id", "name", "status", "content", "language", "url", "redirections", "list_id", "double_opt_in")} == {
        "id": form_id, "name": "Newsletter sign-up", "status": "active",
        "content": {"embedded": EMBEDDED, "linked": f"<html><body>{EMBEDDED}</body></html>"}, "language": "en", "url": {},
        "redirections": {"after_opt_in": "https://acme.example/thanks"}, "list_id": list_id, "double_opt_in": True}

    response = await client.get(FORM.format(form_id=form_id))
    assert assert_valid(response, FORM, "GET")["data"] == data
    second = await create_form(client, form_body(list_id, name="Footer sign-up", double_opt_in=False))
    page = assert_valid(await client.get(FORMS, params={"with_count": "true"}), FORMS, "GET")
    assert page["pagination"] == {"page": 1, "per_page": 50, "count": 2} and [f["id"] for f in page["data"]] == [form_id, second["id"]]
    page = assert_valid(await client.get(FORMS, params={"page": "2", "per_page": "1"}), FORMS, "GET")
    assert [f["id"] for f in page["data"]] == [second["id"]]

    other_list = (await add_list(client, name="Second list"))["id"]
    response = await client.patch(FORM.format(form_id=form_id), json={
        "name": "Sign up", "language": "de", "list_id": other_list, "content": {"embedded": "<form>neu</form>"},
        "redirections": {"after_opt_out": "https://acme.example/bye"}, "status": "deleted"})
    assert response.status_code == 200, response.text
    patched = assert_valid(response, FORM, "PATCH")
    assert patched["updated"] is True and patched["id"] == form_id
    assert {k: patched["data"][k] for k in ("name", "language", "list_id", "content", "redirections", "status")} == {
        "name": "Sign up", "language": "de", "list_id": other_list,
        "content": {"embedded": "<form>neu</form>", "linked": f"<html><body>{EMBEDDED}</body></html>"},
        "redirections": {"after_opt_in": "https://acme.example/thanks", "after_opt_out": "https://acme.example/bye"}, "status": "deleted"}

    response = await client.delete(FORM.format(form_id=form_id))
    assert assert_valid(response, FORM, "DELETE") == {"id": form_id, "object": "form", "deleted": True}
    assert (await client.get(FORM.format(form_id=form_id))).status_code == 404


async def test_a_form_is_no_library_template(client, list_id):
    form_id = (await create_form(client, form_body(list_id)))["id"]
    templates = (await client.get("/templates", params={"with_count": "true"})).json()
    assert form_id not in [t["id"] for t in templates["data"]]
    assert (await client.get(f"/templates/{form_id}")).status_code == 404
    # and no template is a form
    template = await client.post("/templates", json=TEMPLATE)
    assert template.status_code == 201, template.text
    assert (await client.get(FORM.format(form_id=template.json()["id"]))).status_code == 404


async def test_unknown_and_foreign_forms_and_lists_are_404(client, other_client, list_id):
    form_id = (await create_form(client, form_body(list_id)))["id"]
    for caller, method, kwargs in [(other_client, "get", {}), (other_client, "patch", {"json": {"name": "Hijacked"}}), (other_client, "delete", {}),
                                   (client, "get", {}), (client, "delete", {})]:
        target = form_id if caller is other_client else "999999999"
        response = await getattr(caller, method)(FORM.format(form_id=target), **kwargs)
        assert response.status_code == 404, response.text
        assert assert_valid(response, FORM, method.upper())["detail"]
    assert (await client.get(FORM.format(form_id="not-a-form"))).status_code == 404
    response = await other_client.post(FORMS, json=form_body(list_id))  # another account's list
    assert response.status_code == 404, response.text
    assert assert_valid(response, FORMS, "POST")["detail"][0]["loc"] == ["body", "list_id"]
    assert (await other_client.get(FORMS, params={"with_count": "true"})).json()["pagination"]["count"] == 0


@pytest.mark.parametrize("change, loc", [
    ({"name": ""}, ["body", "name"]),
    ({"language": "klingon"}, ["body", "language"]),
    ({"status": "paused"}, ["body", "status"]),
    ({"list_id": 0}, ["body", "list_id"]),
    ({"content": {"embedded": ""}}, ["body", "content", "embedded"]),
])
async def test_bad_bodies_are_422(client, list_id, change, loc):
    response = await client.post(FORMS, json={**form_body(list_id), **change})
    assert response.status_code == 422, response.text
    assert assert_valid(response, FORMS, "POST")["detail"][0]["loc"] == loc
    response = await client.post(FORMS, json={k: v for k, v in form_body(list_id).items() if k != "list_id"})
    assert response.status_code == 422 and assert_valid(response, FORMS, "POST")["detail"][0]["loc"] == ["body", "list_id"]
    response = await client.get(FORMS, params={"sort": "-name"})
    assert response.status_code == 422 and assert_valid(response, FORMS, "GET")["detail"][0]["loc"] == ["body", "sort"]
