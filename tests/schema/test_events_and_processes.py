"""Doxie events: triggering one makes a process whose messages the workers deliver; processes can be cancelled."""
from email import message_from_bytes, policy

from tests.support.fixtures import eventually

CREATE_TEMPLATE = """mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }"""
CREATE_EVENT = """mutation($input: CreateEventInput!) {
  createEvent(input: $input) { event { id slug parameters templates { id } } userErrors { field code message } } }"""
TRIGGER = """mutation($input: TriggerEventInput!) {
  triggerEvent(input: $input) {
    process { id status event { slug } }
    messages { id recipient status template { id } }
    userErrors { field code message }
  } }"""
CANCEL = """mutation($input: CancelProcessInput!) {
  cancelProcess(input: $input) { process { id status cancelledAt } userErrors { field code message } } }"""
PROCESS = """query($id: ID!) { node(id: $id) { ... on Process {
  status payload messages { totalCount nodes { id status subject text } } } } }"""
PROCESSES = """query($slug: String!) { tenant(slug: $slug) { processes { totalCount nodes { id status } } } }"""

ORDER_PARAMETERS = [{"name": "email", "required": True}, {"name": "order_id", "required": True}, {"name": "first_name"}]


async def order_event(tenant, slug: str = "order-confirmed") -> dict:
    """An event sending two email templates: the confirmation and the invoice."""
    templates = []
    for name, subject in (("Confirmation", "Order {{ order_id }} confirmed"), ("Invoice", "Invoice for {{ order_id }}")):
        payload = (await tenant.graph(CREATE_TEMPLATE, {"input": {
            "tenantId": tenant.id, "name": name, "parts": [{"language": "en", "subject": subject, "text": "Thanks {{ first_name }}!"}],
        }}))["createTemplate"]
        assert payload["userErrors"] == []
        templates.append(payload["template"]["id"])
    created = (await tenant.graph(CREATE_EVENT, {"input": {
        "tenantId": tenant.id, "slug": slug, "name": "Order confirmed", "templateIds": templates, "parameters": ORDER_PARAMETERS,
    }}))["createEvent"]
    assert created["userErrors"] == []
    assert created["event"]["templates"] == [{"id": t} for t in templates]
    return created["event"]


async def trigger(tenant, payload: dict, slug: str = "order-confirmed") -> dict:
    return (await tenant.graph(TRIGGER, {"input": {"tenantId": tenant.id, "eventSlug": slug, "payload": payload}}))["triggerEvent"]


async def test_triggering_an_event_makes_a_process_whose_messages_are_delivered(make_tenant, mailbox):
    tenant = await make_tenant()
    event = await order_event(tenant)
    address = f"buyer.{tenant.slug}@example.com"

    result = await trigger(tenant, {"email": address, "order_id": "A-17", "first_name": "Olga"})

    assert result["userErrors"] == []
    assert result["process"]["status"] == "RUNNING"
    assert result["process"]["event"] == {"slug": event["slug"]}
    assert [(m["recipient"], m["status"]) for m in result["messages"]] == [(address, "QUEUED"), (address, "QUEUED")]
    assert [m["template"]["id"] for m in result["messages"]] == [t["id"] for t in event["templates"]]

    async def all_sent():
        process = (await tenant.graph(PROCESS, {"id": result["process"]["id"]}))["node"]
        return process if all(m["status"] == "SENT" for m in process["messages"]["nodes"]) else None

    process = await eventually(all_sent)
    assert process["payload"] == {"email": address, "order_id": "A-17", "first_name": "Olga"}
    assert process["messages"]["totalCount"] == 2
    assert sorted(m["subject"] for m in process["messages"]["nodes"]) == ["Invoice for A-17", "Order A-17 confirmed"]
    received = await eventually(lambda: len(mailbox.to(address)) == 2 and mailbox.to(address))
    subjects = sorted(str(message_from_bytes(raw, policy=policy.default)["Subject"]) for raw in received)
    assert subjects == ["Invoice for A-17", "Order A-17 confirmed"]


async def test_a_missing_required_parameter_is_a_user_error_and_starts_no_process(make_tenant):
    tenant = await make_tenant()
    await order_event(tenant)

    result = await trigger(tenant, {"email": f"x.{tenant.slug}@example.com", "first_name": "Pia"})

    assert result["process"] is None
    assert result["messages"] == []
    assert result["userErrors"] == [{"field": "payload", "code": "MISSING_PARAMETERS", "message": "Missing event parameters: order_id"}]
    assert (await tenant.graph(PROCESSES, {"slug": tenant.slug}))["tenant"]["processes"]["totalCount"] == 0


async def test_an_empty_required_parameter_counts_as_missing(make_tenant):
    tenant = await make_tenant()
    await order_event(tenant)

    result = await trigger(tenant, {"email": "", "order_id": "A-1"})

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [("payload", "MISSING_PARAMETERS")]
    assert "email" in result["userErrors"][0]["message"]


async def test_an_unknown_event_slug_is_event_not_found(make_tenant):
    tenant = await make_tenant()
    await order_event(tenant)

    result = await trigger(tenant, {"email": f"y.{tenant.slug}@example.com", "order_id": "A-2"}, slug="no-such-event")

    assert result["process"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [("eventSlug", "EVENT_NOT_FOUND")]


async def test_another_tenants_event_slug_is_not_found(make_tenant):
    owner, stranger = await make_tenant(), await make_tenant()
    await order_event(owner, slug="shared-looking-slug")

    result = await trigger(stranger, {"email": f"z.{stranger.slug}@example.com", "order_id": "A-3"}, slug="shared-looking-slug")

    assert [e["code"] for e in result["userErrors"]] == ["EVENT_NOT_FOUND"]


async def test_cancelling_a_process_marks_it_cancelled(make_tenant):
    tenant = await make_tenant()
    await order_event(tenant)
    started = await trigger(tenant, {"email": f"c.{tenant.slug}@example.com", "order_id": "A-4"})

    cancelled = (await tenant.graph(CANCEL, {"input": {"processId": started["process"]["id"]}}))["cancelProcess"]

    assert cancelled["userErrors"] == []
    assert cancelled["process"]["status"] == "CANCELLED"
    assert cancelled["process"]["cancelledAt"] is not None
    process = (await tenant.graph(PROCESS, {"id": started["process"]["id"]}))["node"]
    assert process["status"] == "CANCELLED"
    # each message was either already out, or cancelled before a worker claimed it; none is left waiting
    statuses = {m["status"] for m in process["messages"]["nodes"]}
    assert statuses <= {"SENDING", "SENT", "CANCELLED"}, statuses


async def test_cancelling_a_process_twice_is_refused(make_tenant):
    tenant = await make_tenant()
    await order_event(tenant)
    started = await trigger(tenant, {"email": f"d.{tenant.slug}@example.com", "order_id": "A-5"})
    await tenant.graph(CANCEL, {"input": {"processId": started["process"]["id"]}})

    again = (await tenant.graph(CANCEL, {"input": {"processId": started["process"]["id"]}}))["cancelProcess"]

    assert again["process"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [("processId", "PROCESS_ALREADY_CANCELLED")]


async def test_tenant_processes_lists_them_newest_first(make_tenant):
    tenant = await make_tenant()
    await order_event(tenant)
    first = await trigger(tenant, {"email": f"e.{tenant.slug}@example.com", "order_id": "A-6"})
    second = await trigger(tenant, {"email": f"e.{tenant.slug}@example.com", "order_id": "A-7"})
    await tenant.graph(CANCEL, {"input": {"processId": first["process"]["id"]}})

    processes = (await tenant.graph(PROCESSES, {"slug": tenant.slug}))["tenant"]["processes"]

    assert processes["totalCount"] == 2
    assert [p["id"] for p in processes["nodes"]] == [second["process"]["id"], first["process"]["id"]]
    assert processes["nodes"][1]["status"] == "CANCELLED"
