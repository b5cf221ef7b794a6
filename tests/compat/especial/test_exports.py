"""Especial asynchronous exports and tasks over real HTTP: a contacts export or a campaign log export is requested
(201, a `task`), the Dramatiq workers build its CSV in chunks, the task reads `ready`, and its download link serves
the CSV; filters narrow a contacts export; deleting ends the export and its link; another account sees nothing."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
import pytest

from domain.exports import builder
from tests.compat.especial.audience_fixtures import add_contact, add_list, unique_email
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.test_logs import _tracked_campaign_opened_and_clicked
from tests.support.campaigns import local
from tests.support.environment import DATABASE_URL
from tests.support.fixtures import eventually

EXPORTS, EXPORT = "/lists/{list_id}/exports", "/lists/{list_id}/exports/{export_id}"
DOWNLOAD = "/lists/{list_id}/exports/{export_id}/download"
LOG_EXPORTS = "/logs/campaigns/{campaign_id}/exports"
LOG_DOWNLOAD = "/logs/campaigns/{campaign_id}/exports/{campaign_log_export_id}/download"
TASKS, TASK = "/tasks", "/tasks/{task_id}"


@pytest.fixture
def small_chunks(monkeypatch):
    """Two rows per chunk, so a few contacts already make a file of several chunks (and several worker transactions)."""
    monkeypatch.setattr(builder, "CHUNK_ROWS", 2)


@pytest.fixture
async def newsletter(client) -> dict:
    """A list declaring a `plan` attribute, with three members: Ada (pro, tagged), Bea (free), Cy (pro, unsubscribed)."""
    contact_list = await add_list(client)
    response = await client.post(f"/lists/{contact_list['id']}/custom-attributes", json={"name": "plan", "type": "text"})
    assert response.status_code == 201, response.text
    members = {}
    for name, plan in (("Ada", "pro"), ("Bea", "free"), ("Cy", "pro")):
        members[name] = await add_contact(client, contact_list["id"], email=unique_email(name.lower()), custom_attributes=[{"name": "plan", "value": plan}, {"name": "city", "value": f"{name}ville"}])
    response = await client.post(f"/lists/{contact_list['id']}/contacts/{members['Cy']['id']}/unsubscribe")
    assert response.status_code == 200, response.text
    response = await client.post(f"/lists/{contact_list['id']}/contacts/{members['Ada']['id']}/tag", json={"tags": ["vip", "early"]})
    assert response.status_code == 200, response.text
    return {**contact_list, "members": members}


async def _create(client, list_id: int, **params) -> dict:
    response = await client.post(f"/lists/{list_id}/exports", params=params)
    assert response.status_code == 201, response.text
    return assert_valid(response, EXPORTS, "POST")


async def _ready(client, path: str, template: str) -> dict:
    async def ready():
        response = await client.get(path)
        assert response.status_code == 200, response.text
        data = assert_valid(response, template, "GET")["data"]
        assert data["status"] in ("pending", "ready"), data
        return data if data["status"] == "ready" else None

    return await eventually(ready, timeout=30)


async def _csv(client, api, path: str, template: str) -> list[dict]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    link = assert_valid(response, template, "GET")["data"]
    async with httpx.AsyncClient(timeout=10) as http:  # no credential: the signed link is one
        csv_response = await http.get(local(api, link["url"]))
    assert csv_response.status_code == 200, csv_response.text
    assert csv_response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(csv_response.text)))


async def test_a_contacts_export_is_built_by_the_worker_and_downloads_as_csv(client, newsletter, api, small_chunks):
    list_id, members = newsletter["id"], newsletter["members"]

    created = await _create(client, list_id, description="Every reader")

    assert created["object"] == "task" and created["created"] is True and created["data"]["description"] == "Every reader"
    export_id = created["id"]
    assert created["data"]["id"] == export_id and created["data"]["status"] == "pending" and created["data"]["progress"] == 0
    assert created["data"]["expires_on"] - created["data"]["created_on"] == 7 * 24 * 3600
    shown = await _ready(client, f"/lists/{list_id}/exports/{export_id}", EXPORT)
    assert shown["progress"] == 100

    rows = await _csv(client, api, f"/lists/{list_id}/exports/{export_id}/download", DOWNLOAD)
    assert [r["email"] for r in rows] == [members[n]["email"] for n in ("Ada", "Bea", "Cy")]  # every member, in id order
    assert [(r["status"], r["plan"], r["tags"]) for r in rows] == [("SUBSCRIBED", "pro", "vip;early"), ("SUBSCRIBED", "free", ""),
                                                                   ("UNSUBSCRIBED", "pro", "")]
    assert rows[0]["id"] == str(members["Ada"]["id"]) and rows[0]["subscribed_at"] and rows[2]["unsubscribed_at"]
    assert rows[0]["other_attributes"] == '{"city": "Adaville"}'  # attributes the list does not declare

    listed = assert_valid(await client.get(f"/lists/{list_id}/exports", params={"with_count": "true"}), EXPORTS, "GET")
    assert [e["id"] for e in listed["data"]] == [export_id] and listed["pagination"]["count"] == 1
    ready = assert_valid(await client.get(f"/lists/{list_id}/exports", params={"filter": "status==ready"}), EXPORTS, "GET")
    pending = assert_valid(await client.get(f"/lists/{list_id}/exports", params={"filter": "status==pending"}), EXPORTS, "GET")
    assert [e["id"] for e in ready["data"]] == [export_id] and pending["data"] == []
    task = assert_valid(await client.get(f"/tasks/{export_id}"), TASK, "GET")["data"]
    assert (task["type"], task["status"], task["progress"], task["payload"]) == ("contactsexport", "ready", 100, {"list_id": list_id})
    assert task["requested_by"] == {"id": client.user.user_id, "email": client.user.email}


async def test_filters_narrow_a_contacts_export(client, newsletter, api):
    list_id, members = newsletter["id"], newsletter["members"]
    segment = await client.post(f"/lists/{list_id}/segments", json={"name": "Ada only", "query": f"email = '{members['Ada']['email']}'"})
    assert segment.status_code == 201, segment.text

    by_status = await _create(client, list_id, filter="status==unsubscribed")
    by_segment = await _create(client, list_id, segment_id=segment.json()["id"])
    by_fiql = await _create(client, list_id, fiql=f"email=={members['Bea']['email']}")
    by_email = await _create(client, list_id, filter=f"email=={members['Cy']['email']};status==unsubscribed")

    assert by_status["data"]["filter"] == "status==unsubscribed" and by_segment["data"]["segment_id"] == segment.json()["id"]
    assert by_fiql["data"]["fiql"] == f"email=={members['Bea']['email']}"
    for created, expected in ((by_status, ["Cy"]), (by_segment, ["Ada"]), (by_fiql, ["Bea"]), (by_email, ["Cy"])):
        await _ready(client, f"/lists/{list_id}/exports/{created['id']}", EXPORT)
        rows = await _csv(client, api, f"/lists/{list_id}/exports/{created['id']}/download", DOWNLOAD)
        assert [r["email"] for r in rows] == [members[n]["email"] for n in expected], created


async def test_an_empty_list_exports_its_header_only(client, api):
    contact_list = await add_list(client)
    created = await _create(client, contact_list["id"])
    await _ready(client, f"/lists/{contact_list['id']}/exports/{created['id']}", EXPORT)

    response = await client.get(f"/lists/{contact_list['id']}/exports/{created['id']}/download")
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(local(api, response.json()["data"]["url"]))).text
    assert text.splitlines() == ["id,email,status,subscribed_at,unsubscribed_at,first_name,last_name,phone,language,tags,interests,other_attributes"]


async def test_a_campaign_log_export_holds_the_campaigns_events(client, mailbox, api):
    setup, campaign_id, _ = await _tracked_campaign_opened_and_clicked(client, mailbox, api, ["Ada", "Bea"])

    async def clicked():  # the click is recorded as the redirect is served
        return (await client.get(f"/logs/campaigns/{campaign_id}", params={"filter": "type==clickthru"})).json()["data"]

    await eventually(clicked)
    response = await client.post(f"/logs/campaigns/{campaign_id}/exports", json={"description": "Opens and clicks"})

    assert response.status_code == 201, response.text
    created = assert_valid(response, LOG_EXPORTS, "POST")
    assert created["object"] == "task" and created["data"]["campaign_id"] == campaign_id
    assert created["data"]["requested_by"] == {"id": client.user.user_id, "email": client.user.email}
    task = await _ready(client, f"/tasks/{created['id']}", TASK)
    assert task["type"] == "campaignlogexport" and task["payload"] == {"campaign_id": campaign_id}
    rows = await _csv(client, api, f"/logs/campaigns/{campaign_id}/exports/{created['id']}/download", LOG_DOWNLOAD)
    sent = sorted(r["email"] for r in rows if r["type"] == "SENT")
    assert sent == sorted(setup.emails)
    [click] = [r for r in rows if r["type"] == "CLICKED"]
    assert click["email"] == setup.emails[0] and click["url"] == "https://example.org/read?a=1&b=2" and click["contact_id"]
    [opened] = [r for r in rows if r["type"] == "OPENED"]
    assert opened["user_agent"] == "MailClient/1.0"
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)

    listed = assert_valid(await client.get(f"/logs/campaigns/{campaign_id}/exports", params={"with_count": "true"}), LOG_EXPORTS, "GET")
    assert [e["id"] for e in listed["data"]] == [created["id"]] and listed["data"][0]["status"] == "ready"
    tasks = assert_valid(await client.get("/tasks", params={"filter": "type==campaignlogexport", "with_count": "true"}), TASKS, "GET")
    assert [t["id"] for t in tasks["data"]] == [created["id"]] and tasks["pagination"]["count"] == 1
    assert assert_valid(await client.get("/tasks", params={"filter": "type==suppressedemailsexport"}), TASKS, "GET")["data"] == []


async def test_a_download_before_the_export_is_ready_is_400(client, newsletter):
    """An export no worker has picked up yet (written here without its job): its download is refused, not empty."""
    from domain.db import create_engine, session_factory
    from domain.db import utcnow
    from domain.exports.models import Export, ExportKind

    engine = create_engine(DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            export = Export(tenant_id=client.user.account_id, kind=ExportKind.CONTACTS, list_id=newsletter["id"], parameters={},
                            total_rows=3, expires_at=utcnow() + timedelta(days=7))
            session.add(export)
            await session.commit()
            export_id = export.id
    finally:
        await engine.dispose()

    response = await client.get(f"/lists/{newsletter['id']}/exports/{export_id}/download")

    assert response.status_code == 400, response.text
    assert assert_valid(response, DOWNLOAD, "GET")["detail"][0]["type"] == "export_not_ready"
    assert (await client.get(f"/tasks/{export_id}")).json()["data"]["status"] == "pending"


async def test_deleting_an_export_ends_it_and_its_link(client, newsletter, api):
    list_id = newsletter["id"]
    first, second = await _create(client, list_id), await _create(client, list_id)
    await _ready(client, f"/lists/{list_id}/exports/{first['id']}", EXPORT)
    url = (await client.get(f"/lists/{list_id}/exports/{first['id']}/download")).json()["data"]["url"]

    response = await client.delete(f"/lists/{list_id}/exports/{first['id']}")
    assert response.status_code == 200, response.text
    deleted = assert_valid(response, EXPORT, "DELETE")
    assert deleted["object"] == "contactsexport" and deleted["deleted"] is True and deleted["data"]["status"] == "deleted"
    response = await client.delete(f"/tasks/{second['id']}")
    assert response.status_code == 200 and assert_valid(response, TASK, "DELETE")["data"]["status"] == "deleted"

    assert (await client.get(f"/lists/{list_id}/exports/{first['id']}")).status_code == 404
    assert (await client.get(f"/tasks/{second['id']}")).status_code == 404
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.get(local(api, url))).status_code == 404
        assert (await http.get(local(api, url.replace(".csv", "x.csv")))).status_code == 404


@pytest.mark.parametrize("params, loc", [
    ({"filter": "tags==vip"}, ["body", "filter"]),
    ({"filter": "status==gone"}, ["body", "filter"]),
    ({"query": "email = 'a@b.c'", "fiql": "email==a@b.c"}, ["body", "fiql"]),
    ({"fiql": "nonsense"}, ["body", "fiql"]),
    ({"segment_id": "0"}, ["body", "segment_id"]),
])
async def test_bad_contacts_export_requests_are_422(client, newsletter, params, loc):
    response = await client.post(f"/lists/{newsletter['id']}/exports", params=params)

    assert response.status_code == 422, response.text
    assert assert_valid(response, EXPORTS, "POST")["detail"][0]["loc"] == loc


async def test_unsupported_listing_options_are_refused(client, newsletter):
    for path, params in ((f"/lists/{newsletter['id']}/exports", {"sort": "status"}), ("/tasks", {"filter": "progress==100"}),
                         ("/tasks", {"filter": "type==nothing"})):
        response = await client.get(path, params=params)
        assert response.status_code == 422, (path, params, response.text)


async def test_other_accounts_see_nothing(client, other_client, anonymous, newsletter):
    created = await _create(client, newsletter["id"])
    list_id, export_id = newsletter["id"], created["id"]

    for method, path in (("GET", f"/lists/{list_id}/exports"), ("POST", f"/lists/{list_id}/exports"), ("GET", f"/lists/{list_id}/exports/{export_id}"),
                         ("DELETE", f"/lists/{list_id}/exports/{export_id}"), ("GET", f"/lists/{list_id}/exports/{export_id}/download"),
                         ("GET", f"/tasks/{export_id}"), ("DELETE", f"/tasks/{export_id}")):
        response = await other_client.request(method, path)
        assert response.status_code == 404, (method, path, response.text)
        assert (await anonymous.request(method, path)).status_code == 401
    assert assert_valid(await other_client.get("/tasks"), TASKS, "GET")["data"] == []
    unknown_segment = await client.post(f"/lists/{list_id}/exports", params={"segment_id": "999999999"})
    assert unknown_segment.status_code == 404 and unknown_segment.json()["detail"][0]["loc"] == ["body", "segment_id"]
    assert (await client.get(f"/tasks/{export_id}")).status_code == 200


async def test_the_graph_creates_and_lists_exports(client, newsletter):
    tenant = client.user.tenant
    missing = (await tenant.graph("mutation { createExport(input: {kind: CONTACTS}) { export { id } userErrors { field code } } }"))
    assert missing["createExport"] == {"export": None, "userErrors": [{"field": "listId", "code": "REQUIRED"}]}
    from schema.relay import to_global_id

    created = (await tenant.graph("""mutation($list: ID!) { createExport(input: {kind: CONTACTS, listId: $list, status: SUBSCRIBED}) {
      export { id kind status totalRows list { databaseId } } userErrors { code } } }""", {"list": to_global_id("ContactList", newsletter["id"])}))
    export = created["createExport"]["export"]
    assert export["kind"] == "CONTACTS" and export["totalRows"] == 2 and export["list"]["databaseId"] == newsletter["id"]

    async def done():
        node = (await tenant.graph("query($id: ID!) { node(id: $id) { ... on Export { status progress rowsWritten downloadUrl } } }", {"id": export["id"]}))["node"]
        return node if node["status"] == "DONE" else None

    node = await eventually(done, timeout=30)
    assert node["progress"] == 100 and node["rowsWritten"] == 2 and "/exports/" in node["downloadUrl"]
    page = (await tenant.graph("query($slug: String!) { tenant(slug: $slug) { exports(first: 1, offset: 0, kind: CONTACTS) { totalCount nodes { id } } } }",
                               {"slug": tenant.slug}))["tenant"]["exports"]
    assert page == {"totalCount": 1, "nodes": [{"id": export["id"]}]}
