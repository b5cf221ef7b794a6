"""Contactflow KPIs and feedbacks, aggregated in SQL by the graph: the caller's nodes with their automations per
status (`GET /kpis/nodes`, no Node header), and the outcome of an automation's messages per step (feedbacks)."""
from __future__ import annotations

import csv
import io
import re
import zipfile

from starlette.responses import JSONResponse, Response

from app.compat.contactflow import automations, customers, inputs, shapes
from app.compat.contactflow.auth import node_of, node_uuid
from app.compat.contactflow.shapes import NODE_FIELDS
from app.compat.framework import Call, CompatRoute
from domain.errors import NotFound
from domain.identity.models import Role

KPI_NODES = f"""query NodeKpis($first: Int!, $offset: Int!) {{
  tenants(first: $first, offset: $offset) {{ totalCount nodes {{ {NODE_FIELDS} campaignCounts(kinds: [AUTOMATION]) {{ status count }} }} }} }}"""
FEEDBACKS = """query AutomationFeedbacks($node: UUID!, $uuid: String!, $step: String) {
  tenant(uuid: $node) { id campaign(externalId: $uuid, kind: AUTOMATION) { externalId
    feedbacks(stepExternalId: $step) { step { externalId type name settings templateId } messages statuses { status count } events { type count } } } } }"""

REPORT = """query AutomationReport($node: UUID!, $offset: Int!, $statuses: [CampaignStatus!], $filter: CampaignFilter) {
  tenant(uuid: $node) { id campaigns(kinds: [AUTOMATION], statuses: $statuses, filter: $filter, first: 100, offset: $offset) {
    nodes { externalId name status options feedbacks { step { externalId type name settings templateId } messages statuses { status count } events { type count } } }
    pageInfo { hasNextPage } } } }"""
REPORT_ONE = """query AutomationReportOne($node: UUID!, $uuid: String!) {
  tenant(uuid: $node) { id campaign(externalId: $uuid, kind: AUTOMATION) {
    externalId name status options feedbacks { step { externalId type name settings templateId } messages statuses { status count } events { type count } } } } }"""


async def node_kpis(call: Call) -> JSONResponse:
    page, size = inputs.paging(call)
    found = (await call.graphql(KPI_NODES, {"first": size, "offset": page * size}))["tenants"]
    elements = [shapes.node_kpis(tenant) for tenant in found["nodes"]]
    return JSONResponse(shapes.page(elements, number=page, size=size, total=found["totalCount"]))


async def _feedbacks(call: Call, step: str | None) -> tuple[str, list[dict]]:
    automation = call.params["automationUuid"]
    campaign = node_of(await call.graphql(FEEDBACKS, {"node": node_uuid(call), "uuid": automation, "step": step}))["campaign"]
    if campaign is None:
        raise NotFound(f"Automation {automation} not found", code="AUTOMATION_NOT_FOUND", field="automationUuid")
    feedbacks = [shapes.step_feedback(f) for f in campaign["feedbacks"] if f["step"] is not None]
    if step is not None and not feedbacks:
        raise NotFound(f"Step {step} not found in automation {automation}", code="STEP_NOT_FOUND", field="stepUuid")
    return campaign["externalId"], feedbacks


async def automation_feedbacks(call: Call) -> JSONResponse:
    automation, steps = await _feedbacks(call, None)
    return JSONResponse({"automationUuid": automation, "steps": steps})


async def step_feedbacks(call: Call) -> JSONResponse:
    _, steps = await _feedbacks(call, call.params["stepUuid"])
    return JSONResponse(steps[0])


async def _report_automations(call: Call) -> list[dict]:
    """The automations the report covers: the one named by `automationUuid`, else every one the filters keep, 100 a page
    (each page's feedbacks are counted in one statement)."""
    if call.query.get("automationUuid"):
        found = node_of(await call.graphql(REPORT_ONE, {"node": node_uuid(call), "uuid": call.query["automationUuid"]}))["campaign"]
        return [found] if found else []
    variables = {"node": node_uuid(call), "statuses": inputs.statuses_in(inputs.query_list(call, "status")), "filter": automations._filter(call)}
    found, offset = [], 0
    while True:
        page = node_of(await call.graphql(REPORT, {**variables, "offset": offset}))["campaigns"]
        found += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        offset += len(page["nodes"])


async def automation_reports(call: Call) -> Response:
    """A CSV file: a row per step of each automation, with its feedbacks."""
    filename = _filename(call, "feedbacks")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(shapes.REPORT_COLUMNS)
    for campaign in await _report_automations(call):
        for feedback in campaign["feedbacks"]:
            if feedback["step"] is not None:
                writer.writerow(shapes.report_row(campaign, shapes.step_feedback(feedback)))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def _filename(call: Call, default: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", call.query.get("filename") or default)[:100]


async def token_reports(call: Call) -> Response:
    """A ZIP file holding one CSV: a line per current token the filters of `GET /tokens` keep, 100 read a page."""
    filename = _filename(call, "automations-monitor")
    variables = {"node": node_uuid(call), "first": 100, "filter": customers.token_filter(call)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(shapes.TOKEN_REPORT_COLUMNS)
    offset = 0
    while True:
        found = node_of(await call.graphql(customers.TOKENS, {**variables, "offset": offset}))["enrollments"]
        for token in found["nodes"]:
            writer.writerow(shapes.token_report_row(token))
        offset += len(found["nodes"])
        if not found["nodes"] or offset >= found["totalCount"]:
            break
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{filename}.csv", out.getvalue())
    return Response(archive.getvalue(), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{filename}.zip"'})


# Before the automation and token routes: `/automations/reports` is not an automation's uuid, `/tokens/reports` not a token's.
ROUTES = [
    CompatRoute("GET", "/automations/reports", automation_reports, Role.READ, "Get reports for all Automations (CSV)"),
    CompatRoute("GET", "/tokens/reports", token_reports, Role.READ, "Get reports for all Tokens (ZIP)"),
    CompatRoute("GET", "/kpis/nodes", node_kpis, Role.READ, "Get nodes basic infos and automations status aggregate"),
    CompatRoute("GET", "/automations/{automationUuid}/feedbacks", automation_feedbacks, Role.READ, "Get feedbacks for an automation"),
    CompatRoute("GET", "/automations/{automationUuid}/steps/{stepUuid}/feedbacks", step_feedbacks, Role.READ, "Get feedbacks for a step"),
]
