"""GET /user: the current user and the nodes it may operate on."""
from tests.compat.contactflow.conftest import error_codes

NODE_KEYS = {"uuid", "name", "workspaceUuid", "workspaceName", "portfolioUuid", "portfolioName", "groupPk", "userdbId", "groupName",
             "active", "emailActive", "smsActive", "created", "hubPhoneField", "role"}


async def test_user_info_names_the_user_and_every_node_it_may_operate_on(cf):
    response = await cf.get("/user", node=None)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"base", "extended"}
    assert body["base"] == {"username": cf.email, "kind": "user"}
    [node] = body["extended"]["nodes"]
    assert set(node) == NODE_KEYS
    assert node["uuid"] == cf.node and node["name"] == f"Tenant {cf.tenant.slug}" and node["role"] == "ADMIN"
    assert node["active"] is True and node["created"].endswith("Z")


async def test_user_info_lists_a_sub_node_with_the_role_inherited_from_its_parent(cf):
    created = await cf.post("/nodes", json={"name": "Child node"}, node=None)
    assert created.status_code == 201, created.text

    nodes = (await cf.get("/user")).json()["extended"]["nodes"]

    assert {(n["name"], n["role"]) for n in nodes} == {(f"Tenant {cf.tenant.slug}", "ADMIN"), ("Child node", "ADMIN")}


async def test_no_token_or_a_bad_token_is_a_401_in_the_contactflow_envelope(cf):
    missing = await cf.get("/user", token="", headers={"Authorization": ""})
    forged = await cf.get("/user", token="not-a-token")

    assert missing.status_code == 401 and error_codes(missing) == ["UNAUTHENTICATED"]
    assert forged.status_code == 401 and error_codes(forged) == ["UNAUTHENTICATED"]
