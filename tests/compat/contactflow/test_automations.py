"""Automations: campaigns of kind AUTOMATION known by their UUID, with steps, and their status changes."""
import uuid
from datetime import datetime, timedelta, timezone

from tests.compat.contactflow.conftest import error_codes

# The seed's request sample for POST /automations (its response has the same shape).
AUTOMATION_SAMPLE = {
    "uuid": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f", "name": "string", "category": "Custom", "author": "string",
    "startDate": "2019-08-24T14:15:22Z", "timezone": "string", "status": "COMMITTED", "created": "2019-08-24T14:15:22Z",
    "createdBy": "string", "description": "string", "endDate": "2019-08-24T14:15:22Z", "uniqueToken": False,
    "removeActionPrimary": False, "sourceDescription": "string", "triggerEvents": [], "steps": [], "connections": [], "statistics": {},
}
STATUS_SAMPLE = {"name": "string", "status": "COMMITTED"}
CAMPAIGN = """query($slug: String!, $uuid: String!) { tenant(slug: $slug) { campaign(externalId: $uuid) {
  kind status scheduledAt options steps { externalId type name templateId settings } } } }"""


def sample(**changes) -> dict:
    return {**AUTOMATION_SAMPLE, "uuid": str(uuid.uuid4()), **changes}


def step(model: int | None, operation: str = "CLAB_CAMPAIGN", **extra) -> dict:
    return {"uuid": str(uuid.uuid4()), "type": "ACTION", "operation": operation, "description": f"{operation} step",
            **({"modelIdentifier": model} if model is not None else {}), **extra}


async def campaign_of(cf, automation_uuid: str) -> dict:
    return (await cf.tenant.graph(CAMPAIGN, {"slug": cf.tenant.slug, "uuid": automation_uuid}))["tenant"]["campaign"]


async def test_the_seed_sample_creates_an_automation_which_starts_since_its_start_date_has_passed(cf):
    response = await cf.post("/automations", json=AUTOMATION_SAMPLE)

    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == set(AUTOMATION_SAMPLE)
    kept = {k: v for k, v in AUTOMATION_SAMPLE.items() if k not in ("status", "created", "statistics")}
    assert {k: created[k] for k in kept} == kept
    assert created["status"] == "RUNNING"  # COMMITTED with a start date in the past: it started at once
    assert created["statistics"] == {"customers": 0, "running": 0, "completed": 0, "error": 0, "removed": 0, "messages": {}}
    assert (await campaign_of(cf, AUTOMATION_SAMPLE["uuid"]))["kind"] == "AUTOMATION"
    assert (await cf.get(f"/automations/{AUTOMATION_SAMPLE['uuid']}")).json() == created


async def test_steps_keep_their_uuid_operation_description_and_mail_model(cf):
    model = await cf.mail_model()
    steps = [step(model, delayMinutes=0), step(None, "WAIT_AND_CHECK", check={"opened": True}), step(None, "NO_ACTION")]

    response = await cf.post("/automations", json=sample(status="DRAFT", steps=steps, connections=[{"from": 0, "to": 1}]))

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["steps"] == steps and created["connections"] == [{"from": 0, "to": 1}] and created["status"] == "DRAFT"
    stored = (await campaign_of(cf, created["uuid"]))["steps"]
    assert [(s["externalId"], s["type"], s["templateId"]) for s in stored] == [
        (steps[0]["uuid"], "CLAB_CAMPAIGN", model), (steps[1]["uuid"], "WAIT_AND_CHECK", None), (steps[2]["uuid"], "NO_ACTION", None)]


async def test_an_automation_without_uuids_gets_them(cf):
    body = {"name": "No ids", "steps": [{"operation": "NO_ACTION"}]}

    created = (await cf.post("/automations", json=body)).json()

    assert uuid.UUID(created["uuid"]) and uuid.UUID(created["steps"][0]["uuid"])
    assert created["status"] == "DRAFT" and created["createdBy"] == cf.email and created["author"] == cf.email
    assert created["timezone"] == "UTC" and created["category"] == "Custom"


async def test_committed_with_a_future_start_date_waits_scheduled(cf):
    start = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)

    created = (await cf.post("/automations", json=sample(startDate=start.isoformat(), status="COMMITTED"))).json()

    assert created["status"] == "COMMITTED" and created["startDate"] == start.isoformat().replace("+00:00", "Z")
    campaign = await campaign_of(cf, created["uuid"])
    assert campaign["status"] == "SCHEDULED" and datetime.fromisoformat(campaign["scheduledAt"]) == start


async def test_status_patch_runs_pauses_and_resumes_an_automation(cf):
    created = await cf.automation()
    path = f"/automations/{created['uuid']}"

    running = await cf.patch(path, json={**STATUS_SAMPLE, "name": "Renamed", "status": "RUNNING"})
    paused = await cf.patch(path, json={**STATUS_SAMPLE, "name": "Renamed", "status": "PAUSED"})
    resumed = await cf.patch(path, json={**STATUS_SAMPLE, "name": "Renamed again", "status": "RUNNING"})

    assert [r.status_code for r in (running, paused, resumed)] == [200, 200, 200], resumed.text
    assert [(r.json()["name"], r.json()["status"]) for r in (running, paused, resumed)] == [
        ("Renamed", "RUNNING"), ("Renamed", "PAUSED"), ("Renamed again", "RUNNING")]
    assert (await campaign_of(cf, created["uuid"]))["status"] == "RUNNING"


async def test_renaming_a_running_automation_without_pausing_it_is_a_409(cf):
    created = await cf.automation(status="RUNNING")

    response = await cf.patch(f"/automations/{created['uuid']}", json={"name": "New name", "status": "RUNNING"})

    assert response.status_code == 409 and error_codes(response) == ["CAMPAIGN_NOT_EDITABLE"]
    assert (await cf.get(f"/automations/{created['uuid']}")).json()["name"] == created["name"]


async def test_put_replaces_a_drafts_fields_and_steps(cf):
    created = await cf.automation()
    model = await cf.mail_model(subject="Second", text="Second mail")
    new_steps = [*created["steps"], step(model)]

    response = await cf.put(f"/automations/{created['uuid']}", json={**created, "description": "Second try", "steps": new_steps,
                                                                      "triggerEvents": [{"type": "SIGN_UP"}]})

    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["description"] == "Second try" and updated["steps"] == new_steps and updated["triggerEvents"] == [{"type": "SIGN_UP"}]
    assert updated["uuid"] == created["uuid"] and updated["status"] == "DRAFT"


async def test_archiving_a_running_automation_stops_it(cf):
    created = await cf.automation(status="RUNNING")

    archived = await cf.patch(f"/automations/{created['uuid']}", json={"status": "TO_ARCHIVE"})

    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "ARCHIVED"
    assert (await campaign_of(cf, created["uuid"]))["status"] == "ARCHIVED"


async def test_delete_removes_a_draft_but_a_running_automation_must_stop_first(cf):
    draft, running = await cf.automation(), await cf.automation(status="RUNNING")

    deleted = await cf.delete(f"/automations/{draft['uuid']}")
    refused = await cf.delete(f"/automations/{running['uuid']}")
    to_delete = await cf.patch(f"/automations/{running['uuid']}", json={"status": "PAUSED"})
    still_refused = await cf.patch(f"/automations/{running['uuid']}", json={"status": "TO_DELETE"})

    assert deleted.status_code == 204 and (await cf.get(f"/automations/{draft['uuid']}")).status_code == 404
    assert refused.status_code == 409 and error_codes(refused) == ["CAMPAIGN_ACTIVE"]
    assert to_delete.status_code == 200 and still_refused.status_code == 204
    assert (await cf.get(f"/automations/{running['uuid']}")).status_code == 404


async def test_the_list_filters_by_status_name_category_step_type_and_trigger(cf):
    model = await cf.mail_model()
    welcome = await cf.automation(model=model, name="Welcome flow", status="RUNNING")
    await cf.automation(model=model, name="Winback flow", category="Retention", description="Lapsed buyers")
    trigger = (await cf.post("/automations", json={"name": "Birthday", "triggerEvents": [{"type": "BIRTHDAY"}],
                                                    "steps": [step(None, "NO_ACTION")]})).json()

    async def names(**params):
        response = await cf.get("/automations", params=params)
        assert response.status_code == 200, response.text
        return sorted(a["name"] for a in response.json()["elements"])

    assert await names() == ["Birthday", "Welcome flow", "Winback flow"]
    assert await names(status="RUNNING") == ["Welcome flow"]
    assert await names(status=["DRAFT", "PAUSED"]) == ["Birthday", "Winback flow"]
    assert await names(name="FLOW") == ["Welcome flow", "Winback flow"]
    assert await names(description="lapsed") == ["Winback flow"]
    assert await names(category="Retention") == ["Winback flow"]
    assert await names(stepType="NO_ACTION") == ["Birthday"]
    assert await names(hasTrigger="true") == ["Birthday"]
    assert await names(createdAfter=(datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()) == []
    compact = (await cf.get("/automations", params={"style": "compact", "size": 2})).json()
    assert compact["page"] == {"size": 2, "totalElements": 3, "totalPages": 2, "number": 0}
    assert "steps" not in compact["elements"][0] and compact["elements"][0]["uuid"] == welcome["uuid"]
    assert trigger["triggerEvents"] == [{"type": "BIRTHDAY"}]


async def test_another_nodes_admin_can_neither_see_nor_change_an_automation(cf, other):
    created = await cf.automation(status="RUNNING")
    path = f"/automations/{created['uuid']}"

    with_its_own_node = [await other.get(path), await other.put(path, json=created), await other.patch(path, json={"status": "PAUSED"}),
                         await other.delete(path)]
    with_this_node = [await other.get(path, node=cf.node), await other.get("/automations", node=cf.node),
                      await other.post("/automations", json=sample(), node=cf.node), await other.patch(path, json={"status": "PAUSED"}, node=cf.node)]
    listed = (await other.get("/automations")).json()

    assert [r.status_code for r in with_its_own_node] == [404, 404, 404, 404]
    assert all(error_codes(r) == ["AUTOMATION_NOT_FOUND"] for r in with_its_own_node)
    assert [r.status_code for r in with_this_node] == [403, 403, 403, 403]
    assert all(error_codes(r) == ["FORBIDDEN"] for r in with_this_node)
    assert listed["elements"] == []
    assert (await cf.get(path)).json()["status"] == "RUNNING"


async def test_a_read_user_can_list_but_not_create_or_change_automations(make_contactflow, cf):
    reader = await make_contactflow(role="read", tenant=cf.tenant)
    created = await cf.automation()

    assert (await reader.get("/automations")).status_code == 200
    refused = [await reader.post("/automations", json=sample()), await reader.patch(f"/automations/{created['uuid']}", json={"status": "RUNNING"})]
    assert [r.status_code for r in refused] == [403, 403]
    assert (await cf.get(f"/automations/{created['uuid']}")).json()["status"] == "DRAFT"


async def test_bad_automation_input_is_a_4xx_in_the_envelope_never_a_500(cf):
    created = await cf.automation()
    path = f"/automations/{created['uuid']}"
    bad_requests = {
        "no name": await cf.post("/automations", json={"category": "Custom"}),
        "name not a string": await cf.post("/automations", json={"name": ["x"]}),
        "unknown status": await cf.post("/automations", json={"name": "x", "status": "FLYING"}),
        "paused on create": await cf.post("/automations", json={"name": "x", "status": "PAUSED"}),
        "start date without zone": await cf.post("/automations", json={"name": "x", "startDate": "2030-01-01T10:00:00"}),
        "steps not an array": await cf.post("/automations", json={"name": "x", "steps": {"operation": "NO_ACTION"}}),
        "step without operation": await cf.post("/automations", json={"name": "x", "steps": [{"description": "d"}]}),
        "model not a number": await cf.post("/automations", json={"name": "x", "steps": [step(None, modelIdentifier="one")]}),
        "over-long operation": await cf.post("/automations", json={"name": "x", "steps": [step(None, "X" * 80)]}),
        "body not an object": await cf.post("/automations", json="automation"),
        "no Node header": await cf.get("/automations", node="", headers={"Node": ""}),
        "Node not a uuid": await cf.get("/automations", node="node-1"),
        "error status": await cf.patch(path, json={"status": "ERROR"}),
        "end date filter": await cf.get("/automations", params={"endDateBefore": "2030-01-01T00:00:00Z"}),
        "status filter": await cf.get("/automations", params={"status": "LOST"}),
        "NUL in a step": await cf.post("/automations", json={"name": "x", "steps": [step(None, "NO\x00ACTION")]}),
        "NUL in a filter": await cf.get("/automations", params={"name": "\x00"}),
        "model out of range": await cf.post("/automations", json={"name": "x", "steps": [step(10**30)]}),
    }
    for case, response in bad_requests.items():
        assert response.status_code == 400, (case, response.text)
        error_codes(response)
    foreign_model = await cf.post("/automations", json={"name": "x", "steps": [step(987654321)]})
    duplicate = await cf.post("/automations", json=sample(uuid=created["uuid"]))
    unknown = await cf.get(f"/automations/{uuid.uuid4()}")
    oversized = await cf.post("/automations", content=b'{"name": "' + b"x" * 1_100_000 + b'"}')
    assert foreign_model.status_code == 404, foreign_model.text
    assert duplicate.status_code == 409 and error_codes(duplicate) == ["EXTERNAL_ID_TAKEN"]
    assert unknown.status_code == 404 and error_codes(unknown) == ["AUTOMATION_NOT_FOUND"]
    assert oversized.status_code == 413
