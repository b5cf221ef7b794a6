"""Doxie admin / shared messaging schedules over real HTTP: create, update, delete with the seed's
`shared_messaging_schedule` bodies; the follow-up a trigger queues shows among the process's
scheduled messages; bad input and other tenants get the admin error envelope, never a 500."""
from __future__ import annotations

import pytest

from tests.support.fixtures import eventually

PATH = "/shared/messaging_schedules"
SCHEDULES = """query($slug: String!) { tenant(slug: $slug) { events { nodes { slug messagingSchedules { nodes {
  databaseId delaySeconds active condition template { apiName } } } } } } }"""


async def reminder_setup(doxie) -> dict:
    """A mailer event `doi_mail` (template key `doi_mail_mail`) and a reminder template `doi_reminder`."""
    event = await doxie.mailer("doi_mail")
    await doxie.template(name="DOI reminder", api_name="doi_reminder", subject="Still interested, {{ first_name }}?")
    return event


def seed_body(**attributes) -> dict:
    schedule = {"event_slug": "doi_mail", "event_type": "mailer", "template": "doi_reminder", "channel": "email",
                "delay_seconds": 86400, "condition": "unless_consented", "name": "DOI reminder", "active": True}
    return {"shared_messaging_schedule": {**schedule, **attributes}}


async def stored(doxie) -> list[dict]:
    events = (await doxie.tenant.graph(SCHEDULES, {"slug": doxie.tenant.slug}))["tenant"]["events"]["nodes"]
    return [s for e in events for s in e["messagingSchedules"]["nodes"]]


async def read_token(doxie) -> str:
    """A bearer token of the same tenant with read permission only."""
    from app.auth import issue_token
    from app.settings import get_settings
    from domain.db import create_engine, session_factory
    from domain.identity.models import Role
    from domain.identity.service import issue_token_credential
    from tests.support.environment import DATABASE_URL

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            credential = await issue_token_credential(session, tenant_id=doxie.tenant.account_id, role=Role.READ)
            await session.commit()
    finally:
        await engine.dispose()
    return issue_token(get_settings(), credential)


def assert_error(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.text)
    body = response.json()
    assert body["success"] is False and body["message"] is None and body["data"] is None and body["error"], body
    return body


async def test_a_schedule_is_created_edited_and_deleted_with_the_seeds_bodies(doxie):
    event = await reminder_setup(doxie)

    async with doxie.admin() as client:
        created = await client.post(PATH, json=seed_body())
        assert created.status_code == 200, created.text
        schedule = created.json()["data"]
        edited = await client.patch(f"{PATH}/{schedule['id']}", json={"shared_messaging_schedule": {"delay_seconds": 172800, "active": False, "condition": None}})
        moved = await client.patch(f"{PATH}/{schedule['id']}", json={"shared_messaging_schedule": {"event_id": event["databaseId"], "template_id": schedule["template_id"]}})
        deleted = await client.delete(f"{PATH}/{schedule['id']}")
        again = await client.delete(f"{PATH}/{schedule['id']}")

    assert created.json()["success"] is True and created.json()["message"] == "Erfolgreich erstellt" and created.json()["error"] is None
    assert {k: schedule[k] for k in ("event_id", "event_slug", "event_type", "template", "channel", "delay_seconds", "condition", "active", "name")} == {
        "event_id": event["databaseId"], "event_slug": "doi_mail", "event_type": "mailer", "template": "doi_reminder", "channel": "email",
        "delay_seconds": 86400, "condition": "unless_consented", "active": True, "name": "DOI reminder"}
    assert isinstance(schedule["id"], int) and schedule["created_at"]
    assert edited.status_code == 200, edited.text
    assert edited.json()["message"] == "Erfolgreich editiert"
    assert (edited.json()["data"]["delay_seconds"], edited.json()["data"]["active"], edited.json()["data"]["condition"]) == (172800, False, None)
    assert moved.status_code == 200 and moved.json()["data"]["template"] == "doi_reminder"
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["message"] == "Erfolgreich gelöscht" and deleted.json()["data"]["id"] == schedule["id"]
    assert assert_error(again, 404)["error_code"] == "SCHEDULE_NOT_FOUND"
    assert await stored(doxie) == []


async def test_a_triggered_follow_up_is_listed_with_the_processs_scheduled_messages_until_it_is_cancelled(doxie, mailbox):
    await reminder_setup(doxie)
    async with doxie.admin() as client:
        assert (await client.post(PATH, json=seed_body(delay_seconds=3600))).status_code == 200
    address = f"ada.{doxie.tenant.slug}@example.com"
    async with doxie.public() as client:
        sent = await client.post("/mailer/doi_mail", json={"email": address, "first_name": "Ada"})
    assert sent.status_code == 200, sent.text
    assert sent.json()["sent_email_templates"] == ["doi_mail_mail"]  # what went out now
    process = sent.json()["process_uuid"]
    await eventually(lambda: mailbox.to(address), timeout=60)  # the DOI mail went out; only the follow-up can still be cancelled

    async with doxie.admin() as client:
        shown = (await client.get(f"/shared/processes/{process}")).json()["data"]
        scheduled = shown["scheduled_messages"]
        assert scheduled["pagination"]["count"] == 1
        item = scheduled["items"][0]
        assert (item["status"], item["template"], item["recipient"], item["message_type"]) == ("queued", "doi_reminder", address, "email")
        assert item["scheduled_at"] > shown["process"]["created_at"]

        assert (await client.post(f"/shared/processes/{process}/cancel")).status_code == 200
        after = (await client.get(f"/shared/processes/{process}")).json()["data"]
    assert after["scheduled_messages"]["pagination"]["count"] == 0
    assert [m["template"] for m in after["unsuccessful_emails"]["items"] if m["status"] == "cancelled"] == ["doi_reminder"]


async def test_a_short_schedule_is_delivered_after_its_delay(doxie, mailbox):
    await reminder_setup(doxie)
    async with doxie.admin() as client:
        assert (await client.post(PATH, json=seed_body(delay_seconds=2, condition=None))).status_code == 200
    address = f"bea.{doxie.tenant.slug}@example.com"
    async with doxie.public() as client:
        process = (await client.post("/mailer/doi_mail", json={"email": address, "first_name": "Bea"})).json()["process_uuid"]

    async def both_sent():
        async with doxie.admin() as client:
            data = (await client.get(f"/shared/processes/{process}")).json()["data"]
        return data["successful_emails"]["pagination"]["count"] == 2 and data

    data = await eventually(both_sent, timeout=90)
    reminder = next(m for m in data["successful_emails"]["items"] if m["template"] == "doi_reminder")
    assert reminder["sent_at"] >= reminder["scheduled_at"]
    assert len(mailbox.to(address)) == 2


BAD_BODIES = [
    ("no object", {"something": {}}, "REQUIRED"),
    ("not an object", {"shared_messaging_schedule": [1]}, "REQUIRED"),
    ("no delay", seed_body(delay_seconds=None), "REQUIRED"),
    ("no event", {"shared_messaging_schedule": {"template": "doi_reminder", "delay_seconds": 60}}, "EVENT_REQUIRED"),
    ("no template", {"shared_messaging_schedule": {"event_slug": "doi_mail", "delay_seconds": 60}}, "TEMPLATE_REQUIRED"),
    ("unknown event", seed_body(event_slug="no_such_event"), "EVENT_NOT_FOUND"),
    ("unknown event id", seed_body(event_slug=None, event_id=987654321), "EVENT_NOT_FOUND"),
    ("unknown template", seed_body(template="no_such_template"), "TEMPLATE_NOT_FOUND"),
    ("delay as text", seed_body(delay_seconds="soon"), "INVALID_TYPE"),
    ("delay as bool", seed_body(delay_seconds=True), "INVALID_TYPE"),
    ("negative delay", seed_body(delay_seconds=-5), "INVALID_VALUE"),
    ("delay beyond a year", seed_body(delay_seconds=400 * 86400), "INVALID_DELAY"),
    ("active as text", seed_body(active="yes"), "INVALID_TYPE"),
    ("event id as text", seed_body(event_slug=None, event_id="abc"), "INVALID_TYPE"),
    ("channel as number", seed_body(channel=5), "INVALID_TYPE"),
    ("unknown channel", seed_body(channel="fax"), "INVALID_VALUE"),
    ("wrong channel", seed_body(channel="sms"), "CHANNEL_MISMATCH"),
    ("unknown condition", seed_body(condition="always"), "INVALID_VALUE"),
    ("unknown attribute", seed_body(delay_minutes=5), "UNKNOWN_ATTRIBUTE"),
    ("name too long", seed_body(name="x" * 300), "TOO_LONG"),
]


@pytest.mark.parametrize("name, body, code", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
async def test_bad_input_gets_the_admin_error_envelope(doxie, name, body, code):
    await reminder_setup(doxie)
    async with doxie.admin() as client:
        response = await client.post(PATH, json=body)
    assert assert_error(response, 404, 422)["error_code"] == code
    assert await stored(doxie) == []


async def test_malformed_requests_and_unknown_ids_are_errors_not_crashes(doxie):
    await reminder_setup(doxie)
    async with doxie.admin() as client:
        schedule = (await client.post(PATH, json=seed_body())).json()["data"]
        responses = {
            "empty body": await client.post(PATH),
            "invalid json": await client.post(PATH, content=b"{nope", headers={"content-type": "application/json"}),
            "patch without object": await client.patch(f"{PATH}/{schedule['id']}", json={"delay_seconds": 5}),
            "patch null delay": await client.patch(f"{PATH}/{schedule['id']}", json={"shared_messaging_schedule": {"delay_seconds": None}}),
            "patch unknown id": await client.patch(f"{PATH}/987654321", json=seed_body()),
            "patch text id": await client.patch(f"{PATH}/abc", json=seed_body()),
            "delete unknown id": await client.delete(f"{PATH}/987654321"),
            "get is no route": await client.get(PATH),
        }
    for name, response in responses.items():
        assert response.status_code < 500, (name, response.text)
        assert_error(response, 400, 404, 405, 413, 422)
    assert [s["delaySeconds"] for s in await stored(doxie)] == [86400]


async def test_another_tenant_can_neither_see_nor_change_a_schedule(doxie, stranger):
    event = await reminder_setup(doxie)
    await reminder_setup(stranger)
    async with doxie.admin() as client:
        schedule = (await client.post(PATH, json=seed_body())).json()["data"]
    before = await stored(doxie)

    # the stranger's token on the owner's path
    async with doxie.admin(token=stranger.tenant.token) as client:
        for response in (await client.post(PATH, json=seed_body()),
                         await client.patch(f"{PATH}/{schedule['id']}", json=seed_body(delay_seconds=1)),
                         await client.delete(f"{PATH}/{schedule['id']}")):
            assert_error(response, 401, 403, 404)
    # the stranger's own path, naming the owner's schedule, event and template
    async with stranger.admin() as client:
        for response in (await client.patch(f"{PATH}/{schedule['id']}", json=seed_body(delay_seconds=1)),
                         await client.delete(f"{PATH}/{schedule['id']}"),
                         await client.post(PATH, json=seed_body(event_slug=None, event_id=event["databaseId"])),
                         await client.post(PATH, json=seed_body(template=None, template_id=schedule["template_id"]))):
            assert_error(response, 404)
    # a read-only token of the owner
    async with doxie.admin(token=await read_token(doxie)) as client:
        assert_error(await client.patch(f"{PATH}/{schedule['id']}", json=seed_body(delay_seconds=1)), 403, 404)

    assert await stored(doxie) == before
    assert await stored(stranger) == []
