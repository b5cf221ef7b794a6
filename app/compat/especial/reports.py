"""Especial campaign reports onto the graph's campaign aggregates (`Campaign.feedbacks`, `Campaign.linkClicks`, counted in
SQL in `domain.campaigns.reports`).

- `GET /reports/campaigns/{id}`: the campaign's messages summed over its steps. `sent_emails` counts messages that
  were sent (a SENT event), `active_emails` every message of the campaign; opens, clicks, bounces, complaints (`spams`)
  and unsubscribes count messages with such an event (`unique_*`), `opens`/`clicks` every event. Bounces are split
  into the graph's `hard` and `soft` only: the finer kinds (dns failure, full mailbox, ...) are not told apart and
  stay 0, as do `forwards` and `implied_opens`, which sendgraph does not track. Rates are fractions (0 to 1) of
  `sent_emails` (`sent_rate` of `active_emails`, `clickthru_rate` of unique opens), 0 when nothing was sent.
- `GET /reports/campaigns/{id}/links`: the links clicked, each named by its first click's event id; `unique_rate` and
  `total_rate` are its share of the campaign's unique and total clicks. The graph counts over the campaign's whole
  life: a `start_time`/`end_time` window is refused.

Not served: the transactional email, account and list reports and the action report.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import auth
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import owned, path_id, paging
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role
from schema.relay import to_global_id

CAMPAIGN_REPORT = """query EspecialCampaignReport($id: ID!) { node(id: $id) { ... on Campaign { tenant { id }
  feedbacks { messages events { type count total } bounces { bounceType count } } } } }"""
LINKS_REPORT = """query EspecialCampaignLinks($id: ID!) { node(id: $id) { ... on Campaign { tenant { id }
  linkClicks { id url uniqueClicks clicks } } } }"""
LINK_SORTS = {"unique": "uniqueClicks", "total": "clicks", "link": "url"}


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


async def _campaign(call: Call, document: str) -> dict:
    campaign_id = path_id(call, "campaign_id")
    account = await auth.account(call)
    node = (await call.graphql(document, {"id": to_global_id("Campaign", campaign_id)}))["node"]
    return owned(node, account, "Campaign", campaign_id, "campaign_id")


async def campaign_report(call: Call) -> JSONResponse:
    feedbacks = (await _campaign(call, CAMPAIGN_REPORT))["feedbacks"]
    unique, total, bounce_types = {}, {}, {}
    for feedback in feedbacks:
        for event in feedback["events"]:
            unique[event["type"]] = unique.get(event["type"], 0) + event["count"]
            total[event["type"]] = total.get(event["type"], 0) + event["total"]
        for bounce in feedback["bounces"]:
            bounce_types[bounce["bounceType"]] = bounce_types.get(bounce["bounceType"], 0) + bounce["count"]
    messages = sum(f["messages"] for f in feedbacks)
    sent, opened, clicked = unique.get("SENT", 0), unique.get("OPENED", 0), unique.get("CLICKED", 0)
    bounces, spams, unsubscribes = unique.get("BOUNCED", 0), unique.get("COMPLAINED", 0), unique.get("UNSUBSCRIBED", 0)
    data = {
        "active_emails": messages, "sent_emails": sent, "sent_rate": _rate(sent, messages),
        "bounces": bounces, "bounce_rate": _rate(bounces, sent), "bounces_hard": bounce_types.get("hard", 0),
        "bounces_soft": bounce_types.get("soft", 0), **{f"bounces_{kind}": 0 for kind in (
            "address_changed", "challenge_response", "dns_failure", "full_mailbox", "mail_blocked", "transient")},
        "opens": total.get("OPENED", 0), "unique_opens": opened, "open_rate": _rate(opened, sent), "implied_opens": 0,
        "unopens": max(sent - opened, 0), "unopen_rate": _rate(max(sent - opened, 0), sent),
        "clicks": total.get("CLICKED", 0), "unique_clicks": clicked, "click_rate": _rate(clicked, sent), "clickthru_rate": _rate(clicked, opened),
        "forwards": 0, "spams": spams, "spam_rate": _rate(spams, sent), "unsubscribes": unsubscribes, "unsubscribe_rate": _rate(unsubscribes, sent),
    }
    return JSONResponse({"data": data})


async def campaign_links_report(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    for window in ("start_time", "end_time"):
        if call.query.get(window):
            raise Invalid("A links report counts the campaign's whole life: a time window is not supported by this server",
                          code="UNSUPPORTED_WINDOW", field=window)
    sort = (call.query.get("sort") or "").strip()
    term = sort.lstrip("+-")
    if sort and term not in LINK_SORTS:
        raise Invalid(f"Invalid sort {sort!r}: valid terms are {', '.join(LINK_SORTS)}", code="INVALID_SORT", field="sort")
    links = (await _campaign(call, LINKS_REPORT))["linkClicks"]  # first clicked first
    if term:
        links = sorted(links, key=lambda link: link[LINK_SORTS[term]], reverse=sort.startswith("-"))
    uniques, totals = sum(link["uniqueClicks"] for link in links), sum(link["clicks"] for link in links)
    data = [{"id": link["id"], "link": link["url"], "unique": link["uniqueClicks"], "total": link["clicks"],
             "unique_rate": _rate(link["uniqueClicks"], uniques), "total_rate": _rate(link["clicks"], totals)}
            for link in links[(page - 1) * per_page:page * per_page]]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, {"totalCount": len(links)}, with_count), "data": data})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/reports/campaigns/{campaign_id}", campaign_report, Role.READ, "Show campaign report"),
    CompatRoute("GET", "/reports/campaigns/{campaign_id}/links", campaign_links_report, Role.READ, "Show campaign links report"),
]
