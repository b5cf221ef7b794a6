"""Send subscriptions: the node's contact lists, in the seed's `{subscriptions: [...]}` body."""
from __future__ import annotations

from tests.compat.contactflow.conftest import Contactflow, error_codes

CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { databaseId } userErrors { code message } } }"""


async def make_list(cf: Contactflow, name: str, **fields) -> int:
    created = (await cf.tenant.graph(CREATE_LIST, {"input": {"tenantId": cf.tenant.id, "name": name, **fields}}))["createList"]
    assert created["userErrors"] == [], created
    return created["list"]["databaseId"]


async def test_send_subscriptions_are_the_nodes_lists_oldest_first(cf, other):
    news = await make_list(cf, "Newsletter", description="Monthly news")
    offers = await make_list(cf, "Offers", doubleOptIn=True)
    await make_list(other, "Someone else's list")

    response = await cf.get("/send-subscriptions")

    assert response.status_code == 200, response.text
    subscriptions = response.json()["subscriptions"]
    assert [(s["id"], s["name"], s["description"], s["doubleOptIn"]) for s in subscriptions] == [
        (news, "Newsletter", "Monthly news", False), (offers, "Offers", None, True)]
    assert all(s["created"].endswith("Z") for s in subscriptions)


async def test_a_node_without_lists_has_no_send_subscriptions(make_contactflow):
    reader = await make_contactflow(role="read")

    response = await reader.get("/send-subscriptions")

    assert response.status_code == 200 and response.json() == {"subscriptions": []}


async def test_send_subscriptions_need_a_node_the_caller_may_operate_on(cf, other):
    await make_list(cf, "Private list")

    foreign = await other.get("/send-subscriptions", node=cf.node)
    missing = await cf.get("/send-subscriptions", headers={"Node": ""})
    malformed = await cf.get("/send-subscriptions", node="not-a-uuid")
    anonymous = await cf.get("/send-subscriptions", headers={"Authorization": ""})

    assert foreign.status_code == 403 and error_codes(foreign) == ["FORBIDDEN"] and "Private list" not in foreign.text
    assert missing.status_code == 400 and error_codes(missing) == ["NODE_REQUIRED"]
    assert malformed.status_code == 400 and error_codes(malformed) == ["INVALID_NODE"]
    assert anonymous.status_code == 401 and error_codes(anonymous)
