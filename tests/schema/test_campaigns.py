"""Campaigns: a list, its contacts and a template; launched now or at a time, cancelled, edited, deleted."""
import asyncio
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

from tests.support.fixtures import eventually

CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { id } userErrors { code } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }"""
SUBSCRIBE = """mutation($input: SubscribeContactInput!) {
  subscribeContact(input: $input) { member { status } userErrors { code } } }"""
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }"""
CAMPAIGN_FIELDS = "campaign { id name status recipientsCount scheduledAt template { id } list { id } } userErrors { field code message }"
CREATE_CAMPAIGN = f"mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ {CAMPAIGN_FIELDS} }} }}"
UPDATE_CAMPAIGN = f"mutation($input: UpdateCampaignInput!) {{ updateCampaign(input: $input) {{ {CAMPAIGN_FIELDS} }} }}"
LAUNCH = f"mutation($input: LaunchCampaignInput!) {{ launchCampaign(input: $input) {{ {CAMPAIGN_FIELDS} }} }}"
CANCEL = f"mutation($id: ID!) {{ cancelCampaign(input: {{campaignId: $id}}) {{ {CAMPAIGN_FIELDS} }} }}"
DELETE = """mutation($input: DeleteInput!) { deleteCampaign(input: $input) { deletedId userErrors { field code } } }"""
READ = """query($id: ID!) { node(id: $id) { ... on Campaign { id name status recipientsCount } } }"""

EN_PART = {"language": "en", "subject": "Hello {{ first_name }}", "text": "Hi {{ first_name }}, news for you."}
DE_PART = {"language": "de", "subject": "Hallo {{ first_name }}", "text": "Servus {{ first_name }}, Neuigkeiten."}


async def create(tenant, mutation: str, name: str, input: dict) -> dict:
    payload = (await tenant.graph(mutation, {"input": input}))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def audience(tenant, people: list[dict], parts: list[dict] = (EN_PART,)) -> dict:
    """A list with `people` subscribed, a template with `parts`, and a DRAFT campaign sending it to the list."""
    list_id = (await create(tenant, CREATE_LIST, "createList", {"tenantId": tenant.id, "name": "Newsletter"}))["list"]["id"]
    contacts = [
        (await create(tenant, CREATE_CONTACT, "createContact", {"tenantId": tenant.id, "listIds": [list_id], **person}))["contact"]["id"]
        for person in people
    ]
    template = await create(tenant, CREATE_TEMPLATE, "createTemplate", {"tenantId": tenant.id, "name": "News", "parts": list(parts)})
    campaign = await create(tenant, CREATE_CAMPAIGN, "createCampaign", {
        "tenantId": tenant.id, "name": "Spring news", "templateId": template["template"]["id"], "listId": list_id,
    })
    return {"list": list_id, "contacts": contacts, "template": template["template"]["id"], "campaign": campaign["campaign"]}


def person(tenant, name: str, **extra) -> dict:
    return {"email": f"{name.lower()}.{tenant.slug}@example.com", "firstName": name, **extra}


def texts(mailbox, address: str) -> list[tuple[str, str]]:
    """(subject, plain-text body) of every mail `address` received."""
    mails = [message_from_bytes(raw, policy=policy.default) for raw in mailbox.to(address)]
    return [(str(m["Subject"]), m.get_body(("plain",)).get_content().strip()) for m in mails]


async def status_of(tenant, campaign_id: str) -> dict:
    return (await tenant.graph(READ, {"id": campaign_id}))["node"]


async def until_status(tenant, campaign_id: str, status: str, timeout: float = 15.0) -> dict:
    async def reached():
        node = await status_of(tenant, campaign_id)
        return node if node["status"] == status else None

    return await eventually(reached, timeout=timeout)


async def test_launch_sends_one_rendered_mail_to_every_subscribed_contact_and_ends_sent(make_tenant, mailbox):
    tenant = await make_tenant()
    people = [person(tenant, name) for name in ("Ann", "Ben", "Cleo")]
    setup = await audience(tenant, people)
    assert setup["campaign"]["status"] == "DRAFT"

    launched = (await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"]}}))["launchCampaign"]

    assert launched["userErrors"] == []
    assert launched["campaign"]["status"] == "RUNNING"
    done = await until_status(tenant, setup["campaign"]["id"], "SENT")
    assert done["recipientsCount"] == 3
    for p in people:
        received = await eventually(lambda: texts(mailbox, p["email"]))
        assert received == [(f"Hello {p['firstName']}", f"Hi {p['firstName']}, news for you.")]


async def test_unsubscribed_member_receives_nothing(make_tenant, mailbox):
    tenant = await make_tenant()
    stays, leaves = person(tenant, "Dora"), person(tenant, "Eli")
    setup = await audience(tenant, [stays, leaves])
    unsubscribed = await create(tenant, SUBSCRIBE, "subscribeContact", {
        "listId": setup["list"], "contactId": setup["contacts"][1], "status": "UNSUBSCRIBED",
    })
    assert unsubscribed["member"]["status"] == "UNSUBSCRIBED"

    await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"]}})

    done = await until_status(tenant, setup["campaign"]["id"], "SENT")
    assert done["recipientsCount"] == 1
    await eventually(lambda: mailbox.to(stays["email"]))
    await asyncio.sleep(0.5)  # anything else the workers had queued would have landed by now
    assert mailbox.to(leaves["email"]) == []


async def test_launching_a_sent_campaign_again_is_refused(make_tenant, mailbox):
    tenant = await make_tenant()
    reader = person(tenant, "Finn")
    setup = await audience(tenant, [reader])
    await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"]}})
    await until_status(tenant, setup["campaign"]["id"], "SENT")

    again = (await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"]}}))["launchCampaign"]

    assert again["campaign"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [("campaignId", "CAMPAIGN_NOT_LAUNCHABLE")]
    await asyncio.sleep(0.5)
    assert len(mailbox.to(reader["email"])) == 1
    assert (await status_of(tenant, setup["campaign"]["id"]))["status"] == "SENT"


async def test_launching_a_campaign_without_template_is_refused(make_tenant):
    tenant = await make_tenant()
    list_id = (await create(tenant, CREATE_LIST, "createList", {"tenantId": tenant.id, "name": "L"}))["list"]["id"]
    campaign = (await create(tenant, CREATE_CAMPAIGN, "createCampaign", {"tenantId": tenant.id, "name": "Empty", "listId": list_id}))["campaign"]

    launched = (await tenant.graph(LAUNCH, {"input": {"campaignId": campaign["id"]}}))["launchCampaign"]

    assert launched["campaign"] is None
    assert [(e["field"], e["code"]) for e in launched["userErrors"]] == [("templateId", "CAMPAIGN_HAS_NO_CONTENT")]
    assert (await status_of(tenant, campaign["id"]))["status"] == "DRAFT"


async def test_scheduled_launch_is_scheduled_at_once_and_sent_when_due(make_tenant, mailbox):
    tenant = await make_tenant()
    reader = person(tenant, "Gus")
    setup = await audience(tenant, [reader])
    at = datetime.now(timezone.utc) + timedelta(seconds=3)

    launched = (await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"], "at": at.isoformat()}}))["launchCampaign"]

    assert launched["userErrors"] == []
    assert launched["campaign"]["status"] == "SCHEDULED"
    assert datetime.fromisoformat(launched["campaign"]["scheduledAt"]) == at
    assert mailbox.to(reader["email"]) == []
    done = await until_status(tenant, setup["campaign"]["id"], "SENT", timeout=20)
    assert datetime.now(timezone.utc) >= at
    assert done["recipientsCount"] == 1
    assert await eventually(lambda: texts(mailbox, reader["email"])) == [("Hello Gus", "Hi Gus, news for you.")]


async def test_cancelling_a_scheduled_campaign_means_it_never_sends(make_tenant, mailbox):
    tenant = await make_tenant()
    reader = person(tenant, "Hana")
    setup = await audience(tenant, [reader])
    at = datetime.now(timezone.utc) + timedelta(seconds=2)
    await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"], "at": at.isoformat()}})

    cancelled = (await tenant.graph(CANCEL, {"id": setup["campaign"]["id"]}))["cancelCampaign"]

    assert cancelled["userErrors"] == []
    assert cancelled["campaign"]["status"] == "CANCELLED"
    await asyncio.sleep((at - datetime.now(timezone.utc)).total_seconds() + 3)  # well past the launch time
    final = await status_of(tenant, setup["campaign"]["id"])
    assert final == {"id": setup["campaign"]["id"], "name": "Spring news", "status": "CANCELLED", "recipientsCount": 0}
    assert mailbox.to(reader["email"]) == []


async def test_a_draft_campaign_can_be_renamed_and_repointed_then_deleted(make_tenant):
    tenant = await make_tenant()
    setup = await audience(tenant, [person(tenant, "Ivo")])
    other_list = (await create(tenant, CREATE_LIST, "createList", {"tenantId": tenant.id, "name": "Other"}))["list"]["id"]

    updated = (await tenant.graph(UPDATE_CAMPAIGN, {"input": {"id": setup["campaign"]["id"], "name": "Summer news", "listId": other_list}}))["updateCampaign"]

    assert updated["userErrors"] == []
    assert updated["campaign"]["name"] == "Summer news"
    assert updated["campaign"]["list"] == {"id": other_list}
    assert updated["campaign"]["template"] == {"id": setup["template"]}  # not given, so unchanged
    assert (await status_of(tenant, setup["campaign"]["id"]))["name"] == "Summer news"

    deleted = (await tenant.graph(DELETE, {"input": {"id": setup["campaign"]["id"]}}))["deleteCampaign"]

    assert deleted == {"deletedId": setup["campaign"]["id"], "userErrors": []}
    assert (await tenant.graph(READ, {"id": setup["campaign"]["id"]}))["node"] is None


async def test_a_sent_campaign_cannot_be_edited_but_can_be_deleted(make_tenant):
    tenant = await make_tenant()
    setup = await audience(tenant, [person(tenant, "Jo")])
    await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"]}})
    await until_status(tenant, setup["campaign"]["id"], "SENT")

    updated = (await tenant.graph(UPDATE_CAMPAIGN, {"input": {"id": setup["campaign"]["id"], "name": "Rewritten"}}))["updateCampaign"]

    assert updated["campaign"] is None
    assert [e["code"] for e in updated["userErrors"]] == ["CAMPAIGN_NOT_EDITABLE"]
    assert (await status_of(tenant, setup["campaign"]["id"]))["name"] == "Spring news"
    deleted = (await tenant.graph(DELETE, {"input": {"id": setup["campaign"]["id"]}}))["deleteCampaign"]
    assert deleted["userErrors"] == []


async def test_a_scheduled_campaign_cannot_be_deleted_until_cancelled(make_tenant):
    tenant = await make_tenant()
    setup = await audience(tenant, [person(tenant, "Kai")])
    at = datetime.now(timezone.utc) + timedelta(hours=1)
    await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"], "at": at.isoformat()}})

    refused = (await tenant.graph(DELETE, {"input": {"id": setup["campaign"]["id"]}}))["deleteCampaign"]

    assert refused == {"deletedId": None, "userErrors": [{"field": "campaignId", "code": "CAMPAIGN_ACTIVE"}]}
    await tenant.graph(CANCEL, {"id": setup["campaign"]["id"]})
    assert (await tenant.graph(DELETE, {"input": {"id": setup["campaign"]["id"]}}))["deleteCampaign"]["userErrors"] == []


async def test_each_contact_gets_the_template_part_in_its_language(make_tenant, mailbox):
    tenant = await make_tenant()
    german, english, unspecified = person(tenant, "Lena", language="de"), person(tenant, "Max", language="en"), person(tenant, "Nia")
    setup = await audience(tenant, [german, english, unspecified], parts=(EN_PART, DE_PART))

    await tenant.graph(LAUNCH, {"input": {"campaignId": setup["campaign"]["id"]}})

    await until_status(tenant, setup["campaign"]["id"], "SENT")
    assert await eventually(lambda: texts(mailbox, german["email"])) == [("Hallo Lena", "Servus Lena, Neuigkeiten.")]
    assert await eventually(lambda: texts(mailbox, english["email"])) == [("Hello Max", "Hi Max, news for you.")]
    # no language: the template's default language, which is its first part's
    assert await eventually(lambda: texts(mailbox, unspecified["email"])) == [("Hello Nia", "Hi Nia, news for you.")]
