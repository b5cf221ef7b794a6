"""Doxie admin brands over real HTTP: CRUD, senders from possible_sender_emails, secrets masked."""
from __future__ import annotations

SENDERS = """query($slug: String!) { tenant(slug: $slug) { senders { nodes { address channel brand } } } }"""

BRAND = {
    "name": "Tenant Shop",
    "mail_provider": "smtp",
    "smtp": {"address": "smtp.example.com", "port": 587, "user_name": "shop", "password": "hunter2"},
    "possible_sender_emails": "news@shop.example.com, Info@Shop.example.com",
    "rcs_possible_senders": ["shop_agent"],
    "primary_color": "#ff0066",
}


async def test_a_brand_is_created_with_its_senders_and_its_secrets_masked(doxie):
    async with doxie.admin() as client:
        created = await client.post("/brands", json={"brand": BRAND})
        shown = await client.get(f"/brands/{created.json()['data']['id']}")
        listed = await client.get("/brands")

    assert created.status_code == 200, created.text
    body = created.json()
    assert (body["success"], body["message"], body["error"]) == (True, "Erfolgreich erstellt", None)
    data = body["data"]
    assert (data["name"], data["slug"], data["mail_provider"], data["primary_color"]) == ("Tenant Shop", "tenant-shop", "smtp", "#ff0066")
    assert data["smtp"] == {"address": "smtp.example.com", "port": 587, "user_name": "shop", "password": "********"}
    assert data["possible_sender_emails"] == ["news@shop.example.com", "info@shop.example.com"]
    assert data["rcs_possible_senders"] == ["shop_agent"]
    assert shown.json()["data"] == data
    assert [b["id"] for b in listed.json()["data"]["brands"]] == [data["id"]]
    assert "hunter2" not in created.text + shown.text + listed.text
    senders = (await doxie.tenant.graph(SENDERS, {"slug": doxie.tenant.slug}))["tenant"]["senders"]["nodes"]
    assert {(s["address"], s["channel"], s["brand"]) for s in senders} >= {
        ("news@shop.example.com", "EMAIL", "tenant-shop"), ("shop_agent", "RCS", "tenant-shop")}


async def test_updating_a_brand_keeps_masked_secrets_and_replaces_its_senders(doxie):
    async with doxie.admin() as client:
        brand_id = (await client.post("/brands", json={"brand": BRAND})).json()["data"]["id"]
        updated = await client.patch(f"/brands/{brand_id}", json={"brand": {
            "name": "Shop", "smtp": {"port": 465, "password": "********"}, "possible_sender_emails": ["hello@shop.example.com"]}})

    assert updated.status_code == 200, updated.text
    assert updated.json()["message"] == "Erfolgreich bearbeitet"
    data = updated.json()["data"]
    assert (data["name"], data["slug"]) == ("Shop", "tenant-shop")
    assert data["smtp"] == {"address": "smtp.example.com", "port": 465, "user_name": "shop", "password": "********"}
    assert data["possible_sender_emails"] == ["hello@shop.example.com"]
    assert data["rcs_possible_senders"] == ["shop_agent"]
    # the stored password is still the first one: the mask sent back did not overwrite it
    from domain.db import create_engine, session_factory
    from domain.brands.models import Brand
    from tests.support.environment import DATABASE_URL

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            assert (await session.get(Brand, brand_id)).settings["smtp"]["password"] == "hunter2"
    finally:
        await engine.dispose()


async def test_a_deleted_brand_and_its_senders_are_gone(doxie):
    async with doxie.admin() as client:
        brand_id = (await client.post("/brands", json={"brand": {"name": "Gone", "possible_sender_emails": ["gone@example.com"]}})).json()["data"]["id"]
        deleted = await client.delete(f"/brands/{brand_id}")
        shown = await client.get(f"/brands/{brand_id}")

    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["message"] == "Erfolgreich gelöscht"
    assert shown.status_code == 404
    senders = (await doxie.tenant.graph(SENDERS, {"slug": doxie.tenant.slug}))["tenant"]["senders"]["nodes"]
    assert "gone@example.com" not in [s["address"] for s in senders]


async def test_bad_brand_input_is_refused(doxie):
    async with doxie.admin() as client:
        first = (await client.post("/brands", json={"brand": {"name": "Taken"}})).json()["data"]
        no_object = await client.post("/brands", json={"name": "flat"})
        no_name = await client.post("/brands", json={"brand": {"mail_provider": "smtp"}})
        bad_sender = await client.post("/brands", json={"brand": {"name": "X", "possible_sender_emails": ["not an address"]}})
        bad_senders = await client.post("/brands", json={"brand": {"name": "Y", "possible_sender_emails": 7}})
        taken = await client.post("/brands", json={"brand": {"name": "Taken"}})
        bad_slug = await client.patch(f"/brands/{first['id']}", json={"brand": {"slug": "Not A Slug"}})
        unknown = await client.patch("/brands/999999999", json={"brand": {"name": "Z"}})
        not_an_id = await client.get("/brands/first")
        listed = (await client.get("/brands")).json()["data"]["brands"]

    for response, status in ((no_object, 422), (no_name, 422), (bad_sender, 422), (bad_senders, 422), (taken, 409),
                             (bad_slug, 422), (unknown, 404), (not_an_id, 404)):
        assert response.status_code == status, response.text
        assert response.json()["success"] is False and response.json()["data"] is None
    assert [b["name"] for b in listed] == ["Taken"]


async def test_provider_setup_on_third_party_clouds_is_an_honest_501(doxie, stranger):
    async with doxie.admin() as client:
        brand_id = (await client.post("/brands", json={"brand": {"name": "Cloudy"}})).json()["data"]["id"]
        calls = [(m, f"/brands/{brand_id}/{name}") for m, name in (
            ("GET", "mailjet_webhooks"), ("POST", "mailjet_webhooks"), ("DELETE", "mailjet_webhooks"),
            ("GET", "rcs_webhook"), ("POST", "rcs_webhook"), ("DELETE", "rcs_webhook"),
            ("GET", "sms_webhook"), ("POST", "sms_webhook"), ("DELETE", "sms_webhook"),
            ("POST", "ses_setup"), ("POST", "smtp_test"))]
        answers = [await client.request(method, path) for method, path in calls]
        unknown_brand = await client.post("/brands/999999999/smtp_test")
    async with doxie.admin(token=stranger.tenant.token) as client:
        foreign = await client.post(f"/brands/{brand_id}/ses_setup")

    for response in answers:
        assert response.status_code == 501, response.text
        body = response.json()
        assert (body["success"], body["data"], body["error_code"]) == (False, None, "NOT_SUPPORTED")
        assert "is not available" in body["error"]
    assert unknown_brand.status_code == 404
    assert foreign.status_code == 404
