"""Especial campaign routes: CRUD, revisions (and a campaign shown at one), render, send-test and the status moves
(schedule, unschedule, reschedule, suspend, resume, cancel, archive, unarchive), each mapped onto the graph's
campaign operations.

An Especial campaign is a `Campaign` (kind NEWSLETTER) whose inline `content` is a `Template` of its own
(`settings.campaign_content`, kept out of the template library); `content.template.id` links a library
template instead. Tracking, reply-to, the sender's display name and content settings live in `Campaign.options`.
"""
from __future__ import annotations

import copy
from datetime import datetime, timezone

from starlette.responses import JSONResponse

from app.compat.especial import auth, blueprints, validation
from app.compat.especial import messaging_shapes as shapes
from app.compat.especial.messaging_common import (
    CREATE_TEMPLATE, DELETE_TEMPLATE, LANGUAGE, RENDER_TEMPLATE, SAMPLE_CONTACT, SEND_MESSAGE, TEMPLATE_FIELDS, UPDATE_TEMPLATE, check_sort, filters,
    json_body, library_template, mailbox, owned, paging, part_input, part_of, path_id, run, sender_of,
)
from app.compat.framework import Call, CompatRoute
from domain.errors import DomainError, Invalid, NotFound
from domain.identity.models import Role
from schema.relay import to_global_id

CAMPAIGN_FIELDS = f"""id databaseId name kind status options scheduledAt launchedAt finishedAt createdAt updatedAt tenant {{ id }}
  list {{ databaseId name }} segment {{ databaseId }} sender {{ databaseId name address }}
  template {{ id {TEMPLATE_FIELDS} }}"""
GET_CAMPAIGN = f"""query EspecialCampaign($id: ID!) {{ node(id: $id) {{ ... on Campaign {{ {CAMPAIGN_FIELDS} }} }} }}"""
LIST_CAMPAIGNS = f"""
query EspecialCampaigns($account: ID!, $first: Int!, $offset: Int!, $kinds: [CampaignKind!], $statuses: [CampaignStatus!],
                        $ready: Boolean, $name: String, $listId: ID) {{
  node(id: $account) {{ ... on Tenant {{
    campaigns(first: $first, offset: $offset, kinds: $kinds, statuses: $statuses, ready: $ready, name: $name, listId: $listId) {{
      totalCount nodes {{ {CAMPAIGN_FIELDS} }}
    }}
  }} }}
}}"""
CREATE_CAMPAIGN = f"""mutation EspecialCreateCampaign($input: CreateCampaignInput!) {{
  createCampaign(input: $input) {{ campaign {{ {CAMPAIGN_FIELDS} }} userErrors {{ field message code }} }} }}"""
UPDATE_CAMPAIGN = f"""mutation EspecialUpdateCampaign($input: UpdateCampaignInput!) {{
  updateCampaign(input: $input) {{ campaign {{ {CAMPAIGN_FIELDS} }} userErrors {{ field message code }} }} }}"""
REVISIONS = """query EspecialCampaignRevisions($id: ID!, $first: Int!, $offset: Int!, $count: Boolean!) { node(id: $id) { ... on Campaign {
  revisions(first: $first, offset: $offset) { totalCount @include(if: $count) nodes { databaseId createdAt } } } } }"""
REVISION = """query EspecialCampaignRevision($id: ID!, $revision: Int!) { node(id: $id) { ... on Campaign {
  revision(databaseId: $revision) { databaseId createdAt content } } } }"""
DELETE_CAMPAIGN = """mutation EspecialDeleteCampaign($input: DeleteInput!) { deleteCampaign(input: $input) { deletedId userErrors { field message code } } }"""
MOVES = {  # Especial action -> (mutation, its input type)
    "schedule": ("launchCampaign", "LaunchCampaignInput"), "reschedule": ("launchCampaign", "LaunchCampaignInput"),
    "unschedule": ("unscheduleCampaign", "UnscheduleCampaignInput"), "suspend": ("suspendCampaign", "SuspendCampaignInput"),
    "resume": ("resumeCampaign", "ResumeCampaignInput"), "cancel": ("cancelCampaign", "CancelCampaignInput"),
    "archive": ("archiveCampaign", "ArchiveCampaignInput"), "unarchive": ("unarchiveCampaign", "UnarchiveCampaignInput"),
}
FIELD_NAMES = {"templateId": "content.template.id", "listId": "audience.list_id", "segmentId": "audience.segment_id",
               "senderId": "sender.id", "campaignId": "campaign_id", "id": "campaign_id", "at": "date", "name": "name",
               "parts.0.subject": "content.subject", "parts.0.html": "content.html", "parts.0.text": "content.text", "parts": "content",
               "contactId": "contact_id", "to": "email"}
DEFAULT_TRACKING = {"opens": True, "clicks_html": True, "clicks_text": True}
BODY_KEYS = ("subject", "html", "text")
META_KEYS = ("type", "json", "encoding", "default_unsubscribe_link", "blueprint")


async def campaign_of(call: Call, account: str) -> dict:
    """The `{campaign_id}` of the path: an Especial campaign of the account acted on, else not found."""
    campaign_id = path_id(call, "campaign_id")
    node = (await call.graphql(GET_CAMPAIGN, {"id": to_global_id("Campaign", campaign_id)}))["node"]
    if node and node["kind"] not in shapes.CAMPAIGN_TYPES:
        node = None  # a workflow or a journey is not an Especial campaign
    return owned(node, account, "Campaign", campaign_id, "campaign_id")


async def _references(call: Call, account: str, payload: dict, options: dict) -> dict:
    """Audience and sender as graph ids, and the options Especial settings go into."""
    fields: dict = {}
    audience = payload.get("audience") or {}
    if "list_id" in audience:
        fields["listId"] = to_global_id("ContactList", audience["list_id"])
    if "segment_id" in audience:
        fields["segmentId"] = to_global_id("Segment", audience["segment_id"])
    if "sender" in payload:
        await sender_of(call, account, payload["sender"])  # the account's own sender, else not found
        fields["senderId"] = to_global_id("Sender", int(payload["sender"]["id"]))
        options["sender_name"] = payload["sender"].get("name")
    if "tracking" in payload:
        options["tracking"] = {**options.get("tracking", {}), **payload["tracking"]}
    if "reply_to_email" in payload:
        options["reply_to"] = payload["reply_to_email"]
    content = payload.get("content") or {}
    if any(k in content for k in META_KEYS):
        options["content"] = {**options.get("content", {}), **{k: content[k] for k in META_KEYS if k in content}}
    return fields


async def _content(call: Call, account: str, campaign: dict | None, name: str, content: dict, options: dict) -> tuple[str | None, bool]:
    """The template the campaign's content lives in: (its id, whether it was made for this campaign now).

    A library template named by `content.template.id` is linked; a blueprint named by `content.blueprint.id` is
    copied (its subject / html / text, unless the body gives them). Inline subject / html / text go into the
    campaign's own template (made on first need; a linked library template is never changed). A subject
    alone waits in `options.content.subject` until there is a body to send with it.
    """
    if "template" in content:
        if "blueprint" in content:
            raise Invalid("Give content.template or content.blueprint, not both", code="INVALID_CONTENT", field="content.blueprint")
        await library_template(call, account, content["template"]["id"], field="content.template.id")
        return to_global_id("Template", content["template"]["id"]), False
    if "blueprint" in content:  # a copy of the blueprint's content, what the body gives inline winning
        copied = blueprints.content(await blueprints.campaign_blueprint(call, content["blueprint"]["id"], field="content.blueprint.id"))
        if "json" in copied:
            options.setdefault("content", {}).setdefault("json", copied["json"])
        content = {**{k: copied[k] for k in BODY_KEYS if k in copied}, **content}
    body = {k: content[k] for k in BODY_KEYS if k in content}
    if not body:
        return None, False
    current = (campaign or {}).get("template")
    pending = options.get("content", {}).pop("subject", None)
    if current and (current["settings"] or {}).get("campaign_content"):
        shown = part_of(current)
        parts = [part_input({**p, **body}) if p is shown else part_input(p) for p in current["parts"]]
        await run(call, UPDATE_TEMPLATE, {"input": {"id": current["id"], "parts": parts}}, FIELD_NAMES)
        return None, False
    base = part_of(current) if current else {"subject": pending}
    part = {**part_input(base), "language": LANGUAGE, **body}
    if not (part.get("html") or part.get("text")):
        options.setdefault("content", {})["subject"] = part.get("subject")
        return None, False
    variables = {"input": {"tenantId": account, "name": name, "channel": "EMAIL", "parts": [part], "settings": {"campaign_content": True}}}
    created = (await run(call, CREATE_TEMPLATE, variables, FIELD_NAMES))["createTemplate"]["template"]
    return created["id"], True


async def _discard(call: Call, template_id: str | None) -> None:
    if template_id:
        await call.graphql(DELETE_TEMPLATE, {"input": {"id": template_id}})


async def list_campaigns(call: Call) -> JSONResponse:
    page, per_page, with_count = paging(call)
    terms = filters(call, {"status", "name", "type", "list_id"})
    check_sort(call, {"created_on"})
    variables = {"account": await auth.account(call), "first": per_page, "offset": (page - 1) * per_page, "name": terms.get("name"),
                 "kinds": list(shapes.CAMPAIGN_TYPES)}
    if "type" in terms:
        if terms["type"] not in shapes.KINDS_BY_TYPE:
            raise Invalid(f"type must be one of {', '.join(shapes.KINDS_BY_TYPE)}", code="INVALID_FILTER", field="filter")
        variables["kinds"] = [shapes.KINDS_BY_TYPE[terms["type"]]]
    if "status" in terms:
        if terms["status"] not in shapes.STATUS_FILTERS:
            raise Invalid(f"status must be one of {', '.join(shapes.STATUS_FILTERS)}", code="INVALID_FILTER", field="filter")
        variables["statuses"], variables["ready"] = shapes.STATUS_FILTERS[terms["status"]]
    if "list_id" in terms:
        if not terms["list_id"].isdigit():
            raise Invalid("list_id must be an integer", code="INTEGER", field="filter")
        variables["listId"] = to_global_id("ContactList", int(terms["list_id"]))
    campaigns = (await call.graphql(LIST_CAMPAIGNS, variables))["node"]["campaigns"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, campaigns, with_count),
                         "data": [shapes.campaign_summary(c) for c in campaigns["nodes"]]})


async def create_campaign(call: Call) -> JSONResponse:
    payload = await json_body(call, "CreateCampaign")
    account = await auth.account(call)
    options = {"tracking": dict(DEFAULT_TRACKING), "content": {"type": "html"}}
    fields = await _references(call, account, payload, options)
    template_id, made = await _content(call, account, None, payload["name"], payload.get("content") or {}, options)
    variables = {"input": {"tenantId": account, "name": payload["name"], "kind": "NEWSLETTER", "templateId": template_id, "options": options, **fields}}
    try:
        campaign = (await run(call, CREATE_CAMPAIGN, variables, FIELD_NAMES))["createCampaign"]["campaign"]
    except DomainError:
        await _discard(call, template_id if made else None)
        raise
    return JSONResponse(shapes.done("campaign", campaign["databaseId"], "created", data=shapes.campaign_full(campaign)), status_code=201)


async def get_campaign(call: Call) -> JSONResponse:
    """The campaign; with `revision_id`, its content as that revision saved it (the rest as it is now)."""
    revision_id = validation.integer(call.query.get("revision_id"), name="revision_id", minimum=1)
    campaign = await campaign_of(call, await auth.account(call))
    if revision_id is not None:
        revision = (await call.graphql(REVISION, {"id": campaign["id"], "revision": revision_id}))["node"]["revision"]
        if revision is None:
            raise NotFound(f"Revision {revision_id} of campaign {campaign['databaseId']} not found", code="NOT_FOUND", field="revision_id")
        campaign = shapes.campaign_at_revision(campaign, revision)
    return JSONResponse({"data": shapes.campaign_full(campaign)})


async def list_revisions(call: Call) -> JSONResponse:
    """Each saved version of the campaign's content, newest first (domain.campaigns.revisions)."""
    page, per_page, with_count = paging(call)
    campaign = await campaign_of(call, await auth.account(call))
    variables = {"id": campaign["id"], "first": per_page, "offset": (page - 1) * per_page, "count": with_count}
    revisions = (await call.graphql(REVISIONS, variables))["node"]["revisions"]
    return JSONResponse({"pagination": shapes.pagination(page, per_page, revisions, with_count),
                         "data": [shapes.revision(r) for r in revisions["nodes"]]})


async def patch_campaign(call: Call) -> JSONResponse:
    """updateCampaign first (it refuses a campaign that is no longer editable), then the content."""
    payload = await json_body(call, "PatchCampaign")
    account = await auth.account(call)
    campaign = await campaign_of(call, account)
    options = copy.deepcopy(campaign["options"] or {})
    fields = await _references(call, account, payload, options)
    changes = {"id": campaign["id"], "options": options, **fields, **({"name": payload["name"]} if "name" in payload else {})}
    campaign = (await run(call, UPDATE_CAMPAIGN, {"input": changes}, FIELD_NAMES))["updateCampaign"]["campaign"]
    template_id, made = await _content(call, account, campaign, campaign["name"], payload.get("content") or {}, options)
    if template_id or options != campaign["options"]:
        update = {"id": campaign["id"], "options": options, **({"templateId": template_id} if template_id else {})}
        try:
            await run(call, UPDATE_CAMPAIGN, {"input": update}, FIELD_NAMES)
        except DomainError:
            await _discard(call, template_id if made else None)
            raise
        previous = campaign["template"]
        if template_id and previous and previous["id"] != template_id and (previous["settings"] or {}).get("campaign_content"):
            await _discard(call, previous["id"])  # its own content, replaced by a library template
    campaign = await campaign_of(call, account)
    return JSONResponse(shapes.done("campaign", campaign["databaseId"], "updated", data=shapes.campaign_full(campaign)))


async def delete_campaign(call: Call) -> JSONResponse:
    campaign = await campaign_of(call, await auth.account(call))
    await run(call, DELETE_CAMPAIGN, {"input": {"id": campaign["id"]}}, FIELD_NAMES)
    template = campaign["template"]
    if template and (template["settings"] or {}).get("campaign_content"):
        await _discard(call, template["id"])  # its own content goes with it
    return JSONResponse(shapes.done("campaign", campaign["databaseId"], "deleted"))


def _content_template(campaign: dict) -> str:
    if campaign["template"] is None:
        raise Invalid("The campaign has no content yet", code="CAMPAIGN_HAS_NO_CONTENT", field="content")
    return campaign["template"]["id"]


async def render_campaign(call: Call) -> JSONResponse:
    """The campaign's content for one contact (`contact_id`), else for a sample contact."""
    campaign = await campaign_of(call, await auth.account(call))
    contact_id = validation.integer(call.query.get("contact_id"), name="contact_id", minimum=1)
    render = {"templateId": _content_template(campaign)}
    if contact_id is None:
        render["data"] = SAMPLE_CONTACT
    else:
        render["contactId"] = to_global_id("Contact", contact_id)
    rendered = (await run(call, RENDER_TEMPLATE, {"input": render}, FIELD_NAMES))["renderTemplate"]["rendered"]
    return JSONResponse({"data": shapes.compact({"html": rendered["html"], "text": rendered["text"]})})


async def send_test(call: Call) -> JSONResponse:
    """sendMessage of the campaign's content to one address, from the campaign's sender (not counted in the campaign)."""
    payload = await json_body(call, "SendTestEmail")
    account = await auth.account(call)
    campaign = await campaign_of(call, account)
    options, sender = campaign["options"] or {}, campaign["sender"]
    message = {"tenantId": account, "to": payload["email"], "templateId": _content_template(campaign), "data": {"email": payload["email"]},
               "sender": mailbox(options.get("sender_name") or sender["name"], sender["address"]) if sender else None,
               "headers": {"Reply-To": options["reply_to"]} if options.get("reply_to") else None}
    sent = (await run(call, SEND_MESSAGE, {"input": message}, FIELD_NAMES))["sendMessage"]["message"]
    return JSONResponse({"email": sent["recipient"], "type": payload.get("type", "merged"), "object": "test_email", "sent": True})


def _move(action: str, verb: str, value: bool = True, body: str | None = None):
    mutation, input_type = MOVES[action]
    document = f"""mutation Especial{mutation[0].upper()}{mutation[1:]}($input: {input_type}!) {{
      {mutation}(input: $input) {{ campaign {{ databaseId status }} userErrors {{ field message code }} }} }}"""

    async def handle(call: Call) -> JSONResponse:
        payload = await json_body(call, body, optional=action != "reschedule") if body else {}
        campaign = await campaign_of(call, await auth.account(call))
        variables = {"campaignId": campaign["id"]}
        if action == "reschedule" and "date" not in payload:
            raise Invalid("date is required to reschedule", code="missing", field="date")
        if payload.get("date") is not None:
            variables["at"] = datetime.fromtimestamp(payload["date"], timezone.utc).isoformat()
        await run(call, document, {"input": variables}, FIELD_NAMES)
        return JSONResponse(shapes.done("campaign", campaign["databaseId"], verb, value))

    return handle


ROUTES = [
    CompatRoute("GET", "/campaigns", list_campaigns, Role.READ, "Show all campaigns"),
    CompatRoute("POST", "/campaigns", create_campaign, Role.WRITE, "Create a campaign"),
    CompatRoute("GET", "/campaigns/{campaign_id}", get_campaign, Role.READ, "Show a campaign details"),
    CompatRoute("PATCH", "/campaigns/{campaign_id}", patch_campaign, Role.WRITE, "Update a campaign"),
    CompatRoute("DELETE", "/campaigns/{campaign_id}", delete_campaign, Role.WRITE, "Delete a campaign"),
    CompatRoute("GET", "/campaigns/{campaign_id}/revisions", list_revisions, Role.READ, "Show all campaign revisions"),
    CompatRoute("GET", "/campaigns/{campaign_id}/render", render_campaign, Role.READ, "Render a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/send-test", send_test, Role.WRITE, "Send a test email"),
    CompatRoute("POST", "/campaigns/{campaign_id}/schedule", _move("schedule", "scheduled", body="ScheduleCampaign"), Role.WRITE, "Schedule a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/unschedule", _move("unschedule", "scheduled", False), Role.WRITE, "Unschedule a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/reschedule", _move("reschedule", "scheduled", body="ScheduleCampaign"), Role.WRITE, "Reschedule a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/suspend", _move("suspend", "suspended"), Role.WRITE, "Suspend a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/resume", _move("resume", "resumed"), Role.WRITE, "Resume a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/cancel", _move("cancel", "cancelled"), Role.WRITE, "Cancel a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/archive", _move("archive", "archived"), Role.WRITE, "Archive a campaign"),
    CompatRoute("POST", "/campaigns/{campaign_id}/unarchive", _move("unarchive", "archived", False), Role.WRITE, "Unarchive a campaign"),
]
