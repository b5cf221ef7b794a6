"""Isolation sweep: every Contactflow route the dialect registers (`app.compat.contactflow.routes.ROUTES`), called with
another node's admin token, answers 401/403/404 in Contactflow's envelope and never returns or changes this node's data.

Each route is called twice by the attacker: with this node's UUID in the `Node` header (refused: a node the token may not
see), and with its own `Node` header but this node's ids in the path (not found). Routes that name nothing of the victim
(lists, creations) answer the attacker's own data, with nothing of the victim in it. Afterwards the victim's data reads
the same through GraphQL, and the same request from the victim's own token succeeds: the input is valid, what refused the
attacker is the isolation.
"""
from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
import pytest

from app.compat.contactflow.routes import ROUTES
from app.compat.framework import CompatRoute, _path_parameters
from tests.compat.contactflow.conftest import CREATE_TEMPLATE, Contactflow, error_codes
from tests.compat.contactflow.test_automations import AUTOMATION_SAMPLE, step
from tests.compat.contactflow.test_customers import BATCH_SAMPLE, CUSTOMER_SAMPLE
from tests.compat.contactflow.test_external_contents import TEST_EMAIL_SAMPLE
from tests.compat.contactflow.test_nodes import NODE_SAMPLE
from tests.compat.contactflow.test_pagebuilder import page_template
from tests.compat.contactflow.test_send_subscriptions import make_list
from tests.compat.contactflow.test_settings import SETTING_SAMPLE

STATE = """query($slug: String!) { tenant(slug: $slug) {
  uuid name active emailActive smsActive settings nodeSettings { uuid label value } children(first: 100) { totalCount nodes { uuid } }
  templates(first: 100) { nodes { databaseId name channel settings parts { subject text } } }
  campaigns(first: 100) { nodes { externalId name kind status scheduledAt options steps { externalId type name templateId settings } } }
  enrollments(first: 100) { nodes { uuid status source step { externalId } } }
  contacts(first: 100) { nodes { email externalId clabUuid attributes } }
  lists(first: 100) { nodes { databaseId name description doubleOptIn } }
  messages(first: 100) { totalCount nodes { databaseId } } } }"""


@dataclass
class Victim:
    """A node with a mail and an SMS model, a list (Send subscription), a DRAFT automation with a step, a customer and an open batch of customers."""

    cf: Contactflow
    params: dict[str, str]  # the routes' path parameters, filled with the victim's ids
    model: int  # the automation step's mail model
    batch_source: str
    customer_email: str
    strings: set[str] = field(default_factory=set)  # identifiers and names that must never reach the attacker
    numbers: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Case:
    """What to send on a route besides its path: a seed-shaped body, query parameters."""

    body: Callable[[Victim], Any] | None = None
    query: Callable[[Victim], dict] | None = None
    names_victim: bool = False  # the body names a victim resource: refused even in the attacker's own node
    node_free: bool = False  # the route does not read the Node header: the attacker's own data whatever it says


def _customer(name: str) -> dict:
    return {**CUSTOMER_SAMPLE, "uuid": str(uuid.uuid4()), "userPk": f"pk-{secrets.token_hex(4)}", "clabUuid": str(uuid.uuid4()),
            "attributes": {"email": f"{name.lower()}.{secrets.token_hex(4)}@example.com", "firstName": name}}


def _automation(v: Victim, **changes) -> dict:
    return {**AUTOMATION_SAMPLE, "uuid": str(uuid.uuid4()), "name": "Hijacked", "status": "RUNNING", "steps": [step(v.model)], **changes}


# Every route with a body or query parameters has its case here; the others are swept with their path alone.
CASES: dict[tuple[str, str], Case] = {
    ("GET", "/user"): Case(node_free=True),
    ("GET", "/nodes"): Case(node_free=True),
    ("GET", "/kpis/nodes"): Case(node_free=True),
    ("GET", "/automations/reports"): Case(query=lambda v: {"automationUuid": v.params["automationUuid"]}),
    ("GET", "/tokens/reports"): Case(query=lambda v: {"automationUuid": v.params["automationUuid"], "recipient": v.customer_email}),
    ("POST", "/nodes"): Case(body=lambda v: {**NODE_SAMPLE, "uuid": str(uuid.uuid4()), "name": "Intruder node"}),
    ("POST", "/settings"): Case(body=lambda v: {**SETTING_SAMPLE, "uuid": str(uuid.uuid4()), "label": "Intruder setting"}),
    ("PUT", "/settings/{settingUuid}"): Case(body=lambda v: {**SETTING_SAMPLE, "uuid": v.params["settingUuid"], "label": "Hijacked", "value": {"x": 1}}),
    ("PATCH", "/nodes/{nodeUuid}"): Case(body=lambda v: {"active": False, "smsActive": False, "emailActive": False, "hubPhoneField": "hijacked"}),
    ("POST", "/automations"): Case(body=_automation, names_victim=True),  # a step sending the victim's mail model
    ("PUT", "/automations/{automationUuid}"): Case(body=lambda v: _automation(v, uuid=v.params["automationUuid"], steps=[])),
    ("PATCH", "/automations/{automationUuid}"): Case(body=lambda v: {"name": "Hijacked", "status": "RUNNING"}),
    ("POST", "/automations/{automationUuid}/customers/batch"):
        Case(body=lambda v: {**BATCH_SAMPLE, "sourceUuid": v.batch_source, "packet": "LAST", "status": "CLOSED", "customers": [_customer("Intruder")]}),
    ("DELETE", "/automations/{automationUuid}/customers/batch"): Case(query=lambda v: {"sourceUuid": v.batch_source}),
    ("POST", "/automations/{automationUuid}/customers"): Case(body=lambda v: _customer("Intruder")),
    ("GET", "/tokens"): Case(query=lambda v: {"automationUuid": v.params["automationUuid"], "recipient": v.customer_email}),
    ("POST", "/external-contents/test-email"): Case(names_victim=True, body=lambda v: {  # a test email of the victim's mail model
        **TEST_EMAIL_SAMPLE, "modelIdentifier": v.model, "senderName": None, "senderEmail": None, "senderReplyTo": None, "subject": None,
        "htmlContent": None, "textContent": None, "customRef": None, "email": f"thief.{secrets.token_hex(4)}@example.com"}),
}
BODILESS = ("GET", "DELETE")


def _route_id(route: CompatRoute) -> str:
    return f"{route.method} {route.path}"


def test_the_sweep_covers_every_registered_route():
    registered = {(r.method, r.path) for r in ROUTES}
    assert len(registered) == len(ROUTES) == 42, sorted(registered)  # a new route is swept below: update the count here
    assert set(CASES) <= registered, f"cases for routes no longer registered: {set(CASES) - registered}"
    unfilled = {p for r in ROUTES for p in _path_parameters(r.path)} - {"nodeUuid", "automationUuid", "customerUuid", "tokenUuid", "settingUuid", "stepUuid", "templateId", "pageId"}
    assert not unfilled, f"give the victim an id for {unfilled}"
    without_body = [_route_id(r) for r in ROUTES if r.method not in BODILESS and (r.method, r.path) not in CASES]
    assert without_body == [], f"give these routes a seed-shaped body in CASES: {without_body}"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Users here never log in with their password: hash it with the cheapest parameters."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("domain.identity.service._hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


async def _model(cf: Contactflow, channel: str, marker: str) -> int:
    part = {"language": "en", "text": f"Secret {channel} body {marker}"} | ({"subject": f"Secret subject {marker}"} if channel == "EMAIL" else {})
    created = (await cf.tenant.graph(CREATE_TEMPLATE, {"input": {"tenantId": cf.tenant.id, "name": f"Victim {channel} model {marker}",
                                                                  "channel": channel, "parts": [part]}}))["createTemplate"]
    assert created["userErrors"] == [], created
    return created["template"]["databaseId"]


@pytest.fixture
async def victim(make_contactflow) -> Victim:
    cf = await make_contactflow()
    marker = secrets.token_hex(4)
    mail, sms = await _model(cf, "EMAIL", marker), await _model(cf, "SMS", marker)
    page = await page_template(cf, f"Victim page {marker}", pages=[{"id": 7, "name": f"Victim page {marker}"}])
    await make_list(cf, f"Victim subscription {marker}")  # a Send subscription
    automation = await cf.automation(model=mail, name=f"Victim journey {marker}", description=f"Victim description {marker}")
    base = f"/automations/{automation['uuid']}/customers"
    one, batch = _customer("Victima"), {**BATCH_SAMPLE, "sourceUuid": str(uuid.uuid4()), "sourceLabel": f"Victim batch {marker}",
                                        "customers": [_customer("Victimb")]}
    assert (await cf.post(base, json=one)).status_code == 201
    assert (await cf.post(f"{base}/batch", json=batch)).status_code == 201
    setting = {**SETTING_SAMPLE, "uuid": str(uuid.uuid4()), "label": f"Victim setting {marker}", "value": {"password": f"pw-{marker}"}}
    assert (await cf.post("/settings", json=setting)).status_code == 201
    strings = {cf.node, cf.tenant.slug, cf.email, marker, automation["uuid"], batch["sourceUuid"], setting["uuid"],
               *(s["uuid"] for s in automation["steps"]),
               *(c[k] for c in (one, *batch["customers"]) for k in ("uuid", "userPk", "clabUuid")),
               *(c["attributes"]["email"] for c in (one, *batch["customers"]))}
    params = {"nodeUuid": cf.node, "automationUuid": automation["uuid"], "customerUuid": one["uuid"], "tokenUuid": one["uuid"],
              "settingUuid": setting["uuid"], "stepUuid": automation["steps"][0]["uuid"],
              "templateId": str(page), "pageId": "7"}
    return Victim(cf=cf, params=params, model=mail, batch_source=batch["sourceUuid"],
                  customer_email=one["attributes"]["email"], strings=strings, numbers={mail, sms, page})


@pytest.fixture
async def attacker(make_contactflow) -> Contactflow:
    """Another node's admin, with an automation of its own (so its lists are not empty)."""
    cf = await make_contactflow()
    await cf.automation(name="Intruder journey")
    return cf


async def _state(v: Victim) -> dict:
    return (await v.cf.tenant.graph(STATE, {"slug": v.cf.tenant.slug}))["tenant"]


def _leaks(response: httpx.Response, v: Victim, sent: str) -> list[str]:
    """The victim's identifiers in the response; an error may echo what the attacker sent itself (`sent`), nothing else.

    Strings are looked for anywhere in the body; the victim's model ids (small integers) where a body holds a model id.
    """
    error = response.status_code >= 400
    found = [s for s in v.strings if s in response.text and not (error and s in sent)]
    if response.content and response.headers.get("content-type", "").startswith("application/json"):
        found += [f"model {n}" for n in _model_ids(response.json()) if n in v.numbers]
    return found


def _model_ids(value: Any) -> list[int]:
    if isinstance(value, list):
        return [n for item in value for n in _model_ids(item)]
    if isinstance(value, dict):
        return [n for key, item in value.items() for n in ([item] if key in ("id", "modelIdentifier", "templateId") and isinstance(item, int) else _model_ids(item))]
    return []


async def _call(attacker: Contactflow, route: CompatRoute, v: Victim, *, node: str) -> tuple[httpx.Response, str]:
    case = CASES.get((route.method, route.path), Case())
    path = route.path.format(**{name: v.params[name] for name in _path_parameters(route.path)})
    body = case.body(v) if case.body else None
    query = case.query(v) if case.query else None
    response = await attacker.request(route.method, path, json=body, params=query, node=node)
    return response, " ".join([path, node, json.dumps(body), json.dumps(query)])


def _expect(response: httpx.Response, *, refused: bool, v: Victim, sent: str, what: str) -> None:
    if refused:
        assert response.status_code in (401, 403, 404), (what, response.status_code, response.text)
        assert error_codes(response), what  # Contactflow's envelope: {message, logref, errors}
    else:  # the attacker's own data
        assert response.status_code < 300, (what, response.status_code, response.text)
    assert _leaks(response, v, sent) == [], (what, response.text)


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
async def test_another_nodes_token_is_refused_and_changes_nothing(route: CompatRoute, victim: Victim, attacker: Contactflow):
    case = CASES.get((route.method, route.path), Case())
    names_victim = bool(_path_parameters(route.path)) or case.names_victim
    before = await _state(victim)

    # The victim's node in the Node header: a node this token may not operate on.
    response, sent = await _call(attacker, route, victim, node=victim.cf.node)
    _expect(response, refused=names_victim or not case.node_free, v=victim, sent=sent, what="victim's Node header")

    # The attacker's own node, the victim's ids in the path (or its resources in the body): not found.
    response, sent = await _call(attacker, route, victim, node=attacker.node)
    _expect(response, refused=names_victim, v=victim, sent=sent, what="own Node header")

    assert await _state(victim) == before
    # The same request is one the victim's own token may make: what refused it above is the isolation, not the input.
    response, _ = await _call(victim.cf, route, victim, node=victim.cf.node)
    assert response.status_code < 300, ("the victim itself", response.status_code, response.text)
