"""Especial lists over real HTTP: create, show, list, update, delete; bad input; isolation between accounts."""
from __future__ import annotations

import pytest

from schema.relay import to_global_id
from tests.compat.especial.audience_fixtures import LIST, add_list, add_sender, oversized_json
from tests.compat.especial.conftest import assert_valid

LISTS, ONE = "/lists", "/lists/{list_id}"


async def test_created_list_reads_back_with_its_default_sender(client):
    sender = await add_sender(client, name="Acme News")

    response = await client.post(LISTS, json={**LIST, "default_sender": {"id": sender["id"]}})

    assert response.status_code == 201, response.text
    created = assert_valid(response, LISTS, "POST")
    data = created["data"]
    assert created["created"] is True and created["id"] == data["id"]
    assert data["name"] == "Newsletter" and data["status"] == "active" and data["language"] == "en_US" and data["policy_accepted"] is False
    assert data["default_sender"] == {"name": "Acme News", "email": sender["email"]}
    assert data["redirections"] == {} and data["pages"] == {} and data["webhook"] == {}
    assert isinstance(data["created_on"], int) and data["created_on"] > 0
    assert assert_valid(await client.get(f"{LISTS}/{data['id']}"), ONE, "GET")["data"] == data


async def test_redirections_and_language_are_kept(client):
    redirections = {"after_opt_in": "https://example.com/welcome", "after_opt_out": "https://example.com/bye"}

    data = await add_list(client, language="fr_FR", redirections=redirections)

    assert data["language"] == "fr_FR" and data["redirections"] == redirections


async def test_list_is_a_contact_list_of_the_account_in_the_graph(client):
    data = await add_list(client)

    node = (await client.user.tenant.graph("""query($id: ID!) { node(id: $id) { ... on ContactList {
        name settings defaultSender { address } tenant { accountId } } } }""", {"id": to_global_id("ContactList", data["id"])}))["node"]

    assert node["name"] == "Newsletter" and node["tenant"] == {"accountId": client.user.account_id}
    assert node["defaultSender"] == {"address": data["default_sender"]["email"]}
    assert node["settings"]["language"] == "en_US"


async def test_lists_are_paged_counted_and_filtered_by_name(client):
    sender = await add_sender(client)
    made = [await add_list(client, sender["id"], name=name) for name in ("A", "B", "C")]

    first = assert_valid(await client.get(LISTS, params={"per_page": 2, "with_count": "true"}), LISTS, "GET")
    second = assert_valid(await client.get(LISTS, params={"per_page": 2, "page": 2, "sort": "created_on"}), LISTS, "GET")
    named = assert_valid(await client.get(LISTS, params={"filter": "name==B"}), LISTS, "GET")

    assert first["pagination"] == {"page": 1, "per_page": 2, "count": 3}
    assert [l["name"] for l in first["data"]] == ["A", "B"] and [l["name"] for l in second["data"]] == ["C"]
    assert [l["id"] for l in named["data"]] == [made[1]["id"]]
    assert set(first["data"][0]) == {"id", "name", "status", "policy_accepted", "language", "created_on", "default_sender", "redirections", "pages", "webhook"}


async def test_patch_changes_only_what_is_given(client):
    data = await add_list(client, redirections={"after_opt_in": "https://example.com/in"})
    other = await add_sender(client, name="Other Sender")

    response = await client.patch(f"{LISTS}/{data['id']}", json={"name": "Weekly", "default_sender": {"id": other["id"]}, "language": "de_DE"})

    assert response.status_code == 200, response.text
    body = assert_valid(response, ONE, "PATCH")
    assert body["updated"] is True and body["id"] == data["id"]
    assert body["data"] == {**data, "name": "Weekly", "language": "de_DE", "default_sender": {"name": "Other Sender", "email": other["email"]}}
    assert assert_valid(await client.get(f"{LISTS}/{data['id']}"), ONE, "GET")["data"] == body["data"]


async def test_deleted_list_is_gone(client):
    data = await add_list(client)

    response = await client.delete(f"{LISTS}/{data['id']}")

    assert assert_valid(response, ONE, "DELETE") == {"id": data["id"], "object": "list", "deleted": True}
    gone = await client.get(f"{LISTS}/{data['id']}")
    assert gone.status_code == 404 and assert_valid(gone, ONE, "GET")["detail"][0]["loc"] == ["body", "list_id"]


@pytest.mark.parametrize("body, status, loc", [
    ({"default_sender": {"id": "1"}}, 422, ["body", "name"]),
    ({"name": "Newsletter"}, 422, ["body", "default_sender"]),
    ({"name": "", "default_sender": {"id": "1"}}, 422, ["body", "name"]),
    ({"name": ["Newsletter"], "default_sender": {"id": "1"}}, 422, ["body", "name"]),
    ({"name": "Newsletter", "default_sender": {}}, 422, ["body", "default_sender", "id"]),
    ({"name": "Newsletter", "default_sender": {"id": "1"}, "language": "xx_XX"}, 422, ["body", "language"]),
    ({"name": "Newsletter", "default_sender": {"id": "1"}, "redirections": {"after_opt_in": ""}}, 422, ["body", "redirections", "after_opt_in"]),
    ({"name": "Newsletter", "default_sender": {"id": "999999999"}}, 404, ["body", "default_sender", "id"]),
    ({"name": "Newsletter", "default_sender": {"id": "not-a-sender"}}, 404, ["body", "default_sender", "id"]),
])
async def test_bad_list_bodies_name_the_field(client, body, status, loc):
    response = await client.post(LISTS, json=body)

    assert response.status_code == status, response.text
    assert assert_valid(response, LISTS, "POST")["detail"][0]["loc"] == loc


async def test_list_webhooks_are_refused_honestly(client):
    sender = await add_sender(client)

    response = await client.post(LISTS, json={**LIST, "default_sender": {"id": sender["id"]},
                                              "webhook": {"url": "https://example.com/hook", "actions": ["subscribe"]}})

    assert response.status_code == 422
    detail = assert_valid(response, LISTS, "POST")["detail"][0]
    assert detail["loc"] == ["body", "webhook"] and "not supported" in detail["msg"]


async def test_malformed_and_oversized_bodies_are_refused(client):
    data = await add_list(client)
    oversized = await client.post(LISTS, content=oversized_json(), headers={"Content-Type": "application/json"})
    malformed = await client.patch(f"{LISTS}/{data['id']}", content=b'{"name": ', headers={"Content-Type": "application/json"})

    assert oversized.status_code == 413 and assert_valid(oversized, LISTS, "POST")
    assert malformed.status_code == 422 and assert_valid(malformed, ONE, "PATCH")


@pytest.mark.parametrize("list_id, status", [("999999999", 404), ("abc", 422), ("0", 422), ("-3", 422)])
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_unknown_or_malformed_list_ids(client, method, list_id, status):
    response = await client.request(method, f"{LISTS}/{list_id}", json={"name": "x"} if method == "PATCH" else None)

    assert response.status_code == status, response.text
    assert_valid(response, ONE, method)


@pytest.mark.parametrize("params", [{"filter": "status==active"}, {"filter": "owner==me"}, {"sort": "-name"}, {"per_page": "1000"}])
async def test_filters_and_sorts_this_server_cannot_apply_are_422(client, params):
    response = await client.get(LISTS, params=params)

    assert response.status_code == 422, response.text
    assert assert_valid(response, LISTS, "GET")["detail"][0]["loc"][-1] in ("filter", "sort", "per_page")


async def test_another_accounts_list_is_not_found_and_unchanged(client, other_client):
    theirs = await add_list(other_client)

    for method, body in (("GET", None), ("PATCH", {"name": "Hijacked"}), ("DELETE", None)):
        response = await client.request(method, f"{LISTS}/{theirs['id']}", json=body)
        assert response.status_code == 404, (method, response.text)
        assert_valid(response, ONE, method)
    assert assert_valid(await client.get(LISTS), LISTS, "GET")["data"] == []
    assert assert_valid(await other_client.get(f"{LISTS}/{theirs['id']}"), ONE, "GET")["data"] == theirs


async def test_another_accounts_sender_cannot_be_a_default_sender(client, other_client):
    theirs = await add_sender(other_client)

    response = await client.post(LISTS, json={**LIST, "default_sender": {"id": theirs["id"]}})

    assert response.status_code == 404
    assert_valid(response, LISTS, "POST")
    assert assert_valid(await client.get(LISTS, params={"with_count": "true"}), LISTS, "GET")["pagination"]["count"] == 0


async def test_a_parent_accounts_user_works_on_a_sub_accounts_lists(make_tenant, make_user, login):
    parent_user = await make_user()
    sub = await make_tenant(parent=parent_user.tenant)
    parent = await login(parent_user)
    response = await parent.post("/brands/default/senders", params={"account_id": sub.account_id},
                                 json={"name": "Sub", "email": "sub@example.com"})
    sender_id = assert_valid(response, "/brands/default/senders", "POST")["id"]

    response = await parent.post(LISTS, params={"account_id": sub.account_id}, json={**LIST, "default_sender": {"id": sender_id}})

    assert response.status_code == 201, response.text
    list_id = assert_valid(response, LISTS, "POST")["id"]
    assert [l["id"] for l in assert_valid(await parent.get(LISTS, params={"account_id": sub.account_id}), LISTS, "GET")["data"]] == [list_id]
    assert (await parent.get(f"{LISTS}/{list_id}")).status_code == 404  # not in the parent account itself


async def test_a_read_only_user_can_read_but_not_write_lists(make_user, login, client):
    data = await add_list(client)
    reader = await login(await make_user(client.user.tenant, role="read"))

    shown = await reader.get(f"{LISTS}/{data['id']}")
    changed = await reader.patch(f"{LISTS}/{data['id']}", json={"name": "Nope"})

    assert shown.status_code == 200 and assert_valid(shown, ONE, "GET")
    assert changed.status_code == 403 and assert_valid(changed, ONE, "PATCH")["detail"][0]["type"] == "forbidden"
    assert assert_valid(await client.get(f"{LISTS}/{data['id']}"), ONE, "GET")["data"]["name"] == "Newsletter"
