"""Especial reports onto the graph's aggregates, counted in SQL: `Campaign.feedbacks`, `Campaign.linkClicks`
(`domain.campaigns.reports`), `ContactList.report`, `Tenant.messageReport` and `Tenant.audienceCounts` (`domain.messaging.reports`).

- `GET /reports/campaigns/{id}`: the campaign's messages summed over its steps. `sent_emails` counts messages that
  were sent (a SENT event), `active_emails` every message of the campaign; opens, clicks, bounces, complaints (`spams`)
  and unsubscribes count messages with such an event (`unique_*`), `opens`/`clicks` every event. Bounces are split
  into the graph's `hard` and `soft` only: the finer kinds (dns failure, full mailbox, ...) are not told apart and
  stay 0, as do `forwards` and `implied_opens`, which sendgraph does not track. Rates are fractions (0 to 1) of
  `sent_emails` (`sent_rate` of `active_emails`, `clickthru_rate` of unique opens), 0 when nothing was sent.
- `GET /reports/campaigns/{id}/links`: the links clicked, each named by its first click's event id; `unique_rate` and
  `total_rate` are its share of the campaign's unique and total clicks; a `start_time`/`end_time` window keeps the
  clicks made in it.
- `GET /reports/lists/{id}`: the list's members per status (active = SUBSCRIBED, pending = PENDING, invalid = BOUNCED,
  unsubscribed); `flagged` and `deleted` stay 0 (no complaint status per member; a removed member leaves no row). The
  rates are those of the messages of the campaigns sent to the list, as in the campaign report.
- `GET /reports/accounts/self` and `/reports/accounts/{id}` (the caller's account or a sub-account): email messages
  created in the window (all when none), split by origin: `sent_campaign_emails` (campaigns), `sent_action_emails`
  (workflow actions and automations), `sent_email_emails` (sent one by one: POST /emails, test sends); `email_api`
  counts those one-by-one messages (`submitted`) and how many were sent (`delivered`: accepted by the mail server).
  `active_contacts` are the contacts subscribed to at least one list, `current_lists` every list. There are no usage
  limits, so both usages are 0.
- `GET /reports/emails`: the one-by-one messages created in the required window, one entry per UTC day that has any.
- `GET /reports/workflows/{id}/actions/{action_id}`: the campaign statistics of the messages of that step.
"""
from __future__ import annotations

from datetime import datetime, timezone

from starlette.responses import JSONResponse

from app.compat.especial import auth, validation, workflows
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import owned, path_id, paging
from app.compat.especial.openapi import contract
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

CAMPAIGN_REPORT = """query EspecialCampaignReport($id: ID!) { node(id: $id) { ... on Campaign { tenant { id }
  feedbacks { messages events { type count total } bounces { bounceType count } } } } }"""
LINKS_REPORT = """query EspecialCampaignLinks($id: ID!, $since: DateTime, $until: DateTime) { node(id: $id) { ... on Campaign { tenant { id }
  linkClicks(since: $since, until: $until) { id url uniqueClicks clicks } } } }"""
GROUP_FIELDS = "messages events { type count total } bounces { bounceType count }"
LIST_REPORT = f"""query EspecialListReport($id: ID!) {{ node(id: $id) {{ ... on ContactList {{ tenant {{ id }}
  report {{ members {{ status count }} messages {{ {GROUP_FIELDS} }} }} }} }} }}"""
ACCOUNT_REPORT = f"""query EspecialAccountReport($id: ID!, $since: DateTime, $until: DateTime, $byDay: Boolean!) {{ node(id: $id) {{ ... on Tenant {{
  audienceCounts {{ lists activeContacts }} messageReport(since: $since, until: $until, byDay: $byDay, channel: EMAIL) {{ origin day {GROUP_FIELDS} }} }} }} }}"""
ACTION_REPORT = f"""query EspecialActionReport($id: ID!, $step: String!) {{ node(id: $id) {{ ... on Campaign {{
  feedbacks(stepExternalId: $step) {{ {GROUP_FIELDS} }} }} }} }}"""
LINK_SORTS = {"unique": "uniqueClicks", "total": "clicks", "link": "url"}


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def window(call: Call, *, required: bool = False) -> tuple[str | None, str | None]:
    """`start_time` / `end_time` (UNIX seconds, both included) as the graph's [since, until) instants."""
    bounds = []
    for name in ("start_time", "end_time"):
        if required and not call.query.get(name):
            raise Invalid("field required", code="missing", field=name)
        bounds.append(validation.integer(call.query.get(name), name=name, minimum=1, maximum=2147483647))
    start, end = bounds
    if start is not None and end is not None and end < start:
        raise Invalid("end_time is before start_time", code="INVALID_WINDOW", field="end_time")
    iso = lambda seconds: datetime.fromtimestamp(seconds, timezone.utc).isoformat()  # noqa: E731
    return (iso(start) if start else None), (iso(end + 1) if end else None)


async def _campaign(call: Call, document: str, **variables) -> dict:
    campaign_id = path_id(call, "campaign_id")
    account = await auth.account(call)
    node = (await call.graphql(document, {"id": to_global_id("Campaign", campaign_id), **variables}))["node"]
    return owned(node, account, "Campaign", campaign_id, "campaign_id")


def _sums(groups: list[dict]) -> dict:
    """Step feedbacks or message reports summed: messages, messages per event type (`unique`), events (`total`), bounce types."""
    sums = {"messages": 0, "unique": {}, "total": {}, "bounce_types": {}}
    for group in groups:
        sums["messages"] += group["messages"]
        for event in group["events"]:
            sums["unique"][event["type"]] = sums["unique"].get(event["type"], 0) + event["count"]
            sums["total"][event["type"]] = sums["total"].get(event["type"], 0) + event["total"]
        for bounce in group["bounces"]:
            sums["bounce_types"][bounce["bounceType"]] = sums["bounce_types"].get(bounce["bounceType"], 0) + bounce["count"]
    return sums


def statistics(groups: list[dict]) -> dict:
    """Especial's campaign statistics of these messages (the campaign report's body; the others take a part of it)."""
    sums = _sums(groups)
    unique, total, bounce_types, messages = sums["unique"], sums["total"], sums["bounce_types"], sums["messages"]
    sent, opened, clicked = unique.get("SENT", 0), unique.get("OPENED", 0), unique.get("CLICKED", 0)
    bounces, spams, unsubscribes = unique.get("BOUNCED", 0), unique.get("COMPLAINED", 0), unique.get("UNSUBSCRIBED", 0)
    return {
        "active_emails": messages, "sent_emails": sent, "sent_rate": rate(sent, messages),
        "bounces": bounces, "bounce_rate": rate(bounces, sent), "bounces_hard": bounce_types.get("hard", 0),
        "bounces_soft": bounce_types.get("soft", 0), **{f"bounces_{kind}": 0 for kind in (
            "address_changed", "challenge_response", "dns_failure", "full_mailbox", "mail_blocked", "transient")},
        "opens": total.get("OPENED", 0), "unique_opens": opened, "open_rate": rate(opened, sent), "implied_opens": 0,
        "unopens": max(sent - opened, 0), "unopen_rate": rate(max(sent - opened, 0), sent),
        "clicks": total.get("CLICKED", 0), "unique_clicks": clicked, "click_rate": rate(clicked, sent), "clickthru_rate": rate(clicked, opened),
        "forwards": 0, "spams": spams, "spam_rate": rate(spams, sent), "unsubscribes": unsubscribes, "unsubscribe_rate": rate(unsubscribes, sent),
    }


def shaped(data: dict, schema: str) -> dict:
    """`data` cut to the properties of the contract's `schema`."""
    return {k: v for k, v in data.items() if k in contract()["components"]["schemas"][schema]["properties"]}


async def campaign_report(call: Call) -> JSONResponse:
    return JSONResponse({"data": statistics((await _campaign(call, CAMPAIGN_REPORT))["feedbacks"])})


async def campaign_links_report(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    since, until = window(call)
    sort = (call.query.get("sort") or "").strip()
    term = sort.lstrip("+-")
    if sort and term not in LINK_SORTS:
        raise Invalid(f"Invalid sort {sort!r}: valid terms are {', '.join(LINK_SORTS)}", code="INVALID_SORT", field="sort")
    links = (await _campaign(call, LINKS_REPORT, since=since, until=until))["linkClicks"]  # first clicked first
    if term:
        links = sorted(links, key=lambda link: link[LINK_SORTS[term]], reverse=sort.startswith("-"))
    uniques, totals = sum(link["uniqueClicks"] for link in links), sum(link["clicks"] for link in links)
    data = [{"id": link["id"], "link": link["url"], "unique": link["uniqueClicks"], "total": link["clicks"],
             "unique_rate": rate(link["uniqueClicks"], uniques), "total_rate": rate(link["clicks"], totals)}
            for link in links[(page - 1) * per_page:page * per_page]]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, {"totalCount": len(links)}, with_count), "data": data})


# --- list, account, transactional and action reports --------------------------------------------------------

async def list_report(call: Call) -> JSONResponse:
    list_id = path_id(call, "list_id")
    account = await auth.account(call)
    node = (await call.graphql(LIST_REPORT, {"id": to_global_id("ContactList", list_id)}))["node"]
    report = owned(node, account, "List", list_id, "list_id")["report"]
    members = {count["status"]: count["count"] for count in report["members"]}
    data = {
        "active_contacts": members.get("SUBSCRIBED", 0), "pending_contacts": members.get("PENDING", 0),
        "invalid_contacts": members.get("BOUNCED", 0), "unsubscribed_contacts": members.get("UNSUBSCRIBED", 0),
        "flagged_contacts": 0, "deleted_contacts": 0,  # no complaint status on a member; a removed member leaves no row
        **shaped(statistics(report["messages"]), "ListStatResponse"),
    }
    return JSONResponse({"data": data})


async def email_report(call: Call) -> JSONResponse:
    since, until = window(call, required=True)
    account = await auth.account(call)
    node = (await call.graphql(ACCOUNT_REPORT, {"id": account, "since": since, "until": until, "byDay": True}))["node"]
    days: dict[str, list[dict]] = {}
    for group in node["messageReport"]:
        if group["origin"] == "DIRECT":
            days.setdefault(group["day"], []).append(group)
    data = [{"date": int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()),
             **shaped(statistics(groups), "EmailStatResponse")} for day, groups in sorted(days.items())]
    return JSONResponse({"data": data})


def _account_report(own: bool):
    async def handler(call: Call) -> JSONResponse:
        if own:
            account = await auth.account(call)
        else:
            account_id = path_id(call, "account_id")
            tenant = (await call.graphql(auth.ACCOUNT, {"id": account_id}))["tenant"]  # null unless the caller's or a sub-account
            if tenant is None:
                raise NotFound(f"Account {account_id} not found", code="ACCOUNT_NOT_FOUND", field="account_id")
            account = tenant["id"]
        since, until = window(call)
        node = (await call.graphql(ACCOUNT_REPORT, {"id": account, "since": since, "until": until, "byDay": False}))["node"]
        groups = node["messageReport"]
        sent = {origin: statistics([g for g in groups if g["origin"] == origin])["sent_emails"] for origin in ("CAMPAIGN", "AUTOMATION", "DIRECT")}
        everything, direct = statistics(groups), [g for g in groups if g["origin"] == "DIRECT"]
        data = {
            **shaped(everything, "AccountStatResponse"), "active_contacts": node["audienceCounts"]["activeContacts"],
            "current_lists": node["audienceCounts"]["lists"], "sent_campaign_emails": sent["CAMPAIGN"], "sent_action_emails": sent["AUTOMATION"],
            "sent_email_emails": sent["DIRECT"], "bounce_hard_rate": rate(everything["bounces_hard"], everything["sent_emails"]),
            "emails_usage": 0.0, "contacts_usage": 0.0,  # an account has no usage limits here (see accounts.py)
            "email_api": {"submitted": sum(g["messages"] for g in direct), "delivered": sent["DIRECT"]},
        }
        return JSONResponse({"data": data})

    return handler


async def action_report(call: Call) -> JSONResponse:
    account = await auth.account(call)
    workflow = await workflows.workflow_of(call, account)
    step = workflows.action_of(call, workflow)
    node = (await call.graphql(ACTION_REPORT, {"id": workflow["id"], "step": step["externalId"]}))["node"]
    return JSONResponse({"data": shaped(statistics(node["feedbacks"]), "ActionStatResponse")})


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/reports/campaigns/{campaign_id}", campaign_report, Role.READ, "Show campaign report"),
    CompatRoute("GET", "/reports/campaigns/{campaign_id}/links", campaign_links_report, Role.READ, "Show campaign links report"),
    CompatRoute("GET", "/reports/lists/{list_id}", list_report, Role.READ, "Show list report"),
    CompatRoute("GET", "/reports/emails", email_report, Role.READ, "Show transactional email report"),
    CompatRoute("GET", "/reports/accounts/self", _account_report(own=True), Role.READ, "Show my account report"),
    CompatRoute("GET", "/reports/accounts/{account_id}", _account_report(own=False), Role.READ, "Show account report"),
    CompatRoute("GET", "/reports/workflows/{workflow_id}/actions/{action_id}", action_report, Role.READ, "Show action report"),
]
