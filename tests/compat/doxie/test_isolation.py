"""Every Doxie route called with a valid credential of another tenant: 401/403/404 in the dialect's
envelope, and the owner's data neither returned nor changed."""
from __future__ import annotations

import httpx
import pytest

STATE = """query($slug: String!, $uuid: String!) { tenant(slug: $slug) {
  name settings process(uuid: $uuid) { status } webhookEndpoints { totalCount } brands { totalCount nodes { name } }
  apiCredentials(kind: API_USER) { totalCount } editorAssets { totalCount nodes { uuid size } }
  templates(channel: PAGE) { totalCount nodes { name page { kind contentState publishedAt brand { databaseId } layout { databaseId } } } } } }"""
PNG = bytes.fromhex("89504e470d0a1a0a")
UPLOAD = ("file", ("logo.png", PNG, "image/png"))  # a body sent as multipart/form-data


@pytest.fixture
async def owned(doxie, stranger) -> dict:
    """The owner's resources: an event, a process, a webhook endpoint, a brand, a second API user, a consent purpose,
    a layout, a published landing page in it, an editor asset."""
    event = await doxie.mailer("welcome_email")
    await stranger.mailer("welcome_email")
    async with doxie.public() as client:
        process = (await client.post("/mailer/welcome_email", json={"email": f"own.{doxie.tenant.slug}@example.com"})).json()["process_uuid"]
    async with doxie.admin() as client:
        endpoint = (await client.post("/webhook/endpoints", json={"webhook_abstract_endpoint": {"url": "https://hooks.example.com/x", "active": False}})).json()["data"]
        brand = (await client.post("/brands", json={"brand": {"name": "Owned"}})).json()["data"]
        api_user = (await client.post("/api_users", json={"api_user": {"username": "owned-user"}})).json()["data"]
        layout = (await client.post("/pages/landing_page_layouts", json={"pages_landing_page_layout": {"name": "Owned", "brand_id": brand["id"]}})).json()["data"]
        page = (await client.post("/pages/landing_pages", json={"pages_landing_page": {
            "name": "Owned", "landing_page_layout_id": layout["id"], "content_state": {"html": "<p>Owned</p>"}}})).json()["data"]
        assert (await client.post(f"/editor/landing_pages/{page['id']}/publish")).json()["success"] is True
        asset = (await client.post("/editor/assets", files=[UPLOAD])).json()["data"]
    purpose = (await doxie.tenant.graph("""mutation($input: CreateListInput!) { createList(input: $input) { list { databaseId } } }""",
                                        {"input": {"tenantId": doxie.tenant.id, "name": "Owned", "doubleOptIn": True}}))["createList"]["list"]
    return {"event": event["databaseId"], "process": process, "endpoint": endpoint["id"], "brand": brand["id"],
            "api_user": api_user["id"], "purpose": purpose["databaseId"], "landing_page": page["id"], "layout": layout["id"], "asset": asset["id"]}


def public_calls(ids: dict) -> list[tuple[str, str, dict | None]]:
    return [
        ("POST", "/mailer/welcome_email", {"email": "intruder@example.com"}),
        ("POST", "/injector/welcome_email", {"email": "intruder@example.com"}),
        ("POST", "/survey/welcome_email", {"email": "intruder@example.com"}),
        ("POST", "/qr_code/welcome_email", {"email": "intruder@example.com", "target_url": "https://evil.example.com"}),
        ("GET", f"/events/{ids['event']}?type=mailer", None),
        ("POST", f"/processes/{ids['process']}/cancel", None),
        ("POST", "/mpm/consents", {"email": "intruder@example.com", "purpose_id": ids["purpose"], "event_slug": "welcome_email"}),
        ("POST", "/mpm/consents/revoke", {"email": f"own.x@example.com", "purpose_id": ids["purpose"]}),
    ]


def admin_calls(ids: dict) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", "/shared/processes", None),
        ("GET", f"/shared/processes/{ids['process']}", None),
        ("POST", f"/shared/processes/{ids['process']}/cancel", None),
        ("GET", "/webhook/endpoints", None),
        ("POST", "/webhook/endpoints", {"webhook_abstract_endpoint": {"url": "https://evil.example.com"}}),
        ("GET", f"/webhook/endpoints/{ids['endpoint']}", None),
        ("PATCH", f"/webhook/endpoints/{ids['endpoint']}", {"webhook_abstract_endpoint": {"url": "https://evil.example.com"}}),
        ("DELETE", f"/webhook/endpoints/{ids['endpoint']}", None),
        ("GET", "/api_users", None),
        ("POST", "/api_users", {"api_user": {"username": "intruder"}}),
        ("DELETE", f"/api_users/{ids['api_user']}", None),
        ("GET", "/settings", None),
        ("PATCH", "/settings", {"tenant_params": {"name": "Hijacked"}}),
        ("GET", "/brands", None),
        ("POST", "/brands", {"brand": {"name": "Evil"}}),
        ("GET", f"/brands/{ids['brand']}", None),
        ("PATCH", f"/brands/{ids['brand']}", {"brand": {"name": "Evil"}}),
        ("DELETE", f"/brands/{ids['brand']}", None),
        ("POST", "/pages/landing_pages", {"pages_landing_page": {"name": "Evil"}}),
        ("PATCH", f"/pages/landing_pages/{ids['landing_page']}", {"pages_landing_page": {"name": "Evil"}}),
        ("DELETE", f"/pages/landing_pages/{ids['landing_page']}", None),
        ("GET", "/pages/landing_page_layouts", None),
        ("POST", "/pages/landing_page_layouts", {"pages_landing_page_layout": {"name": "Evil"}}),
        ("GET", f"/pages/landing_page_layouts/{ids['layout']}", None),
        ("PATCH", f"/pages/landing_page_layouts/{ids['layout']}", {"pages_landing_page_layout": {"name": "Evil"}}),
        ("DELETE", f"/pages/landing_page_layouts/{ids['layout']}", None),
        ("GET", f"/editor/landing_pages/{ids['landing_page']}", None),
        ("PATCH", f"/editor/landing_pages/{ids['landing_page']}/content_state", {"content_state": {"html": "<p>Evil</p>"}}),
        ("POST", f"/editor/landing_pages/{ids['landing_page']}/publish", None),
        ("GET", f"/editor/landing_page_layouts/{ids['layout']}", None),
        ("PATCH", f"/editor/landing_page_layouts/{ids['layout']}/content_state", {"content_state": {"html": "Evil"}}),
        ("GET", "/editor/assets", None),
        ("POST", "/editor/assets", UPLOAD),
        ("DELETE", f"/editor/assets/{ids['asset']}", None),
        ("GET", "/dashboard", None),
        ("GET", "/shared/dashboard", None),
    ]


async def send(client: httpx.AsyncClient, method: str, path: str, body) -> httpx.Response:
    """A call of the sweep: JSON, or multipart/form-data for an upload."""
    if body is UPLOAD:
        return await client.request(method, path, files=[UPLOAD])
    return await client.request(method, path, json=body)


async def state(doxie, ids: dict) -> dict:
    return (await doxie.tenant.graph(STATE, {"slug": doxie.tenant.slug, "uuid": ids["process"]}))["tenant"]


async def test_another_tenants_api_user_is_refused_on_every_public_route(doxie, stranger, owned):
    before = await state(doxie, owned)
    foreign = httpx.AsyncClient(base_url=f"{doxie.url}/api/v1/{doxie.tenant.slug}", auth=(stranger.username, stranger.password), timeout=30)
    async with foreign as client:
        for method, path, body in public_calls(owned):
            response = await client.request(method, path, json=body)
            assert response.status_code == 401, (method, path, response.text)
            assert response.json() == {"success": False, "error": "UNAUTHENTICATED", "error_message": "Invalid credentials"}
    assert await state(doxie, owned) == before


async def test_another_tenants_ids_are_not_found_through_its_own_tenant(doxie, stranger, owned):
    async with stranger.public() as client:
        event = await client.get(f"/events/{owned['event']}", params={"type": "mailer"})
        cancel = await client.post(f"/processes/{owned['process']}/cancel")
        consent = await client.post("/mpm/consents", json={"email": "x@example.com", "purpose_id": owned["purpose"], "event_slug": "welcome_email"})
    async with stranger.admin() as client:
        named = [f"/{owned[k]}" for k in ("process", "endpoint", "brand", "api_user", "landing_page", "layout", "asset")]
        by_id = [(m, p, b) for m, p, b in admin_calls(owned) if any(p.endswith(n) or f"{n}/" in p for n in named)]
        assert len(by_id) == 20
        admin = [await send(client, method, path, body) for method, path, body in by_id]

    for response in (event, cancel, consent, *admin):
        assert response.status_code == 404, response.text
        assert response.json()["success"] is False
    assert (await state(doxie, owned))["process"]["status"] == "RUNNING"


async def test_another_tenants_bearer_token_is_refused_on_every_admin_route(doxie, stranger, owned):
    before = await state(doxie, owned)
    async with doxie.admin(token=stranger.tenant.token) as client:
        for method, path, body in admin_calls(owned):
            response = await send(client, method, path, body)
            assert response.status_code in (403, 404), (method, path, response.text)
            body = response.json()
            assert body["success"] is False and body["data"] is None and body["message"] is None and body["error"], (method, path)
    assert await state(doxie, owned) == before


async def test_a_read_token_cannot_change_anything(make_doxie, owned, doxie):
    reader = await make_doxie(role="read")
    async with reader.admin() as client:
        for method, path, body in admin_calls(owned):
            if method == "GET":
                continue
            response = await send(client, method, path, body)
            assert response.status_code in (403, 404), (method, path, response.text)


async def test_missing_or_wrong_kind_of_credentials_are_401_in_each_envelope(doxie, owned):
    public = f"{doxie.url}/api/v1/{doxie.tenant.slug}"
    admin = f"{doxie.url}/api/v1/admin/{doxie.tenant.slug}"
    async with httpx.AsyncClient(timeout=30) as client:
        anonymous = await client.post(f"{public}/mailer/welcome_email", json={"email": "a@example.com"})
        bearer_on_public = await client.post(f"{public}/mailer/welcome_email", json={"email": "a@example.com"},
                                             headers={"Authorization": f"Bearer {doxie.tenant.token}"})
        wrong_password = await client.post(f"{public}/mailer/welcome_email", json={"email": "a@example.com"}, auth=(doxie.username, "nope"))
        garbage_basic = await client.post(f"{public}/mailer/welcome_email", headers={"Authorization": "Basic !!!"})
        unknown_tenant = await client.post(f"{doxie.url}/api/v1/no-such-tenant/mailer/welcome_email", auth=(doxie.username, doxie.password))
        admin_anonymous = await client.get(f"{admin}/settings")
        admin_basic = await client.get(f"{admin}/settings", auth=(doxie.username, doxie.password))
        admin_forged = await client.get(f"{admin}/settings", headers={"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"})

    for response in (anonymous, bearer_on_public, wrong_password, garbage_basic, unknown_tenant):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Basic")
        assert set(response.json()) == {"success", "error", "error_message"}
    for response in (admin_anonymous, admin_basic, admin_forged):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["success"] is False and response.json()["data"] is None and response.json()["error"]
    # nothing was sent: the owner's one process is the only one
    processes = (await doxie.tenant.graph("""query($slug: String!) { tenant(slug: $slug) { processes { totalCount } } }""",
                                          {"slug": doxie.tenant.slug}))["tenant"]["processes"]["totalCount"]
    assert processes == 1
