"""Isolation: a service account of another organization, on any route built here, gets a 401/404 in Marigold's
envelope, and never reads or changes this organization's content, journeys, contacts or messages."""
import re

import pytest

from app.compat.marigold.routes import ROUTES as REGISTERED

from tests.compat.marigold import samples
from tests.compat.marigold.support import CREATE_CAMPAIGN, TEMPLATE, assert_envelope, audience_list, ok, transactional_journey

STATE = """query($slug: String!) { tenant(slug: $slug) {
  templates(first: 100) { nodes { apiName settings } }
  campaigns(first: 100) { nodes { externalId status name options } }
  contacts(first: 100) { nodes { email firstName attributes } }
  messages(first: 100) { nodes { databaseId status } }
  dictionaries(first: 100) { nodes { apiName name description tags labels { label translations } } } } }"""

ROUTES = [
    ("GET", "", None),
    ("POST", "/content/message", samples.email(api_name="intruder")),
    ("POST", "/content/sms", samples.sms(api_name="intruder")),
    ("POST", "/content/page", samples.page(api_name="intruder")),
    ("POST", "/content/mms", samples.mms(api_name="intruder")),
    ("POST", "/content/rcs", samples.rcs(api_name="intruder")),
    ("POST", "/content/mobile", samples.mobile(api_name="intruder")),
    ("GET", "/content/message_1", None),
    ("DELETE", "/content/message_1", None),
    ("GET", "/content/message_1/lockstate", None),
    ("POST", "/content/message_1/unlock", None),
    ("GET", "/dictionaries", None),
    ("POST", "/dictionaries", samples.dictionary(api_name="intruder")),
    ("GET", "/dictionaries/dictionary_1", None),
    ("PUT", "/dictionaries/dictionary_1", samples.dictionary_update(description="Hacked")),
    ("DELETE", "/dictionaries/dictionary_1", None),
    ("GET", "/dictionaries/dictionary_1/labels", None),
    ("POST", "/dictionaries/dictionary_1/labels", samples.label(label="intruder")),
    ("PUT", "/dictionaries/dictionary_1/labels/label_1", samples.label(translations={"EN": "Hacked"})),
    ("DELETE", "/dictionaries/dictionary_1/labels/label_1", None),
    ("GET", "/journeys", None),
    ("GET", "/journeys/singlebatch", None),
    ("POST", "/journeys/singlebatch", samples.single_batch(api_name="intruder", launch_state="launch", segment_api_name=None)),
    ("POST", "/journeys/singlebatch/message", {"journey_model": samples.journey(api_name="intruder", segment_api_name=None), "message_model": samples.email(api_name="intruder")}),
    ("POST", "/journeys/singlebatch/sms", {"journey_model": samples.journey(api_name="intruder", segment_api_name=None), "sms_model": samples.sms(api_name="intruder")}),
    ("POST", "/journeys/singlebatch/mobile", {"journey_model": samples.journey(api_name="intruder", segment_api_name=None), "mobile_message_model": samples.mobile(api_name="intruder")}),
    ("GET", "/journeys/singlebatch/batch_1", None),
    ("DELETE", "/journeys/singlebatch/batch_1", None),
    ("POST", "/journeys/singlebatch/batch_1/cancel", None),
    ("POST", "/journeys/singlebatch/batch_1/launch", {"launch_state": "launch", "scheduling": {"launch_date": "2023-12-15T10:11:17.9968156Z"}}),
    ("POST", "/journeys/singlebatch/batch_1/trigger", {"journey": samples.journey(api_name="batch_1", segment_api_name=None, name="Renamed")}),
    ("GET", "/journeys/ab/ab_1", None),
    ("DELETE", "/journeys/ab/ab_1", None),
    ("GET", "/journeys/recurring/recurring_1", None),
    ("DELETE", "/journeys/recurring/recurring_1", None),
    ("GET", "/journeys/transactional", None),
    ("GET", "/journeys/transactional/order", None),
    ("DELETE", "/journeys/transactional/order", None),
    ("POST", "/journeys/transactional/order/send", {"items": samples.transactional_item(sg_external_id=None)}),
    ("POST", "/journeys/transactional/shortcut/order/updateProfileAndSend",
     {"items": samples.transactional_item(recipient="victim@example.com", sg_external_id=None, profile=[{"NAME": "Hacked"}])}),
    ("POST", "/journeys/transactional/bulk/order/send", None),
    ("POST", "/journeys/transactional/status", {"ids": ["00000000-0000-4000-8000-000000000001"]}),
    ("GET", "/journeys/transactional/status/00000000-0000-4000-8000-000000000001", None),
    ("POST", "/journeys/custom/custom_1/entrypoints/entry_1/trigger", {"items": samples.transactional_item(recipient="victim@example.com", sg_external_id=None)}),
]


def test_the_sweep_covers_every_route_of_an_organization():
    """Each registered route under `{organization}` is swept above: a new route is added to ROUTES."""
    prefix = "/Portal/Api/organizations/{organization}"
    swept = [(method, path) for method, path, _ in ROUTES]
    scoped = [route for route in REGISTERED if route.path.startswith(prefix)]
    unswept = [f"{r.method} {r.path}" for r in scoped
               if not any(m == r.method and re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(r.path[len(prefix):])), p) for m, p in swept)]
    assert unswept == [] and len(scoped) == 44, unswept


@pytest.fixture
async def victim(marigold_org):
    """An organization with content, a draft single batch, AB and recurring journeys, a transactional journey, a custom
    journey with an entry point, a dictionary with a label, a contact and one sent message."""
    org = await marigold_org()
    assert (await org.api.post("/dictionaries", samples.dictionary())).status_code == 201
    assert (await org.api.post("/dictionaries/dictionary_1/labels", samples.label())).status_code == 201
    for api_name, kind in (("ab_1", "AB_TEST"), ("recurring_1", "RECURRING")):
        await ok(org, CREATE_CAMPAIGN, "createCampaign", {"tenantId": org.tenant.id, "name": api_name, "kind": kind, "externalId": api_name})
    await audience_list(org, "audience_1", [{"email": "victim@example.com", "firstName": "Vic"}])
    assert (await org.api.post("/content/message", samples.email())).status_code == 201
    assert (await org.api.post("/journeys/singlebatch", samples.single_batch(api_name="batch_1", launch_state="none", segment_api_name=None))).status_code == 201
    await transactional_journey(org, "order", "message_1")
    template = (await org.graph(TEMPLATE, {"slug": org.slug, "apiName": "message_1"}))["tenant"]["template"]["id"]
    await ok(org, CREATE_CAMPAIGN, "createCampaign", {"tenantId": org.tenant.id, "name": "custom_1", "kind": "CUSTOM", "externalId": "custom_1",
                                                       "steps": [{"type": "ENTRY_POINT", "externalId": "entry_1", "templateId": template}]})
    sent = await org.api.post("/journeys/transactional/order/send", {"items": samples.transactional_item(recipient="victim@example.com", sg_external_id=None)})
    assert sent.json()["result_code"] == "Succeeded"
    return org, sent.json()["messages"][0]["id"]


async def test_every_route_with_another_organizations_key_is_refused_and_changes_nothing(victim, marigold_org):
    org, message_id = victim
    intruder = await marigold_org()
    before = await org.graph(STATE, {"slug": org.slug})

    for method, path, body in ROUTES:
        path = path.replace("00000000-0000-4000-8000-000000000001", message_id)
        response = await intruder.api.request(method, path, body, slug=org.slug)
        assert response.status_code in (401, 403, 404), (method, path, response.text)
        assert_envelope(response, response.status_code, "NotFound" if response.status_code == 404 else "Failed")
        assert org.slug not in response.text or "not found" in response.text, (method, path, response.text)

    after = await org.graph(STATE, {"slug": org.slug})
    assert _stable(after) == _stable(before)


async def test_another_organizations_names_and_ids_are_unknown_on_its_own_path(victim, marigold_org):
    org, message_id = victim
    intruder = await marigold_org()

    assert_envelope(await intruder.api.get("/content/message_1"), 404, "NotFound")
    assert_envelope(await intruder.api.get("/journeys/singlebatch/batch_1"), 404, "NotFound")
    assert_envelope(await intruder.api.get("/dictionaries/dictionary_1"), 404, "NotFound")
    assert_envelope(await intruder.api.get("/journeys/ab/ab_1"), 404, "NotFound")
    assert_envelope(await intruder.api.delete("/journeys/recurring/recurring_1"), 404, "NotFound")
    assert (await intruder.api.get("/dictionaries")).json() == {"dictionaries": []}
    assert_envelope(await intruder.api.post("/journeys/transactional/order/send", {"items": samples.transactional_item()}), 404, "NotFound")
    assert_envelope(await intruder.api.get(f"/journeys/transactional/status/{message_id}"), 404, "NotFound")
    assert (await intruder.api.post("/journeys/transactional/status", {"ids": [message_id]})).json() == []
    assert_envelope(await intruder.api.post("/journeys/custom/custom_1/entrypoints/entry_1/trigger", {"items": samples.transactional_item()}), 404, "NotFound")
    assert (await intruder.api.get("/journeys")).json() == {"journeys": []}


def _stable(state: dict) -> dict:
    """The victim's data, without message statuses (its own message may still be on its way)."""
    tenant = dict(state["tenant"])
    tenant["messages"] = sorted(m["databaseId"] for m in tenant["messages"]["nodes"])
    return tenant
