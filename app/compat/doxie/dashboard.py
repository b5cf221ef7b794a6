"""Doxie dashboards (bearer tokens), from the graph's `Tenant.statistics` (counted in SQL on request).

- `GET dashboard`: one chart per product area over the last 4 weeks (28 calendar days in the tenant's timezone,
  ending today), one entry per day, oldest first: the process kinds (mailer, injector, survey, qr_code, doi:
  processes started; qr_code also scans), and the channels (emails, sms, rcs: messages created, and what
  happened to messages that day: sent, delivered, opened, clicked, bounced, failed, ...).
- `GET shared/dashboard`: the same 4 weeks as one `overview` chart, and `filtered`: the figures per month of the
  time range (`time_range` empty: the current month; a date: that date's month; `custom`: `start_date` to `end_date`).
"""
from __future__ import annotations

import calendar
from datetime import date

from starlette.responses import JSONResponse

from app.compat.doxie.common import ok, require_tenant
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role

PERIOD = "start processes { kind count } messages { channel status count } events { channel type count }"
STATISTICS = f"""
query Dashboard($slug: String!, $start: Date, $end: Date, $withRange: Boolean!) {{
  tenant(slug: $slug) {{
    overview: statistics {{ {PERIOD} }}
    filtered: statistics(start: $start, end: $end, interval: MONTH) @include(if: $withRange) {{ {PERIOD} }}
  }}
}}"""
PROCESS_AREAS = ("mailer", "injector", "survey", "qr_code", "doi")
CHANNELS = {"EMAIL": "emails", "SMS": "sms", "RCS": "rcs"}
# Event types a dashboard shows, by channel (what can happen to a message of that channel)
EVENTS = {
    "EMAIL": ("SENT", "DELIVERED", "OPENED", "CLICKED", "BOUNCED", "COMPLAINED", "UNSUBSCRIBED", "FAILED"),
    "SMS": ("SENT", "DELIVERED", "BOUNCED", "FAILED", "REPLIED"),
    "RCS": ("SENT", "DELIVERED", "BOUNCED", "FAILED", "REPLIED"),
}


def figures(period: dict) -> dict:
    """One period's numbers in Doxie's words: processes per kind, and per channel the messages created and the events."""
    processes = {kind: 0 for kind in PROCESS_AREAS} | {p["kind"]: p["count"] for p in period["processes"]}
    shown = {"processes": processes, "qr_code_scans": sum(e["count"] for e in period["events"] if e["type"] == "SCANNED")}
    for channel, name in CHANNELS.items():
        counts = {"messages": sum(m["count"] for m in period["messages"] if m["channel"] == channel)}
        counts |= {t.lower(): 0 for t in EVENTS[channel]}
        counts |= {e["type"].lower(): e["count"] for e in period["events"] if e["channel"] == channel and e["type"] in EVENTS[channel]}
        shown[name] = counts
    return shown


def charts(periods: list[dict]) -> dict:
    days = [(p["start"], figures(p)) for p in periods]
    shown = {kind: [{"date": day, "count": f["processes"][kind]} for day, f in days] for kind in PROCESS_AREAS}
    for day_entry, (_, f) in zip(shown["qr_code"], days):
        day_entry["scans"] = f["qr_code_scans"]
    for name in CHANNELS.values():
        shown[name] = [{"date": day, **f[name]} for day, f in days]
    return shown


def _date(call: Call, name: str) -> date:
    try:
        return date.fromisoformat(call.query.get(name) or "")
    except ValueError as error:
        raise Invalid(f"{name} must be a date (YYYY-MM-DD)", code="INVALID_PARAMETER", field=name) from error


def time_range(call: Call) -> tuple[str, date | None, date | None]:
    """(the range as asked, start, end); no dates: the current month, which the graph takes by default."""
    asked = (call.query.get("time_range") or "").strip()
    if not asked:
        return "current_month", None, None
    if asked == "custom":
        return asked, _date(call, "start_date"), _date(call, "end_date")
    try:
        day = date.fromisoformat(asked)
    except ValueError as error:
        raise Invalid("time_range must be empty, a date (YYYY-MM-DD) or custom", code="INVALID_PARAMETER", field="time_range") from error
    return asked, day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


async def _statistics(call: Call, **variables) -> dict:
    data = await call.graphql(STATISTICS, {"slug": call.params["tenant"], "start": None, "end": None, "withRange": False, **variables})
    return require_tenant(call, data["tenant"])


async def main_dashboard(call: Call) -> JSONResponse:
    overview = (await _statistics(call))["overview"]
    return ok({"start_date": overview[0]["start"], "end_date": overview[-1]["start"], "charts": charts(overview)})


async def shared_dashboard(call: Call) -> JSONResponse:
    asked, start, end = time_range(call)
    stats = await _statistics(call, start=start and start.isoformat(), end=end and end.isoformat(), withRange=True)
    overview, filtered = stats["overview"], stats["filtered"]
    return ok({
        "overview": [{"date": p["start"], **figures(p)} for p in overview],
        "time_range": {"value": asked, "start_date": start.isoformat() if start else filtered[0]["start"],
                       "end_date": end.isoformat() if end else overview[-1]["start"]},
        "filtered": [{"month": p["start"][:7], **figures(p)} for p in filtered],
    })


ROUTES = [
    CompatRoute("GET", "/api/v1/admin/{tenant}/dashboard", main_dashboard, Role.READ, "Show main dashboard statistics"),
    CompatRoute("GET", "/api/v1/admin/{tenant}/shared/dashboard", shared_dashboard, Role.READ, "Show dashboard statistics"),
]
