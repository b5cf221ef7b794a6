"""Doxie admin / webhook: webhook endpoints and their interactions (bearer tokens).

Doxie names its outgoing webhooks `message_sent`, `message_status_update`, `doi_confirmation`,
`process_cancelled`, `qr_code_visited`; they are translated to the graph's event names here. A name
without a counterpart (`rcs_message_response`) is passed on as given, so the graph refuses it.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.doxie import shapes
from app.compat.doxie.common import bool_param, int_param, node_of_tenant, ok, page_of, pagination, paging, require_tenant, tenant_id
from app.compat.framework import Call, CompatRoute
from domain.errors import Invalid
from domain.identity.models import Role


EVENTS = {
    "message_sent": ["message.sent"],
    "message_status_update": ["message.failed", "message.status_updated"],
    "doi_confirmation": ["doi.confirmed"],
    "process_cancelled": ["process.cancelled"],
    "qr_code_visited": ["qr_code.visited"],
}
FIELDS = "id databaseId url events active description basicAuthUsername createdAt tenant { id }"
LIST = f"""
query Endpoints($slug: String!, $active: Boolean, $first: Int, $after: String, $withNodes: Boolean!) {{
  tenant(slug: $slug) {{
    webhookEndpoints(first: $first, after: $after, active: $active) {{
      totalCount pageInfo {{ hasNextPage endCursor }} nodes @include(if: $withNodes) {{ {FIELDS} }}
    }}
  }}
}}"""
FIND = f"""query Endpoint($slug: String!, $id: ID!) {{ tenant(slug: $slug) {{ id }} node(id: $id) {{ ... on WebhookEndpoint {{ {FIELDS} }} }} }}"""
INTERACTIONS = """
query Interactions($id: ID!, $first: Int, $after: String, $withNodes: Boolean!) {
  node(id: $id) { ... on WebhookEndpoint {
    deliveries(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes @include(if: $withNodes) { databaseId webhookId event attempt payload responseStatus responseBody error succeeded createdAt endpoint { databaseId url } }
    }
  } }
}"""
CREATE = f"""
mutation Create($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{ webhookEndpoint {{ {FIELDS} }} signingSecret userErrors {{ field message code }} }}
}}"""
UPDATE = f"""
mutation Update($input: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(input: $input) {{ webhookEndpoint {{ {FIELDS} }} userErrors {{ field message code }} }}
}}"""
DELETE = """mutation Delete($input: DeleteInput!) { deleteWebhookEndpoint(input: $input) { deletedId userErrors { field message code } } }"""
ATTRIBUTES = {"url": "url", "active": "active", "description": "description",
              "basic_auth_username": "basicAuthUsername", "basic_auth_password": "basicAuthPassword"}


def _input(body: object) -> dict:
    """`{"webhook_abstract_endpoint": {...}}` as the graph's input fields."""
    attributes = body.get("webhook_abstract_endpoint") if isinstance(body, dict) else None
    if not isinstance(attributes, dict):
        raise Invalid("The body needs a webhook_abstract_endpoint object", code="REQUIRED", field="webhook_abstract_endpoint")
    fields = {graph: attributes[name] for name, graph in ATTRIBUTES.items() if name in attributes}
    if "events" in attributes:
        events = attributes["events"]
        if events is not None and not (isinstance(events, list) and all(isinstance(e, str) for e in events)):
            raise Invalid("events must be a list of event names", code="INVALID_TYPE", field="events")
        fields["events"] = [graph for event in events or [] for graph in EVENTS.get(event, [event])]
    return fields


async def _endpoint(call: Call) -> dict:
    """The endpoint in the path, when it belongs to the tenant in the path."""
    return await node_of_tenant(call, FIND, param="endpoint_id", type_name="WebhookEndpoint", what="Webhook endpoint", code="ENDPOINT_NOT_FOUND")


async def list_endpoints(call: Call) -> JSONResponse:
    page, limit = paging(call)
    active = None if bool_param(call, "show_inactive") else True
    found = await page_of(call, LIST, {"slug": call.params["tenant"], "active": active}, ("tenant", "webhookEndpoints"), page=page, limit=limit)
    if found is None:
        require_tenant(call, None)
    nodes, total = found
    return ok({"endpoints": [shapes.endpoint(n, EVENTS) for n in nodes], "pagination": pagination(page, limit, total)})


async def create_endpoint(call: Call) -> JSONResponse:
    fields = _input(await call.json())
    result = (await call.graphql(CREATE, {"input": {"tenantId": await tenant_id(call), **fields}}))["createWebhookEndpoint"]
    data = shapes.endpoint(result["webhookEndpoint"], EVENTS) | {"signing_secret": result["signingSecret"]}
    return ok(data, "Webhook erfolgreich erstellt")


async def show_endpoint(call: Call) -> JSONResponse:
    endpoint = await _endpoint(call)
    page, limit = int_param(call, "page", 1), int_param(call, "limit", 200, maximum=1000)
    nodes, total = await page_of(call, INTERACTIONS, {"id": endpoint["id"]}, ("node", "deliveries"), page=page, limit=limit)
    return ok({"endpoint": shapes.endpoint(endpoint, EVENTS),
               "interactions": [shapes.interaction(n) for n in nodes], "pagination": pagination(page, limit, total)})


async def update_endpoint(call: Call) -> JSONResponse:
    fields = _input(await call.json())
    endpoint = await _endpoint(call)
    result = (await call.graphql(UPDATE, {"input": {"id": endpoint["id"], **fields}}))["updateWebhookEndpoint"]
    return ok(shapes.endpoint(result["webhookEndpoint"], EVENTS), "Webhook endpoint updated successfully")


async def delete_endpoint(call: Call) -> JSONResponse:
    endpoint = await _endpoint(call)
    await call.graphql(DELETE, {"input": {"id": endpoint["id"]}})
    return ok({"id": endpoint["databaseId"]}, "Webhook endpoint deleted successfully")


PATH = "/api/v1/admin/{tenant}/webhook/endpoints"
ROUTES = [
    CompatRoute("GET", PATH, list_endpoints, Role.READ, "List webhook endpoints"),
    CompatRoute("POST", PATH, create_endpoint, Role.WRITE, "Create a webhook endpoint"),
    CompatRoute("GET", PATH + "/{endpoint_id}", show_endpoint, Role.READ, "Show a webhook endpoint and its interactions"),
    CompatRoute("PATCH", PATH + "/{endpoint_id}", update_endpoint, Role.WRITE, "Update a webhook endpoint"),
    CompatRoute("DELETE", PATH + "/{endpoint_id}", delete_endpoint, Role.WRITE, "Delete a webhook endpoint"),
]
