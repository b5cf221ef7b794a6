"""Especial reports are not served yet: each needs open, click, complaint or unsubscribe counts, which the graph
offers only as per-message events (Campaign.messageCounts counts statuses; opens and clicks are not statuses), and a
compatibility route must not page through every message to count them. Until the graph gains those aggregates, each
report route answers Especial's 404 envelope, never a 500 and never made-up zeros."""
from __future__ import annotations

import pytest

from app.compat.especial.routes import ROUTES
from tests.compat.especial.conftest import assert_valid

REPORTS = ["/reports/emails", "/reports/campaigns/{campaign_id}", "/reports/campaigns/{campaign_id}/links", "/reports/accounts/self",
           "/reports/accounts/{account_id}", "/reports/lists/{list_id}"]


def test_no_report_route_is_registered():
    assert not [r for r in ROUTES if r.path.startswith("/reports/")]


@pytest.mark.parametrize("path", REPORTS)
async def test_each_report_answers_the_contracts_404_envelope(client, path):
    response = await client.get(path.format(campaign_id=1, account_id=client.user.account_id, list_id=1),
                                params={"start_time": 1, "end_time": 2_000_000_000})
    assert response.status_code == 404, response.text
    assert assert_valid(response, path, "GET")["detail"][0]["msg"].startswith("No route GET")
