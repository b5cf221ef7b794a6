"""Doxie admin API users and tenant settings over real HTTP."""
from __future__ import annotations

import httpx

CREDENTIALS = """query($slug: String!) { tenant(slug: $slug) { apiCredentials(kind: API_USER) { totalCount nodes { username role } } } }"""


async def test_an_api_user_is_created_with_its_password_shown_once_and_can_send(doxie):
    await doxie.mailer("welcome_email")

    async with doxie.admin() as client:
        created = await client.post("/api_users", json={"api_user": {"username": "shop-backend", "permission": "write"}})
        listed = await client.get("/api_users")

    assert created.status_code == 200, created.text
    body = created.json()
    assert (body["success"], body["message"], body["error"]) == (True, "Erfolgreich erstellt", None)
    assert (body["data"]["username"], body["data"]["permission"]) == ("shop-backend", "write")
    password = body["data"]["password"]
    assert len(password) >= 24
    users = listed.json()["data"]["api_users"]
    assert [u["username"] for u in users] == [doxie.username, "shop-backend"]
    assert all("password" not in u for u in users)
    assert listed.json()["data"]["pagination"]["count"] == 2
    async with httpx.AsyncClient(base_url=f"{doxie.url}/api/v1/{doxie.tenant.slug}", auth=("shop-backend", password)) as client:
        sent = await client.post("/mailer/welcome_email", json={"email": "shop@example.com"})
    assert sent.status_code == 200, sent.text


async def test_a_deleted_api_user_can_no_longer_authenticate_and_its_name_is_free_again(doxie):
    await doxie.mailer("welcome_email")
    async with doxie.admin() as client:
        created = (await client.post("/api_users", json={"api_user": {"username": "temp"}})).json()["data"]
        deleted = await client.delete(f"/api_users/{created['id']}")
        again = await client.delete(f"/api_users/{created['id']}")
        recreated = await client.post("/api_users", json={"api_user": {"username": "temp"}})

    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["message"] == "API-Zugang erfolgreich gelöscht"
    assert deleted.json()["data"] == {"id": created["id"]}
    assert again.status_code == 404
    assert recreated.status_code == 200
    async with httpx.AsyncClient(base_url=f"{doxie.url}/api/v1/{doxie.tenant.slug}", auth=("temp", created["password"])) as client:
        refused = await client.post("/mailer/welcome_email", json={"email": "x@example.com"})
    assert refused.status_code == 401
    assert refused.json() == {"success": False, "error": "UNAUTHENTICATED", "error_message": "Invalid credentials"}


async def test_api_users_need_an_admin_token_and_valid_input(make_doxie):
    doxie = await make_doxie(role="write")

    async with doxie.admin() as client:
        listed = await client.get("/api_users")
        created = await client.post("/api_users", json={"api_user": {"username": "nope"}})
    assert listed.status_code == 403 and created.status_code == 403
    assert listed.json()["success"] is False and listed.json()["data"] is None

    admin = await make_doxie()
    async with admin.admin() as client:
        taken = await client.post("/api_users", json={"api_user": {"username": admin.username}})
        colon = await client.post("/api_users", json={"api_user": {"username": "a:b"}})
        no_object = await client.post("/api_users", json={"username": "flat"})
        bad_permission = await client.post("/api_users", json={"api_user": {"username": "x", "permission": "root"}})
        token_record = await client.delete("/api_users/1")  # not an API user of this tenant
    assert (taken.status_code, taken.json()["error_code"]) == (409, "USERNAME_TAKEN")
    assert (colon.status_code, colon.json()["error_code"]) == (422, "INVALID_USERNAME")
    assert no_object.status_code == 422 and bad_permission.status_code == 422
    assert token_record.status_code == 404


async def test_api_credentials_in_the_graph_never_show_a_secret_and_only_to_admins(make_doxie):
    doxie = await make_doxie()
    data = await doxie.tenant.graph(CREDENTIALS, {"slug": doxie.tenant.slug})
    assert data["tenant"]["apiCredentials"]["nodes"] == [{"username": doxie.username, "role": "WRITE"}]
    reader = await make_doxie(role="read")
    denied = await reader.tenant.graph(CREDENTIALS, {"slug": reader.tenant.slug}, expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_settings_are_shown_and_patched_by_merging_tenant_params(doxie):
    async with doxie.admin() as client:
        first = await client.patch("/settings", json={"tenant_params": {"name": "Tenant Shop", "default_sender_name": "Shop", "footer": "A"}})
        second = await client.patch("/settings", json={"tenant_params": {"footer": "B", "timezone": "Europe/Berlin"}})
        shown = await client.get("/settings")

    assert first.status_code == 200, first.text
    assert first.json()["message"] == "Mandant erfolgreich aktualisiert"
    assert second.status_code == 200, second.text
    data = shown.json()["data"]
    assert (data["slug"], data["name"], data["timezone"]) == (doxie.tenant.slug, "Tenant Shop", "Europe/Berlin")
    assert data["settings"] == {"default_sender_name": "Shop", "footer": "B"}
    assert shown.json()["success"] is True and shown.json()["error"] is None


async def test_bad_settings_are_refused_and_change_nothing(doxie):
    async with doxie.admin() as client:
        no_params = await client.patch("/settings", json={"footer": "x"})
        not_json = await client.patch("/settings", content=b"{nope", headers={"content-type": "application/json"})
        empty_name = await client.patch("/settings", json={"tenant_params": {"name": ""}})
        wrong_type = await client.patch("/settings", json={"tenant_params": {"email_active": "sometimes"}})
        shown = (await client.get("/settings")).json()["data"]

    for response in (no_params, not_json, empty_name, wrong_type):
        assert response.status_code == 422, response.text
        assert response.json()["success"] is False and response.json()["data"] is None
    assert shown["name"] == f"Tenant {doxie.tenant.slug}" and shown["email_active"] is True
