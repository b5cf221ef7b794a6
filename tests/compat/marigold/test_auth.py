"""X-ApiKey service accounts: key:secret, expiry, allowed endpoints; every refusal is a 401 in Marigold's envelope."""
import asyncio
from datetime import datetime, timedelta, timezone

from tests.compat.marigold.support import assert_envelope


async def test_a_valid_service_account_reads_its_organization(marigold_org):
    org = await marigold_org()

    response = await org.api.get("")

    assert response.status_code == 200, response.text
    assert response.json()["name"] == org.slug


async def test_no_api_key_is_a_401_in_marigold_envelope(marigold_org):
    org = await marigold_org()

    response = await org.api.get("", key=None)

    body = assert_envelope(response, 401, "Failed", "UNAUTHENTICATED")
    assert "X-ApiKey" in body["message"]


async def test_a_wrong_secret_or_unknown_key_is_a_401(marigold_org):
    org = await marigold_org()
    key, _, _ = org.api.key.partition(":")

    for wrong in (f"{key}:not-the-secret", "unknown:secret", "no-colon-at-all", ":"):
        assert_envelope(await org.api.get("", key=wrong), 401, "Failed", "UNAUTHENTICATED")


async def test_an_expired_service_account_is_a_401(marigold_org, service_account):
    org = await marigold_org()
    expiring = await service_account(org.tenant, expires_at=datetime.now(timezone.utc) + timedelta(seconds=1))

    await asyncio.sleep(1.5)

    body = assert_envelope(await org.api.get("", key=expiring), 401, "Failed", "UNAUTHENTICATED")
    assert body["message"] == "These credentials have expired"  # the key and secret were right


async def test_a_route_outside_the_allowed_endpoints_is_a_401(marigold_org, service_account):
    org = await marigold_org()
    content_only = await service_account(org.tenant, endpoints=["GET /Portal/Api/organizations/*/content/*"])

    allowed = await org.api.get("/content/nothing_here", key=content_only)
    refused = await org.api.get("/journeys/transactional", key=content_only)
    refused_method = await org.api.delete("/content/nothing_here", key=content_only)

    assert_envelope(allowed, 404, "NotFound")  # let through: the content just does not exist
    body = assert_envelope(refused, 401, "Failed", "UNAUTHENTICATED")
    assert "endpoint" in body["message"]
    assert_envelope(refused_method, 401, "Failed", "UNAUTHENTICATED")


async def test_a_read_only_service_account_cannot_write(marigold_org):
    from tests.compat.marigold import samples

    org = await marigold_org(role="read")

    assert (await org.api.get("/journeys")).status_code == 200
    assert_envelope(await org.api.post("/content/message", samples.email()), 401, "Failed", "FORBIDDEN")
