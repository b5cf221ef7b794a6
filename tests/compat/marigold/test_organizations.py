"""Organizations are tenants by slug: a service account lists and reads its own, never another's."""
from tests.compat.marigold.support import assert_envelope


async def test_list_organizations_shows_only_the_service_accounts_own(marigold_org):
    org, other = await marigold_org(), await marigold_org()

    response = await org.api.get("", slug="")

    assert response.status_code == 200, response.text
    names = [o["name"] for o in response.json()]
    assert names == [org.slug]
    assert other.slug not in names


async def test_get_organization_answers_its_name_and_state(marigold_org):
    org = await marigold_org()

    response = await org.api.get("")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == org.slug and body["display_name"] == f"Tenant {org.slug}" and body["active"] is True
    assert body["created_on"]


async def test_another_organization_is_not_found(marigold_org):
    org, other = await marigold_org(), await marigold_org()

    assert_envelope(await org.api.get("", slug=other.slug), 404, "NotFound", "ORGANIZATION_NOT_FOUND")
    assert_envelope(await org.api.get("", slug="no-such-organization"), 404, "NotFound", "ORGANIZATION_NOT_FOUND")


async def test_an_unknown_route_or_method_answers_in_the_envelope(marigold_org):
    org = await marigold_org()

    assert_envelope(await org.api.get("/no/such/route"), 404, "NotFound", "ROUTE_NOT_FOUND")
    assert_envelope(await org.api.request("PATCH", ""), 405, "Failed", "METHOD_NOT_ALLOWED")
