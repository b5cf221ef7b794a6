"""Especial list, account and transactional email reports over real HTTP, counting what the workers really sent: a
tracked campaign (one recipient opens and clicks), a transactional email (POST /emails), a member who unsubscribes.
Windows select the messages created in them; unknown or foreign lists and accounts are 404, bad windows 422."""
from __future__ import annotations

import time

import pytest

from schema.relay import from_global_id
from tests.compat.especial.conftest import assert_valid
from tests.compat.especial.messaging_fixtures import make_sender, received, unique_email
from tests.compat.especial.test_accounts import account_body
from tests.compat.especial.test_emails import email_body
from tests.compat.especial.test_reports import sent_opened_and_clicked
from tests.support.campaigns import campaign, launch_and_finish, mail_to
from tests.support.fixtures import eventually

LIST_REPORT, EMAILS, SELF, ACCOUNT = "/reports/lists/{list_id}", "/reports/emails", "/reports/accounts/self", "/reports/accounts/{account_id}"


async def _get(client, template: str, **params) -> dict:
    path_params = {k: params.pop(k) for k in ("list_id", "account_id") if f"{{{k}}}" in template}
    response = await client.get(template.format(**path_params), params=params)
    assert response.status_code == 200, response.text
    return assert_valid(response, template, "GET")


async def test_a_lists_report_counts_its_members_and_the_mail_of_its_campaigns(client, mailbox, api):
    setup = await sent_opened_and_clicked(client, mailbox, api)
    list_id = from_global_id(setup.list_id)[1]
    contacts = (await client.get(f"/lists/{list_id}/contacts", params={"filter": f"email=={setup.emails[2]}"})).json()["data"]
    assert (await client.post(f"/lists/{list_id}/contacts/{contacts[0]['id']}/unsubscribe")).status_code == 200

    async def counted():
        data = (await _get(client, LIST_REPORT, list_id=list_id))["data"]
        return data if data["click_rate"] else None

    data = await eventually(counted)
    assert data == {
        "active_contacts": 2, "pending_contacts": 0, "invalid_contacts": 0, "unsubscribed_contacts": 1, "flagged_contacts": 0,
        "deleted_contacts": 0, "sent_emails": 3, "open_rate": 0.3333, "bounce_rate": 0.0, "click_rate": 0.3333, "clickthru_rate": 1.0,
        "unsubscribe_rate": 0.0, "spam_rate": 0.0}


async def test_a_list_without_campaigns_reports_its_members_and_zeros(client):
    setup = await campaign(client.user.tenant, ["Ann", "Bob"])
    data = (await _get(client, LIST_REPORT, list_id=from_global_id(setup.list_id)[1]))["data"]
    assert (data["active_contacts"], data["sent_emails"], data["open_rate"]) == (2, 0, 0.0)


async def _campaign_and_email(client, mailbox) -> str:
    """Two campaign mails and one transactional email, all sent; returns the email's recipient."""
    tenant = client.user.tenant
    setup = await campaign(tenant, ["Cal", "Dot"])
    await launch_and_finish(tenant, setup.campaign_id)
    sender_id = await make_sender(tenant)
    to = unique_email("order")
    response = await client.post("/emails", json=email_body(to, sender_id))
    assert response.status_code == 201, response.text
    await eventually(lambda: received(mailbox, to))
    for email in setup.emails:
        await mail_to(mailbox, email)
    return to


async def test_the_account_report_splits_what_was_sent_by_origin(client, mailbox):
    await _campaign_and_email(client, mailbox)

    async def counted():
        data = (await _get(client, SELF))["data"]
        return data if data["sent_emails"] == 3 else None

    data = await eventually(counted)
    assert {k: data[k] for k in ("active_contacts", "current_lists", "sent_emails", "sent_campaign_emails", "sent_action_emails",
                                 "sent_email_emails", "email_api", "open_rate", "bounces_hard", "bounce_hard_rate", "spams",
                                 "emails_usage", "contacts_usage")} == {
        "active_contacts": 2, "current_lists": 1, "sent_emails": 3, "sent_campaign_emails": 2, "sent_action_emails": 0,
        "sent_email_emails": 1, "email_api": {"submitted": 1, "delivered": 1}, "open_rate": 0.0, "bounces_hard": 0,
        "bounce_hard_rate": 0.0, "spams": 0, "emails_usage": 0.0, "contacts_usage": 0.0}
    assert (await _get(client, ACCOUNT, account_id=client.user.account_id))["data"] == data

    # A window selects the messages created in it; the audience counts stay.
    now = int(time.time())
    assert (await _get(client, SELF, start_time=now - 3600, end_time=now + 60))["data"] == data
    past = (await _get(client, SELF, start_time=1, end_time=now - 3600))["data"]
    assert (past["sent_emails"], past["sent_email_emails"], past["email_api"], past["active_contacts"]) == (0, 0, {"submitted": 0, "delivered": 0}, 2)


async def test_the_transactional_email_report_has_a_row_per_day_with_mail(client, mailbox):
    await _campaign_and_email(client, mailbox)
    now = int(time.time())

    async def counted():
        rows = (await _get(client, EMAILS, start_time=now - 3600, end_time=now + 60))["data"]
        return rows if rows and rows[0]["sent_emails"] == 1 else None

    [row] = await eventually(counted)
    assert row["date"] % 86400 == 0 and now - 2 * 86400 < row["date"] <= now  # the UTC day the email was created on
    assert (row["open_rate"], row["bounce_rate"], row["click_rate"], row["spam_rate"]) == (0.0, 0.0, 0.0, 0.0)
    assert (await _get(client, EMAILS, start_time=1, end_time=now - 3600))["data"] == []


async def test_a_sub_accounts_report_is_readable_by_its_parent_only(client, other_client):
    created = await client.post("/accounts", json=account_body("Reports branch"))
    assert created.status_code == 201, created.text
    sub_account = created.json()["id"]
    data = (await _get(client, ACCOUNT, account_id=sub_account))["data"]
    assert (data["sent_emails"], data["current_lists"], data["active_contacts"]) == (0, 0, 0)
    for caller, account_id in [(other_client, sub_account), (other_client, client.user.account_id), (client, 999_999_999)]:
        response = await caller.get(ACCOUNT.format(account_id=account_id))
        assert response.status_code == 404, response.text
        assert assert_valid(response, ACCOUNT, "GET")["detail"]


async def test_unknown_and_foreign_lists_are_404(client, other_client):
    list_id = from_global_id((await campaign(client.user.tenant, ["Eve"])).list_id)[1]
    for caller, id in [(client, 999_999_999), (other_client, list_id)]:
        response = await caller.get(LIST_REPORT.format(list_id=id))
        assert response.status_code == 404, response.text
        assert assert_valid(response, LIST_REPORT, "GET")["detail"]


@pytest.mark.parametrize("template, params, loc", [
    (EMAILS, {"end_time": "10"}, ["body", "start_time"]),  # the window is required here
    (EMAILS, {"start_time": "10"}, ["body", "end_time"]),
    (EMAILS, {"start_time": "20", "end_time": "10"}, ["body", "end_time"]),
    (EMAILS, {"start_time": "0", "end_time": "10"}, ["body", "start_time"]),
    (SELF, {"start_time": "soon"}, ["body", "start_time"]),
    (SELF, {"end_time": "2147483648"}, ["body", "end_time"]),
    (ACCOUNT, {"start_time": "20", "end_time": "10"}, ["body", "end_time"]),
    (LIST_REPORT, {"account_id": "me"}, ["body", "account_id"]),
])
async def test_bad_query_parameters_are_422(client, template, params, loc):
    response = await client.get(template.format(account_id=client.user.account_id, list_id=1), params=params)
    assert response.status_code == 422, response.text
    assert assert_valid(response, template, "GET")["detail"][0]["loc"] == loc


@pytest.mark.parametrize("path", ["/reports/lists/abc", "/reports/accounts/abc"])
async def test_a_non_numeric_id_is_422(client, path):
    response = await client.get(path)
    assert response.status_code == 422, response.text
