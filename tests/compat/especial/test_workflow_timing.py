"""An Especial workflow's action `delay` and `condition`, over real HTTP and real workers: a follow-up waits its delay
after its parent's mail, and is sent only when its condition on that mail holds (opened / not_opened)."""
from __future__ import annotations

import asyncio
import re
import time

import httpx

from schema.relay import to_global_id
from tests.compat.especial.messaging_fixtures import body_of, make_audience, make_sender, received, unique_email
from tests.compat.especial.test_workflow_actions import CREATE_CONTACT, action_body, add_action
from tests.compat.especial.test_workflows import create_workflow
from tests.support.campaigns import local
from tests.support.fixtures import eventually

DELAY = 3


def _subjects(mailbox, address: str) -> list[str]:
    return [mail["Subject"] for mail in received(mailbox, address)]


async def _join(tenant, list_id: int, name: str) -> str:
    address = unique_email(name.lower())
    made = await tenant.graph(CREATE_CONTACT, {"input": {"tenantId": tenant.id, "email": address, "firstName": name,
                                                         "listIds": [to_global_id("ContactList", list_id)]}})
    assert not made["createContact"]["userErrors"]
    return address


async def test_a_follow_up_waits_its_delay_and_goes_by_its_condition(client, mailbox, api):
    tenant = client.user.tenant
    sender_id = await make_sender(tenant, name="Acme Flows", address=unique_email("flows"))
    audience = await make_audience(tenant, [])
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    welcome = (await add_action(client, workflow_id, action_body(sender_id)))["id"]
    for name, condition in (("Reminder", "not_opened"), ("Thanks", "opened")):
        body = action_body(sender_id, name=name, parent_id=welcome, condition=condition, delay=DELAY)
        body["email_settings"]["content"]["subject"] = f"{name} {{{{ first_name }}}}"
        await add_action(client, workflow_id, body)
    assert (await client.post(f"/workflows/{workflow_id}/activate")).status_code == 200

    started = time.monotonic()
    silent, reader = await _join(tenant, audience.list_id, "Sam"), await _join(tenant, audience.list_id, "Rita")
    await eventually(lambda: _subjects(mailbox, silent) and _subjects(mailbox, reader), timeout=30)
    assert _subjects(mailbox, silent) == ["Welcome Sam"] and _subjects(mailbox, reader) == ["Welcome Rita"]
    pixel = re.search(r'<img src="([^"]+/o/[^"]+\.gif)"', body_of(received(mailbox, reader)[0]))[1]
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.get(local(api, pixel))).status_code == 200  # Rita opens the welcome mail, Sam does not

    await eventually(lambda: len(_subjects(mailbox, silent)) == 2 and len(_subjects(mailbox, reader)) == 2, timeout=30)
    assert time.monotonic() - started >= DELAY  # not before the delay
    await asyncio.sleep(DELAY)  # time enough for a wrongly sent third mail to arrive
    assert _subjects(mailbox, silent) == ["Welcome Sam", "Reminder Sam"]
    assert _subjects(mailbox, reader) == ["Welcome Rita", "Thanks Rita"]


async def test_a_suspended_workflow_sends_its_due_follow_ups_on_resume(client, mailbox):
    tenant = client.user.tenant
    sender_id = await make_sender(tenant, name="Acme Flows", address=unique_email("flows"))
    audience = await make_audience(tenant, [])
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    welcome = (await add_action(client, workflow_id, action_body(sender_id)))["id"]
    await add_action(client, workflow_id, action_body(sender_id, name="Later", parent_id=welcome, delay=1))
    assert (await client.post(f"/workflows/{workflow_id}/activate")).status_code == 200
    newcomer = await _join(tenant, audience.list_id, "Pia")
    await eventually(lambda: len(received(mailbox, newcomer)) == 1, timeout=30)
    assert (await client.post(f"/workflows/{workflow_id}/deactivate")).status_code == 200
    await asyncio.sleep(3)  # the follow-up fell due while the workflow was suspended
    assert len(received(mailbox, newcomer)) == 1
    assert (await client.post(f"/workflows/{workflow_id}/activate")).status_code == 200
    await eventually(lambda: len(received(mailbox, newcomer)) == 2, timeout=30)


async def test_an_unknown_condition_or_a_negative_delay_is_422(client):
    tenant = client.user.tenant
    sender_id = await make_sender(tenant, name="Acme Flows", address=unique_email("flows"))
    audience = await make_audience(tenant, [])
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    for override in ({"condition": "replied"}, {"delay": -5}):
        response = await client.post(f"/workflows/{workflow_id}/actions", json=action_body(sender_id, **override))
        assert response.status_code == 422, response.text
