"""Especial users over real HTTP: the caller's own user; an account's users (create with a confirmation mail or at once,
list, show, update, delete); suspension ends logging in and the tokens held; password resets (forgot, my own, an
admin's for a user) by a signed single-use token read out of the mail the SMTP server received; only admins manage
users, nobody suspends or deletes itself; bad input."""
from __future__ import annotations

import email
import re
from email import policy

import httpx
import pytest

from tests.compat.especial.audience_fixtures import unique_email
from tests.compat.especial.conftest import EspecialUser, assert_valid
from tests.support.fixtures import eventually

ONE = "/users/{user_id}"
TOKEN = re.compile(r"\b([1-9][0-9]*\.[0-9]+\.[A-Za-z0-9_-]{20,60})\b")


def user_body(**fields) -> dict:
    """The seed's request sample for "Create a user", with real values."""
    return {"first_name": "Grace", "last_name": "Hopper", "title": "Rear Admiral", "office_phone": "+1 555 0100", "mobile_phone": "15550101",
            "language": "en_US", "timezone": "America/New_York", "email": unique_email("grace"), **fields}


async def mailed_token(mailbox, address: str, count: int = 1) -> str:
    """The token in the `count`-th mail this address received (a reset token or a confirmation code)."""
    raws = await eventually(lambda: len(mailbox.to(address)) >= count and mailbox.to(address))
    message = email.message_from_bytes(raws[count - 1], policy=policy.default)
    return TOKEN.search(message.get_body(("plain",)).get_content()).group(1)


async def token_for(client, address: str, password: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{client.base}/token", data={"username": address, "password": password})


async def create(client, *, params: dict | None = None, **fields) -> dict:
    response = await client.post("/users", json=user_body(**fields), params=params)
    assert response.status_code == 201, response.text
    return assert_valid(response, "/users", "POST")


async def test_my_user_is_shown(client):
    response = await client.get("/users/self")

    assert response.status_code == 200, response.text
    data = assert_valid(response, "/users/self", "GET")["data"]
    assert (data["id"], data["email"], data["status"], data["first_name"], data["last_name"]) == (
        str(client.user.user_id), client.user.email, "active", "Especial", "User")


async def test_an_invited_user_confirms_with_the_mailed_code_and_then_logs_in(client, mailbox):
    created = await create(client)
    data = created["data"]
    assert (created["object"], created["created"], created["id"], data["status"]) == ("user", True, data["id"], "unconfirmed")
    assert {k: data[k] for k in ("first_name", "last_name", "title", "mobile_phone", "language", "timezone")} == {
        "first_name": "Grace", "last_name": "Hopper", "title": "Rear Admiral", "mobile_phone": "15550101", "language": "en_US",
        "timezone": "America/New_York"}
    code = await mailed_token(mailbox, data["email"])
    assert (await token_for(client, data["email"], "a new password")).status_code == 401

    response = await client.post(f"/users/{data['id']}/confirm", json={"confirmation": code, "password": "a new password"})

    assert response.status_code == 200, response.text
    confirmed = assert_valid(response, "/users/{user_id}/confirm", "POST")
    assert (confirmed["confirmed"], confirmed["data"]["status"]) == (True, "active")
    login = await token_for(client, data["email"], "a new password")
    assert login.status_code == 200 and login.json()["accounts"] == [client.user.account_id]
    again = await client.post(f"/users/{data['id']}/confirm", json={"confirmation": code, "password": "another password"})
    assert again.status_code == 422 and assert_valid(again, "/users/{user_id}/confirm", "POST")["detail"][0]["loc"] == ["body", "confirmation"]


async def test_the_verification_mail_is_sent_again_until_confirmed(client, mailbox):
    data = (await create(client))["data"]
    first = await mailed_token(mailbox, data["email"])

    response = await client.post(f"/users/{data['id']}/resend-verification-email")

    assert response.status_code == 200 and assert_valid(response, "/users/{user_id}/resend-verification-email", "POST")["confirmation_resent"]
    second = await mailed_token(mailbox, data["email"], count=2)
    confirmed = await client.post(f"/users/{data['id']}/confirm", json={"confirmation": second, "password": "long enough"})
    assert confirmed.status_code == 200, confirmed.text
    stale = await client.post(f"/users/{data['id']}/confirm", json={"confirmation": first, "password": "long enough"})
    assert stale.status_code == 422
    response = await client.post(f"/users/{data['id']}/resend-verification-email")
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "value_error.user_already_confirmed"


async def test_a_user_made_with_skip_verification_logs_in_at_once(client):
    data = (await create(client, params={"skip_verification": "true"}, password="correct horse"))["data"]

    assert data["status"] == "active"
    assert (await token_for(client, data["email"], "correct horse")).status_code == 200
    without = await client.post("/users", json=user_body(), params={"skip_verification": "true"})
    assert without.status_code == 422 and assert_valid(without, "/users", "POST")["detail"][0]["loc"] == ["body", "password"]


async def test_users_are_listed_by_page_and_filtered(client):
    invited = (await create(client))["data"]
    active = (await create(client, params={"skip_verification": "true"}, password="correct horse"))["data"]

    response = await client.get("/users", params={"with_count": "true", "per_page": "2"})
    assert response.status_code == 200, response.text
    body = assert_valid(response, "/users", "GET")
    assert body["pagination"] == {"page": 1, "per_page": 2, "count": 3}
    assert [u["id"] for u in body["data"]] == [str(client.user.user_id), invited["id"]]
    second = assert_valid(await client.get("/users", params={"page": "2", "per_page": "2"}), "/users", "GET")
    assert [u["id"] for u in second["data"]] == [active["id"]]

    unconfirmed = assert_valid(await client.get("/users", params={"filter": "status==unconfirmed"}), "/users", "GET")
    assert [u["email"] for u in unconfirmed["data"]] == [invited["email"]]
    by_email = assert_valid(await client.get("/users", params={"filter": f"email=={active['email']};status==active"}), "/users", "GET")
    assert [u["id"] for u in by_email["data"]] == [active["id"]]


async def test_a_user_is_shown_updated_and_deleted(client):
    data = (await create(client, params={"skip_verification": "true"}, password="correct horse"))["data"]
    response = await client.get(f"/users/{data['id']}")
    assert response.status_code == 200 and assert_valid(response, ONE, "GET")["data"] == data

    response = await client.patch(f"/users/{data['id']}", json={"first_name": "Amazing", "title": "Commodore", "language": "fr_FR"})
    assert response.status_code == 200, response.text
    patched = assert_valid(response, ONE, "PATCH")
    assert (patched["patched"], patched["data"]["first_name"], patched["data"]["last_name"], patched["data"]["title"],
            patched["data"]["language"]) == (True, "Amazing", "Hopper", "Commodore", "fr_FR")

    response = await client.delete(f"/users/{data['id']}")
    assert response.status_code == 200 and assert_valid(response, ONE, "DELETE") == {"id": data["id"], "object": "user", "deleted": True}
    assert (await client.get(f"/users/{data['id']}")).status_code == 404
    assert (await token_for(client, data["email"], "correct horse")).status_code == 401  # it belonged nowhere else: gone


async def test_a_suspended_user_can_neither_log_in_nor_use_its_token(client, make_user, login):
    colleague = await make_user(client.user.tenant, role="write")
    theirs = await login(colleague)

    response = await client.post(f"/users/{colleague.user_id}/suspend")

    assert response.status_code == 200, response.text
    assert assert_valid(response, "/users/{user_id}/suspend", "POST")["data"]["status"] == "suspended"
    assert (await theirs.get("/users/self")).status_code == 401
    assert (await token_for(client, colleague.email, colleague.password)).status_code == 401
    listed = assert_valid(await client.get("/users", params={"filter": "status==suspended"}), "/users", "GET")["data"]
    assert [u["id"] for u in listed] == [str(colleague.user_id)]

    response = await client.post(f"/users/{colleague.user_id}/unsuspend")
    assert response.status_code == 200 and assert_valid(response, "/users/{user_id}/unsuspend", "POST")["data"]["status"] == "active"
    assert (await theirs.get("/users/self")).status_code == 200


async def test_nobody_suspends_or_deletes_itself(client):
    for response in (await client.post(f"/users/{client.user.user_id}/suspend"), await client.delete(f"/users/{client.user.user_id}")):
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["type"] == "value_error.cannot_act_on_self"
    assert (await client.get("/users/self")).status_code == 200


async def test_only_admins_manage_users(client, make_user, login):
    writer = await login(await make_user(client.user.tenant, role="write"))
    other = await make_user(client.user.tenant, role="write")

    for method, path, body in (("POST", "/users", user_body()), ("POST", f"/users/{other.user_id}/suspend", None),
                               ("DELETE", f"/users/{other.user_id}", None), ("PATCH", f"/users/{other.user_id}", {"title": "Boss"}),
                               ("POST", f"/users/{other.user_id}/reset-password", {"invalidate_current_password": True})):
        response = await writer.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)
    # A member changes its own profile.
    response = await writer.patch(f"/users/{writer.user.user_id}", json={"title": "Editor"})
    assert response.status_code == 200 and response.json()["data"]["title"] == "Editor"


async def test_a_user_of_several_accounts_is_changed_only_by_an_admin_of_all_of_them(client, make_user, login):
    shared = await make_user(client.user.tenant, role="write")
    other_admin = await make_user()
    from domain.db import create_engine, session_factory
    from domain.identity.service import grant
    from tests.support.environment import DATABASE_URL
    from domain.identity.models import Role

    engine = create_engine(DATABASE_URL)
    async with session_factory(engine)() as session:
        await grant(session, user_id=shared.user_id, tenant_id=other_admin.account_id, role=Role.WRITE)
        await session.commit()
    await engine.dispose()

    response = await client.post(f"/users/{shared.user_id}/suspend", params={"account_id": str(client.user.account_id)})
    assert response.status_code == 403, response.text
    response = await client.delete(f"/users/{shared.user_id}")  # ending its membership here is this admin's to do
    assert response.status_code == 200, response.text
    assert (await token_for(client, shared.email, shared.password)).json()["accounts"] == [other_admin.account_id]


async def test_forgot_my_password_mails_a_single_use_token(client, anonymous, mailbox):
    response = await anonymous.post("/users/forgot-my-password", json={"email": client.user.email.upper()})

    assert response.status_code == 200, response.text
    assert assert_valid(response, "/users/forgot-my-password", "POST") == {"email": client.user.email, "object": "user", "reset_link_sent": True}
    token = await mailed_token(mailbox, client.user.email)
    response = await anonymous.post("/users/reset-password-confirm", json={"token": token, "password": "brand new secret"})
    assert response.status_code == 200 and assert_valid(response, "/users/reset-password-confirm", "POST") == {"object": "user", "password_reset": True}
    assert (await token_for(client, client.user.email, "brand new secret")).status_code == 200
    assert (await token_for(client, client.user.email, client.user.password)).status_code == 401
    again = await anonymous.post("/users/reset-password-confirm", json={"token": token, "password": "yet another one"})
    assert again.status_code == 422 and assert_valid(again, "/users/reset-password-confirm", "POST")["detail"][0]["loc"] == ["body", "token"]


async def test_forgot_my_password_answers_the_same_for_an_unknown_address(anonymous, mailbox):
    address = unique_email("nobody")

    response = await anonymous.post("/users/forgot-my-password", json={"email": address})

    assert response.status_code == 200 and response.json() == {"email": address, "object": "user", "reset_link_sent": True}
    assert mailbox.to(address) == []


async def test_an_admin_reset_can_end_the_current_password_at_once(client, make_user, mailbox):
    colleague = await make_user(client.user.tenant, role="write")

    response = await client.post(f"/users/{colleague.user_id}/reset-password", json={"invalidate_current_password": True})

    assert response.status_code == 200, response.text
    assert assert_valid(response, "/users/{user_id}/reset-password", "POST")["email"] == colleague.email
    assert (await token_for(client, colleague.email, colleague.password)).status_code == 401
    token = await mailed_token(mailbox, colleague.email)
    assert (await client.post("/users/reset-password-confirm", json={"token": token, "password": "short"})).status_code == 422
    assert (await client.post("/users/reset-password-confirm", json={"token": token, "password": "long enough now"})).status_code == 200
    assert (await token_for(client, colleague.email, "long enough now")).status_code == 200


async def test_my_own_reset_and_password_change(client, mailbox):
    response = await client.post("/users/self/reset-password")
    assert response.status_code == 200 and assert_valid(response, "/users/self/reset-password", "POST")["email"] == client.user.email
    assert TOKEN.search(email.message_from_bytes((await eventually(lambda: mailbox.to(client.user.email)))[0]).as_string())
    assert (await token_for(client, client.user.email, client.user.password)).status_code == 200  # not invalidated

    wrong = await client.patch(f"/users/{client.user.user_id}", json={"password": {"current": "not it", "new": "changed password"}})
    assert wrong.status_code == 422 and assert_valid(wrong, ONE, "PATCH")["detail"][0]["loc"] == ["body", "password", "current"]
    right = await client.patch(f"/users/{client.user.user_id}", json={"password": {"current": client.user.password, "new": "changed password"}})
    assert right.status_code == 200, right.text
    assert (await token_for(client, client.user.email, "changed password")).status_code == 200


async def test_an_admin_never_sets_another_users_password(client, make_user):
    colleague = await make_user(client.user.tenant, role="write")

    response = await client.patch(f"/users/{colleague.user_id}", json={"password": {"current": colleague.password, "new": "taken over!"}})

    assert response.status_code == 403, response.text
    assert (await token_for(client, colleague.email, colleague.password)).status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "params", "status", "loc"), [
    ("GET", "/users/ab-c", None, None, 422, ["body", "user_id"]),
    ("GET", "/users/abc", None, None, 404, ["body", "user_id"]),
    ("GET", "/users/999999999", None, None, 404, ["body", "user_id"]),
    ("POST", "/users/abc/suspend", None, None, 422, ["body", "user_id"]),
    ("POST", "/users", {"first_name": "A", "last_name": "B"}, None, 422, ["body", "email"]),
    ("POST", "/users", {"first_name": "A", "last_name": "B", "email": "not an address"}, None, 422, ["body", "email"]),
    ("POST", "/users", {"first_name": "A", "last_name": "B", "email": "a@example.com", "password_strength_requirement": "STRONG"}, None, 422,
     ["body", "password_strength_requirement"]),
    ("GET", "/users", None, {"filter": "role==admin"}, 422, ["body", "filter"]),
    ("GET", "/users", None, {"filter": "status==gone"}, 422, ["body", "filter"]),
    ("POST", "/users/forgot-my-password", {}, None, 422, ["body", "email"]),
    ("POST", "/users/reset-password-confirm", {"token": "1.2.abc", "password": "long enough"}, None, 422, ["body", "token"]),
    ("POST", "/users/1/confirm", {"confirmation": "x", "password": "short"}, None, 422, ["body", "password"]),
])
async def test_bad_input_is_refused_in_especials_envelope(client, method, path, body, params, status, loc):
    response = await client.request(method, path, json=body, params=params)

    assert response.status_code == status, response.text
    template = re.sub(r"^/users/[^/]+", "/users/{user_id}", path) if path.count("/") > 1 and path.split("/")[2] not in (
        "forgot-my-password", "reset-password-confirm") else path
    assert assert_valid(response, template, method)["detail"][0]["loc"] == loc


async def test_another_accounts_users_are_not_found(client, other_client):
    for response in (await other_client.get(f"/users/{client.user.user_id}"), await other_client.post(f"/users/{client.user.user_id}/suspend"),
                     await other_client.get("/users", params={"account_id": str(client.user.account_id)})):
        assert response.status_code == 404, response.text
    listed = assert_valid(await other_client.get("/users"), "/users", "GET")["data"]
    assert [u["id"] for u in listed] == [str(other_client.user.user_id)]
