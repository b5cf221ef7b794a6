"""Doxie admin / pages and editor over real HTTP: landing page layouts (list, create, show, update, delete),
landing pages (create, update, delete) with the seed's `pages_landing_page` / `pages_landing_page_layout`
bodies, the editor's payload, content state and publishing (the page is then really served at its URL), and
editor assets (multipart upload, list, served from the database, delete). Bad input and other tenants get
the admin error envelope, never a 500."""
from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100"
                    "0521b4b20000000049454e44ae426082")
LAYOUT_STATE = {"html": "<header>ACME</header><main>{{ content }}</main><footer>Imprint</footer>", "css": "header{color:red}"}
PAGE_STATE = {"html": "<h1>Win a trip</h1><form><input name=email></form>", "css": "h1{font-size:3em}"}


def assert_error(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.text)
    body = response.json()
    assert body["success"] is False and body["message"] is None and body["data"] is None and body["error"], body
    return body


def layout_body(**attributes) -> dict:
    return {"pages_landing_page_layout": {"name": "Campaign frame", **attributes}}


def page_body(**attributes) -> dict:
    return {"pages_landing_page": {"name": "Summer raffle", **attributes}}


async def visit(doxie, url: str) -> httpx.Response:
    """A visitor opening a public URL (the path, against the test server)."""
    async with httpx.AsyncClient(base_url=doxie.url.removesuffix("/doxie"), timeout=30) as client:
        return await client.get(urlsplit(url).path)


@pytest.fixture
async def frame(doxie) -> dict:
    """A brand and a layout of that brand with content state."""
    async with doxie.admin() as client:
        brand = (await client.post("/brands", json={"brand": {"name": "ACME", "slug": "acme"}})).json()["data"]
        layout = (await client.post("/pages/landing_page_layouts", json=layout_body(brand_id=brand["id"], content_state=LAYOUT_STATE))).json()
    assert layout["success"] is True, layout
    return {"brand": brand, "layout": layout["data"]}


async def test_a_layout_is_created_listed_shown_updated_and_deleted_with_the_seeds_bodies(doxie, frame):
    layout = frame["layout"]
    assert layout["name"] == "Campaign frame" and layout["brand_id"] == frame["brand"]["id"] and layout["content_state"] == LAYOUT_STATE
    async with doxie.admin() as client:
        listed = (await client.get("/pages/landing_page_layouts", params={"page": 1, "limit": 10})).json()
        shown = (await client.get(f"/pages/landing_page_layouts/{layout['id']}")).json()
        updated = (await client.patch(f"/pages/landing_page_layouts/{layout['id']}", json=layout_body(name="Autumn frame", brand_id=None))).json()
        deleted = (await client.delete(f"/pages/landing_page_layouts/{layout['id']}")).json()
        gone = await client.get(f"/pages/landing_page_layouts/{layout['id']}")

    assert listed["data"]["landing_page_layouts"] == [layout]
    assert listed["data"]["pagination"] == {"page": 1, "limit": 10, "count": 1, "pages": 1}
    assert shown == {"success": True, "message": None, "error": None, "data": layout}
    assert updated["message"] == "Erfolgreich aktualisiert"
    assert updated["data"]["name"] == "Autumn frame" and updated["data"]["brand_id"] is None
    assert updated["data"]["content_state"] == LAYOUT_STATE  # untouched by a PATCH without it
    assert deleted["message"] == "Erfolgreich gelöscht" and deleted["data"]["id"] == layout["id"]
    assert assert_error(gone, 404)["error_code"] == "LAYOUT_NOT_FOUND"


async def test_a_landing_page_is_edited_published_and_served_in_its_layout(doxie, frame):
    event = await doxie.mailer("raffle")
    async with doxie.admin() as client:
        created = (await client.post("/pages/landing_pages", json=page_body(
            brand_id=frame["brand"]["id"], landing_page_layout_id=frame["layout"]["id"], owner_type="event", owner_id=event["databaseId"]))).json()
        page = created["data"]
        editor = (await client.get(f"/editor/landing_pages/{page['id']}")).json()
        saved = (await client.patch(f"/editor/landing_pages/{page['id']}/content_state", json={"content_state": PAGE_STATE})).json()
        published = (await client.post(f"/editor/landing_pages/{page['id']}/publish")).json()
        later = (await client.patch(f"/editor/landing_pages/{page['id']}/content_state", json={"content_state": {"html": "<h1>Draft</h1>"}})).json()
        renamed = (await client.patch(f"/pages/landing_pages/{page['id']}", json=page_body(name="Summer raffle 2"))).json()

    assert created["message"] == "Erfolgreich erstellt"
    assert page["landing_page_layout_id"] == frame["layout"]["id"] and page["brand"]["slug"] == "acme"
    assert page["owner_type"] == "event" and page["owner_id"] == event["databaseId"]
    assert page["published"] is False and page["url"] is None
    # the editor's payload: a bare object with the page, its endpoints and configuration
    assert editor["id"] == page["id"] and editor["type"] == "landing_page" and editor["content_state"] == {}
    assert editor["api_endpoints"]["publish"].endswith(f"/api/v1/admin/{doxie.tenant.slug}/editor/landing_pages/{page['id']}/publish")
    assert editor["editor_config"]["max_asset_bytes"] == 2 * 1024 * 1024 and "image/png" in editor["editor_config"]["asset_content_types"]
    assert saved["success"] is True and saved["data"]["content_state"] == PAGE_STATE
    assert published["message"] == "Erfolgreich veröffentlicht" and published["data"]["published"] is True
    url = published["data"]["url"]
    assert urlsplit(url).path == f"/lp/{doxie.tenant.slug}/{page['id']}"

    served = await visit(doxie, url)
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/html")
    assert served.headers["content-security-policy"].startswith("sandbox")
    html = served.text
    assert "<header>ACME</header><main><h1>Win a trip</h1>" in html and "<footer>Imprint</footer>" in html
    assert "header{color:red}h1{font-size:3em}" in html and "<title>Summer raffle</title>" in html
    # a saved draft changes nothing public until it is published again
    assert later["data"]["content_state"] == {"html": "<h1>Draft</h1>"}
    assert "Win a trip" in (await visit(doxie, url)).text
    assert renamed["data"]["name"] == "Summer raffle 2" and renamed["data"]["published"] is True


async def test_unpublished_and_deleted_pages_are_not_served(doxie):
    async with doxie.admin() as client:
        page = (await client.post("/pages/landing_pages", json=page_body(content_state=PAGE_STATE))).json()["data"]
        public_path = f"/lp/{doxie.tenant.slug}/{page['id']}"
        unpublished = await visit(doxie, public_path)
        url = (await client.post(f"/editor/landing_pages/{page['id']}/publish")).json()["data"]["url"]
        before = await visit(doxie, url)
        deleted = (await client.delete(f"/pages/landing_pages/{page['id']}")).json()
        after = await visit(doxie, url)
        again = await client.delete(f"/pages/landing_pages/{page['id']}")

    assert unpublished.status_code == 404
    assert before.status_code == 200 and "<h1>Win a trip</h1>" in before.text  # no layout: the page alone
    assert deleted["success"] is True and deleted["data"]["id"] == page["id"]
    assert after.status_code == 404
    assert assert_error(again, 404)["error_code"] == "LANDING_PAGE_NOT_FOUND"
    assert (await visit(doxie, f"/lp/{doxie.tenant.slug}/abc")).status_code == 404


async def test_a_layout_landing_pages_use_is_kept(doxie, frame):
    async with doxie.admin() as client:
        page = (await client.post("/pages/landing_pages", json=page_body(landing_page_layout_id=frame["layout"]["id"]))).json()["data"]
        refused = await client.delete(f"/pages/landing_page_layouts/{frame['layout']['id']}")
        await client.patch(f"/pages/landing_pages/{page['id']}", json=page_body(landing_page_layout_id=None))
        deleted = await client.delete(f"/pages/landing_page_layouts/{frame['layout']['id']}")

    assert assert_error(refused, 409)["error_code"] == "LAYOUT_IN_USE"
    assert deleted.status_code == 200


async def test_the_layout_editor_saves_its_content_state(doxie, frame):
    layout_id = frame["layout"]["id"]
    async with doxie.admin() as client:
        editor = (await client.get(f"/editor/landing_page_layouts/{layout_id}")).json()
        saved = (await client.patch(f"/editor/landing_page_layouts/{layout_id}/content_state", json={"content_state": {"html": "<div>{{ content }}</div>"}})).json()
        shown = (await client.get(f"/pages/landing_page_layouts/{layout_id}")).json()["data"]
        as_page = await client.get(f"/editor/landing_pages/{layout_id}")
        publish_layout = await client.post(f"/editor/landing_pages/{layout_id}/publish")

    assert editor["type"] == "layout" and editor["content_state"] == LAYOUT_STATE and "publish" not in editor["api_endpoints"]
    assert saved["data"]["content_state"] == {"html": "<div>{{ content }}</div>"} == shown["content_state"]
    assert assert_error(as_page, 404)["error_code"] == "LANDING_PAGE_NOT_FOUND"  # a layout is not a landing page
    assert_error(publish_layout, 404)


@pytest.mark.parametrize("path, body, status, code", [
    ("/pages/landing_pages", {}, 422, "REQUIRED"),
    ("/pages/landing_pages", {"pages_landing_page": "x"}, 422, "REQUIRED"),
    ("/pages/landing_pages", {"pages_landing_page": {}}, 422, "REQUIRED"),
    ("/pages/landing_pages", page_body(name=""), 422, "REQUIRED"),
    ("/pages/landing_pages", page_body(colour="red"), 422, "UNKNOWN_ATTRIBUTE"),
    ("/pages/landing_pages", page_body(brand_id="1"), 422, "INVALID_TYPE"),
    ("/pages/landing_pages", page_body(brand_id=99999999), 404, "BRAND_NOT_FOUND"),
    ("/pages/landing_pages", page_body(landing_page_layout_id=99999999), 404, "LAYOUT_NOT_FOUND"),
    ("/pages/landing_pages", page_body(owner_type="campaign", owner_id=1), 422, "INVALID_OWNER_TYPE"),
    ("/pages/landing_pages", page_body(owner_type="event"), 422, "REQUIRED"),
    ("/pages/landing_pages", page_body(owner_type="event", owner_id=99999999), 404, "EVENT_NOT_FOUND"),
    ("/pages/landing_pages", page_body(content_state=[1]), 422, "INVALID_TYPE"),
    ("/pages/landing_page_layouts", layout_body(landing_page_layout_id=1), 422, "UNKNOWN_ATTRIBUTE"),
    ("/pages/landing_page_layouts", layout_body(name=None), 422, "REQUIRED"),
])
async def test_bad_page_bodies_get_the_admin_envelope(doxie, path, body, status, code):
    async with doxie.admin() as client:
        response = await client.post(path, json=body)
    assert assert_error(response, status)["error_code"] == code


async def test_bad_ids_and_requests_get_the_admin_envelope(doxie, frame):
    async with doxie.admin() as client:
        page = (await client.post("/pages/landing_pages", json=page_body())).json()["data"]
        empty = await client.post(f"/editor/landing_pages/{page['id']}/publish")
        not_json = await client.patch(f"/pages/landing_pages/{page['id']}", content=b"{", headers={"content-type": "application/json"})
        no_state = await client.patch(f"/editor/landing_pages/{page['id']}/content_state", json={"content_state": "x"})
        layout_as_page = await client.patch(f"/pages/landing_pages/{frame['layout']['id']}", json=page_body())
        page_as_layout = await client.get(f"/pages/landing_page_layouts/{page['id']}")
        page_as_own_layout = await client.patch(f"/pages/landing_pages/{page['id']}", json=page_body(landing_page_layout_id=page["id"]))
        not_an_id = await client.get("/pages/landing_page_layouts/abc")
        huge_id = await client.get("/editor/landing_pages/99999999999999999999")
        bad_limit = await client.get("/pages/landing_page_layouts", params={"limit": "0"})
        template = await doxie.template(name="Plain mail")
        email_template = await client.get(f"/editor/landing_pages/{template['databaseId']}")

    assert assert_error(empty, 422)["error_code"] == "PAGE_EMPTY"
    assert assert_error(not_json, 422)["error_code"] == "INVALID_JSON"
    assert assert_error(no_state, 422)["error_code"] == "REQUIRED"
    assert assert_error(layout_as_page, 404)["error_code"] == "LANDING_PAGE_NOT_FOUND"
    assert assert_error(page_as_layout, 404)["error_code"] == "LAYOUT_NOT_FOUND"
    assert assert_error(page_as_own_layout, 404)["error_code"] == "LAYOUT_NOT_FOUND"
    for response in (not_an_id, huge_id, email_template):
        assert_error(response, 404)
    assert assert_error(bad_limit, 422)["error_code"] == "INVALID_PARAMETER"


async def test_another_tenants_brand_layout_and_event_cannot_be_used(doxie, stranger, frame):
    event = await doxie.mailer("owned_event")
    async with stranger.admin() as client:
        brand = await client.post("/pages/landing_pages", json=page_body(brand_id=frame["brand"]["id"]))
        layout = await client.post("/pages/landing_pages", json=page_body(landing_page_layout_id=frame["layout"]["id"]))
        owner = await client.post("/pages/landing_pages", json=page_body(owner_type="event", owner_id=event["databaseId"]))
        listed = (await client.get("/pages/landing_page_layouts")).json()["data"]

    assert assert_error(brand, 404)["error_code"] == "BRAND_NOT_FOUND"
    assert assert_error(layout, 404)["error_code"] == "LAYOUT_NOT_FOUND"
    assert assert_error(owner, 404)["error_code"] == "EVENT_NOT_FOUND"
    assert listed["landing_page_layouts"] == [] and listed["pagination"]["count"] == 0


async def upload(client: httpx.AsyncClient, content: bytes, name: str = "logo.png", content_type: str = "image/png", **fields):
    """A multipart upload as the editor sends it: a `file` part, and other form fields (`filename`)."""
    return await client.post("/editor/assets", files={"file": (name, content, content_type)}, data=fields or None)


async def test_an_asset_is_uploaded_listed_served_from_the_database_and_deleted(doxie):
    async with doxie.admin() as client:
        uploaded = (await upload(client, PNG, name="../Logo 1.png")).json()
        named = (await upload(client, PNG, name="blob", content_type="application/octet-stream", filename="hero.png")).json()
        listed = (await client.get("/editor/assets")).json()
        asset = uploaded["data"]
        served = await visit(doxie, asset["url"])
        deleted = (await client.delete(f"/editor/assets/{asset['id']}")).json()
        after = await visit(doxie, asset["url"])
        again = await client.delete(f"/editor/assets/{asset['id']}")
        not_uuid = await client.delete("/editor/assets/not-a-uuid")
        remaining = (await client.get("/editor/assets")).json()

    assert uploaded["message"] == "Erfolgreich hochgeladen"
    assert asset["filename"] == "Logo 1.png" and asset["content_type"] == "image/png" and asset["size"] == len(PNG)
    assert urlsplit(asset["url"]).path == f"/assets/{asset['id']}/Logo 1.png"
    assert named["data"]["filename"] == "hero.png" and named["data"]["content_type"] == "image/png"  # the filename field names it
    assert listed == [named["data"], asset]  # a bare array, newest first
    assert served.status_code == 200 and served.content == PNG and served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert deleted["success"] is True and deleted["data"]["id"] == asset["id"]
    assert after.status_code == 404
    assert assert_error(again, 404)["error_code"] == "ASSET_NOT_FOUND"
    assert_error(not_uuid, 404)
    assert remaining == [named["data"]]


async def test_asset_uploads_are_limited_in_size_and_type(doxie):
    async with doxie.admin() as client:
        too_large = await upload(client, b"\0" * (2 * 1024 * 1024 + 1))
        far_too_large = await upload(client, b"\0" * (3 * 1024 * 1024))
        html = await upload(client, b"<script>alert(1)</script>", name="x.html", content_type="text/html")
        empty = await upload(client, b"")
        no_file = await client.post("/editor/assets", data={"filename": "x.png"}, files={"other": ("x.png", PNG, "image/png")})
        json_body = await client.post("/editor/assets", json={"file": "x"})
        broken = await client.post("/editor/assets", content=b"--b\r\nnothing", headers={"content-type": "multipart/form-data; boundary=b"})
        no_boundary = await client.post("/editor/assets", content=b"--b\r\n", headers={"content-type": "multipart/form-data"})
        listed = (await client.get("/editor/assets")).json()

    for response in (too_large, far_too_large):
        body = assert_error(response, 413)
        assert body["error_code"] == "ASSET_TOO_LARGE" and "2097152" in body["error"]
    assert assert_error(html, 422)["error_code"] == "UNSUPPORTED_CONTENT_TYPE"
    assert assert_error(empty, 422)["error_code"] == "REQUIRED"
    assert assert_error(no_file, 422)["error_code"] == "REQUIRED"
    assert assert_error(json_body, 415)["error_code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert assert_error(broken, 422)["error_code"] == "REQUIRED"  # no complete file part in it
    assert assert_error(no_boundary, 422)["error_code"] == "INVALID_MULTIPART"
    assert listed == []


async def test_a_chunked_upload_is_cut_off_at_the_limit(doxie):
    async def chunks():
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n"
        for _ in range(30):
            yield b"\0" * 100_000

    async with doxie.admin() as client:
        response = await client.post("/editor/assets", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert assert_error(response, 413)["error_code"] == "ASSET_TOO_LARGE"


async def test_another_tenants_assets_are_not_listed_nor_deleted(doxie, stranger):
    async with doxie.admin() as client:
        asset = (await upload(client, PNG)).json()["data"]
    async with stranger.admin() as client:
        listed = (await client.get("/editor/assets")).json()
        deleted = await client.delete(f"/editor/assets/{asset['id']}")
    assert listed == []
    assert assert_error(deleted, 404)["error_code"] == "ASSET_NOT_FOUND"
    assert (await visit(doxie, asset["url"])).status_code == 200
