"""AB and recurring journeys: AB_TEST and RECURRING campaigns by api_name (made through the graph; Marigold
only reads and deletes them). Each route finds its own kind only."""
import pytest

from tests.compat.marigold import samples
from tests.compat.marigold.support import CREATE_CAMPAIGN, assert_envelope, ok

CAMPAIGN = """query($slug: String!, $apiName: String!) { tenant(slug: $slug) { campaign(externalId: $apiName) { kind } } }"""


async def journey(org, api_name: str, kind: str, **options) -> None:
    await ok(org, CREATE_CAMPAIGN, "createCampaign", {"tenantId": org.tenant.id, "name": api_name, "kind": kind, "externalId": api_name,
                                                       "options": options})


@pytest.fixture
async def org(marigold_org):
    org = await marigold_org()
    await journey(org, "journey_1", "AB_TEST", description="this is the description.")
    await journey(org, "journey_2", "RECURRING", description="this is the description.")
    await journey(org, "journey_3", "RECURRING")
    assert (await org.api.post("/content/message", samples.email())).status_code == 201
    assert (await org.api.post("/journeys/singlebatch", samples.single_batch(api_name="batch_1", launch_state="none", segment_api_name=None))).status_code == 201
    return org


async def test_get_ab_and_recurring_journeys_in_the_seeds_shape(org):
    ab = await org.api.get("/journeys/ab/journey_1")
    recurring = await org.api.get("/journeys/recurring/journey_2")
    plain = await org.api.get("/journeys/recurring/journey_3")

    assert ab.status_code == 200
    assert ab.json() == {"api_name": "journey_1", "type": "ab", "name": "journey_1", "description": "this is the description."}
    assert recurring.json() == {"api_name": "journey_2", "type": "recurring", "name": "journey_2", "description": "this is the description."}
    assert plain.json() == {"api_name": "journey_3", "type": "recurring", "name": "journey_3", "description": None}
    listed = {j["api_name"]: j["type"] for j in (await org.api.get("/journeys")).json()["journeys"]}
    assert listed == {"journey_1": "ab", "journey_2": "recurring", "journey_3": "recurring", "batch_1": "singlebatch"}


async def test_delete_removes_only_that_journey(org):
    deleted_ab = await org.api.delete("/journeys/ab/journey_1")
    deleted_recurring = await org.api.delete("/journeys/recurring/journey_2")

    for response in (deleted_ab, deleted_recurring):
        assert response.status_code == 200
        assert response.json() == {"result_code": "Succeeded", "message": "The journey has been deleted successfully", "errors": []}
    assert_envelope(await org.api.get("/journeys/ab/journey_1"), 404, "NotFound", "NOT_FOUND")
    assert_envelope(await org.api.delete("/journeys/recurring/journey_2"), 404, "NotFound", "NOT_FOUND")
    assert (await org.graph(CAMPAIGN, {"slug": org.slug, "apiName": "journey_1"}))["tenant"]["campaign"] is None
    assert (await org.graph(CAMPAIGN, {"slug": org.slug, "apiName": "journey_3"}))["tenant"]["campaign"] == {"kind": "RECURRING"}
    assert (await org.api.get("/journeys/singlebatch/batch_1")).status_code == 200


@pytest.mark.parametrize("method, path", [
    ("GET", "/journeys/ab/nope"), ("DELETE", "/journeys/ab/nope"), ("GET", "/journeys/recurring/nope"), ("DELETE", "/journeys/recurring/nope"),
    ("GET", "/journeys/ab/journey_2"), ("DELETE", "/journeys/ab/journey_2"),  # a recurring journey is not an AB one
    ("GET", "/journeys/recurring/journey_1"), ("DELETE", "/journeys/recurring/journey_1"),
    ("GET", "/journeys/ab/batch_1"), ("DELETE", "/journeys/recurring/batch_1"),  # nor is a single batch
])
async def test_unknown_api_names_and_other_kinds_are_not_found_and_nothing_is_deleted(org, method, path):
    assert_envelope(await org.api.request(method, path), 404, "NotFound", "NOT_FOUND")

    for api_name, kind in (("journey_1", "AB_TEST"), ("journey_2", "RECURRING"), ("batch_1", "SINGLE_BATCH")):
        assert (await org.graph(CAMPAIGN, {"slug": org.slug, "apiName": api_name}))["tenant"]["campaign"] == {"kind": kind}


async def test_a_read_only_service_account_reads_but_cannot_delete(org, service_account):
    from tests.compat.marigold.support import Marigold

    reader = Marigold(base=org.api.base, slug=org.slug, key=await service_account(org.tenant, role="read"))

    assert (await reader.get("/journeys/ab/journey_1")).status_code == 200
    assert_envelope(await reader.delete("/journeys/ab/journey_1"), 401, "Failed")
    assert (await org.graph(CAMPAIGN, {"slug": org.slug, "apiName": "journey_1"}))["tenant"]["campaign"] == {"kind": "AB_TEST"}


async def test_a_post_on_these_paths_is_method_not_allowed(org):
    assert_envelope(await org.api.post("/journeys/ab/journey_1", {}), 405, "Failed")
