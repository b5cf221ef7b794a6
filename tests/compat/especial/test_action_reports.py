"""Especial action report and action logs over real HTTP: an active `subscribed` workflow mails its two actions to a
contact added to its list (sent by the workers), then each action's statistics and log entries (one per event) count
its own mail only. Unknown or foreign workflows and actions are 404."""
from __future__ import annotations

import pytest

from schema.relay import to_global_id
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import make_audience, make_sender, received, unique_email
from tests.compat.especial.test_workflow_actions import CREATE_CONTACT, action_body, add_action
from tests.compat.especial.test_workflows import create_workflow
from tests.support.fixtures import eventually

REPORT, LOGS = "/reports/workflows/{workflow_id}/actions/{action_id}", "/logs/workflows/{workflow_id}/actions/{action_id}"


async def _get(client, template: str, workflow_id: str, action_id: str, **params) -> dict:
    response = await client.get(template.format(workflow_id=workflow_id, action_id=action_id), params=params)
    assert response.status_code == 200, response.text
    return assert_valid(response, template, "GET")


@pytest.fixture
async def actions(client):
    """A workflow on a list, with a welcome action and a reminder."""
    tenant = client.user.tenant
    sender_id = await make_sender(tenant, name="Acme Flows", address=unique_email("flows"))
    audience = await make_audience(tenant, [(unique_email("ada"), "Ada")])
    workflow_id = (await create_workflow(client, audience.list_id))["id"]
    first = (await add_action(client, workflow_id, action_body(sender_id)))["id"]
    second = (await add_action(client, workflow_id, action_body(sender_id, name="Reminder", parent_id=first)))["id"]
    return audience, workflow_id, first, second


@pytest.fixture
async def mailed(client, mailbox, actions):
    """The workflow activated; a newcomer on its list gets both mails."""
    tenant = client.user.tenant
    audience, workflow_id, first, second = actions
    assert (await client.post(f"/workflows/{workflow_id}/activate")).status_code == 200
    newcomer = unique_email("newcomer")
    made = await tenant.graph(CREATE_CONTACT, {"input": {"tenantId": tenant.id, "email": newcomer, "firstName": "Nora",
                                                         "listIds": [to_global_id("ContactList", audience.list_id)]}})
    assert not made["createContact"]["userErrors"]
    await eventually(lambda: len(received(mailbox, newcomer)) == 2, timeout=30)
    return workflow_id, first, second, newcomer, made["createContact"]["contact"]["databaseId"]


async def test_an_actions_report_and_logs_count_the_mail_it_sent(client, mailed):
    workflow_id, first, second, newcomer, contact_id = mailed

    for action in (first, second):
        async def counted():
            data = (await _get(client, REPORT, workflow_id, action))["data"]
            return data if data["sent_emails"] == 1 else None

        data = await eventually(counted)
        assert {k: data[k] for k in ("sent_emails", "unique_opens", "opens", "clicks", "unopens", "bounces", "spams", "unsubscribes", "spam_rate")} == {
            "sent_emails": 1, "unique_opens": 0, "opens": 0, "clicks": 0, "unopens": 1, "bounces": 0, "spams": 0, "unsubscribes": 0, "spam_rate": 0.0}

    logs = await _get(client, LOGS, workflow_id, first, with_count="true")
    assert logs["pagination"] == {"page": 1, "per_page": 50, "count": 1}
    sent = [entry for entry in logs["data"] if entry["type"] == "sent"]
    assert len(sent) == 1 and (sent[0]["email"], sent[0]["contact_id"], sent[0]["occurrences"]) == (newcomer, contact_id, 1)
    assert isinstance(sent[0]["id"], int) and sent[0]["timestamp"] > 0
    only_sent = await _get(client, LOGS, workflow_id, first, filter="type==sent")
    assert only_sent["data"] == sent
    assert (await _get(client, LOGS, workflow_id, first, filter="type==open"))["data"] == []
    assert (await _get(client, LOGS, workflow_id, first, filter="email==nobody@example.com", with_count="true"))["pagination"]["count"] == 0
    assert (await _get(client, LOGS, workflow_id, first, start_time=1, end_time=1000, with_count="true"))["pagination"]["count"] == 0
    other = await _get(client, LOGS, workflow_id, second, with_count="true", filter="type==sent")
    assert other["pagination"]["count"] == 1 and other["data"][0]["id"] != sent[0]["id"]  # the reminder's own message and event


@pytest.mark.parametrize("template", [REPORT, LOGS])
async def test_unknown_and_foreign_workflows_and_actions_are_404(client, other_client, actions, template):
    _, workflow_id, first, _ = actions
    for caller, workflow, action in [(client, workflow_id, "no-such-action"), (client, "999999999", first), (other_client, workflow_id, first)]:
        response = await caller.get(template.format(workflow_id=workflow, action_id=action))
        assert response.status_code == 404, response.text
        assert assert_valid(response, template, "GET")["detail"]


@pytest.mark.parametrize("params, loc", [
    ({"sort": "-time"}, ["body", "sort"]),  # logs come newest message first only
    ({"filter": "link_id==3"}, ["body", "filter"]),
    ({"filter": "type==nonsense"}, ["body", "filter"]),
    ({"per_page": "0"}, ["body", "per_page"]),
    ({"start_time": "0"}, ["body", "start_time"]),
])
async def test_bad_log_query_parameters_are_422(client, actions, params, loc):
    _, workflow_id, first, _ = actions
    response = await client.get(LOGS.format(workflow_id=workflow_id, action_id=first), params=params)
    assert response.status_code == 422, response.text
    assert assert_valid(response, LOGS, "GET")["detail"][0]["loc"] == loc
