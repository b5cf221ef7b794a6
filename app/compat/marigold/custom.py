"""Marigold custom journeys onto CUSTOM campaigns (`api_name` = Campaign.externalId): triggering an entry point
sends its content to the body's items, one message per item, as a transactional send does.

The seed lists the Custom journey section without its bodies, so the trigger takes the transactional send's
body (`items`: an item or a list, each with `recipient`, `lookup`, `language`, `data`, `sg_external_id`) and
answers as it does (`result_code`, `errors`, `response_data`, `messages`). Custom journeys are made in the graph:
`createCampaign(input: {kind: CUSTOM, externalId, steps: [{type: "ENTRY_POINT", externalId: <entry point>, templateId}]})`.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.marigold import requests as r
from app.compat.marigold import transactional
from app.compat.marigold.journeys import BASE, journey_of
from domain.identity.models import Role

TRIGGER = """mutation TriggerEntryPoint($input: TriggerEntryPointInput!) { triggerEntryPoint(input: $input) {
  results { message { databaseId } userErrors { field message code } } userErrors { field message code } } }"""


async def trigger_entry_point(call: Call) -> JSONResponse:
    items, inputs = transactional.items_of(r.obj(await call.json(), "body"), with_profile=False)
    campaign = await journey_of(call, "CUSTOM")
    data = await call.graphql(TRIGGER, {"input": {"campaignId": campaign["id"], "entryPoint": call.params["entrypoint_name"], "items": inputs}})
    return transactional.answer(items, data["triggerEntryPoint"]["results"])


ROUTES = [
    CompatRoute("POST", f"{BASE}/custom/{{api_name}}/entrypoints/{{entrypoint_name}}/trigger", trigger_entry_point, Role.WRITE,
                "Trigger a custom journey entry point"),
]
