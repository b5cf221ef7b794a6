"""The delivery pipeline: retries, give-up, waves, cancel and suspend mid-campaign, per-tenant sending limits."""
import asyncio
import secrets

from sqlalchemy import func, insert, select

from domain.campaigns.models import Campaign
from domain.contacts.models import Contact, ContactList, ListMember
from domain.db import create_engine, session_factory
from domain.messaging.models import Message, MessageStatus
from domain.templates.models import Template, TemplatePart
from schema.relay import to_global_id
from tests.support.environment import DATABASE_URL
from tests.support.fixtures import eventually

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }"""
STATUS = """query($id: ID!) { node(id: $id) { ... on Message { status attempts errorCode error events { type detail } } } }"""
ACT = """mutation($id: ID!) {
  launchCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } }
}"""
CANCEL = """mutation($id: ID!) { cancelCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } } }"""
SUSPEND = """mutation($id: ID!) { suspendCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } } }"""
RESUME = """mutation($id: ID!) { resumeCampaign(input: {campaignId: $id}) { campaign { status } userErrors { code } } }"""
CAMPAIGN = """query($id: ID!) { node(id: $id) { ... on Campaign { status recipientsCount } } }"""


async def _send(tenant, to: str) -> str:
    data = await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": to, "subject": "s", "text": "t"}})
    return data["sendMessage"]["message"]["id"]


async def _settled(tenant, message_id: str) -> dict:
    async def done():
        node = (await tenant.graph(STATUS, {"id": message_id}))["node"]
        return node if node["status"] not in ("QUEUED", "SENDING") else None

    return await eventually(done, timeout=30)


async def test_a_transient_smtp_failure_is_retried_until_it_goes_through(make_tenant, mailbox):
    tenant = await make_tenant()
    to = f"busy-{secrets.token_hex(3)}@example.com"
    mailbox.reject(to, "451 4.3.0 Mailbox busy, try later", times=2)

    node = await _settled(tenant, await _send(tenant, to))

    assert node["status"] == "SENT"
    assert node["attempts"] == 3
    retries = [e for e in node["events"] if e["type"] == "QUEUED" and "retry_in_seconds" in e["detail"]]
    assert len(retries) == 2 and "Mailbox busy" in retries[0]["detail"]["reason"]
    assert len(mailbox.to(to)) == 1


async def test_a_permanent_smtp_failure_fails_at_once_with_the_reason(make_tenant, mailbox):
    tenant = await make_tenant()
    to = f"gone-{secrets.token_hex(3)}@example.com"
    mailbox.reject(to, "550 5.1.1 No such user")

    node = await _settled(tenant, await _send(tenant, to))

    assert (node["status"], node["errorCode"], node["attempts"]) == ("FAILED", "REJECTED", 1)
    assert "No such user" in node["error"]


async def test_transient_failures_give_up_after_the_configured_attempts(make_tenant, mailbox):
    tenant = await make_tenant()
    to = f"down-{secrets.token_hex(3)}@example.com"
    mailbox.reject(to, "421 4.3.2 Service not available", times=10)

    node = await _settled(tenant, await _send(tenant, to))

    assert (node["status"], node["errorCode"], node["attempts"]) == ("FAILED", "RETRIES_EXHAUSTED", 3)


async def _campaign(tenant, recipients: int, options: dict) -> tuple[str, str, int]:
    """A campaign of `recipients` contacts on one list, inserted in bulk; returns (campaign id, address domain, db id)."""
    domain = f"{secrets.token_hex(4)}.example.com"
    engine = create_engine(DATABASE_URL)
    async with session_factory(engine)() as session:
        contact_list = ContactList(tenant_id=tenant.account_id, name="All")
        template = Template(tenant_id=tenant.account_id, name="T", parts=[TemplatePart(language="en", subject="Hi {{ first_name }}", text="x")])
        session.add_all([contact_list, template])
        await session.flush()
        ids = (await session.execute(insert(Contact).returning(Contact.id), [
            {"tenant_id": tenant.account_id, "email": f"r{i}@{domain}", "first_name": f"R{i}", "attributes": {}, "tags": [], "interests": []}
            for i in range(recipients)
        ])).scalars().all()
        await session.execute(insert(ListMember), [{"tenant_id": tenant.account_id, "list_id": contact_list.id, "contact_id": i} for i in ids])
        campaign = Campaign(tenant_id=tenant.account_id, name="C", template_id=template.id, list_id=contact_list.id, options=options)
        session.add(campaign)
        await session.commit()
    await engine.dispose()
    return to_global_id("Campaign", campaign.id), domain, campaign.id


def _received(mailbox, domain: str) -> list[str]:
    return [rcpts[0] for _, rcpts, _ in mailbox.messages if rcpts and rcpts[0].endswith(domain)]


async def _statuses(campaign_db_id: int) -> dict:
    engine = create_engine(DATABASE_URL)
    async with session_factory(engine)() as session:
        rows = (await session.execute(select(Message.status, func.count()).where(Message.campaign_id == campaign_db_id).group_by(Message.status))).all()
    await engine.dispose()
    return dict(rows)


async def test_waves_send_the_first_wave_now_and_cancel_stops_the_rest(make_tenant, mailbox):
    tenant = await make_tenant()
    campaign_id, domain, db_id = await _campaign(tenant, 20, {"waves": {"size": 5, "interval_seconds": 60}})

    assert (await tenant.graph(ACT, {"id": campaign_id}))["launchCampaign"]["userErrors"] == []
    await eventually(lambda: len(_received(mailbox, domain)) == 5)
    cancelled = (await tenant.graph(CANCEL, {"id": campaign_id}))["cancelCampaign"]

    assert cancelled == {"campaign": {"status": "CANCELLED"}, "userErrors": []}
    assert await _statuses(db_id) == {MessageStatus.SENT: 5, MessageStatus.CANCELLED: 15}
    assert (await tenant.graph(ACT, {"id": campaign_id}))["launchCampaign"]["userErrors"] == [{"code": "CAMPAIGN_NOT_LAUNCHABLE"}]
    assert len(_received(mailbox, domain)) == 5


async def test_a_suspended_campaign_holds_its_queue_and_resume_delivers_it(make_tenant, mailbox):
    tenant = await make_tenant()
    campaign_id, domain, db_id = await _campaign(tenant, 12, {"waves": {"size": 4, "interval_seconds": 2}})

    await tenant.graph(ACT, {"id": campaign_id})
    await eventually(lambda: len(_received(mailbox, domain)) == 4)
    assert (await tenant.graph(SUSPEND, {"id": campaign_id}))["suspendCampaign"]["campaign"]["status"] == "SUSPENDED"
    await asyncio.sleep(5)  # the second and third waves come due while suspended
    held = len(_received(mailbox, domain))
    assert held <= 8  # at most the wave already claimed when the suspension landed

    assert (await tenant.graph(RESUME, {"id": campaign_id}))["resumeCampaign"]["campaign"]["status"] == "RUNNING"
    await eventually(lambda: len(_received(mailbox, domain)) == 12, timeout=30)
    assert sorted(_received(mailbox, domain)) == sorted(set(_received(mailbox, domain)))
    assert await eventually(lambda: _final(tenant, campaign_id)) == {"status": "SENT", "recipientsCount": 12}


async def _final(tenant, campaign_id):
    node = (await tenant.graph(CAMPAIGN, {"id": campaign_id}))["node"]
    return node if node["status"] == "SENT" else None


async def test_a_tenant_send_rate_limit_spreads_its_messages_over_time(make_tenant, mailbox):
    tenant = await make_tenant()
    await tenant.graph("""mutation($id: ID!) { updateTenant(input: {id: $id, settings: {send_rate_per_second: 4}}) { userErrors { code } } }""", {"id": tenant.id})
    domain = f"{secrets.token_hex(4)}.example.com"
    for i in range(12):
        await _send(tenant, f"r{i}@{domain}")

    await eventually(lambda: len(_received(mailbox, domain)) == 12, timeout=30)

    # The limit counts sends per wall-clock second, so 12 at 4 per second take three seconds of the clock:
    # the last arrives a full second or more after the first (less a little transit jitter), and no
    # second-long span holds more than two windows' worth.
    arrivals = sorted(at for at, (_, rcpts, _) in zip(mailbox.received_at, mailbox.messages) if rcpts[0].endswith(domain))
    assert arrivals[-1] - arrivals[0] >= 0.9
    assert max(sum(1 for at in arrivals if start <= at < start + 1) for start in arrivals) <= 8
