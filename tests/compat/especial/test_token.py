"""Especial authentication over real HTTP: the OAuth2 password and refresh grants (`POST /token`, the deprecated
`PUT /token`), bearer access tokens, and `account_id` choosing among the accounts a user may act on."""
from __future__ import annotations

import httpx
import pytest

from tests.compat.especial.conftest import EspecialClient, assert_valid


async def token(especial_url: str, method: str = "POST", **form) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.request(method, f"{especial_url}/token", data=form)


async def test_password_grant_gives_tokens_for_the_users_accounts(user, especial_url):
    response = await token(especial_url, grant_type="password", username=user.email, password=user.password)

    assert response.status_code == 200, response.text
    body = assert_valid(response, "/token", "POST")
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["accounts"] == [user.account_id]
    lists = await EspecialClient(especial_url, user, body["access_token"]).get("/lists")
    assert lists.status_code == 200 and assert_valid(lists, "/lists", "GET")["data"] == []


async def test_username_is_case_insensitive_and_grant_type_defaults_to_password(user, especial_url):
    response = await token(especial_url, username=user.email.upper(), password=user.password)

    assert response.status_code == 200, response.text
    assert assert_valid(response, "/token", "POST")["accounts"] == [user.account_id]


async def test_refresh_grant_gives_a_new_working_access_token(client, especial_url):
    response = await token(especial_url, grant_type="refresh_token", refresh_token=client.refresh_token)

    assert response.status_code == 200, response.text
    body = assert_valid(response, "/token", "POST")
    fresh = EspecialClient(especial_url, client.user, body["access_token"])
    assert (await fresh.get("/brands/default/senders")).status_code == 200


async def test_deprecated_put_token_refreshes_too(client, especial_url):
    response = await token(especial_url, "PUT", refresh_token=client.refresh_token)

    assert response.status_code == 200, response.text
    body = assert_valid(response, "/token", "PUT")
    assert body["accounts"] == [client.user.account_id]
    assert (await EspecialClient(especial_url, client.user, body["access_token"]).get("/lists")).status_code == 200


@pytest.mark.parametrize("password", ["wrong password", "  "])
async def test_wrong_password_is_401_in_especials_envelope(user, especial_url, password):
    response = await token(especial_url, username=user.email, password=password)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert assert_valid(response, "/token", "POST") == {"detail": [{"code": 401, "msg": "Incorrect username or password", "type": "unauthorized"}]}


async def test_unknown_user_is_the_same_401(especial_url):
    response = await token(especial_url, username="nobody@example.com", password="secret")

    assert response.status_code == 401
    assert assert_valid(response, "/token", "POST")["detail"][0]["msg"] == "Incorrect username or password"


@pytest.mark.parametrize("form, loc", [
    ({"password": "secret"}, ["body", "username"]),
    ({"grant_type": "client_credentials", "username": "a@example.com", "password": "x"}, ["body", "grant_type"]),
    ({"grant_type": "refresh_token"}, ["body", "refresh_token"]),
])
async def test_incomplete_token_requests_are_422(especial_url, form, loc):
    response = await token(especial_url, **form)

    assert response.status_code == 422
    assert assert_valid(response, "/token", "POST")["detail"][0]["loc"] == loc


async def test_an_oversized_token_request_is_413(especial_url):
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(f"{especial_url}/token", content=b"username=" + b"a" * 1_100_000,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert response.status_code == 413
    assert_valid(response, "/token", "POST")


async def test_tokens_are_not_interchangeable(client, especial_url):
    as_access = await EspecialClient(especial_url, client.user, client.refresh_token).get("/lists")
    as_refresh = await token(especial_url, grant_type="refresh_token", refresh_token=client.token)
    garbage = await EspecialClient(especial_url, client.user, "not-a-token").get("/lists")

    assert as_access.status_code == 401 and assert_valid(as_access, "/lists", "GET")["detail"][0]["type"] == "unauthorized"
    assert as_refresh.status_code == 401 and assert_valid(as_refresh, "/token", "POST")
    assert garbage.status_code == 401 and assert_valid(garbage, "/lists", "GET")


async def test_a_token_from_another_signer_is_401(client, especial_url):
    import jwt

    forged = jwt.encode({"sub": f"user:{client.user.user_id}", "typ": "access", "aud": "sendgraph"}, "another-secret-key-long-enough-for-hs256",
                        algorithm="HS256")
    response = await EspecialClient(especial_url, client.user, forged).get("/lists")

    assert response.status_code == 401 and assert_valid(response, "/lists", "GET")


async def test_a_user_of_two_accounts_names_the_account_with_account_id(make_tenant, make_user, login):
    user = await make_user()
    second = await make_tenant()
    await _grant(user.user_id, second.account_id)
    client = await login(user)

    ambiguous = await client.get("/lists")
    chosen = await client.get("/lists", params={"account_id": second.account_id})

    assert ambiguous.status_code == 422
    assert assert_valid(ambiguous, "/lists", "GET")["detail"][0]["loc"] == ["body", "account_id"]
    assert chosen.status_code == 200 and assert_valid(chosen, "/lists", "GET")


async def test_account_id_of_an_unrelated_account_is_404(client, other_client):
    response = await client.get("/lists", params={"account_id": other_client.user.account_id})

    assert response.status_code == 404
    assert assert_valid(response, "/lists", "GET")["detail"][0] == {
        "loc": ["body", "account_id"], "msg": f"Account {other_client.user.account_id} not found", "type": "not_found"}


async def _grant(user_id: int, tenant_id: int) -> None:
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import grant
    from tests.support.environment import DATABASE_URL

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            await grant(session, user_id=user_id, tenant_id=tenant_id, role=Role.WRITE)
            await session.commit()
    finally:
        await engine.dispose()
