"""Especial campaign reports over real HTTP: a tracked campaign sent by the workers to the mailbox, a real open (the
tracking pixel) and click (the tracked link) of one recipient, then the report's counts and rates and the links
report (with a click window); unknown or foreign campaigns are 404, bad query parameters 422."""
from __future__ import annotations

import re
import time

import httpx
import pytest

from app.compat.especial.routes import ROUTES
from schema.relay import from_global_id
from tests.compat.especial.conftest import assert_valid
from tests.support.campaigns import Setup, campaign, launch_and_finish, local, mail_to
from tests.support.fixtures import eventually

REPORT, LINKS = "/reports/campaigns/{campaign_id}", "/reports/campaigns/{campaign_id}/links"


async def _get(client, template: str, campaign_id: int, **params) -> dict:
    response = await client.get(template.format(campaign_id=campaign_id), params=params)
    assert response.status_code == 200, response.text
    return assert_valid(response, template, "GET")


async def sent_opened_and_clicked(client, mailbox, api) -> Setup:
    """A tracked campaign to three contacts; the first opens it twice and clicks its link twice."""
    tenant = client.user.tenant
    setup = await campaign(tenant, ["Ana", "Ben", "Col"], options={"tracking": {"opens": True, "clicks": True}})
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, setup.emails[0])
    for other in setup.emails[1:]:
        await mail_to(mailbox, other)
    html = mail.get_body(("html",)).get_content()
    pixel = re.search(r'<img src="([^"]+/o/[^"]+\.gif)"', html)[1]
    click = re.search(r'<a href="([^"]+)">read on</a>', html)[1].replace("&amp;", "&")
    async with httpx.AsyncClient(timeout=10) as http:
        for _ in range(2):
            assert (await http.get(local(api, pixel))).status_code == 200
            assert (await http.get(local(api, click), follow_redirects=False)).status_code in (302, 303, 307)
    return setup


async def test_a_campaigns_report_counts_its_sends_opens_and_clicks(client, mailbox, api):
    campaign_id = from_global_id((await sent_opened_and_clicked(client, mailbox, api)).campaign_id)[1]

    async def counted():
        data = (await _get(client, REPORT, campaign_id))["data"]
        return data if data["clicks"] == 2 and data["opens"] == 2 else None

    data = await eventually(counted)
    assert {k: data[k] for k in ("active_emails", "sent_emails", "unique_opens", "opens", "unique_clicks", "clicks", "unopens",
                                 "bounces", "spams", "unsubscribes", "forwards")} == {
        "active_emails": 3, "sent_emails": 3, "unique_opens": 1, "opens": 2, "unique_clicks": 1, "clicks": 2, "unopens": 2,
        "bounces": 0, "spams": 0, "unsubscribes": 0, "forwards": 0}
    assert (data["sent_rate"], data["open_rate"], data["click_rate"], data["clickthru_rate"], data["unopen_rate"], data["bounce_rate"]) == (
        1.0, 0.3333, 0.3333, 1.0, 0.6667, 0.0)

    links = await _get(client, LINKS, campaign_id, with_count="true")
    assert links["pagination"] == {"page": 1, "per_page": 50, "count": 1}
    [link] = links["data"]
    assert (link["link"], link["unique"], link["total"], link["unique_rate"], link["total_rate"]) == ("https://example.org/read?a=1&b=2", 1, 2, 1.0, 1.0)
    assert (await _get(client, LINKS, campaign_id, sort="-total"))["data"] == [link]
    assert (await _get(client, LINKS, campaign_id, page=2))["data"] == []
    # A window keeps the clicks made in it (both ends included).
    now = int(time.time())
    assert (await _get(client, LINKS, campaign_id, start_time=now - 3600, end_time=now + 60))["data"] == [link]
    assert (await _get(client, LINKS, campaign_id, start_time=1, end_time=now - 3600, with_count="true")) == {
        "pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}


async def test_a_campaign_never_sent_reports_zeros(client):
    campaign_id = from_global_id((await campaign(client.user.tenant, ["Dee"])).campaign_id)[1]
    data = (await _get(client, REPORT, campaign_id))["data"]
    assert data["active_emails"] == data["sent_emails"] == data["opens"] == 0 and data["open_rate"] == 0.0
    assert (await _get(client, LINKS, campaign_id, with_count="true")) == {"pagination": {"page": 1, "per_page": 50, "count": 0}, "data": []}


@pytest.mark.parametrize("template", [REPORT, LINKS])
async def test_unknown_and_foreign_campaigns_are_404(client, other_client, template):
    campaign_id = from_global_id((await campaign(client.user.tenant, ["Eve"])).campaign_id)[1]
    for caller, id in [(client, 999_999_999), (other_client, campaign_id)]:
        response = await caller.get(template.format(campaign_id=id))
        assert response.status_code == 404, response.text
        assert assert_valid(response, template, "GET")["detail"]
    response = await other_client.get(template.format(campaign_id=campaign_id), params={"account_id": client.user.account_id})
    assert response.status_code in (401, 403, 404), response.text


@pytest.mark.parametrize("template, params, loc", [
    (REPORT, {"account_id": "me"}, ["body", "account_id"]),
    (LINKS, {"sort": "-clicks"}, ["body", "sort"]),
    (LINKS, {"start_time": "0"}, ["body", "start_time"]),
    (LINKS, {"start_time": "20", "end_time": "10"}, ["body", "end_time"]),  # a window ending before it starts
    (LINKS, {"per_page": "0"}, ["body", "per_page"]),
    (LINKS, {"with_count": "perhaps"}, ["body", "with_count"]),
])
async def test_bad_query_parameters_are_422(client, template, params, loc):
    campaign_id = from_global_id((await campaign(client.user.tenant, ["Fay"])).campaign_id)[1]
    response = await client.get(template.format(campaign_id=campaign_id), params=params)
    assert response.status_code == 422, response.text
    assert assert_valid(response, template, "GET")["detail"][0]["loc"] == loc
    response = await client.get(template.format(campaign_id="abc"))
    assert response.status_code == 422 and assert_valid(response, template, "GET")["detail"]


def test_every_report_of_the_contract_is_registered():
    assert sorted(r.path for r in ROUTES if r.path.startswith("/reports/")) == sorted([
        REPORT, LINKS, "/reports/lists/{list_id}", "/reports/emails", "/reports/accounts/self", "/reports/accounts/{account_id}",
        "/reports/workflows/{workflow_id}/actions/{action_id}"])
