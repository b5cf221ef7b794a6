"""Especial email activity logs (GET /logs/emails) over real HTTP: emails delivered by the workers to the mailbox,
their events (sent, opens and clicks of a tracked campaign, a suppressed send) read back as log entries, paged by
email; bad input and other accounts get Especial's errors and see nothing."""
from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import graph_messages, make_sender, received, unique_email
from tests.compat.especial.test_emails import email_body
from tests.support.campaigns import campaign, launch_and_finish, local, mail_to
from tests.support.fixtures import eventually
from schema.relay import from_global_id

PATH = "/logs/emails"


async def _send_and_wait(client, sender_id: int, mailbox, *recipients: str) -> list[int]:
    ids = []
    for to in recipients:
        response = await client.post("/emails", json=email_body(to, sender_id, subject=f"Order for {to}", text="Thanks"))
        assert response.status_code == 201, response.text
        ids.append(response.json()["data"]["id"])
    for to in recipients:
        await eventually(lambda: received(mailbox, to))

        async def sent():
            messages = await graph_messages(client.user.tenant, to)
            return messages and messages[0]["status"] == "SENT"

        await eventually(sent)
    return ids


async def _logs(client, **params) -> dict:
    response = await client.get(PATH, params=params)
    assert response.status_code == 200, response.text
    return assert_valid(response, PATH, "GET")


@pytest.fixture
async def sender_id(client) -> int:
    return await make_sender(client.user.tenant, name="Acme News", address="news@acme.example")


async def test_sent_emails_are_logged_newest_first_with_their_sender_and_group(client, sender_id, mailbox):
    recipients = [unique_email("log") for _ in range(3)]
    ids = await _send_and_wait(client, sender_id, mailbox, *recipients)

    body = await _logs(client, log_type="sent", with_count="true")
    assert body["pagination"] == {"page": 1, "per_page": 50, "count": 3}
    assert [(e["type"], e["email"], e["email_id"]) for e in body["data"]] == [("sent", r, i) for r, i in zip(recipients[::-1], ids[::-1])]
    entry = body["data"][0]
    assert entry["group_id"] == 1 and entry["sender_name"] == "Acme Support" and entry["sender_email"] == "news@acme.example"
    assert abs(entry["timestamp"] - time.time()) < 120

    everything = await _logs(client, log_type="all", filter=f"email=={recipients[0]}")
    assert [e["type"] for e in everything["data"]] == ["in_queue", "generating", "sent"]
    assert all(e["email_id"] == ids[0] for e in everything["data"])
    assert (await _logs(client, log_type="open"))["data"] == []  # nothing opened yet
    assert (await _logs(client, log_type="resubscribe"))["data"] == []


async def test_paging_filters_and_time_window(client, sender_id, mailbox):
    recipients = [unique_email("page") for _ in range(3)]
    ids = await _send_and_wait(client, sender_id, mailbox, *recipients)

    pages = [[e["email_id"] for e in (await _logs(client, log_type="sent", page=p, per_page=2))["data"]] for p in (1, 2, 3)]
    assert pages == [ids[::-1][:2], ids[::-1][2:], []]

    one = await _logs(client, log_type="sent", filter=f"email_id=={ids[1]}", with_count="true")
    assert [e["email_id"] for e in one["data"]] == [ids[1]] and one["pagination"]["count"] == 1
    both = await _logs(client, log_type="sent", filter=f"email_id=={ids[1]};email=={recipients[0]}", with_count="true")
    assert both == {"pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}
    by_email = await _logs(client, log_type="sent", filter=f"email=={recipients[2].upper()}")
    assert [e["email_id"] for e in by_email["data"]] == [ids[2]]

    now = int(time.time())
    assert len((await _logs(client, log_type="sent", start_time=now - 600, end_time=now + 600))["data"]) == 3
    assert (await _logs(client, log_type="sent", start_time=now + 600, with_count="true"))["pagination"]["count"] == 0
    assert (await _logs(client, log_type="sent", end_time=now - 600))["data"] == []


async def test_opens_and_clicks_of_a_tracked_campaign_are_logged(client, mailbox, api):
    tenant = client.user.tenant
    setup = await campaign(tenant, ["Ines"], options={"tracking": {"opens": True, "clicks": True}})
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, setup.emails[0])
    html = mail.get_body(("html",)).get_content()
    pixel = re.search(r'<img src="([^"]+/o/[^"]+\.gif)"', html)[1]
    click = re.search(r'<a href="([^"]+)">read on</a>', html)[1].replace("&amp;", "&")
    async with httpx.AsyncClient(timeout=10) as http:
        await http.get(local(api, pixel), headers={"User-Agent": "MailClient/1.0"})
        await http.get(local(api, click), follow_redirects=False)

    opens = await eventually(lambda: _non_empty(client, "open"))
    assert opens[0]["email"] == setup.emails[0] and opens[0]["user_agent"]["raw"] == "MailClient/1.0"
    clicks = await eventually(lambda: _non_empty(client, "clickthru"))
    assert clicks[0]["clickthru_url"] == "https://example.org/read?a=1&b=2"


async def _non_empty(client, log_type: str) -> list[dict]:
    return (await _logs(client, log_type=log_type))["data"]


async def test_a_suppressed_send_is_logged_as_skipped(client, sender_id):
    to = unique_email("suppressed")
    assert (await client.post("/suppressed-emails", json={"email": to})).status_code == 201
    assert (await client.post("/emails", json=email_body(to, sender_id, subject="s", text="t"))).status_code == 201

    async def skipped():
        return [e for e in (await _logs(client, log_type="all", filter=f"email=={to}"))["data"] if e["type"] == "skipped"]

    [entry] = await eventually(skipped)
    assert entry["dsn_message"]
    assert (await _logs(client, log_type="sent", filter=f"email=={to}"))["data"] == []


@pytest.mark.parametrize("params, loc", [
    ({}, ["body", "log_type"]),
    ({"log_type": "opened"}, ["body", "log_type"]),
    ({"log_type": "sent", "start_time": "yesterday"}, ["body", "start_time"]),
    ({"log_type": "sent", "end_time": "0"}, ["body", "end_time"]),
    ({"log_type": "sent", "start_time": "9999999999"}, ["body", "start_time"]),
    ({"log_type": "sent", "page": "0"}, ["body", "page"]),
    ({"log_type": "sent", "per_page": "many"}, ["body", "per_page"]),
    ({"log_type": "sent", "with_count": "perhaps"}, ["body", "with_count"]),
    ({"log_type": "sent", "filter": "campaign_id==1"}, ["body", "filter"]),
    ({"log_type": "sent", "filter": "email_id==abc"}, ["body", "filter"]),
    ({"log_type": "sent", "filter": "group_id==1"}, ["body", "filter"]),  # kept with the message, not filterable in the graph
    ({"log_type": "sent", "account_id": "me"}, ["body", "account_id"]),
])
async def test_bad_query_parameters_are_422(client, params, loc):
    response = await client.get(PATH, params=params)
    assert response.status_code == 422, response.text
    assert assert_valid(response, PATH, "GET")["detail"][0]["loc"] == loc


async def test_other_accounts_see_nothing(client, other_client, anonymous, sender_id, mailbox):
    to = unique_email("private")
    [email_id] = await _send_and_wait(client, sender_id, mailbox, to)

    for response in [await other_client.get(PATH, params={"log_type": "all", "account_id": client.user.account_id}),
                     await other_client.get(PATH, params={"log_type": "all", "account_id": 999_999_999}),
                     await anonymous.get(PATH, params={"log_type": "all"})]:
        assert response.status_code in (401, 403, 404), response.text
        assert assert_valid(response, PATH, "GET")["detail"] and to not in response.text

    own = await _logs(other_client, log_type="all", with_count="true")
    assert own == {"pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}
    foreign_id = await _logs(other_client, log_type="all", filter=f"email_id=={email_id}", with_count="true")
    assert foreign_id == {"pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}
    assert (await _logs(other_client, log_type="all", filter=f"email=={to}"))["data"] == []


# --- a campaign's and a list's logs --------------------------------------------------------------------------


async def _tracked_campaign_opened_and_clicked(client, mailbox, api, names: list[str]):
    """A tracked campaign sent to one contact per name; the first opens the mail and clicks its link."""
    tenant = client.user.tenant
    setup = await campaign(tenant, names, options={"tracking": {"opens": True, "clicks": True}})
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, setup.emails[0])
    for other in setup.emails[1:]:
        await mail_to(mailbox, other)
    html = mail.get_body(("html",)).get_content()
    pixel = re.search(r'<img src="([^"]+/o/[^"]+\.gif)"', html)[1]
    click = re.search(r'<a href="([^"]+)">read on</a>', html)[1].replace("&amp;", "&")
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.get(local(api, pixel), headers={"User-Agent": "MailClient/1.0"})).status_code == 200
        assert (await http.get(local(api, click), follow_redirects=False)).status_code in (302, 303, 307)
    return setup, from_global_id(setup.campaign_id)[1], from_global_id(setup.list_id)[1]


async def _get(client, path: str, **params) -> dict:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    template = re.sub(r"^/logs/(campaigns|lists)/\d+$", lambda m: f"/logs/{m[1]}/{{{m[1][:-1]}_id}}", path)
    return assert_valid(response, template, "GET")


async def test_a_campaigns_logs_hold_its_messages_events(client, mailbox, api):
    setup, campaign_id, list_id = await _tracked_campaign_opened_and_clicked(client, mailbox, api, ["Ada", "Bea"])
    path = f"/logs/campaigns/{campaign_id}"

    async def clicked():
        return (await _get(client, path, filter="type==clickthru"))["data"]

    [click] = await eventually(clicked)
    assert click["email"] == setup.emails[0] and click["clickthru_url"] == "https://example.org/read?a=1&b=2"
    [open_] = (await _get(client, path, filter="type==open"))["data"]
    assert open_["email"] == setup.emails[0] and open_["user_agent"]["raw"] == "MailClient/1.0" and open_["contact_id"] == click["contact_id"]
    sent = (await _get(client, path, filter="type==sent", with_count="true"))
    assert sorted(e["email"] for e in sent["data"]) == sorted(setup.emails) and sent["pagination"]["count"] == 2
    assert len({e["id"] for e in sent["data"]}) == 2 and len({e["contact_id"] for e in sent["data"]}) == 2
    everything = (await _get(client, path))["data"]
    assert {"sent", "open", "clickthru"} <= {e["type"] for e in everything}
    assert [e["email"] for e in (await _get(client, path, filter=f"email=={setup.emails[1]};type==sent"))["data"]] == [setup.emails[1]]
    pages = [(await _get(client, path, page=p, per_page=1, filter="type==sent"))["data"] for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [1, 1, 0] and pages[0][0]["email"] != pages[1][0]["email"]
    now = int(time.time())
    assert (await _get(client, path, start_time=now + 600))["data"] == []

    listed = (await _get(client, f"/logs/lists/{list_id}", filter="type==open", with_count="true"))
    assert [(e["email"], e["campaign_id"]) for e in listed["data"]] == [(setup.emails[0], campaign_id)]
    assert listed["pagination"]["count"] == 2


@pytest.mark.parametrize("path", ["/logs/campaigns/{id}", "/logs/lists/{id}"])
async def test_an_unknown_or_foreign_campaign_or_list_is_404(client, other_client, path):
    setup = await campaign(client.user.tenant, ["Cy"])  # never launched: no messages
    own = from_global_id(setup.list_id if "lists" in path else setup.campaign_id)[1]
    assert (await _get(client, path.format(id=own), with_count="true")) == {"pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}
    for caller, id in [(client, 999_999_999), (other_client, own)]:
        response = await caller.get(path.format(id=id))
        assert response.status_code == 404, response.text
        assert assert_valid(response, path.replace("{id}", "{campaign_id}" if "campaigns" in path else "{list_id}"), "GET")["detail"]


@pytest.mark.parametrize("params, loc", [
    ({"filter": "type==opened"}, ["body", "filter"]),
    ({"filter": "uniques==true"}, ["body", "filter"]),  # a contract term the graph has no data for
    ({"sort": "-time"}, ["body", "sort"]),
    ({"cursor": "abc"}, ["body", "cursor"]),
    ({"page": "0"}, ["body", "page"]),
    ({"start_time": "soon"}, ["body", "start_time"]),
])
async def test_bad_campaign_log_parameters_are_422(client, params, loc):
    campaign_id = from_global_id((await campaign(client.user.tenant, ["Di"])).campaign_id)[1]
    response = await client.get(f"/logs/campaigns/{campaign_id}", params=params)
    assert response.status_code == 422, response.text
    assert assert_valid(response, "/logs/campaigns/{campaign_id}", "GET")["detail"][0]["loc"] == loc
    assert (await client.get("/logs/campaigns/abc")).status_code == 422
