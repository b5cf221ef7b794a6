"""Suppression and unsubscribes are enforced where messages are sent: the worker fails them instead of sending."""
import asyncio
import secrets

from sqlalchemy import event, insert

from domain.campaigns.models import Campaign
from domain.contacts import suppression
from domain.contacts.models import Contact, ContactList, ListMember, SubscriptionStatus, Suppression
from domain.db import create_engine, session_factory
from domain.messaging.models import Message, MessageStatus
from tests.support.campaigns import final_message, member_statuses, messages_to, ok
from tests.support.environment import DATABASE_URL
from tests.support.fixtures import eventually

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { field code } } }"""
SUPPRESS = """mutation($input: SuppressAddressInput!) { suppressAddress(input: $input) {
  suppression { id address reason tenant { slug } } userErrors { field code message } } }"""
UNSUPPRESS = """mutation($input: UnsuppressAddressInput!) { unsuppressAddress(input: $input) { address userErrors { field code } } }"""
SUPPRESSIONS = """query($slug: String!, $address: String) { tenant(slug: $slug) {
  suppressions(address: $address) { totalCount nodes { address reason } } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Suppression { address reason } } }"""
SUBSCRIBE = """mutation($input: SubscribeContactInput!) { subscribeContact(input: $input) { member { status } userErrors { code } } }"""
CONTACTS = """query($slug: String!) { tenant(slug: $slug) { contacts { nodes { id email } } } }"""


def address(tenant, name: str) -> str:
    return f"{name}.{secrets.token_hex(3)}.{tenant.slug}@example.com"


async def send(tenant, to: str) -> None:
    payload = (await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": to, "subject": "Hello", "text": "Hi there"}}))["sendMessage"]
    assert payload["userErrors"] == []


async def test_a_suppressed_address_gets_nothing_and_its_message_fails_suppressed(make_tenant, mailbox):
    tenant = await make_tenant()
    blocked, fine = address(tenant, "blocked"), address(tenant, "fine")
    suppressed = (await ok(tenant, SUPPRESS, "suppressAddress", {"input": {"tenantId": tenant.id, "address": blocked.upper()}}))["suppression"]
    assert (suppressed["address"], suppressed["reason"], suppressed["tenant"]["slug"]) == (blocked, "manual", tenant.slug)

    await send(tenant, blocked.replace("blocked", "Blocked"))  # the local part keeps its case as sent
    await send(tenant, fine)

    message = await final_message(tenant, blocked)
    assert (message["status"], message["errorCode"]) == ("FAILED", "SUPPRESSED")
    assert [e["type"] for e in message["events"]][-1] == "FAILED"
    assert (await final_message(tenant, fine))["status"] == "SENT"
    await eventually(lambda: mailbox.to(fine))
    await asyncio.sleep(0.3)
    assert [raw for _, rcpts, raw in mailbox.messages if any(r.lower() == blocked for r in rcpts)] == []


async def test_suppression_belongs_to_one_tenant(make_tenant, mailbox):
    one, other = await make_tenant(), await make_tenant()
    shared = address(one, "shared")
    await ok(one, SUPPRESS, "suppressAddress", {"input": {"tenantId": one.id, "address": shared, "reason": "complaint"}})

    await send(other, shared)

    assert (await final_message(other, shared))["status"] == "SENT"
    foreign = await other.graph(SUPPRESS, {"input": {"tenantId": one.id, "address": shared}})
    assert foreign["suppressAddress"]["suppression"] is None
    assert foreign["suppressAddress"]["userErrors"][0]["code"] in ("NOT_FOUND", "FORBIDDEN")


async def test_suppressions_are_listed_found_and_lifted_through_the_graph(make_tenant, mailbox):
    tenant = await make_tenant()
    addr = address(tenant, "lifted")
    first = (await ok(tenant, SUPPRESS, "suppressAddress", {"input": {"tenantId": tenant.id, "address": addr, "reason": "hard_bounce"}}))["suppression"]
    again = (await ok(tenant, SUPPRESS, "suppressAddress", {"input": {"tenantId": tenant.id, "address": addr}}))["suppression"]
    assert again == first  # idempotent: the first entry and its reason stay
    await ok(tenant, SUPPRESS, "suppressAddress", {"input": {"tenantId": tenant.id, "address": "+49 151 2345 6789"}})

    listed = (await tenant.graph(SUPPRESSIONS, {"slug": tenant.slug}))["tenant"]["suppressions"]
    assert listed["totalCount"] == 2
    assert listed["nodes"] == [{"address": "+4915123456789", "reason": "manual"}, {"address": addr, "reason": "hard_bounce"}]
    found = (await tenant.graph(SUPPRESSIONS, {"slug": tenant.slug, "address": addr.upper()}))["tenant"]["suppressions"]
    assert found["nodes"] == [{"address": addr, "reason": "hard_bounce"}]
    assert (await tenant.graph(NODE, {"id": first["id"]}))["node"] == {"address": addr, "reason": "hard_bounce"}

    bad = (await tenant.graph(SUPPRESS, {"input": {"tenantId": tenant.id, "address": "not an address"}}))["suppressAddress"]
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [("address", "INVALID_ADDRESS")]
    bad = (await tenant.graph(SUPPRESS, {"input": {"tenantId": tenant.id, "address": addr, "reason": "because"}}))["suppressAddress"]
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [("reason", "INVALID_REASON")]

    lifted = (await ok(tenant, UNSUPPRESS, "unsuppressAddress", {"input": {"tenantId": tenant.id, "address": addr}}))
    assert lifted["address"] == addr
    twice = (await tenant.graph(UNSUPPRESS, {"input": {"tenantId": tenant.id, "address": addr}}))["unsuppressAddress"]
    assert [(e["field"], e["code"]) for e in twice["userErrors"]] == [("address", "NOT_SUPPRESSED")]

    await send(tenant, addr)
    assert (await final_message(tenant, addr))["status"] == "SENT"
    await eventually(lambda: mailbox.to(addr))


async def test_a_contact_who_unsubscribes_after_the_launch_gets_nothing_and_the_message_fails_unsubscribed(make_tenant, mailbox):
    from tests.support.campaigns import CAMPAIGN, LAUNCH, campaign

    tenant = await make_tenant()
    # Waves of one every 4 s: the second contact's message is queued, and due only 4 s after the launch.
    setup = await campaign(tenant, ["Ona", "Pia"], options={"waves": {"size": 1, "interval_seconds": 4}})
    stays, leaves = setup.emails
    launched = (await tenant.graph(LAUNCH, {"id": setup.campaign_id}))["launchCampaign"]
    assert launched["userErrors"] == []

    async def expanded():
        return (await tenant.graph(CAMPAIGN, {"id": setup.campaign_id}))["node"]["recipientsCount"] == 2
    await eventually(expanded)
    [queued] = await messages_to(tenant, leaves)
    assert queued["status"] == "QUEUED"
    contacts = {c["email"]: c["id"] for c in (await tenant.graph(CONTACTS, {"slug": tenant.slug}))["tenant"]["contacts"]["nodes"]}
    await ok(tenant, SUBSCRIBE, "subscribeContact", {"input": {"listId": setup.list_id, "contactId": contacts[leaves], "status": "UNSUBSCRIBED"}})

    message = await final_message(tenant, leaves)

    assert (message["status"], message["errorCode"]) == ("FAILED", "UNSUBSCRIBED")
    assert (await final_message(tenant, stays))["status"] == "SENT"
    assert mailbox.to(leaves) == []
    assert await member_statuses(tenant, setup.list_id) == {stays: "SUBSCRIBED", leaves: "UNSUBSCRIBED"}

    async def campaign_sent():
        return (await tenant.graph(CAMPAIGN, {"id": setup.campaign_id}))["node"]["status"] == "SENT"
    await eventually(campaign_sent)


async def test_blocked_answers_for_a_whole_batch_in_one_query(make_tenant):
    tenant = await make_tenant()
    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            contact_list = ContactList(tenant_id=tenant.account_id, name="L")
            session.add(contact_list)
            await session.flush()
            contacts = (await session.execute(insert(Contact).returning(Contact.id), [
                {"tenant_id": tenant.account_id, "email": f"c{i}@example.com", "attributes": {}, "tags": [], "interests": []} for i in range(4)
            ])).scalars().all()
            statuses = [SubscriptionStatus.SUBSCRIBED, SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.SUBSCRIBED]
            session.add_all(ListMember(tenant_id=tenant.account_id, list_id=contact_list.id, contact_id=c, status=s) for c, s in zip(contacts, statuses))
            campaign = Campaign(tenant_id=tenant.account_id, name="C", list_id=contact_list.id)
            session.add(campaign)
            session.add(Suppression(tenant_id=tenant.account_id, address="c2@example.com", reason="manual"))
            await session.flush()
            messages = [
                Message(tenant_id=tenant.account_id, recipient=f"c{i}@example.com", campaign_id=campaign.id, contact_id=c, status=MessageStatus.SENDING)
                for i, c in enumerate(contacts)
            ] + [Message(tenant_id=tenant.account_id, recipient="C2@example.com", status=MessageStatus.SENDING)]  # transactional
            session.add_all(messages)
            await session.flush()

            queries = []
            listener = lambda *args: queries.append(args[2])  # noqa: E731
            event.listen(engine.sync_engine, "before_cursor_execute", listener)
            try:
                codes = await suppression.blocked(session, messages)
            finally:
                event.remove(engine.sync_engine, "before_cursor_execute", listener)
            await session.rollback()
    finally:
        await engine.dispose()

    assert len(queries) == 1
    assert codes == {messages[1].id: "UNSUBSCRIBED", messages[2].id: "SUPPRESSED", messages[4].id: "SUPPRESSED"}
