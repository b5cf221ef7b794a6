"""Bad input on every Doxie route family: oversized, malformed, missing and mistyped bodies, unknown
routes: the dialect's error in its envelope, never a 500."""
from __future__ import annotations

import pytest

PUBLIC_BODY_ROUTES = [
    "/mailer/welcome_email", "/injector/welcome_email", "/survey/welcome_email", "/qr_code/welcome_email",
    "/mpm/consents", "/mpm/consents/revoke",
]
ADMIN_BODY_ROUTES = [
    ("POST", "/webhook/endpoints"), ("PATCH", "/webhook/endpoints/1"), ("POST", "/api_users"), ("PATCH", "/settings"),
    ("POST", "/brands"), ("PATCH", "/brands/1"), ("POST", "/pages/landing_pages"), ("PATCH", "/pages/landing_pages/1"),
    ("POST", "/pages/landing_page_layouts"), ("PATCH", "/pages/landing_page_layouts/1"),
    ("PATCH", "/editor/landing_pages/1/content_state"), ("PATCH", "/editor/landing_page_layouts/1/content_state"),
]
TOO_BIG = b'{"email": "a@example.com", "blob": "' + b"x" * 1_000_001 + b'"}'


def assert_public_error(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["error_message"], body
    if code:
        assert body["error"] == code, body


def assert_admin_error(response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["message"] is None and body["data"] is None and body["error"], body


async def test_bodies_over_a_megabyte_are_413_on_every_public_route(doxie):
    async with doxie.public() as client:
        for path in PUBLIC_BODY_ROUTES:
            assert_public_error(await client.post(path, content=TOO_BIG, headers={"content-type": "application/json"}), 413, "BODY_TOO_LARGE")


async def test_bodies_over_a_megabyte_are_413_on_every_admin_route(doxie):
    async with doxie.admin() as client:
        for method, path in ADMIN_BODY_ROUTES:
            assert_admin_error(await client.request(method, path, content=TOO_BIG, headers={"content-type": "application/json"}), 413)


async def test_chunked_bodies_over_a_megabyte_are_413_too(doxie):
    async def chunks():
        for _ in range(11):
            yield b"x" * 100_000

    async with doxie.public() as client:
        assert_public_error(await client.post("/mailer/welcome_email", content=chunks()), 413, "BODY_TOO_LARGE")


@pytest.mark.parametrize("content, code", [(b"", "BODY_REQUIRED"), (b"{not json", "INVALID_JSON"), (b"[" * 5000 + b"]" * 5000, None)])
async def test_missing_and_malformed_json_is_422_on_every_body_route(doxie, content, code):
    async with doxie.public() as client:
        for path in PUBLIC_BODY_ROUTES:
            assert_public_error(await client.post(path, content=content, headers={"content-type": "application/json"}), 422, code)
    async with doxie.admin() as client:
        for method, path in ADMIN_BODY_ROUTES:
            response = await client.request(method, path, content=content, headers={"content-type": "application/json"})
            assert response.status_code in (404, 422), response.text  # PATCH of an id the tenant does not have may be found missing first
            assert response.json()["success"] is False


async def test_payloads_that_are_not_objects_or_miss_parameters_are_422(doxie):
    await doxie.mailer("welcome_email", parameters=[{"name": "order_id", "required": True}])
    await doxie.event(slug="empty_event")  # no templates

    async with doxie.public() as client:
        a_list = await client.post("/mailer/welcome_email", json=[{"email": "a@example.com"}])
        a_string = await client.post("/mailer/welcome_email", json="email")
        missing = await client.post("/mailer/welcome_email", json={"email": "a@example.com"})
        bad_address = await client.post("/mailer/welcome_email", json={"email": "not-an-address", "order_id": "1"})
        no_templates = await client.post("/mailer/empty_event", json={"email": "a@example.com"})
        unknown_event = await client.post("/mailer/no_such_event", json={"email": "a@example.com"})
        weird_slug = await client.post("/mailer/%00%ff", json={"email": "a@example.com"})

    assert_public_error(a_list, 422)
    assert_public_error(a_string, 422)
    assert_public_error(missing, 422, "MISSING_PARAMETERS")
    assert_public_error(bad_address, 422, "INVALID_ADDRESS")
    assert_public_error(no_templates, 422, "EVENT_HAS_NO_TEMPLATES")
    assert_public_error(unknown_event, 404, "EVENT_NOT_FOUND")
    assert weird_slug.status_code in (404, 422), weird_slug.text


async def test_unknown_routes_and_methods_answer_in_the_envelope_of_their_section(doxie):
    async with doxie.public() as client:
        unknown = await client.post("/newsletter/welcome_email", json={})
        wrong_method = await client.get("/mailer/welcome_email")
    async with doxie.admin() as client:
        admin_unknown = await client.get("/dashboard/everything")
        admin_wrong_method = await client.put("/settings", json={})

    assert_public_error(unknown, 404, "ROUTE_NOT_FOUND")
    assert_public_error(wrong_method, 422, "METHOD_NOT_ALLOWED")
    assert_admin_error(admin_unknown, 404)
    assert_admin_error(admin_wrong_method, 422)
