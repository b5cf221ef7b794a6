"""Messaging schedules: each trigger of the owning event queues the schedule's template for later; the
worker delivers it once it is due, unless its condition no longer holds or its process was cancelled."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx

from tests.support.fixtures import eventually

CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }"""
CREATE_EVENT = """mutation($input: CreateEventInput!) { createEvent(input: $input) { event { id slug } userErrors { code } } }"""
CREATE_LIST = """mutation($input: CreateListInput!) { createList(input: $input) { list { id } userErrors { code } } }"""
SCHEDULE_FIELDS = "id databaseId name delaySeconds condition active channel event { slug } template { id }"
CREATE = f"""mutation($input: CreateMessagingScheduleInput!) {{
  createMessagingSchedule(input: $input) {{ messagingSchedule {{ {SCHEDULE_FIELDS} }} userErrors {{ field code message }} }} }}"""
UPDATE = f"""mutation($input: UpdateMessagingScheduleInput!) {{
  updateMessagingSchedule(input: $input) {{ messagingSchedule {{ {SCHEDULE_FIELDS} }} userErrors {{ field code message }} }} }}"""
DELETE = """mutation($input: DeleteInput!) { deleteMessagingSchedule(input: $input) { deletedId userErrors { field code message } } }"""
SCHEDULES = """query($id: ID!) { node(id: $id) { ... on Event { messagingSchedules(first: 10) { totalCount nodes { id delaySeconds active } } } } }"""
TRIGGER = """mutation($input: TriggerEventInput!) {
  triggerEvent(input: $input) { process { id } messages { id } userErrors { field code message } } }"""
INITIATE = """mutation($input: InitiateConsentInput!) {
  initiateConsent(input: $input) { member { databaseId } process { id } userErrors { field code message } } }"""
CANCEL = """mutation($input: CancelProcessInput!) { cancelProcess(input: $input) { userErrors { code } } }"""
MESSAGES = """query($id: ID!) { node(id: $id) { ... on Process { messages { nodes {
  id status recipient errorCode error createdAt scheduledAt sentAt template { id } } } } } }"""

DUE_IN = 3  # seconds: short, and every check below waits generously beyond it


async def template(tenant, name: str, subject: str, channel: str = "EMAIL") -> str:
    part = {"language": "en", "text": subject} | ({"subject": subject} if channel == "EMAIL" else {})
    result = (await tenant.graph(CREATE_TEMPLATE, {"input": {"tenantId": tenant.id, "name": name, "channel": channel, "parts": [part]}}))["createTemplate"]
    assert result["userErrors"] == []
    return result["template"]["id"]


async def event(tenant, slug: str, template_ids: list[str]) -> dict:
    result = (await tenant.graph(CREATE_EVENT, {"input": {"tenantId": tenant.id, "slug": slug, "name": slug, "templateIds": template_ids}}))["createEvent"]
    assert result["userErrors"] == []
    return result["event"]


async def schedule(tenant, **fields) -> dict:
    result = (await tenant.graph(CREATE, {"input": {"tenantId": tenant.id, **fields}}))["createMessagingSchedule"]
    assert result["userErrors"] == [], result
    return result["messagingSchedule"]


async def welcome_with_reminder(tenant, *, delay: int = DUE_IN, **schedule_fields) -> tuple[dict, str, str]:
    """A `welcome` event sending a welcome mail now and, through a schedule, a reminder `delay` seconds later."""
    welcome = await template(tenant, "Welcome", "Welcome")
    reminder = await template(tenant, "Reminder", "Reminder")
    owner = await event(tenant, "welcome", [welcome])
    await schedule(tenant, eventId=owner["id"], templateId=reminder, delaySeconds=delay, **schedule_fields)
    return owner, welcome, reminder


async def messages(tenant, process_id: str) -> list[dict]:
    return (await tenant.graph(MESSAGES, {"id": process_id}))["node"]["messages"]["nodes"]


async def the_message(tenant, process_id: str, template_id: str, status: str | tuple[str, ...]) -> dict | None:
    wanted = (status,) if isinstance(status, str) else status
    found = [m for m in await messages(tenant, process_id) if m["template"]["id"] == template_id]
    return found[0] if found and found[0]["status"] in wanted else None


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def subjects(mailbox, address: str) -> list[str]:
    from email import message_from_bytes, policy

    return [message_from_bytes(raw, policy=policy.default)["subject"] for raw in mailbox.to(address)]


async def test_a_scheduled_follow_up_waits_for_its_time_and_is_then_delivered_by_the_worker(make_tenant, mailbox):
    tenant = await make_tenant()
    _, welcome, reminder = await welcome_with_reminder(tenant)
    address = f"ada.{tenant.slug}@example.com"

    result = (await tenant.graph(TRIGGER, {"input": {"tenantId": tenant.id, "eventSlug": "welcome", "payload": {"email": address}}}))["triggerEvent"]

    assert result["userErrors"] == []
    assert len(result["messages"]) == 1  # the messages sent now; the follow-up is in the process
    queued = await the_message(tenant, result["process"]["id"], reminder, "QUEUED")
    assert queued is not None and queued["recipient"] == address
    assert timedelta(0) < at(queued["scheduledAt"]) - at(queued["createdAt"]) <= timedelta(seconds=DUE_IN)
    await eventually(lambda: the_message(tenant, result["process"]["id"], welcome, "SENT"), timeout=60)

    sent = await eventually(lambda: the_message(tenant, result["process"]["id"], reminder, "SENT"), timeout=90)

    assert at(sent["sentAt"]) >= at(sent["scheduledAt"])  # never before its time
    assert sorted(subjects(mailbox, address)) == ["Reminder", "Welcome"]


async def test_an_unless_consented_reminder_goes_out_only_while_the_consent_is_unconfirmed(make_tenant, mailbox, api):
    from app.settings import get_settings
    from domain.contacts.consents import make_token

    tenant = await make_tenant()
    doi = await template(tenant, "DOI", "Please confirm")
    reminder = await template(tenant, "DOI reminder", "Still want it?")
    owner = await event(tenant, "doi_mail", [doi])
    await schedule(tenant, eventSlug="doi_mail", templateId=reminder, delaySeconds=6, condition="UNLESS_CONSENTED")
    purpose = (await tenant.graph(CREATE_LIST, {"input": {"tenantId": tenant.id, "name": "Newsletter", "doubleOptIn": True}}))["createList"]["list"]
    confirming, silent = f"ada.{tenant.slug}@example.com", f"bob.{tenant.slug}@example.com"
    started = {}
    for address in (confirming, silent):
        result = (await tenant.graph(INITIATE, {"input": {"tenantId": tenant.id, "listId": purpose["id"], "email": address, "eventSlug": owner["slug"]}}))["initiateConsent"]
        assert result["userErrors"] == []
        started[address] = result

    # when Ada confirms before her reminder is due
    assert await the_message(tenant, started[confirming]["process"]["id"], reminder, "QUEUED")
    async with httpx.AsyncClient(base_url=api.url) as browser:
        token = make_token(get_settings().secret_key, started[confirming]["member"]["databaseId"])
        assert (await browser.post(f"/doi/{token}")).status_code == 200

    # then her reminder ends CANCELLED with a clear code, and Bob, who did not confirm, gets his
    cancelled = await eventually(lambda: the_message(tenant, started[confirming]["process"]["id"], reminder, "CANCELLED"), timeout=90)
    assert cancelled["errorCode"] == "CONSENT_CONFIRMED" and "confirmed" in cancelled["error"]
    assert cancelled["sentAt"] is None
    await eventually(lambda: the_message(tenant, started[silent]["process"]["id"], reminder, "SENT"), timeout=90)
    assert subjects(mailbox, confirming) == ["Please confirm"]
    assert sorted(subjects(mailbox, silent)) == ["Please confirm", "Still want it?"]


async def test_cancelling_the_process_cancels_its_scheduled_follow_up(make_tenant, mailbox):
    tenant = await make_tenant()
    _, welcome, reminder = await welcome_with_reminder(tenant)
    address = f"cat.{tenant.slug}@example.com"
    result = (await tenant.graph(TRIGGER, {"input": {"tenantId": tenant.id, "eventSlug": "welcome", "payload": {"email": address}}}))["triggerEvent"]
    due = at((await the_message(tenant, result["process"]["id"], reminder, "QUEUED"))["scheduledAt"])

    assert (await tenant.graph(CANCEL, {"input": {"processId": result["process"]["id"]}}))["cancelProcess"]["userErrors"] == []

    assert await the_message(tenant, result["process"]["id"], reminder, "CANCELLED")
    # well past its time, the deferred job finds nothing to send
    await asyncio.sleep(max(0.0, (due - datetime.now(due.tzinfo)).total_seconds()) + 4)
    await eventually(lambda: the_message(tenant, result["process"]["id"], welcome, ("SENT", "CANCELLED")), timeout=60)
    assert await the_message(tenant, result["process"]["id"], reminder, "CANCELLED")
    assert "Reminder" not in subjects(mailbox, address)


async def test_only_active_schedules_with_a_recipient_on_their_channel_are_queued(make_tenant):
    tenant = await make_tenant()
    owner, _, reminder = await welcome_with_reminder(tenant, delay=3600)
    sms = await template(tenant, "SMS reminder", "Reminder", channel="SMS")
    sms_schedule = await schedule(tenant, eventId=owner["id"], templateId=sms, delaySeconds=3600, channel="SMS")
    paused = await schedule(tenant, eventId=owner["id"], templateId=reminder, delaySeconds=60, active=False)
    assert sms_schedule["channel"] == "SMS" and paused["active"] is False

    # no phone in the payload: the SMS follow-up is skipped; the paused schedule queues nothing
    result = (await tenant.graph(TRIGGER, {"input": {"tenantId": tenant.id, "eventSlug": "welcome", "payload": {"email": "d@example.com"}}}))["triggerEvent"]

    follow_ups = [m for m in await messages(tenant, result["process"]["id"]) if m["scheduledAt"]]
    assert [(m["template"]["id"], m["status"]) for m in follow_ups] == [(reminder, "QUEUED")]
    listed = (await tenant.graph(SCHEDULES, {"id": owner["id"]}))["node"]["messagingSchedules"]
    assert listed["totalCount"] == 3


async def test_schedules_are_checked_and_changed_and_deleted_within_their_tenant(make_tenant):
    tenant, stranger = await make_tenant(), await make_tenant()
    owner, _, reminder = await welcome_with_reminder(tenant)
    created = (await tenant.graph(SCHEDULES, {"id": owner["id"]}))["node"]["messagingSchedules"]["nodes"][0]
    foreign_template = await template(stranger, "Theirs", "Theirs")

    async def errors(fields: dict, who=tenant) -> list[tuple[str, str]]:
        result = (await who.graph(CREATE, {"input": {"tenantId": tenant.id, **fields}}))["createMessagingSchedule"]
        return [(e["field"], e["code"]) for e in result["userErrors"]]

    assert await errors({"eventSlug": "nope", "templateId": reminder, "delaySeconds": 1}) == [("eventSlug", "EVENT_NOT_FOUND")]
    assert await errors({"templateId": reminder, "delaySeconds": 1}) == [("eventId", "EVENT_REQUIRED")]
    assert await errors({"eventId": owner["id"], "delaySeconds": 1}) == [("templateId", "TEMPLATE_REQUIRED")]
    assert await errors({"eventId": owner["id"], "templateId": foreign_template, "delaySeconds": 1}) == [("templateId", "TEMPLATE_NOT_FOUND")]
    assert await errors({"eventId": owner["id"], "templateId": reminder, "delaySeconds": -1}) == [("delaySeconds", "INVALID_DELAY")]
    assert await errors({"eventId": owner["id"], "templateId": reminder, "delaySeconds": 1, "channel": "SMS"}) == [("channel", "CHANNEL_MISMATCH")]
    assert (await errors({"eventId": owner["id"], "templateId": reminder, "delaySeconds": 1}, who=stranger))[0][1] in ("NOT_FOUND", "TENANT_NOT_FOUND", "FORBIDDEN")

    foreign = (await stranger.graph(UPDATE, {"input": {"id": created["id"], "delaySeconds": 9}}))["updateMessagingSchedule"]
    assert [e["code"] for e in foreign["userErrors"]] == ["SCHEDULE_NOT_FOUND"]
    assert [e["code"] for e in (await stranger.graph(DELETE, {"input": {"id": created["id"]}}))["deleteMessagingSchedule"]["userErrors"]] == ["SCHEDULE_NOT_FOUND"]

    changed = (await tenant.graph(UPDATE, {"input": {"id": created["id"], "delaySeconds": 90, "condition": "UNLESS_CONSENTED", "name": "Nudge"}}))["updateMessagingSchedule"]
    assert changed["userErrors"] == []
    assert (changed["messagingSchedule"]["delaySeconds"], changed["messagingSchedule"]["condition"], changed["messagingSchedule"]["name"]) == (90, "UNLESS_CONSENTED", "Nudge")
    assert (await tenant.graph(DELETE, {"input": {"id": created["id"]}}))["deleteMessagingSchedule"] == {"deletedId": created["id"], "userErrors": []}
    assert (await tenant.graph(SCHEDULES, {"id": owner["id"]}))["node"]["messagingSchedules"]["totalCount"] == 0
