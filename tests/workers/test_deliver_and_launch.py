"""Workers: every send goes through them, failures are recorded with a reason, launches expand in chunks."""
import secrets

from sqlalchemy import func, insert, select

from domain.campaigns.models import Campaign
from domain.contacts.models import Contact, ContactList, ListMember
from domain.db import create_engine, session_factory
from domain.messaging.models import Message, MessageStatus
from domain.templates.models import Template, TemplatePart
from tests.support.environment import DATABASE_URL
from tests.support.fixtures import eventually

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }"""
STATUS = """query($id: ID!) { node(id: $id) { ... on Message { status errorCode error } } }"""
LAUNCH = """mutation($id: ID!) { launchCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code message } } }"""
CAMPAIGN = """query($id: ID!) { node(id: $id) { ... on Campaign { status recipientsCount } } }"""


async def _final_status(graph, message_id):
    async def done():
        node = (await graph(STATUS, {"id": message_id}))["node"]
        return node if node["status"] not in ("QUEUED", "SENDING") else None

    return await eventually(done)


async def test_a_template_that_cannot_render_fails_the_message_not_the_worker(make_tenant, mailbox):
    tenant = await make_tenant()
    data = await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": "x@example.com", "subject": "s", "text": "{{ ''.__class__.__mro__ }}"}})
    node = await _final_status(tenant.graph, data["sendMessage"]["message"]["id"])
    assert (node["status"], node["errorCode"]) == ("FAILED", "RENDER_FAILED")
    # the worker keeps working afterwards
    data = await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": "after@example.com", "subject": "s", "text": "ok"}})
    assert (await _final_status(tenant.graph, data["sendMessage"]["message"]["id"]))["status"] == "SENT"


async def test_launch_expands_a_large_audience_in_chunks_and_sends_each_contact_once(make_tenant, mailbox):
    from schema.relay import to_global_id

    tenant = await make_tenant()
    domain = f"{secrets.token_hex(4)}.example.com"
    engine = create_engine(DATABASE_URL)
    async with session_factory(engine)() as session:
        contact_list = ContactList(tenant_id=tenant.account_id, name="Everyone")
        template = Template(tenant_id=tenant.account_id, name="News", parts=[TemplatePart(language="en", subject="News for {{ first_name }}", text="Hi {{ first_name }}")])
        session.add_all([contact_list, template])
        await session.flush()
        ids = (await session.execute(
            insert(Contact).returning(Contact.id),
            [{"tenant_id": tenant.account_id, "email": f"c{i}@{domain}", "first_name": f"C{i}", "attributes": {}, "tags": [], "interests": []} for i in range(1234)],
        )).scalars().all()
        await session.execute(insert(ListMember), [{"tenant_id": tenant.account_id, "list_id": contact_list.id, "contact_id": i} for i in ids])
        campaign = Campaign(tenant_id=tenant.account_id, name="Big", template_id=template.id, list_id=contact_list.id)
        session.add(campaign)
        await session.commit()
    campaign_id = to_global_id("Campaign", campaign.id)

    launched = (await tenant.graph(LAUNCH, {"id": campaign_id}))["launchCampaign"]
    assert launched == {"campaign": {"status": "RUNNING"}, "userErrors": []}

    await eventually(lambda: sum(1 for _, rcpts, _ in mailbox.messages if rcpts[0].endswith(domain)) >= 1234, timeout=120)
    received = [rcpts[0] for _, rcpts, _ in mailbox.messages if rcpts[0].endswith(domain)]
    assert len(received) == len(set(received)) == 1234
    assert (await tenant.graph(CAMPAIGN, {"id": campaign_id}))["node"] == {"status": "SENT", "recipientsCount": 1234}
    async with session_factory(engine)() as session:
        statuses = dict((await session.execute(
            select(Message.status, func.count()).where(Message.campaign_id == campaign.id).group_by(Message.status)
        )).all())
    await engine.dispose()
    assert statuses == {MessageStatus.SENT: 1234}


async def test_push_and_rcs_without_a_provider_fail_with_a_clear_reason(make_tenant):
    tenant = await make_tenant()
    for channel, to, reason in (("PUSH", "device-token-123", "no push provider configured"), ("RCS", "+4915112345678", "no RCS provider configured")):
        data = await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "channel": channel, "to": to, "text": "Hi"}})
        node = await _final_status(tenant.graph, data["sendMessage"]["message"]["id"])
        assert (node["status"], node["error"]) == ("FAILED", reason)
