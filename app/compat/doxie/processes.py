"""Doxie admin / shared: list processes, show one with its records, cancel one (bearer tokens)."""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import int_param, ok, page_of, pagination, paging, require_tenant
from app.compat.doxie.sending import find_process
from app.compat.framework import Call, CompatRoute
from domain.errors import NotFound
from domain.identity.models import Role

PROCESS_FIELDS = """id uuid kind status payload createdAt cancelledAt event { databaseId slug name type }
  qrCode { uuid targetUrl validUntil status url }"""
CONSENT_FIELDS = "consent { databaseId status subscribedAt unsubscribedAt list { databaseId name } contact { email phone } }"
MESSAGE_FIELDS = """databaseId channel status recipient sender subject errorCode error createdAt scheduledAt sentAt deliveredAt
  template { apiName name }"""
LIST = f"""
query Processes($slug: String!, $first: Int, $after: String, $withNodes: Boolean!) {{
  tenant(slug: $slug) {{
    processes(first: $first, after: $after) {{
      totalCount pageInfo {{ hasNextPage endCursor }} nodes @include(if: $withNodes) {{ {PROCESS_FIELDS} }}
    }}
  }}
}}"""
CANCEL = f"""
mutation Cancel($input: CancelProcessInput!) {{
  cancelProcess(input: $input) {{ process {{ {PROCESS_FIELDS} }} userErrors {{ field message code }} }}
}}"""
SHOW = f"""query Process($slug: String!, $uuid: String!) {{ tenant(slug: $slug) {{ process(uuid: $uuid) {{ {PROCESS_FIELDS} {CONSENT_FIELDS} }} }} }}"""
MESSAGES = f"""
query Messages($slug: String!, $uuid: String!, $channel: Channel, $statuses: [MessageStatus!], $scheduled: Boolean,
               $first: Int, $after: String, $withNodes: Boolean!) {{
  tenant(slug: $slug) {{ process(uuid: $uuid) {{
    messages(first: $first, after: $after, channel: $channel, statuses: $statuses, scheduled: $scheduled) {{
      totalCount pageInfo {{ hasNextPage endCursor }} nodes @include(if: $withNodes) {{ {MESSAGE_FIELDS} }}
    }}
  }} }}
}}"""
INTERACTIONS = """
query Interactions($slug: String!, $uuid: String!, $first: Int, $after: String, $withNodes: Boolean!) {
  tenant(slug: $slug) { process(uuid: $uuid) {
    webhookDeliveries(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes @include(if: $withNodes) { databaseId webhookId event attempt payload responseStatus responseBody error succeeded createdAt endpoint { databaseId url } }
    }
  } }
}"""

NESTED_PAGE_SIZE = 20  # the seed: each nested collection returns up to 20
SUCCESSFUL = ["SENT", "DELIVERED"]
UNSUCCESSFUL = ["FAILED", "BOUNCED", "CANCELLED"]
# Doxie's message collections of a process: (name, channel, statuses, scheduled)
COLLECTIONS = [
    ("successful_emails", "EMAIL", SUCCESSFUL, None),
    ("unsuccessful_emails", "EMAIL", UNSUCCESSFUL, None),
    ("successful_sms_messages", "SMS", SUCCESSFUL, None),
    ("unsuccessful_sms_messages", "SMS", UNSUCCESSFUL, None),
    ("successful_rcs_messages", "RCS", SUCCESSFUL, None),
    ("unsuccessful_rcs_messages", "RCS", UNSUCCESSFUL, None),
    ("scheduled_messages", None, ["QUEUED"], True),
]


async def list_processes(call: Call) -> JSONResponse:
    page, limit = paging(call)
    found = await page_of(call, LIST, {"slug": call.params["tenant"]}, ("tenant", "processes"), page=page, limit=limit)
    if found is None:
        require_tenant(call, None)
    nodes, total = found
    return ok({"processes": [shapes.process(n) for n in nodes], "pagination": pagination(page, limit, total)})


async def show_process(call: Call) -> JSONResponse:
    variables = {"slug": call.params["tenant"], "uuid": call.params["uuid"]}
    process = require_tenant(call, (await call.graphql(SHOW, variables))["tenant"])["process"]
    if process is None:
        raise NotFound(f"Process {call.params['uuid']} not found", code="PROCESS_NOT_FOUND", field="uuid")
    data = {"process": shapes.process(process)}
    for name, channel, statuses, scheduled in COLLECTIONS:
        page = int_param(call, f"{name}_page", 1)
        found = await page_of(call, MESSAGES, {**variables, "channel": channel, "statuses": statuses, "scheduled": scheduled},
                              ("tenant", "process", "messages"), page=page, limit=NESTED_PAGE_SIZE)
        data[name] = _collection([shapes.message(n) for n in found[0]], page, found[1]) if found else _collection([], page, 0)
    consent = process["consent"] and shapes.consent(process["consent"])  # a DOI mail's process asks for one consent
    for name, status in (("confirmed_consents", "confirmed"), ("unconfirmed_consents", "unconfirmed")):
        page = int_param(call, f"{name}_page", 1)
        items = [consent] if consent and consent["status"] == status else []
        data[name] = _collection(items if page == 1 else [], page, len(items))
    page = int_param(call, "webhook_interactions_page", 1)
    found = await page_of(call, INTERACTIONS, variables, ("tenant", "process", "webhookDeliveries"), page=page, limit=NESTED_PAGE_SIZE)
    data["webhook_interactions"] = _collection([shapes.interaction(n) for n in found[0]], page, found[1]) if found else _collection([], page, 0)
    return ok(data)


def _collection(items: list, page: int, count: int) -> dict:
    return {"items": items, "pagination": pagination(page, NESTED_PAGE_SIZE, count)}


async def cancel_process(call: Call) -> JSONResponse:
    process = await find_process(call, call.params["uuid"])
    data = await call.graphql(CANCEL, {"input": {"processId": process["id"]}})
    return ok(shapes.process(data["cancelProcess"]["process"]), "Prozessvorgang erfolgreich abgebrochen")


ROUTES = [
    CompatRoute("GET", "/api/v1/admin/{tenant}/shared/processes", list_processes, Role.READ, "List processes"),
    CompatRoute("GET", "/api/v1/admin/{tenant}/shared/processes/{uuid}", show_process, Role.READ, "Show a process and its associated records"),
    CompatRoute("POST", "/api/v1/admin/{tenant}/shared/processes/{uuid}/cancel", cancel_process, Role.WRITE, "Cancel a process (admin)"),
]
