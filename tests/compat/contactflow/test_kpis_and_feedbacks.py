"""KPIs (the caller's nodes with their automations per status) and feedbacks (what became of an automation's messages,
per step), counted from real sends through the workers."""
import csv
import io
import re
import uuid
import zipfile
from email import message_from_bytes, policy

import httpx

from tests.compat.contactflow.conftest import error_codes
from tests.compat.contactflow.test_automations import step
from tests.compat.contactflow.test_customers import customer, subjects
from tests.support.campaigns import local
from tests.support.fixtures import eventually

PIXEL = re.compile(r'<img src="(?P<url>[^"]+/o/[^"]+\.gif)" width="1" height="1"')
CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { databaseId } userErrors { code } } }"""
CAMPAIGN = """query($slug: String!, $uuid: String!) { tenant(slug: $slug) { campaign(externalId: $uuid) { id options } } }"""
UPDATE = """mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input) { userErrors { code message } } }"""
ZERO = {"sent": 0, "delivered": 0, "bounced": 0, "failed": 0, "cancelled": 0, "opened": 0, "clicked": 0, "complained": 0,
        "unsubscribed": 0, "replied": 0, "scanned": 0}


async def _html_model(cf) -> int:
    part = {"language": "en", "subject": "Hi {{ firstName }}", "text": "Hello {{ firstName }}", "html": "<html><body><p>Hello {{ firstName }}</p></body></html>"}
    created = (await cf.tenant.graph(CREATE_TEMPLATE, {"input": {"tenantId": cf.tenant.id, "name": f"Tracked {uuid.uuid4().hex[:4]}",
                                                                  "channel": "EMAIL", "parts": [part]}}))["createTemplate"]
    assert created["userErrors"] == []
    return created["template"]["databaseId"]


async def _tracked_automation(cf) -> dict:
    """A DRAFT automation (mail step, then NO_ACTION) whose mail carries the open pixel, then set RUNNING."""
    automation = await cf.automation(steps=[step(await _html_model(cf)), step(None, "NO_ACTION")])
    campaign = (await cf.tenant.graph(CAMPAIGN, {"slug": cf.tenant.slug, "uuid": automation["uuid"]}))["tenant"]["campaign"]
    options = {**campaign["options"], "tracking": {"opens": True}}
    assert (await cf.tenant.graph(UPDATE, {"input": {"id": campaign["id"], "options": options}}))["updateCampaign"]["userErrors"] == []
    assert (await cf.patch(f"/automations/{automation['uuid']}", json={"name": automation["name"], "status": "RUNNING"})).status_code == 200
    return automation


async def test_feedbacks_count_what_became_of_each_steps_real_sends(cf, mailbox, api):
    automation = await _tracked_automation(cf)
    mail_step, pass_step = automation["steps"]
    people = [customer(cf, name) for name in ("Ada", "Bo")]
    for body in people:
        assert (await cf.post(f"/automations/{automation['uuid']}/customers", json=body)).status_code == 201
    [ada_mail] = await eventually(lambda: mailbox.to(people[0]["attributes"]["email"]))
    html = message_from_bytes(ada_mail, policy=policy.default).get_body(("html",)).get_content()
    assert await eventually(lambda: subjects(mailbox, people[1]["attributes"]["email"])) == ["Hi Bo"]
    pixel = PIXEL.search(html)["url"]
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(2):  # two opens of one message count once
            assert (await client.get(local(api, pixel))).status_code == 200

    async def counted():
        response = await cf.get(f"/automations/{automation['uuid']}/feedbacks")
        assert response.status_code == 200, response.text
        body = response.json()
        mail = body["steps"][0]["feedbacks"]
        return body if mail["sent"] == 2 and mail["opened"] == 1 else None

    body = await eventually(counted)
    assert body["automationUuid"] == automation["uuid"]
    mail, passed = body["steps"]
    assert {k: mail[k] for k in ("uuid", "type", "operation", "description")} == {k: mail_step[k] for k in ("uuid", "type", "operation", "description")}
    assert mail["feedbacks"] == {"messages": 2, **ZERO, "sent": 2, "opened": 1, "statuses": {"sent": 2}}
    assert passed["uuid"] == pass_step["uuid"] and passed["operation"] == "NO_ACTION"
    assert passed["feedbacks"] == {"messages": 0, **ZERO, "statuses": {}}
    one = await cf.get(f"/automations/{automation['uuid']}/steps/{mail_step['uuid']}/feedbacks")
    assert one.status_code == 200 and one.json() == mail


async def test_feedbacks_of_unknown_automations_and_steps_are_not_found(cf):
    automation = await cf.automation()
    unknown = str(uuid.uuid4())

    cases = [(f"/automations/{unknown}/feedbacks", "AUTOMATION_NOT_FOUND"), (f"/automations/{unknown}/steps/{unknown}/feedbacks", "AUTOMATION_NOT_FOUND"),
             (f"/automations/{automation['uuid']}/steps/{unknown}/feedbacks", "STEP_NOT_FOUND"), (f"/automations/not-a-uuid/feedbacks", "AUTOMATION_NOT_FOUND")]
    for path, code in cases:
        response = await cf.get(path)
        assert response.status_code == 404 and error_codes(response) == [code], path
    fresh = (await cf.get(f"/automations/{automation['uuid']}/feedbacks")).json()
    assert fresh == {"automationUuid": automation["uuid"], "steps": [{**{k: automation["steps"][0][k] for k in ("uuid", "type", "operation", "description")},
                                                                      "feedbacks": {"messages": 0, **ZERO, "statuses": {}}}]}
    assert (await cf.get(f"/automations/{automation['uuid']}/feedbacks", node="bad")).status_code == 400


async def test_kpis_list_the_callers_nodes_with_their_automations_per_status(cf):
    await cf.automation()
    await cf.automation(status="RUNNING")
    paused = await cf.automation(status="RUNNING")
    assert (await cf.patch(f"/automations/{paused['uuid']}", json={"name": paused["name"], "status": "PAUSED"})).status_code == 200
    child = {"uuid": str(uuid.uuid4()), "name": "Child node"}
    assert (await cf.post("/nodes", json=child)).status_code == 201

    response = await cf.get("/kpis/nodes", node=None)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["page"] == {"size": 20, "totalElements": 2, "totalPages": 1, "number": 0}
    by_uuid = {n["uuid"]: n for n in body["elements"]}
    assert by_uuid[cf.node]["automations"] == {"total": 3, "DRAFT": 1, "COMMITTED": 0, "RUNNING": 1, "PAUSED": 1, "ERROR": 0, "ARCHIVED": 0}
    assert by_uuid[child["uuid"]]["automations"]["total"] == 0 and by_uuid[child["uuid"]]["name"] == "Child node"
    assert {"name", "active", "emailActive", "smsActive", "workspaceUuid", "portfolioUuid"} <= set(by_uuid[cf.node])
    second = (await cf.get("/kpis/nodes", params={"page": 1, "size": 1}, node=None)).json()
    assert second["page"] == {"size": 1, "totalElements": 2, "totalPages": 2, "number": 1} and len(second["elements"]) == 1
    bad = await cf.get("/kpis/nodes", params={"size": "many"}, node=None)
    assert bad.status_code == 400 and error_codes(bad) == ["INVALID_PAGE"]


async def test_another_nodes_token_sees_neither_these_kpis_nor_these_feedbacks(cf, other):
    automation = await cf.automation(status="RUNNING")
    step_uuid = automation["steps"][0]["uuid"]

    kpis = (await other.get("/kpis/nodes", node=None)).json()
    assert [n["uuid"] for n in kpis["elements"]] == [other.node] and kpis["elements"][0]["automations"]["total"] == 0
    for node, status in ((cf.node, 403), (other.node, 404)):
        for path in (f"/automations/{automation['uuid']}/feedbacks", f"/automations/{automation['uuid']}/steps/{step_uuid}/feedbacks"):
            response = await other.get(path, node=node)
            assert response.status_code == status and error_codes(response), (path, node)
            assert step_uuid not in response.text


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


async def test_the_automations_report_is_a_csv_line_per_step_with_its_feedbacks(cf, mailbox):
    running = await cf.automation(status="RUNNING", category="Seasonal")
    draft = await cf.automation()
    body = customer(cf, "Cy")
    assert (await cf.post(f"/automations/{running['uuid']}/customers", json=body)).status_code == 201
    assert await eventually(lambda: subjects(mailbox, body["attributes"]["email"])) == ["Welcome Cy"]

    async def sent():
        rows = _csv(await cf.get("/automations/reports"))
        return rows if any(r["sent"] == "1" for r in rows) else None

    rows = {r["automationUuid"]: r for r in await eventually(sent)}
    assert set(rows) == {running["uuid"], draft["uuid"]}
    line = rows[running["uuid"]]
    assert {k: line[k] for k in ("automationName", "automationStatus", "category", "stepUuid", "stepOperation", "messages", "sent", "opened")} == {
        "automationName": running["name"], "automationStatus": "RUNNING", "category": "Seasonal", "stepUuid": running["steps"][0]["uuid"],
        "stepOperation": "CLAB_CAMPAIGN", "messages": "1", "sent": "1", "opened": "0"}
    assert rows[draft["uuid"]]["messages"] == "0"

    only_draft = await cf.get("/automations/reports", params={"status": "DRAFT", "filename": "drafts"})
    assert [r["automationUuid"] for r in _csv(only_draft)] == [draft["uuid"]]
    assert only_draft.headers["content-disposition"] == 'attachment; filename="drafts.csv"'
    one = _csv(await cf.get("/automations/reports", params={"automationUuid": running["uuid"]}))
    assert [r["automationUuid"] for r in one] == [running["uuid"]]
    assert _csv(await cf.get("/automations/reports", params={"automationUuid": str(uuid.uuid4())})) == []
    bad = await cf.get("/automations/reports", params={"status": "SLEEPING"})
    assert bad.status_code == 400 and error_codes(bad) == ["INVALID_STATUS"]
    odd_name = await cf.get("/automations/reports", params={"filename": 'a"b\r\nc/../d'})
    assert odd_name.headers["content-disposition"] == 'attachment; filename="a_b__c_.._d.csv"'


async def test_another_nodes_report_holds_nothing_of_this_node(cf, other):
    automation = await cf.automation(status="RUNNING")

    mine = await other.get("/automations/reports", params={"automationUuid": automation["uuid"]})
    refused = await other.get("/automations/reports", node=cf.node)

    assert _csv(mine) == [] and automation["uuid"] not in mine.text
    assert refused.status_code == 403 and error_codes(refused) == ["FORBIDDEN"]


async def test_the_report_and_the_kpis_run_as_many_statements_for_six_automations_or_nodes_as_for_two(cf, api):
    for _ in range(2):
        await cf.automation()
        assert (await cf.post("/nodes", json={"uuid": str(uuid.uuid4()), "name": "Child"})).status_code == 201
    counts = []
    for more in (0, 4):
        for _ in range(more):
            await cf.automation()
            assert (await cf.post("/nodes", json={"uuid": str(uuid.uuid4()), "name": "Child"})).status_code == 201
        with api.count_statements() as counter:
            assert len(_csv(await cf.get("/automations/reports"))) == 2 + more
            assert (await cf.get("/kpis/nodes", node=None)).json()["page"]["totalElements"] == 3 + more
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def _zipped_csv(response, name: str) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == [f"{name}.csv"]
        return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))


async def test_the_tokens_report_is_a_zipped_csv_of_the_current_tokens_the_filters_keep(cf):
    first, second = await cf.automation(), await cf.automation()
    people = [customer(cf, "Di"), customer(cf, "Ed")]
    assert (await cf.post(f"/automations/{first['uuid']}/customers", json=people[0])).status_code == 201
    assert (await cf.post(f"/automations/{second['uuid']}/customers", json=people[1])).status_code == 201

    every = _zipped_csv(await cf.get("/tokens/reports"), "automations-monitor")
    one = _zipped_csv(await cf.get("/tokens/reports", params={"automationUuid": first["uuid"], "filename": "monitor"}), "monitor")

    assert {r["uuid"] for r in every} == {p["uuid"] for p in people}
    [row] = one
    assert {k: row[k] for k in ("uuid", "userPk", "email", "automationUuid", "stepUuid", "stepOperation", "status", "automationStatus")} == {
        "uuid": people[0]["uuid"], "userPk": people[0]["userPk"], "email": people[0]["attributes"]["email"], "automationUuid": first["uuid"],
        "stepUuid": first["steps"][0]["uuid"], "stepOperation": "CLAB_CAMPAIGN", "status": "READY", "automationStatus": "DRAFT"}
    assert _zipped_csv(await cf.get("/tokens/reports", params={"aggregatedStatus": "COMPLETED"}), "automations-monitor") == []
    bad = await cf.get("/tokens/reports", params={"aggregatedStatus": "SLEEPING"})
    assert bad.status_code == 400 and error_codes(bad) == ["INVALID_STATUS"]


async def test_another_nodes_tokens_report_holds_nothing_of_this_node(cf, other):
    automation = await cf.automation()
    body = customer(cf, "Fay")
    assert (await cf.post(f"/automations/{automation['uuid']}/customers", json=body)).status_code == 201

    mine = await other.get("/tokens/reports", params={"automationUuid": automation["uuid"]})
    refused = await other.get("/tokens/reports", node=cf.node)

    assert _zipped_csv(mine, "automations-monitor") == []
    assert refused.status_code == 403 and error_codes(refused) == ["FORBIDDEN"]
