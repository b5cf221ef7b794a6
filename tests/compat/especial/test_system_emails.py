"""Especial system emails configuration (/brands/default/system-emails) over real HTTP: per kind and language, a
template and a sender of the account; PUT sets every kind, PATCH the kinds it names; references are checked."""
from __future__ import annotations

import pytest

from tests.compat.especial.audience_fixtures import add_sender
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_templates import TEMPLATE

PATH = "/brands/default/system-emails"
EMPTY = {"account_confirm": [], "user_confirm": [], "sender_confirm": [], "password_reset": [], "contact_double_opt_in": []}


async def add_template(client, **fields) -> int:
    response = await client.post("/templates", json={**TEMPLATE, **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def entry(language: str, template_id: int, sender_id: str) -> dict:
    return {"language": language, "template": {"id": template_id}, "sender": {"id": sender_id}}


async def test_a_new_account_has_none(client):
    assert assert_valid(await client.get(PATH), PATH, "GET") == {"data": EMPTY}


async def test_put_sets_every_kind_and_reads_back(client):
    template_id, sender = await add_template(client), await add_sender(client)
    body = {"account_confirm": [], "user_confirm": [], "sender_confirm": [entry("en_US", template_id, sender["id"]), entry("fr", template_id, sender["id"])],
            "password_reset": [{"language": "de"}]}  # the seed's sample, with real values

    response = await client.put(PATH, json=body)

    assert response.status_code == 200, response.text
    answer = assert_valid(response, PATH, "PUT")
    assert answer == {"object": "systememails", "updated": True, "data": {**EMPTY, **body}}
    assert assert_valid(await client.get(PATH), PATH, "GET")["data"] == answer["data"]
    # PUT replaces everything: what it does not name is gone.
    assert assert_valid(await client.put(PATH, json={"user_confirm": [{"language": "en"}]}), PATH, "PUT")["data"] == {
        **EMPTY, "user_confirm": [{"language": "en"}]}


async def test_patch_changes_only_the_kinds_it_names(client):
    template_id, sender = await add_template(client), await add_sender(client)
    await client.put(PATH, json={"sender_confirm": [entry("en_US", template_id, sender["id"])]})

    response = await client.patch(PATH, json={"password_reset": [{"language": "en_US", "template": {"id": template_id}}]})

    assert response.status_code == 200, response.text
    assert assert_valid(response, PATH, "PATCH")["data"] == {**EMPTY, "sender_confirm": [entry("en_US", template_id, sender["id"])],
                                                             "password_reset": [{"language": "en_US", "template": {"id": template_id}}]}


async def test_the_graph_shows_the_configuration(client):
    template_id, sender = await add_template(client), await add_sender(client)
    await client.put(PATH, json={"sender_confirm": [entry("en_US", template_id, sender["id"])]})

    data = await client.user.tenant.graph("""query($id: ID!) { node(id: $id) { ... on Tenant {
        systemEmails { kind language template { databaseId } sender { address } } } } }""", {"id": client.user.tenant.id})

    assert data["node"]["systemEmails"] == [{"kind": "SENDER_CONFIRM", "language": "en_US", "template": {"databaseId": template_id},
                                             "sender": {"address": sender["email"]}}]


async def test_an_unknown_language_is_a_422(client):
    response = await client.put(PATH, json={"sender_confirm": [{"language": "klingon"}]})

    assert response.status_code == 422
    assert assert_valid(response, PATH, "PUT")["detail"][0]["loc"] == ["body", "sender_confirm", "0", "language"]


async def test_a_language_twice_in_a_kind_is_a_422(client):
    response = await client.put(PATH, json={"sender_confirm": [{"language": "en_US"}, {"language": "en_US"}]})

    assert response.status_code == 422
    detail = assert_valid(response, PATH, "PUT")["detail"][0]
    assert detail["loc"] == ["body", "sender_confirm", "1", "language"] and detail["type"] == "value_error.duplicate_language"


@pytest.mark.parametrize("what", ["template", "sender"])
async def test_an_unknown_or_foreign_template_or_sender_is_a_404(client, other_client, what):
    theirs = {"template": await add_template(other_client), "sender": (await add_sender(other_client))["id"]}[what]
    for reference in (theirs, 999_999_999 if what == "template" else "999999999"):
        response = await client.patch(PATH, json={"password_reset": [{"language": "en", what: {"id": reference}}]})

        assert response.status_code == 404, response.text
        assert assert_valid(response, PATH, "PATCH")["detail"][0]["loc"] == ["body", "password_reset", "0", what, "id"]
    assert assert_valid(await client.get(PATH), PATH, "GET")["data"] == EMPTY
