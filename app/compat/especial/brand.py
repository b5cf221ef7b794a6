"""Especial brand routes (see app/compat/especial/routes.py): DKIM keys, the tracking and bounce domains, system
emails, and confirming senders by mail. Thin adapters onto the graph (rules in domain.brands.dkim, .domains,
.system_emails, .confirmation).

- A DKIM key's `public_key` is the TXT record to publish (`v=DKIM1; k=rsa; p=...`) at `{selector}._domainkey.{domain}`;
  the private key is never shown. `account_default` / `status: active` mark the key that signs its domain's mail
  (the domain's newest); older keys of the domain are `inactive`.
- Domain validation looks the records up in DNS; with no resolver configured (or none answering) it answers a 400
  `dns_unreachable`, never a validation it did not do.
- confirm-email needs no token: the confirmation id from the mail is the proof.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import auth, validation
from app.compat.especial import audience_shapes as shapes
from app.compat.especial.audience import _sender, json_body
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

ERRORS = "userErrors { field message code }"
DKIM_FIELDS = "databaseId domain selector dnsRecord isDefault brand tenant { id }"
DKIM_KEYS = f"query EspecialDkimKeys($account: ID!) {{ node(id: $account) {{ ... on Tenant {{ dkimKeys {{ {DKIM_FIELDS} }} }} }} }}"
DKIM_KEY = f"query EspecialDkimKey($id: ID!) {{ node(id: $id) {{ ... on DkimKey {{ {DKIM_FIELDS} }} }} }}"
CREATE_DKIM = f"""mutation EspecialCreateDkimKey($input: CreateDkimKeyInput!) {{
  createDkimKey(input: $input) {{ dkimKey {{ {DKIM_FIELDS} }} {ERRORS} }} }}"""
DELETE_DKIM = f"""mutation EspecialDeleteDkimKey($input: DeleteInput!) {{ deleteDkimKey(input: $input) {{ dkimKey {{ {DKIM_FIELDS} }} {ERRORS} }} }}"""
DOMAIN_FIELDS = "tracking bounce forward auth dkim"
DOMAINS = f"query EspecialDomains($account: ID!) {{ node(id: $account) {{ ... on Tenant {{ brandDomains {{ {DOMAIN_FIELDS} }} }} }} }}"
UPDATE_DOMAINS = f"""mutation EspecialUpdateDomains($input: UpdateBrandDomainsInput!) {{
  updateBrandDomains(input: $input) {{ domains {{ {DOMAIN_FIELDS} }} {ERRORS} }} }}"""
VALIDATE_DOMAINS = f"""mutation EspecialValidateDomains($input: ValidateBrandDomainsInput!) {{
  validateBrandDomains(input: $input) {{ bounce {{ entry valid }} tracking {{ entry valid }} {ERRORS} }} }}"""
SYSTEM_EMAIL_FIELDS = "kind language template { databaseId } sender { databaseId }"
SYSTEM_EMAILS = f"query EspecialSystemEmails($account: ID!) {{ node(id: $account) {{ ... on Tenant {{ systemEmails {{ {SYSTEM_EMAIL_FIELDS} }} }} }} }}"
SET_SYSTEM_EMAILS = f"""mutation EspecialSetSystemEmails($input: SetSystemEmailsInput!) {{
  setSystemEmails(input: $input) {{ systemEmails {{ {SYSTEM_EMAIL_FIELDS} }} {ERRORS} }} }}"""
CONFIRMED_FIELDS = "databaseId name address verified settings"  # no tenant: the caller has no credential
CONFIRM_SENDER = f"""mutation EspecialConfirmSender($input: ConfirmSenderInput!) {{
  confirmSender(input: $input) {{ sender {{ {CONFIRMED_FIELDS} }} {ERRORS} }} }}"""
SEND_CONFIRMATION = f"""mutation EspecialResendConfirmation($input: SendSenderConfirmationInput!) {{
  sendSenderConfirmation(input: $input) {{ sender {{ databaseId }} {ERRORS} }} }}"""
KINDS = ("account_confirm", "user_confirm", "sender_confirm", "password_reset", "contact_double_opt_in")


# --- DKIM -----------------------------------------------------------------------------------------------

def dkim_key(node: dict, *, full: bool = True) -> dict:
    shape = {"id": node["databaseId"], "status": "active" if node["isDefault"] else "inactive", "selector": node["selector"],
             "domain": node["domain"], "public_key": node["dnsRecord"]}
    return {**shape, "account_default": node["isDefault"]} if full else shape


async def _dkim_key(call: Call) -> dict:
    account = await auth.account(call)
    raw = validation.integer(call.params["id"], name="id")
    node = (await call.graphql(DKIM_KEY, {"id": to_global_id("DkimKey", raw)}))["node"] if 0 < raw < 2**63 else None
    if not node or node["tenant"]["id"] != account or node["brand"] != "default":
        raise NotFound(f"DKIM key {raw} not found", code="DKIM_KEY_NOT_FOUND", field="id")
    return node


async def list_dkim_keys(call: Call) -> JSONResponse:
    account = await auth.account(call)
    nodes = (await call.graphql(DKIM_KEYS, {"account": account}))["node"]["dkimKeys"]
    return JSONResponse({"data": [dkim_key(n) for n in nodes if n["brand"] == "default"]})


async def create_dkim_key(call: Call) -> JSONResponse:
    body = await json_body(call, "CreateDkim")
    account = await auth.account(call)
    data = await _run(call, CREATE_DKIM, {"input": {"tenantId": account, "domain": body["domain"], "selector": body.get("selector")}})
    return JSONResponse({"object": "dkim", "created": True, "data": dkim_key(data["createDkimKey"]["dkimKey"], full=False)}, status_code=201)


async def get_dkim_key(call: Call) -> JSONResponse:
    return JSONResponse({"data": dkim_key(await _dkim_key(call))})


async def delete_dkim_key(call: Call) -> JSONResponse:
    node = await _dkim_key(call)
    data = await _run(call, DELETE_DKIM, {"input": {"id": to_global_id("DkimKey", node["databaseId"])}})
    shape = dkim_key({**data["deleteDkimKey"]["dkimKey"], "isDefault": node["isDefault"]}, full=False)
    return JSONResponse({"object": "dkim", "deleted": True, "data": shape})


# --- domains -----------------------------------------------------------------------------------------------

def domains(node: dict) -> dict:
    shape = {name: node[name] or "" for name in ("auth", "bounce", "dkim", "tracking")}
    return {**shape, "forward": node["forward"]} if node["forward"] else shape


async def show_domains(call: Call) -> JSONResponse:
    account = await auth.account(call)
    return JSONResponse({"data": domains((await call.graphql(DOMAINS, {"account": account}))["node"]["brandDomains"])})


async def patch_domains(call: Call) -> JSONResponse:
    body = await json_body(call, "PatchDomains")
    account = await auth.account(call)
    changes = {name: body["domains"][name] for name in ("tracking", "bounce", "forward") if name in body["domains"]}
    data = await _run(call, UPDATE_DOMAINS, {"input": {"tenantId": account, **changes}}, prefix="domains.")
    return JSONResponse({"object": "domains", "patched": True, "data": domains(data["updateBrandDomains"]["domains"])})


async def validate_domains(call: Call) -> JSONResponse:
    account = await auth.account(call)
    data = (await _run(call, VALIDATE_DOMAINS, {"input": {"tenantId": account}}))["validateBrandDomains"]
    return JSONResponse({"data": {"bounce": data["bounce"], "tracking": data["tracking"]}})


# --- system emails ---------------------------------------------------------------------------------------

def system_emails(nodes: list[dict]) -> dict:
    shape: dict[str, list] = {kind: [] for kind in KINDS}
    for node in nodes:
        entry = {"language": node["language"]}
        if node["template"]:
            entry["template"] = {"id": node["template"]["databaseId"]}
        if node["sender"]:
            entry["sender"] = {"id": str(node["sender"]["databaseId"])}
        shape[node["kind"].lower()].append(entry)
    return shape


async def show_system_emails(call: Call) -> JSONResponse:
    account = await auth.account(call)
    return JSONResponse({"data": system_emails((await call.graphql(SYSTEM_EMAILS, {"account": account}))["node"]["systemEmails"])})


async def _set_system_emails(call: Call, *, replace_all: bool) -> JSONResponse:
    body = await json_body(call, "SystemEmailsTemplates")
    account = await auth.account(call)
    emails, places = [], []  # places[i]: where the graph's emails.i came from in the body
    for kind in KINDS:
        for index, entry in enumerate(body.get(kind) or []):
            emails.append({"kind": kind.upper(), "language": entry["language"],
                           "templateId": to_global_id("Template", entry["template"]["id"]) if "template" in entry else None,
                           "senderId": _sender_gid(entry["sender"]["id"]) if "sender" in entry else None})
            places.append(f"{kind}.{index}")
    kinds = None if replace_all else [kind.upper() for kind in KINDS if kind in body]
    try:
        data = await call.graphql(SET_SYSTEM_EMAILS, {"input": {"tenantId": account, "emails": emails, "kinds": kinds}})
    except DomainError as error:
        head, _, index = (error.field or "").partition(".")
        if head == "emails" and index.split(".")[0].isdigit():
            rest = index.split(".", 1)[1] if "." in index else ""
            error.field = f"{places[int(index.split('.')[0])]}" + {"templateId": ".template.id", "senderId": ".sender.id"}.get(rest, f".{rest}" if rest else "")
        raise
    return JSONResponse({"object": "systememails", "updated": True, "data": system_emails(data["setSystemEmails"]["systemEmails"])})


def _sender_gid(raw: str) -> str:
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(f"Sender {raw} not found", code="SENDER_NOT_FOUND", field="sender.id")
    return to_global_id("Sender", int(raw))


async def set_system_emails(call: Call) -> JSONResponse:
    return await _set_system_emails(call, replace_all=True)


async def patch_system_emails(call: Call) -> JSONResponse:
    return await _set_system_emails(call, replace_all=False)


# --- sender confirmation ---------------------------------------------------------------------------------

async def confirm_sender(call: Call) -> JSONResponse:
    body = await json_body(call, "ConfirmSender")
    data = await _run(call, CONFIRM_SENDER, {"input": {"confirmationId": body["confirmation_id"]}})
    return JSONResponse({"confirmed": True, "object": "sender", "data": shapes.sender(data["confirmSender"]["sender"])})


async def resend_confirmation(call: Call) -> JSONResponse:
    node = await _sender(call, await auth.account(call))
    await _run(call, SEND_CONFIRMATION, {"input": {"id": to_global_id("Sender", node["databaseId"])}}, rename={"id": "sender_id"})
    return JSONResponse({"id": str(node["databaseId"]), "resent": True, "object": "sender"})


async def _run(call: Call, document: str, variables: dict, *, prefix: str = "", rename: dict | None = None) -> dict:
    """`call.graphql`, the failing field under Especial's name (`tenantId` is `account_id`, the others as sent)."""
    try:
        return await call.graphql(document, variables)
    except DomainError as error:
        names = {"tenantId": "account_id", "confirmationId": "confirmation_id", **(rename or {})}
        if error.field in names:
            error.field = names[error.field]
        elif error.field:
            error.field = prefix + error.field
        raise


ROUTES: list[CompatRoute] = [
    CompatRoute("GET", "/brands/default/dkim", list_dkim_keys, Role.READ, "List Dkim Keys"),
    CompatRoute("POST", "/brands/default/dkim", create_dkim_key, Role.WRITE, "Create Dkim Key"),
    CompatRoute("GET", "/brands/default/dkim/{id}", get_dkim_key, Role.READ, "Get Dkim Key"),
    CompatRoute("DELETE", "/brands/default/dkim/{id}", delete_dkim_key, Role.WRITE, "Delete Dkim Key"),
    CompatRoute("GET", "/brands/default/domains/default", show_domains, Role.READ, "Show domains"),
    CompatRoute("PATCH", "/brands/default/domains/default", patch_domains, Role.WRITE, "Change domains"),
    CompatRoute("GET", "/brands/default/domains/default/validate", validate_domains, Role.READ, "Validate domains"),
    CompatRoute("GET", "/brands/default/system-emails", show_system_emails, Role.READ, "Show system emails configuration"),
    CompatRoute("PUT", "/brands/default/system-emails", set_system_emails, Role.WRITE, "Set system emails configuration"),
    CompatRoute("PATCH", "/brands/default/system-emails", patch_system_emails, Role.WRITE, "Update system emails configuration"),
    # Before /brands/default/senders/{sender_id}: Starlette tries routes in order.
    CompatRoute("POST", "/brands/default/senders/confirm-email", confirm_sender, None, "Confirm a sender"),
    CompatRoute("POST", "/brands/default/senders/{sender_id}/resend-confirmation-email", resend_confirmation, Role.WRITE, "Resend confirmation email"),
]
