"""Contactflow customers and tokens: a customer added to an automation is an enrollment, and so is
its token (one UUID for both, `Enrollment.uuid`)."""
from __future__ import annotations

from starlette.responses import JSONResponse, Response

from app.compat.contactflow import inputs, shapes
from app.compat.contactflow.auth import node_of, node_uuid
from app.compat.contactflow.shapes import TOKEN_FIELDS
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role

AUTOMATION_REF = """query AutomationRef($node: UUID!, $uuid: String!) {
  tenant(uuid: $node) { id settings campaign(externalId: $uuid, kind: AUTOMATION) { id } } }"""
CUSTOMER_REF = """query CustomerRef($node: UUID!, $automation: String!, $uuid: String!) {
  tenant(uuid: $node) { id campaign(externalId: $automation, kind: AUTOMATION) { id } enrollment(uuid: $uuid) { id campaign { id } } } }"""
ENROLL = f"""mutation AddCustomer($input: EnrollCustomerInput!) {{
  enrollCustomer(input: $input) {{ enrollment {{ {TOKEN_FIELDS} }} userErrors {{ field message code }} }} }}"""
ENROLL_BATCH = """mutation AddCustomerBatch($input: EnrollCustomersInput!) {
  enrollCustomers(input: $input) { batch { sourceUuid sourceLabel status } userErrors { field message code } } }"""
REMOVE = """mutation RemoveCustomer($input: RemoveCustomerInput!) { removeCustomer(input: $input) { enrollment { id } userErrors { field message code } } }"""
REMOVE_BATCH = """mutation RemoveCustomerBatch($input: RemoveCustomerBatchInput!) {
  removeCustomerBatch(input: $input) { removedCount userErrors { field message code } } }"""
TOKEN = f"""query Token($node: UUID!, $uuid: String!) {{ tenant(uuid: $node) {{ id enrollment(uuid: $uuid) {{ {TOKEN_FIELDS} }} }} }}"""
TOKENS = f"""query Tokens($node: UUID!, $first: Int!, $offset: Int!, $filter: EnrollmentFilter) {{
  tenant(uuid: $node) {{ id enrollments(filter: $filter, first: $first, offset: $offset) {{ totalCount nodes {{ {TOKEN_FIELDS} }} }} }} }}"""


async def _automation(call: Call) -> tuple[dict, str]:
    """(the node's tenant, the automation's campaign id)."""
    tenant = node_of(await call.graphql(AUTOMATION_REF, {"node": node_uuid(call), "uuid": call.params["automationUuid"]}))
    if tenant["campaign"] is None:
        raise NotFound(f"Automation {call.params['automationUuid']} not found", code="AUTOMATION_NOT_FOUND", field="automationUuid")
    return tenant, tenant["campaign"]["id"]


def _hub_phone_field(tenant: dict) -> str | None:
    return shapes.node_settings(tenant).get("hubPhoneField")


async def add_customer(call: Call) -> JSONResponse:
    body = await inputs.body_object(call)
    tenant, campaign_id = await _automation(call)
    variables = {"input": {"campaignId": campaign_id, "customer": inputs.customer(body, _hub_phone_field(tenant))}}
    enrollment = (await call.graphql(ENROLL, variables))["enrollCustomer"]["enrollment"]
    return JSONResponse(shapes.customer(enrollment), status_code=201)


async def delete_customer(call: Call) -> Response:
    variables = {"node": node_uuid(call), "automation": call.params["automationUuid"], "uuid": call.params["customerUuid"]}
    tenant = node_of(await call.graphql(CUSTOMER_REF, variables))
    if tenant["campaign"] is None:
        raise NotFound(f"Automation {variables['automation']} not found", code="AUTOMATION_NOT_FOUND", field="automationUuid")
    enrollment = tenant["enrollment"]
    if enrollment is None or enrollment["campaign"]["id"] != tenant["campaign"]["id"]:
        raise NotFound(f"Customer {variables['uuid']} is not in this automation", code="CUSTOMER_NOT_FOUND", field="customerUuid")
    await call.graphql(REMOVE, {"input": {"enrollmentId": enrollment["id"]}})
    return Response(status_code=204)


async def add_customer_batch(call: Call) -> JSONResponse:
    body = await inputs.body_object(call)
    tenant, campaign_id = await _automation(call)
    customers = body.get("customers")
    if not isinstance(customers, list):
        raise Invalid("customers must be an array", code="REQUIRED" if customers is None else "INVALID_TYPE", field="customers")
    hub = _hub_phone_field(tenant)
    mapped = []
    for index, customer in enumerate(customers):
        if not isinstance(customer, dict):
            raise Invalid(f"customers[{index}] must be an object", code="INVALID_TYPE", field=f"customers[{index}]")
        try:
            mapped.append(inputs.customer(customer, hub))
        except DomainError as error:
            error.field = f"customers[{index}].{error.field}"
            raise
    status = inputs.text(body, "status")
    variables = {"input": {
        "campaignId": campaign_id, "customers": mapped, "sourceUuid": inputs.uuid_text(body, "sourceUuid"),
        "sourceLabel": inputs.text(body, "sourceLabel"), "packet": inputs.text(body, "packet"), "closed": status == "CLOSED",
        "notification": inputs.obj(body, "notification") or None,
    }}
    batch = (await call.graphql(ENROLL_BATCH, variables))["enrollCustomers"]["batch"]
    return JSONResponse(shapes.batch(batch), status_code=201)


async def delete_customer_batch(call: Call) -> Response:
    source = call.query.get("sourceUuid")
    if not source:
        raise Invalid("sourceUuid is required", code="REQUIRED", field="sourceUuid")
    _, campaign_id = await _automation(call)
    await call.graphql(REMOVE_BATCH, {"input": {"campaignId": campaign_id, "sourceUuid": source}})
    return Response(status_code=204)


async def get_token(call: Call) -> JSONResponse:
    tenant = node_of(await call.graphql(TOKEN, {"node": node_uuid(call), "uuid": call.params["tokenUuid"]}))
    if tenant["enrollment"] is None:
        raise NotFound(f"Token {call.params['tokenUuid']} not found", code="TOKEN_NOT_FOUND", field="tokenUuid")
    return JSONResponse(shapes.token(tenant["enrollment"]))


def token_filter(call: Call) -> dict:
    """The EnrollmentFilter of a token search (and of the tokens report): automation, step, customer, recipient, aggregated status."""
    query = call.query
    aggregated = query.get("aggregatedStatus")
    if aggregated is not None and aggregated not in shapes.AGGREGATED_STATUS:
        raise Invalid(f"aggregatedStatus must be one of {', '.join(shapes.AGGREGATED_STATUS)}", code="INVALID_STATUS", field="aggregatedStatus")
    return {
        "campaignExternalId": query.get("automationUuid"), "stepExternalId": query.get("stepUuid"), "clabUuid": query.get("clabUuid"),
        "recipient": query.get("recipient"), "statuses": shapes.AGGREGATED_STATUS[aggregated] if aggregated else shapes.CURRENT_TOKENS,
    }


async def search_tokens(call: Call) -> JSONResponse:
    page, size = inputs.paging(call)
    query = call.query
    variables = {"node": node_uuid(call), "first": size, "offset": page * size, "filter": token_filter(call)}
    found = node_of(await call.graphql(TOKENS, variables))["enrollments"]
    compact = query.get("style") == "compact"
    return JSONResponse(shapes.page([shapes.token(t, compact=compact) for t in found["nodes"]], number=page, size=size, total=found["totalCount"]))


ROUTES = [
    CompatRoute("POST", "/automations/{automationUuid}/customers/batch", add_customer_batch, Role.WRITE, "Add a batch of customers to an automation"),
    CompatRoute("DELETE", "/automations/{automationUuid}/customers/batch", delete_customer_batch, Role.WRITE,
                "Delete an incomplete batch of customers from an automation"),
    CompatRoute("POST", "/automations/{automationUuid}/customers", add_customer, Role.WRITE, "Add a customer to an automation"),
    CompatRoute("DELETE", "/automations/{automationUuid}/customers/{customerUuid}", delete_customer, Role.WRITE, "Delete a customer from an automation"),
    CompatRoute("GET", "/tokens/{tokenUuid}", get_token, Role.READ, "Get token info"),
    CompatRoute("GET", "/tokens", search_tokens, Role.READ, "Search current customers in node"),
]
