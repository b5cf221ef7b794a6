"""Nodes: tenants addressed by their UUID, created under a node the caller administers."""
import uuid

from tests.compat.contactflow.conftest import error_codes

# The seed's request sample for POST /nodes (and the shape every node answer has).
NODE_SAMPLE = {
    "uuid": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f", "name": "string", "workspaceUuid": "440374de-d1f6-4e58-8880-bb86654d7756",
    "workspaceName": "string", "portfolioUuid": "734e4f25-f179-406a-bdfa-12cd4a997014", "portfolioName": "string", "groupPk": 0,
    "userdbId": 0, "groupName": "string", "active": True, "emailActive": True, "smsActive": True, "created": "2019-08-24T14:15:22Z",
    "hubPhoneField": "string",
}
UPDATE_SAMPLE = {"active": True, "smsActive": True, "emailActive": True, "hubPhoneField": "string"}
NODE = """query($slug: String!) { tenant(slug: $slug) { children { nodes { uuid name settings parent { uuid } } } } }"""


def sample(**changes) -> dict:
    return {**NODE_SAMPLE, "uuid": str(uuid.uuid4()), **changes}


async def test_the_seed_sample_creates_a_sub_node_of_the_callers_node(cf):
    response = await cf.post("/nodes", json=NODE_SAMPLE, node=None)

    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == set(NODE_SAMPLE)
    assert {k: v for k, v in created.items() if k != "created"} == {k: v for k, v in NODE_SAMPLE.items() if k != "created"}
    assert created["created"].endswith("Z") and created["created"] != NODE_SAMPLE["created"]
    [child] = (await cf.tenant.graph(NODE, {"slug": cf.tenant.slug}))["tenant"]["children"]["nodes"]
    assert child["uuid"] == NODE_SAMPLE["uuid"] and child["parent"]["uuid"] == cf.node
    assert child["settings"]["contactflow"] == {"groupPk": 0, "userdbId": 0, "groupName": "string", "hubPhoneField": "string"}


async def test_a_node_reads_back_by_uuid_and_in_the_list(cf):
    body = sample(name="Milan store")
    assert (await cf.post("/nodes", json=body)).status_code == 201

    one = await cf.get(f"/nodes/{body['uuid']}", node=None)
    listed = await cf.get("/nodes", node=None)

    assert one.status_code == 200 and one.json()["name"] == "Milan store" and one.json()["uuid"] == body["uuid"]
    page = listed.json()
    assert page["page"] == {"size": 20, "totalElements": 2, "totalPages": 1, "number": 0}
    assert {n["uuid"] for n in page["elements"]} == {cf.node, body["uuid"]}


async def test_nodes_filter_by_workspace_and_portfolio_and_page_by_number(cf):
    workspace, portfolio = str(uuid.uuid4()), str(uuid.uuid4())
    made = [sample(name=f"Shop {i}", workspaceUuid=workspace, portfolioUuid=portfolio if i < 2 else str(uuid.uuid4())) for i in range(3)]
    for body in made:
        assert (await cf.post("/nodes", json=body)).status_code == 201

    in_workspace = (await cf.get("/nodes", params={"workspaceUuid": workspace})).json()
    in_portfolio = (await cf.get("/nodes", params={"portfolioUuid": portfolio})).json()
    second_page = (await cf.get("/nodes", params={"workspaceUuid": workspace, "page": 1, "size": 2})).json()

    assert in_workspace["page"]["totalElements"] == 3
    assert {n["name"] for n in in_portfolio["elements"]} == {"Shop 0", "Shop 1"}
    assert second_page["page"] == {"size": 2, "totalElements": 3, "totalPages": 2, "number": 1}
    assert [n["name"] for n in second_page["elements"]] == ["Shop 2"]


async def test_update_switches_the_node_and_its_channels_off_and_keeps_hub_phone_field(cf):
    body = sample()
    await cf.post("/nodes", json=body)

    response = await cf.patch(f"/nodes/{body['uuid']}", json={**UPDATE_SAMPLE, "active": False, "smsActive": False, "hubPhoneField": "mobile"})

    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["active"], updated["smsActive"], updated["emailActive"], updated["hubPhoneField"]) == (False, False, True, "mobile")
    assert updated["groupName"] == "string"  # the other node settings stay
    assert (await cf.get(f"/nodes/{body['uuid']}")).json() == updated


async def test_delete_removes_the_node(cf):
    body = sample()
    await cf.post("/nodes", json=body)

    response = await cf.delete(f"/nodes/{body['uuid']}")

    assert response.status_code == 204
    gone = await cf.get(f"/nodes/{body['uuid']}")
    assert gone.status_code == 404 and error_codes(gone) == ["NODE_NOT_FOUND"]


async def test_a_write_user_cannot_create_update_or_delete_nodes(make_contactflow, cf):
    writer = await make_contactflow(role="write", tenant=cf.tenant)

    created = await writer.post("/nodes", json=sample())
    updated = await writer.patch(f"/nodes/{cf.node}", json={"active": False})
    deleted = await writer.delete(f"/nodes/{cf.node}")

    assert created.status_code == 403 and error_codes(created) == ["FORBIDDEN"]
    assert updated.status_code == 403 and deleted.status_code == 403
    assert (await cf.get(f"/nodes/{cf.node}")).json()["active"] is True


async def test_another_nodes_admin_can_neither_see_nor_change_this_node(cf, other):
    child = sample()
    await cf.post("/nodes", json=child)

    reads = [await other.get(f"/nodes/{uuid_}") for uuid_ in (cf.node, child["uuid"])]
    update = await other.patch(f"/nodes/{cf.node}", json={"active": False})
    delete = await other.delete(f"/nodes/{child['uuid']}")
    create_under = await other.post("/nodes", json=sample(), node=cf.node)
    listed = (await other.get("/nodes")).json()

    assert [r.status_code for r in reads] == [404, 404] and error_codes(reads[0]) == ["NODE_NOT_FOUND"]
    assert update.status_code == 404 and delete.status_code == 404
    assert create_under.status_code == 403 and error_codes(create_under) == ["FORBIDDEN"]
    assert [n["uuid"] for n in listed["elements"]] == [other.node]
    assert (await cf.get(f"/nodes/{child['uuid']}")).status_code == 200
    assert (await cf.get(f"/nodes/{cf.node}")).json()["active"] is True


async def test_bad_node_input_is_a_400_in_the_envelope_never_a_500(cf):
    cases = {
        "no name": await cf.post("/nodes", json={"uuid": str(uuid.uuid4())}),
        "name not a string": await cf.post("/nodes", json={"name": 42}),
        "uuid not a uuid": await cf.post("/nodes", json={"name": "x", "uuid": "nope"}),
        "active not a boolean": await cf.post("/nodes", json={"name": "x", "active": "yes"}),
        "workspace not a uuid": await cf.post("/nodes", json={"name": "x", "workspaceUuid": "nope"}),
        "body not an object": await cf.post("/nodes", json=["name"]),
        "body not json": await cf.post("/nodes", content=b"{name"),
        "update without active": await cf.patch(f"/nodes/{cf.node}", json={"smsActive": False}),
        "list page not a number": await cf.get("/nodes", params={"page": "one"}),
        "list size above the cap": await cf.get("/nodes", params={"size": 1000}),
        "NUL in the name": await cf.post("/nodes", json={"name": "Shop\x00"}),
        "NUL in a filter": await cf.get("/nodes", params={"workspaceUuid": "\x00"}),
    }
    for case, response in cases.items():
        assert response.status_code == 400, (case, response.text)
        error_codes(response)
    oversized = await cf.post("/nodes", content=b'{"name": "' + b"x" * 1_100_000 + b'"}')
    unknown = await cf.get(f"/nodes/{uuid.uuid4()}")
    duplicate = await cf.post("/nodes", json=sample(uuid=cf.node))
    assert oversized.status_code == 413 and error_codes(oversized) == ["BODY_TOO_LARGE"]
    assert unknown.status_code == 404 and error_codes(unknown) == ["NODE_NOT_FOUND"]
    assert duplicate.status_code == 409, duplicate.text
