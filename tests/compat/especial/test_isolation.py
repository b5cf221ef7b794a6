"""Isolation sweep: every Especial route the dialect registers (`app.compat.especial.routes.ROUTES`), called with a
valid token of another account, answers 401/403/404 in the contract's envelope and never returns or changes this
account's lists, contacts, senders, templates, campaigns, messages, suppressed emails or exports.

Each route is called twice by the attacker: naming this account with `account_id` (refused: not an account its
token may act on), and on its own account with this account's ids in the path (404). Routes that name nothing of
the victim (lists, creations, the token endpoints) answer the attacker's own data, with nothing of the victim in it.
Afterwards the victim's data reads the same through GraphQL, and the same request from the victim's own token finds
its target: the input is valid, what refused the attacker is the isolation.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
import pytest

from app.compat.especial.routes import ROUTES
from app.compat.framework import CompatRoute, _path_parameters
from tests.compat.especial.audience_fixtures import CONTACT, LIST, SENDER, add_contact, add_list, add_sender
from tests.compat.especial.conftest import EspecialClient, assert_valid
from tests.compat.especial.test_accounts import account_body
from tests.compat.especial.test_campaigns import campaign_body
from tests.compat.especial.test_emails import email_body
from tests.compat.especial.test_forms import form_body
from tests.compat.especial.test_templates import TEMPLATE

STATE = """query($slug: String!) { tenant(slug: $slug) {
  name active settings
  lists(first: 100) { nodes { databaseId name settings defaultSender { databaseId }
    segments(first: 100) { nodes { databaseId name rules condition { language expression } } }
    members(first: 100) { nodes { status contact { databaseId email } } } } }
  contacts(first: 100) { nodes { databaseId email firstName attributes tags interests } }
  senders(first: 100) { nodes { databaseId name address settings brand } }
  templates(first: 100) { nodes { databaseId name settings parts { subject html text } } }
  forms(first: 100) { nodes { databaseId name settings parts { language html } } }
  campaigns(first: 100) { nodes { databaseId name kind status scheduledAt launchedAt options
    template { databaseId } list { databaseId } sender { databaseId } } }
  messages(first: 100) { totalCount nodes { databaseId recipient subject } }
  suppressions(first: 100) { totalCount }
  webhookEndpoints(first: 100) { nodes { databaseId url events active } }
  exports(first: 100) { nodes { databaseId kind description } }
  children(first: 100) { nodes { accountId name active settings } }
  members(first: 100) { nodes { userId role user { email name profile status confirmedAt updatedAt } } } } }"""
PARAMETERS = ("list_id", "contact_id", "sender_id", "template_id", "campaign_id", "email", "segment_id", "tag", "interest_name", "name", "workflow_id", "action_id", "webhook_id", "account_id", "user_id",
              "export_id", "campaign_log_export_id", "task_id", "form_id", "id", "blueprint_id")


@dataclass
class Caller:
    """A user's client, and a sender of its own account (what a send needs besides the resources it names)."""

    client: EspecialClient
    sender_id: int
    confirmation_id: str = ""  # the mailed confirmation id of that sender


@dataclass
class Victim(Caller):
    """An account with a sender, a list with a contact, a template, a DRAFT campaign ready to launch, a sent email and a suppressed one."""

    params: dict[str, Any] = field(default_factory=dict)  # the routes' path parameters, filled with the victim's ids (and a suppressed email)
    contact_email: str = ""
    strings: set[str] = field(default_factory=set)  # identifiers and names that must never reach the attacker

    @property
    def account_id(self) -> int:
        return self.client.user.account_id


@dataclass(frozen=True)
class Case:
    """What to send on a route besides its path: a seed-shaped JSON body, a form, query parameters."""

    body: Callable[[Victim, Caller], Any] | None = None  # (the victim, the caller)
    form: Callable[[Victim, Caller], dict] | None = None
    query: Callable[[Victim], dict] | None = None
    names_victim: bool = False  # the body names a victim resource: refused even on the attacker's own account
    own_answer: tuple[int, ...] | None = None  # an error the attacker's own call answers here, in the envelope (no DNS on this machine)
    check: Callable[[Any, Victim, Caller], None] | None = None  # more about the attacker's own answer
    refused: tuple[int, ...] | None = None  # a token-less route whose secret is in the body: every call is refused without it
    victim_answer: tuple[int, ...] = ()  # what the victim's own call may answer besides success (its id is not what the route reads)


def _thief() -> str:
    return f"thief.{secrets.token_hex(4)}@example.com"


def _own_accounts_only(body: dict, v: Victim, attacker: Caller) -> None:
    assert body["accounts"] == [attacker.client.user.account_id], body


# Every route that is not a GET or a DELETE has its case here (a body, or none said out loud); GETs and DELETEs
# without one are swept with their path alone.
CASES: dict[tuple[str, str], Case] = {
    ("POST", "/token"): Case(form=lambda v, a: {"username": a.client.user.email, "password": a.client.user.password}, check=_own_accounts_only),
    ("PUT", "/token"): Case(form=lambda v, a: {"grant_type": "refresh_token", "refresh_token": a.client.refresh_token}, check=_own_accounts_only),
    ("GET", "/lists"): Case(query=lambda v: {"with_count": "true"}),
    ("POST", "/lists"): Case(body=lambda v, a: {**LIST, "name": "Intruder list", "default_sender": {"id": str(v.params["sender_id"])}}, names_victim=True),
    ("PATCH", "/lists/{list_id}"): Case(body=lambda v, a: {"name": "Hijacked", "language": "de_DE"}),
    **{("POST", f"/lists/{{list_id}}/{action}"): Case() for action in ("archive", "unarchive", "accept-policy")},
    ("POST", "/lists/{list_id}/contacts"): Case(body=lambda v, a: {**CONTACT, "email": _thief()}),
    ("POST", "/lists/{list_id}/import-contacts"): Case(body=lambda v, a: {"import_to": "unsubscribed", "contacts": [{"email": v.contact_email}]}),
    ("PATCH", "/lists/{list_id}/contacts/{contact_id}"):
        Case(body=lambda v, a: {"email": _thief(), "custom_attributes": [{"name": "first_name", "value": "Hijacked"}], "tags": ["pwned"]}),
    ("POST", "/lists/{list_id}/contacts/{contact_id}/unsubscribe"): Case(),
    ("POST", "/lists/{list_id}/segments"): Case(body=lambda v, a: {"name": "Intruder segment", "query": f"email = '{_thief()}'"}),
    ("PATCH", "/lists/{list_id}/segments/{segment_id}"): Case(body=lambda v, a: {"name": "Hijacked", "fiql": "email==*@example.com"}),
    ("POST", "/tags"): Case(body=lambda v, a: {"tag": f"intruder-{secrets.token_hex(4)}"}),
    ("PATCH", "/tags/{tag}"): Case(body=lambda v, a: {"tag": "Hijacked"}),
    **{("POST", f"/lists/{{list_id}}/contacts/{action}"): Case(body=lambda v, a: {"tags": ["pwned"], "contact_ids": [v.params["contact_id"]]})
       for action in ("tag", "untag")},
    **{("POST", f"/lists/{{list_id}}/contacts/{{contact_id}}/{action}"): Case(body=lambda v, a: {"tags": ["pwned"]}) for action in ("tag", "untag")},
    ("POST", "/lists/{list_id}/interests"): Case(body=lambda v, a: {"name": "intruder", "alias": "Intruder"}),
    ("PATCH", "/lists/{list_id}/interests/{interest_name}"): Case(body=lambda v, a: {"name": "Hijacked", "alias": "pwned"}),
    **{("POST", f"/lists/{{list_id}}/contacts/{action}"): Case(body=lambda v, a: {"interests": ["pwned"], "contact_ids": [v.params["contact_id"]]})
       for action in ("add-interests", "remove-interests")},
    ("POST", "/lists/{list_id}/custom-attributes"): Case(body=lambda v, a: {"name": "intruder", "type": "text"}),
    ("POST", "/brands/default/senders"): Case(body=lambda v, a: {**SENDER, "email": _thief()}),
    ("PATCH", "/brands/default/senders/{sender_id}"): Case(body=lambda v, a: {"name": "Hijacked", "language": "fr_FR"}),
    ("POST", "/emails"): Case(names_victim=True,  # the victim's template (its sender: POST /lists)
                              body=lambda v, a: email_body(_thief(), a.sender_id, subject="s", template={"id": v.params["template_id"]})),
    ("POST", "/templates"): Case(body=lambda v, a: TEMPLATE),
    ("POST", "/forms"): Case(body=lambda v, a: form_body(v.params["list_id"], name="Intruder form"), names_victim=True),  # its list
    ("PATCH", "/forms/{form_id}"): Case(body=lambda v, a: {"name": "Hijacked", "content": {"embedded": "<form>pwned</form>"}}),
    ("PATCH", "/templates/{template_id}"): Case(body=lambda v, a: {"name": "Hijacked", "content": {"html": "<p>pwned</p>"}}),
    ("GET", "/campaigns"): Case(query=lambda v: {"filter": f"list_id=={v.params['list_id']}"}),
    ("POST", "/campaigns"): Case(body=lambda v, a: campaign_body(v.params["list_id"], a.sender_id, name="Intruder"), names_victim=True),  # its list
    ("PATCH", "/campaigns/{campaign_id}"): Case(body=lambda v, a: {"name": "Hijacked", "reply_to_email": "thief@example.com",
                                                                   "content": {"html": "<p>pwned</p>"}}),
    ("POST", "/campaigns/{campaign_id}/send-test"): Case(body=lambda v, a: {"email": _thief()}),
    ("POST", "/campaigns/{campaign_id}/schedule"): Case(body=lambda v, a: {}),
    ("POST", "/campaigns/{campaign_id}/reschedule"): Case(body=lambda v, a: {"date": 2_000_000_000}),
    **{("POST", f"/campaigns/{{campaign_id}}/{action}"): Case() for action in ("unschedule", "suspend", "resume", "cancel", "archive", "unarchive")},
    ("GET", "/suppressed-emails"): Case(query=lambda v: {"with_count": "true"}),
    ("POST", "/suppressed-emails"): Case(body=lambda v, a: {"email": _thief()}),
    ("GET", "/logs/emails"): Case(query=lambda v: {"log_type": "all", "with_count": "true"}),
    ("GET", "/reports/emails"): Case(query=lambda v: {"start_time": "1", "end_time": "2147483647"}),
    ("GET", "/webhooks"): Case(query=lambda v: {"with_archived": "true", "with_count": "true"}),
    ("POST", "/webhooks"): Case(body=lambda v, a: {"event": "Email.Sent", "url": "https://thief.example.com/hook", "rate_limit": 80}),
    ("PATCH", "/webhooks/{webhook_id}"): Case(body=lambda v, a: {"url": "https://thief.example.com/hook"}),
    **{("POST", f"/webhooks/{{webhook_id}}/{action}"): Case() for action in ("archive", "unarchive")},
    ("PATCH", "/accounts/self"): Case(body=lambda v, a: {"name": "Hijacked", "phone": "+1 555 0199"}),
    ("POST", "/accounts"): Case(body=lambda v, a: account_body("Intruder sub-account")),
    ("PATCH", "/accounts/{account_id}"): Case(body=lambda v, a: {"name": "Hijacked", "metadata": {"pwned": True}}),
    **{("POST", f"/accounts/{{account_id}}/{action}"): Case() for action in ("suspend", "unsuspend")},
    # No token: the mailed code is the proof, and a forged one confirms nothing (the victim's sub-account stays pending).
    ("POST", "/accounts/{account_id}/confirm"): Case(body=lambda v, a: {"confirmation": f"{v.params['account_id']}.9999999999.{'A' * 32}"},
                                                     refused=(422,)),
    ("POST", "/accounts/resend-verification-email"): Case(body=lambda v, a: {"email": a.client.user.email}),  # its own address: its own mail
}
CASES.update({
    ("POST", "/workflows"): Case(body=lambda v, a: {"name": "Intruder flow", "audience": {"list_id": v.params["list_id"]}}, names_victim=True),  # its list
    ("PATCH", "/workflows/{workflow_id}"): Case(body=lambda v, a: {"name": "Hijacked", "trigger": "manual"}),
    **{("POST", f"/workflows/{{workflow_id}}/{action}"): Case() for action in ("activate", "deactivate")},
    **{("POST", f"/workflows/{{workflow_id}}/{action}"): Case(body=lambda v, a: {"key": "thief-key-1"}) for action in ("lock", "unlock")},
    ("POST", "/workflows/{workflow_id}/actions"): Case(body=lambda v, a: {"name": "Intruder mail", "condition": "none", "delay": 0, "type": "email",
        "email_settings": {"sender": {"id": str(a.sender_id)}, "content": {"subject": "Hi", "html": "<p>Hi</p>"}}}),
    ("PATCH", "/workflows/{workflow_id}/actions/{action_id}"): Case(body=lambda v, a: {"name": "Hijacked"}),
    ("POST", "/workflows/{workflow_id}/actions/{action_id}/send-test"): Case(body=lambda v, a: {"email": _thief()}),
    ("POST", "/lists/{list_id}/exports"): Case(query=lambda v: {"description": "Intruder export", "filter": "status==active"}),
    ("POST", "/logs/campaigns/{campaign_id}/exports"): Case(body=lambda v, a: {"description": "Intruder export"}),
    ("GET", "/tasks"): Case(query=lambda v: {"with_count": "true", "filter": "type==contactsexport"}),
})
CASES.update({
    ("POST", "/users/forgot-my-password"): Case(body=lambda v, a: {"email": a.client.user.email}),  # its own address: its own mail
    ("POST", "/users/reset-password-confirm"): Case(body=lambda v, a: {"token": f"{v.params['user_id']}.9999999999.{'A' * 32}",
                                                                        "password": "taken over!"}, refused=(422,)),
    ("POST", "/users/self/reset-password"): Case(),
    ("POST", "/users"): Case(body=lambda v, a: {"first_name": "In", "last_name": "Truder", "email": _thief()}),
    ("POST", "/users/{user_id}/reset-password"): Case(body=lambda v, a: {"invalidate_current_password": True}),
    ("PATCH", "/users/{user_id}"): Case(body=lambda v, a: {"first_name": "Hijacked", "title": "pwned"}),
    **{("POST", f"/users/{{user_id}}/{action}"): Case() for action in ("suspend", "unsuspend", "resend-verification-email")},
    ("POST", "/users/{user_id}/confirm"): Case(body=lambda v, a: {"confirmation": f"{v.params['user_id']}.9999999999.{'A' * 32}",
                                                                  "password": "taken over!"}, refused=(422,)),
    ("POST", "/brands/default/dkim"): Case(body=lambda v, a: {"selector": "s1", "domain": f"thief-{secrets.token_hex(4)}.example"}),
    ("PATCH", "/brands/default/domains/default"): Case(body=lambda v, a: {"domains": {"bounce": "bounce.thief.example", "tracking": "https://t.thief.example"}}),
    ("GET", "/brands/default/domains/default/validate"): Case(own_answer=(400,)),  # DNS_UNREACHABLE: no resolver here
    ("PUT", "/brands/default/system-emails"): Case(names_victim=True, body=lambda v, a: {"sender_confirm": [
        {"language": "en_US", "template": {"id": v.params["template_id"]}, "sender": {"id": str(v.sender_id)}}]}),
    ("PATCH", "/brands/default/system-emails"): Case(names_victim=True, body=lambda v, a: {"password_reset": [
        {"language": "en", "template": {"id": v.params["template_id"]}}]}),
    # No token: the confirmation id is the proof, and the caller's own id confirms only its own sender.
    ("POST", "/brands/default/senders/confirm-email"): Case(body=lambda v, a: {"confirmation_id": a.confirmation_id or v.confirmation_id}),
    ("POST", "/brands/default/senders/{sender_id}/resend-confirmation-email"): Case(),
})
# Blueprints are read from the platform's library only (shared by every account: test_blueprints.py): the victim's
# template (and workflow action) in their path is no blueprint for anyone, the victim included.
CASES.update({("GET", path): Case(victim_answer=(404,)) for path in (
    "/campaign-blueprints/{blueprint_id}", "/campaign-blueprints/{blueprint_id}/render", "/workflow-blueprints/{blueprint_id}",
    "/workflow-blueprints/{blueprint_id}/actions", "/workflow-blueprints/{blueprint_id}/actions/{action_id}")})
BODILESS = ("GET", "DELETE")


def _route_id(route: CompatRoute) -> str:
    return f"{route.method} {route.path}"


def test_the_sweep_covers_every_registered_route():
    registered = {(r.method, r.path) for r in ROUTES}
    assert len(registered) == len(ROUTES) == 167, sorted(registered)  # a new route is swept below: update the count here
    assert set(CASES) <= registered, f"cases for routes no longer registered: {set(CASES) - registered}"
    unfilled = {p for r in ROUTES for p in _path_parameters(r.path)} - set(PARAMETERS)
    assert not unfilled, f"give the victim an id for {unfilled}"
    without_case = [_route_id(r) for r in ROUTES if r.method not in BODILESS and (r.method, r.path) not in CASES]
    assert without_case == [], f"give these routes a seed-shaped body (or say they take none) in CASES: {without_case}"
    # The only routes without a token: the token endpoints, and those a mailed secret authorizes.
    assert {_route_id(r) for r in ROUTES if r.access is None} == {
        "POST /token", "PUT /token", "POST /users/forgot-my-password", "POST /users/reset-password-confirm", "POST /users/{user_id}/confirm",
        "POST /brands/default/senders/confirm-email", "POST /accounts/{account_id}/confirm", "POST /accounts/resend-verification-email"}


@pytest.fixture
async def victim(make_user, login) -> Victim:
    client = await login(await make_user())
    marker = secrets.token_hex(4)
    sender = await add_sender(client, name=f"Victim sender {marker}", email=f"victim.sender.{marker}@example.com")
    contact_list = await add_list(client, sender["id"], name=f"Victim list {marker}")
    email = f"victim.{marker}@example.com"
    contact = await add_contact(client, contact_list["id"], email=email, custom_attributes=[{"name": "first_name", "value": f"Victim{marker}"}])
    template = await client.post("/templates", json={**TEMPLATE, "name": f"Victim template {marker}",
                                                     "content": {**TEMPLATE["content"], "subject": f"Victim subject {marker}"}})
    campaign = await client.post("/campaigns", json=campaign_body(contact_list["id"], int(sender["id"]), name=f"Victim campaign {marker}"))
    sent = await client.post("/emails", json=email_body(email, int(sender["id"]), subject=f"Victim mail {marker}", text="Private"))
    suppressed = await client.post("/suppressed-emails", json={"email": f"victim.suppressed.{marker}@example.com"})
    tag = await client.post("/tags", json={"tag": f"victim-{marker}"})
    interest = await client.post(f"/lists/{contact_list['id']}/interests", json={"name": f"victim-{marker}"})
    attribute = await client.post(f"/lists/{contact_list['id']}/custom-attributes", json={"name": f"victim-{marker}", "type": "text"})
    webhook = await client.post("/webhooks", json={"event": "Email.Sent", "url": f"https://victim-{marker}.example.com/hook"})
    sub_account = await client.post("/accounts", json=account_body(f"Victim sub-account {marker}"), params={"skip_verification": "true"})
    assert (tag.status_code, interest.status_code, attribute.status_code, webhook.status_code, sub_account.status_code) == (201,) * 5, (
        tag.text, interest.text, attribute.text, webhook.text, sub_account.text)
    segment = await client.post(f"/lists/{contact_list['id']}/segments", json={"name": f"Victim segment {marker}", "query": f"email = '{email}'"})
    assert (template.status_code, campaign.status_code, sent.status_code, suppressed.status_code, segment.status_code) == (201,) * 5, (
        template.text, campaign.text, sent.text, suppressed.text, segment.text)
    params = {"list_id": contact_list["id"], "contact_id": contact["id"], "sender_id": int(sender["id"]),
              "template_id": template.json()["id"], "campaign_id": campaign.json()["id"], "email": suppressed.json()["email"],
              "segment_id": segment.json()["id"], "tag": tag.json()["tag"],
              "interest_name": interest.json()["data"]["name"],
              "name": attribute.json()["name"], "webhook_id": webhook.json()["id"], "account_id": sub_account.json()["id"]}
    workflow = await client.post("/workflows", json={"name": f"Victim workflow {marker}", "audience": {"list_id": contact_list["id"]}})
    assert workflow.status_code == 201, workflow.text
    action = await client.post(f"/workflows/{workflow.json()['id']}/actions", json={
        "name": f"Victim action {marker}", "condition": "none", "delay": 0, "type": "email",
        "email_settings": {"sender": {"id": sender["id"]}, "content": {"subject": f"Victim flow {marker}", "html": "<p>Private</p>"}}})
    assert action.status_code == 201, action.text
    params.update(workflow_id=workflow.json()["id"], action_id=action.json()["id"])
    contacts_export = await client.post(f"/lists/{contact_list['id']}/exports", params={"description": f"Victim export {marker}"})
    log_export = await client.post(f"/logs/campaigns/{campaign.json()['id']}/exports", json={"description": f"Victim log {marker}"})
    assert (contacts_export.status_code, log_export.status_code) == (201, 201), (contacts_export.text, log_export.text)
    params.update(export_id=contacts_export.json()["id"], campaign_log_export_id=log_export.json()["id"], task_id=contacts_export.json()["id"])
    colleague = await client.post("/users", json={"first_name": "Victim", "last_name": f"Colleague{marker}", "email": f"victim.user.{marker}@example.com"})
    assert colleague.status_code == 201, colleague.text
    params["user_id"] = colleague.json()["id"]
    form = await client.post("/forms", json=form_body(contact_list["id"], name=f"Victim form {marker}"))
    assert form.status_code == 201, form.text
    params["form_id"] = form.json()["id"]
    strings = {marker, email, sender["email"], client.user.email, client.user.tenant.slug, suppressed.json()["email"], colleague.json()["data"]["email"]}
    dkim_key = await client.post("/brands/default/dkim", json={"selector": "s1", "domain": f"victim-{marker}.example"})
    domains = await client.patch("/brands/default/domains/default", json={"domains": {"bounce": f"bounce.victim-{marker}.example"}})
    system_emails = await client.put("/brands/default/system-emails", json={"sender_confirm": [
        {"language": "en_US", "template": {"id": params["template_id"]}, "sender": {"id": sender["id"]}}]})
    assert (dkim_key.status_code, domains.status_code, system_emails.status_code) == (201, 200, 200), (dkim_key.text, domains.text, system_emails.text)
    params.update(id=dkim_key.json()["data"]["id"], blueprint_id=params["template_id"])
    return Victim(client=client, sender_id=int(sender["id"]), params=params, contact_email=email, strings=strings,
                  confirmation_id=_confirmation_id(client.user.account_id, sender))


def _confirmation_id(account_id: int, sender: dict) -> str:
    """What the confirmation mail to the sender says (domain.brands.confirmation), without waiting for it."""
    from types import SimpleNamespace

    from app.settings import get_settings
    from domain.brands.confirmation import confirmation_id

    return confirmation_id(get_settings().secret_key, SimpleNamespace(tenant_id=account_id, id=int(sender["id"]), address=sender["email"]))


@pytest.fixture
async def attacker(make_user, login) -> Caller:
    """A user of another account, with a sender and a list of its own (so its lists are not empty)."""
    client = await login(await make_user())
    sender = await add_sender(client)
    await add_list(client, sender["id"], name="Intruder newsletter")
    return Caller(client=client, sender_id=int(sender["id"]), confirmation_id=_confirmation_id(client.user.account_id, sender))


async def _state(v: Victim) -> dict:
    tenant = v.client.user.tenant
    return (await tenant.graph(STATE, {"slug": tenant.slug}))["tenant"]


def _leaks(response: httpx.Response, v: Victim, sent: str) -> list[str]:
    """The victim's identifiers in the response; an error may echo what the attacker sent itself (`sent`), nothing else."""
    error = response.status_code >= 400
    return [s for s in v.strings if s in response.text and not (error and s in sent)]


async def _call(caller: Caller, route: CompatRoute, v: Victim, *, account_id: int | None) -> tuple[httpx.Response, str]:
    case = CASES.get((route.method, route.path), Case())
    path = route.path.format(**{name: v.params[name] for name in _path_parameters(route.path)})
    query = {**(case.query(v) if case.query else {}), **({"account_id": str(account_id)} if account_id else {})} or None
    body = case.body(v, caller) if case.body else None
    form = case.form(v, caller) if case.form else None
    response = await caller.client.request(route.method, path, json=body, data=form, params=query)
    return response, " ".join([path, json.dumps(query), json.dumps(body), json.dumps(form)])


def _expect(response: httpx.Response, route: CompatRoute, *, refused: tuple[int, ...] | None, v: Victim, attacker: Caller,
            sent: str, what: str) -> None:
    if refused:
        assert response.status_code in refused, (what, response.status_code, response.text)
        body = assert_valid(response, route.path, route.method)  # the contract's envelope for that status
        assert body["detail"], (what, body)
    else:  # the attacker's own data
        assert response.status_code < 300, (what, response.status_code, response.text)
        body = assert_valid(response, route.path, route.method)
        case = CASES.get((route.method, route.path), Case())
        if case.check:
            case.check(body, v, attacker)
    assert _leaks(response, v, sent) == [], (what, response.text)


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
async def test_another_accounts_token_is_refused_and_changes_nothing(route: CompatRoute, victim: Victim, attacker: Caller):
    case = CASES.get((route.method, route.path), Case())
    names_victim = bool(_path_parameters(route.path)) or case.names_victim
    tokenless = route.access is None  # the token endpoints: the caller's own credentials, never an account's data
    before = await _state(victim)

    # The victim's account_id with the attacker's token: not an account this token may act on.
    response, sent = await _call(attacker, route, victim, account_id=victim.account_id)
    _expect(response, route, refused=case.refused or (None if tokenless else (401, 403, 404)), v=victim, attacker=attacker, sent=sent,
            what="victim's account_id")

    # The attacker's own account, the victim's ids in the path (or its resources in the body): not found.
    response, sent = await _call(attacker, route, victim, account_id=None)
    _expect(response, route, refused=case.refused or ((404,) if names_victim else case.own_answer), v=victim, attacker=attacker, sent=sent, what="own account")

    assert await _state(victim) == before
    # The same request from the victim's own token finds its target and passes validation (a conflict with the target's
    # state, a campaign move or a sender still in use, is a 400): what refused it above is the isolation, not the input.
    response, _ = await _call(victim, route, victim, account_id=None)
    assert response.status_code < 300 or response.status_code == 400 or response.status_code in (*(case.refused or ()), *case.victim_answer), (
        "the victim itself", response.status_code, response.text)


async def test_an_own_campaign_is_not_rendered_for_another_accounts_contact(victim: Victim, attacker: Caller):
    own = await attacker.client.post("/campaigns", json=campaign_body(None, attacker.sender_id, name="Intruder",
                                                                        content={"subject": "Hi", "html": "<p>{{ first_name }} {{ email }}</p>"}))
    assert own.status_code == 201, own.text

    response = await attacker.client.get(f"/campaigns/{own.json()['id']}/render", params={"contact_id": victim.params["contact_id"]})

    assert response.status_code == 404, response.text
    assert assert_valid(response, "/campaigns/{campaign_id}/render", "GET")["detail"][0]["loc"] == ["body", "contact_id"]
    assert _leaks(response, victim, sent="") == []
