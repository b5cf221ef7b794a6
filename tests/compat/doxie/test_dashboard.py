"""Doxie dashboards over real HTTP: the main dashboard's 4-week charts per product area and the shared
dashboard's overview and monthly figures, counted from the tenant's real processes, messages and events
(sent by the workers, a QR code scanned) in the tenant's timezone; other tenants' activity never shows;
bad time ranges get the admin error envelope. The graph's statistics run a constant number of statements."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support.fixtures import eventually

ZONE = "Pacific/Pago_Pago"  # UTC-11: its calendar day is not UTC's for half of the day
SENT = """query($slug: String!) { tenant(slug: $slug) { messages(filter: {status: SENT}) { totalCount } } }"""


def today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


@pytest.fixture
async def activity(doxie, stranger, mailbox) -> dict:
    """Two mails sent and one QR code created and scanned by the tenant; a mail sent by another tenant."""
    async with doxie.admin() as client:
        assert (await client.patch("/settings", json={"tenant_params": {"timezone": ZONE}})).status_code == 200
    await doxie.mailer("welcome_email")
    await doxie.mailer("ticket", type="QR_CODE")
    await stranger.mailer("welcome_email")
    async with doxie.public() as client:
        for name in ("ada", "bob"):
            assert (await client.post("/mailer/welcome_email", json={"email": f"{name}.{doxie.tenant.slug}@example.com"})).status_code == 200
        qr = (await client.post("/qr_code/ticket", json={"email": f"qr.{doxie.tenant.slug}@example.com", "target_url": "https://example.com/t"})).json()
    async with stranger.public() as client:
        assert (await client.post("/mailer/welcome_email", json={"email": f"x.{stranger.tenant.slug}@example.com"})).status_code == 200
    await eventually(lambda: _sent(doxie, 3))
    await eventually(lambda: _sent(stranger, 1))
    async with httpx.AsyncClient(base_url=doxie.url.removesuffix("/doxie"), timeout=30) as client:
        path = "/q/" + qr["data"]["qr_code_url"].split("/q/", 1)[1]
        assert (await client.get(path)).status_code == 302
    return {}


async def _sent(doxie, count: int) -> bool:
    return (await doxie.tenant.graph(SENT, {"slug": doxie.tenant.slug}))["tenant"]["messages"]["totalCount"] == count


async def test_the_main_dashboard_charts_four_weeks_per_product_area(doxie, activity):
    async with doxie.admin() as client:
        response = await client.get("/dashboard")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["error"] is None
    data = body["data"]
    days = [(today() - timedelta(days=27 - n)).isoformat() for n in range(28)]
    assert (data["start_date"], data["end_date"]) == (days[0], days[-1])
    charts = data["charts"]
    assert set(charts) == {"mailer", "injector", "survey", "qr_code", "doi", "emails", "sms", "rcs"}
    for chart in charts.values():
        assert [entry["date"] for entry in chart] == days  # one entry per day, oldest first
    assert charts["mailer"][-1] == {"date": days[-1], "count": 2}
    assert charts["qr_code"][-1] == {"date": days[-1], "count": 1, "scans": 1}
    assert charts["injector"][-1]["count"] == 0
    emails = charts["emails"][-1]
    assert emails["messages"] == 3 and emails["sent"] == 3 and emails["failed"] == 0 and emails["opened"] == 0
    assert all(entry["messages"] == 0 for entry in charts["emails"][:-1])
    assert charts["sms"][-1]["messages"] == 0


async def test_the_shared_dashboard_has_the_overview_and_the_months_of_the_time_range(doxie, activity):
    month = today().isoformat()[:7]
    async with doxie.admin() as client:
        current = (await client.get("/shared/dashboard")).json()["data"]
        january = (await client.get("/shared/dashboard", params={"time_range": "2024-01-15"})).json()["data"]
        custom = (await client.get("/shared/dashboard", params={"time_range": "custom", "start_date": "2024-01-20", "end_date": "2024-03-05"})).json()["data"]

    assert len(current["overview"]) == 28 and current["overview"][-1]["date"] == today().isoformat()
    assert current["overview"][-1]["processes"]["mailer"] == 2 and current["overview"][-1]["emails"]["sent"] == 3
    assert current["time_range"] == {"value": "current_month", "start_date": f"{month}-01", "end_date": today().isoformat()}
    assert [m["month"] for m in current["filtered"]] == [month]
    assert current["filtered"][0]["processes"] == {"mailer": 2, "injector": 0, "survey": 0, "qr_code": 1, "doi": 0}
    assert current["filtered"][0]["qr_code_scans"] == 1 and current["filtered"][0]["emails"]["messages"] == 3
    assert january["time_range"] == {"value": "2024-01-15", "start_date": "2024-01-01", "end_date": "2024-01-31"}
    assert [m["month"] for m in january["filtered"]] == ["2024-01"] and january["filtered"][0]["emails"]["messages"] == 0
    assert [m["month"] for m in custom["filtered"]] == ["2024-01", "2024-02", "2024-03"]
    assert custom["time_range"]["start_date"] == "2024-01-20"


async def test_another_tenants_activity_is_not_counted(stranger, activity):
    async with stranger.admin() as client:
        data = (await client.get("/dashboard")).json()["data"]
    assert data["charts"]["mailer"][-1]["count"] + data["charts"]["mailer"][-2]["count"] == 1
    assert sum(entry["count"] for entry in data["charts"]["qr_code"]) == 0
    assert sum(entry["messages"] for entry in data["charts"]["emails"]) == 1


@pytest.mark.parametrize("params, code", [
    ({"time_range": "last-year"}, "INVALID_PARAMETER"),
    ({"time_range": "custom"}, "INVALID_PARAMETER"),
    ({"time_range": "custom", "start_date": "2024-01-01", "end_date": "yesterday"}, "INVALID_PARAMETER"),
    ({"time_range": "custom", "start_date": "2024-02-01", "end_date": "2024-01-01"}, "INVALID_RANGE"),
    ({"time_range": "custom", "start_date": "2000-01-01", "end_date": "2024-01-01"}, "INVALID_RANGE"),
])
async def test_bad_time_ranges_get_the_admin_envelope(doxie, params, code):
    async with doxie.admin() as client:
        response = await client.get("/shared/dashboard", params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["success"] is False and body["data"] is None and body["error_code"] == code


STATISTICS = """query($slug: String!, $start: Date!, $end: Date!, $interval: StatisticsInterval!) { tenant(slug: $slug) {
  statistics(start: $start, end: $end, interval: $interval) { start processes { kind count } messages { channel status count }
  events { channel type count } } } }"""


async def test_statistics_run_as_many_statements_for_a_week_as_for_a_year(api, doxie, activity):
    await doxie.tenant.graph(STATISTICS, {"slug": doxie.tenant.slug, "start": "2026-01-01", "end": "2026-01-01", "interval": "DAY"})  # warm-up
    counts = {}
    for start, interval in (("2026-01-01", "DAY"), ("2025-01-01", "DAY"), ("2016-01-01", "MONTH")):
        end = {"2026-01-01": "2026-01-07", "2025-01-01": "2025-12-31", "2016-01-01": "2025-12-31"}[start]
        with api.count_statements() as counter:
            data = await doxie.tenant.graph(STATISTICS, {"slug": doxie.tenant.slug, "start": start, "end": end, "interval": interval})
        counts[(start, interval)] = counter.count
        assert data["tenant"]["statistics"][0]["start"] == start
    assert len(set(counts.values())) == 1, counts
