"""Node settings: a node's integration settings, each known by its UUID, kept in the tenant's settings."""
import uuid

from tests.compat.contactflow.conftest import error_codes

# The seed's request (and response) sample for POST /settings and PUT /settings/{settingUuid}.
SETTING_SAMPLE = {"uuid": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f", "label": "string", "category": "INTEGRATION", "type": "CLAB_API_SOAP", "value": {}}
STORED = """query($slug: String!) { tenant(slug: $slug) { settings nodeSettings { uuid label category type value } } }"""


def sample(**changes) -> dict:
    return {**SETTING_SAMPLE, "uuid": str(uuid.uuid4()), **changes}


async def test_the_seed_sample_adds_a_setting_that_reads_back_by_uuid_and_in_the_list(cf):
    response = await cf.post("/settings", json=SETTING_SAMPLE)

    assert response.status_code == 201, response.text
    assert response.json() == SETTING_SAMPLE
    one = await cf.get(f"/settings/{SETTING_SAMPLE['uuid']}")
    assert one.status_code == 200 and one.json() == SETTING_SAMPLE
    assert (await cf.get("/settings")).json() == {"integrations": [SETTING_SAMPLE]}
    stored = (await cf.tenant.graph(STORED, {"slug": cf.tenant.slug}))["tenant"]
    assert stored["settings"]["integrations"] == {SETTING_SAMPLE["uuid"]: {k: v for k, v in SETTING_SAMPLE.items() if k != "uuid"}}
    assert stored["nodeSettings"] == [SETTING_SAMPLE]


async def test_a_setting_without_uuid_gets_one_and_settings_filter_by_category_and_type(cf):
    soap = (await cf.post("/settings", json={"label": "SOAP", "category": "INTEGRATION", "type": "CLAB_API_SOAP", "value": {"url": "https://soap.example.com"}})).json()
    hub = (await cf.post("/settings", json=sample(label="Hub", type="HUB", value={"key": "k1"}))).json()

    assert uuid.UUID(soap["uuid"])
    by_type = (await cf.get("/settings", params={"Type": "HUB"})).json()
    by_category = (await cf.get("/settings", params={"Category": "INTEGRATION"})).json()
    assert by_type == {"integrations": [hub]}
    assert sorted(s["label"] for s in by_category["integrations"]) == ["Hub", "SOAP"]


async def test_put_replaces_a_setting_and_delete_removes_it(cf):
    body = sample(label="Old", value={"user": "a"})
    assert (await cf.post("/settings", json=body)).status_code == 201

    updated = await cf.put(f"/settings/{body['uuid']}", json={**body, "label": "New", "type": "HUB", "value": {"user": "b"}})

    assert updated.status_code == 200, updated.text
    assert updated.json() == {**body, "label": "New", "type": "HUB", "value": {"user": "b"}}
    assert (await cf.get(f"/settings/{body['uuid']}")).json()["label"] == "New"
    deleted = await cf.delete(f"/settings/{body['uuid']}")
    assert deleted.status_code == 204
    gone = await cf.get(f"/settings/{body['uuid']}")
    assert gone.status_code == 404 and error_codes(gone) == ["SETTING_NOT_FOUND"]
    assert (await cf.get("/settings")).json() == {"integrations": []}


async def test_bad_settings_are_refused_in_contactflows_envelope(cf):
    cases = [
        (sample(type="FTP"), 400, "INVALID_SETTING_TYPE"),
        (sample(category="MARKETING"), 400, "INVALID_CATEGORY"),
        (sample(value=[1, 2]), 400, "INVALID_TYPE"),
        (sample(label=7), 400, "INVALID_TYPE"),
        ({k: v for k, v in sample().items() if k != "type"}, 400, "REQUIRED"),
        (sample(uuid="not-a-uuid"), 400, "INVALID_UUID"),
        ([SETTING_SAMPLE], 400, "INVALID_BODY"),
    ]
    for body, status, code in cases:
        response = await cf.post("/settings", json=body)
        assert response.status_code == status, (body, response.text)
        assert error_codes(response) == [code], body
    taken = sample()
    assert (await cf.post("/settings", json=taken)).status_code == 201
    again = await cf.post("/settings", json=taken)
    assert again.status_code == 409 and error_codes(again) == ["SETTING_TAKEN"]
    unknown = str(uuid.uuid4())
    for method in ("GET", "DELETE"):
        response = await cf.request(method, f"/settings/{unknown}")
        assert response.status_code == 404 and error_codes(response) == ["SETTING_NOT_FOUND"]
    put = await cf.put(f"/settings/{unknown}", json=sample(uuid=unknown))
    assert put.status_code == 404 and error_codes(put) == ["SETTING_NOT_FOUND"]
    mismatch = await cf.put(f"/settings/{taken['uuid']}", json=sample())
    assert mismatch.status_code == 400 and error_codes(mismatch) == ["UUID_MISMATCH"]
    assert (await cf.get("/settings/nope")).status_code == 400
    assert (await cf.post("/settings", content=b"", headers={"Content-Type": "application/json"})).status_code == 400


async def test_a_read_only_user_reads_settings_but_may_not_change_them(make_contactflow, cf):
    body = sample()
    assert (await cf.post("/settings", json=body)).status_code == 201
    reader = await make_contactflow(role="read", tenant=cf.tenant)

    assert (await reader.get(f"/settings/{body['uuid']}")).json() == body
    for response in (await reader.post("/settings", json=sample()), await reader.put(f"/settings/{body['uuid']}", json={**body, "label": "x"}),
                     await reader.delete(f"/settings/{body['uuid']}")):
        assert response.status_code == 403 and error_codes(response)
    assert (await cf.get("/settings")).json() == {"integrations": [body]}


async def test_another_nodes_token_neither_sees_nor_changes_this_nodes_settings(cf, other):
    body = sample(value={"secret": "s3cr3t"})
    assert (await cf.post("/settings", json=body)).status_code == 201
    path = f"/settings/{body['uuid']}"

    for node in (cf.node, other.node):
        for response in (await other.get(path, node=node), await other.put(path, json={**body, "label": "x"}, node=node),
                         await other.delete(path, node=node)):
            assert response.status_code in (403, 404) and error_codes(response)
            assert "s3cr3t" not in response.text
    assert (await other.get("/settings")).json() == {"integrations": []}
    assert (await other.post("/settings", json=body)).status_code == 201  # its own node's setting: uuids are per node
    assert (await cf.get(path)).json() == body
