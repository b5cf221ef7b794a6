"""Marigold dictionaries onto Dictionary: `api_name` is Dictionary.apiName, each label one entry
`{language: text}`. Languages are kept in sendgraph's form (EN_US -> en-US, as content languages are),
so a template part in that language finds its translation, and given back in Marigold's (EN_US).

A dictionary belongs to one organization: `organizations` may only name the organization of the path.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.framework import Call, CompatRoute
from app.compat.marigold import requests as r
from app.compat.marigold import shapes
from app.compat.marigold.organization import absent, organization
from domain.errors import Invalid
from domain.identity.models import Role

FIELDS = "id apiName name description tags"
PAGE = """query Dictionaries($slug: String!, $search: String, $first: Int, $after: String, $offset: Int) {
  tenant(slug: $slug) { id dictionaries(search: $search, first: $first, after: $after, offset: $offset) {
    nodes { apiName } pageInfo { hasNextPage endCursor } } } }"""
GET = f"""query Dictionary($slug: String!, $apiName: String!) {{ tenant(slug: $slug) {{ id slug dictionary(apiName: $apiName) {{ {FIELDS} }} }} }}"""
LABELS = """query Labels($slug: String!, $apiName: String!, $search: String) { tenant(slug: $slug) { id
  dictionary(apiName: $apiName) { id labels(search: $search) { label translations } } } }"""
TENANT = """query Org($slug: String!) { tenant(slug: $slug) { id slug } }"""
PAYLOAD = "dictionary { id apiName } userErrors { field message code }"
CREATE = f"mutation CreateDictionary($input: CreateDictionaryInput!) {{ createDictionary(input: $input) {{ {PAYLOAD} }} }}"
UPDATE = f"mutation UpdateDictionary($input: UpdateDictionaryInput!) {{ updateDictionary(input: $input) {{ {PAYLOAD} }} }}"
DELETE = "mutation DeleteDictionary($id: ID!) { deleteDictionary(input: {id: $id}) { deletedId userErrors { field message code } } }"
SET_LABEL = f"mutation SetLabel($input: SetDictionaryLabelInput!) {{ setDictionaryLabel(input: $input) {{ {PAYLOAD} }} }}"
DELETE_LABEL = f"mutation DeleteLabel($input: DeleteDictionaryLabelInput!) {{ deleteDictionaryLabel(input: $input) {{ {PAYLOAD} }} }}"


# -- reading requests ---------------------------------------------------------------------------------

def paging(call: Call) -> tuple[str | None, int, int | None]:
    """(search, skip, take): take 0 or absent means every one."""
    query = call.query
    skip, take = (_int(query.get(name), field=name) for name in ("skip", "take"))
    return query.get("search") or None, skip or 0, take or None


def _int(value: str | None, *, field: str) -> int | None:
    if value is None or value == "":
        return None
    if not value.strip().isdigit() or int(value) > 2**31 - 1:
        raise Invalid(f"{field} must be a whole number >= 0", code="INVALID_TYPE", field=field)
    return int(value)


def organizations(body: dict, slug: str) -> None:
    """Dictionaries are not shared across organizations: only this organization may be named."""
    others = [name for name in r.strings(body, "organizations") or [] if name != slug]
    if others:
        raise Invalid(f"A dictionary belongs to this organization only; it cannot be linked to {', '.join(others)}",
                      code="ORGANIZATIONS_UNSUPPORTED", field="organizations")


def translations(body: dict) -> dict[str, str]:
    raw = r.obj(body.get("translations"), "translations")
    found: dict[str, str] = {}
    for written, text in raw.items():
        code = r.language(written, field=f"translations.{written}")
        if code is None:
            raise Invalid("A translation needs a language code", code="INVALID_LANGUAGE", field="translations")
        if code in found:
            raise Invalid(f"Language {written} appears twice", code="DUPLICATE", field=f"translations.{written}")
        if not isinstance(text, str):
            raise Invalid(f"translations.{written} must be a string", code="INVALID_TYPE", field=f"translations.{written}")
        found[code] = text
    if not found:
        raise Invalid("translations needs at least one language", code="REQUIRED", field="translations")
    return found


def marigold_language(code: str) -> str:
    return code.upper().replace("-", "_")


# -- dictionaries -------------------------------------------------------------------------------------

async def found_dictionary(call: Call) -> tuple[dict, dict]:
    tenant = await organization(call, GET, {"apiName": call.params["api_name"]})
    if tenant["dictionary"] is None:
        raise absent("Dictionary", call.params["api_name"], "api_name")
    return tenant, tenant["dictionary"]


async def list_dictionaries(call: Call) -> JSONResponse:
    search, skip, take = paging(call)
    found, after, offset = [], None, skip
    while take is None or len(found) < take:
        size = 100 if take is None else min(100, take - len(found))
        page = (await organization(call, PAGE, {"search": search, "first": size, "after": after, "offset": offset}))["dictionaries"]
        found += [{"api_name": node["apiName"]} for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after, offset = page["pageInfo"]["endCursor"], None
    return JSONResponse({"dictionaries": found})


async def create_dictionary(call: Call) -> JSONResponse:
    body = r.obj(await call.json(), "body")
    fields = {"apiName": r.text(body, "api_name", required=True), "name": r.text(body, "name", required=True),
              "description": r.text(body, "description", max_length=2000), "tags": r.strings(body, "tags")}
    organizations(body, call.params["organization"])
    tenant = await organization(call, TENANT)
    await call.graphql(CREATE, {"input": {"tenantId": tenant["id"], **fields}})
    return JSONResponse(shapes.result("Dictionary created successfully."), status_code=201)


async def get_dictionary(call: Call) -> JSONResponse:
    tenant, dictionary = await found_dictionary(call)
    return JSONResponse({"api_name": dictionary["apiName"], "name": dictionary["name"], "description": dictionary["description"],
                         "tags": dictionary["tags"], "organizations": [tenant["slug"]], "not_accessible_organizations_count": 0})


async def update_dictionary(call: Call) -> JSONResponse:
    """The body's api_name renames the dictionary when it differs from the path's; absent fields are left alone."""
    body = r.obj(await call.json(), "body")
    changes = {"apiName": r.text(body, "api_name", required=True)}
    for key, value in (("name", r.text(body, "name")), ("description", r.text(body, "description", max_length=2000))):
        if key in body:
            if key == "name" and value is None:
                raise Invalid("name cannot be emptied", code="REQUIRED", field="name")
            changes[key] = value
    if "tags" in body:
        changes["tags"] = r.strings(body, "tags") or []
    organizations(body, call.params["organization"])
    _, dictionary = await found_dictionary(call)
    await call.graphql(UPDATE, {"input": {"id": dictionary["id"], **changes}})
    return JSONResponse(shapes.result("Dictionary updated successfully."))


async def delete_dictionary(call: Call) -> JSONResponse:
    _, dictionary = await found_dictionary(call)
    await call.graphql(DELETE, {"id": dictionary["id"]})
    return JSONResponse(shapes.result("Dictionary deleted successfully."))


# -- labels ---------------------------------------------------------------------------------------------

async def list_labels(call: Call) -> JSONResponse:
    search, skip, take = paging(call)
    tenant = await organization(call, LABELS, {"apiName": call.params["api_name"], "search": search})
    if tenant["dictionary"] is None:
        raise absent("Dictionary", call.params["api_name"], "api_name")
    labels = tenant["dictionary"]["labels"][skip:None if take is None else skip + take]
    return JSONResponse({"labels": [{"label": entry["label"], "translations": {marigold_language(k): v for k, v in entry["translations"].items()}}
                                    for entry in labels]})


async def create_label(call: Call) -> JSONResponse:
    body = r.obj(await call.json(), "body")
    r.query_flag(call.query.get("sync"), field="sync")  # labels are read when a message renders: always in sync
    label = r.text(body, "label", required=True)
    found = translations(body)
    _, dictionary = await found_dictionary(call)
    await call.graphql(SET_LABEL, {"input": {"dictionaryId": dictionary["id"], "label": label, "translations": found, "mode": "CREATE"}})
    return JSONResponse(shapes.result("Label created successfully."), status_code=201)


async def update_label(call: Call) -> JSONResponse:
    body = r.obj(await call.json(), "body")
    r.query_flag(call.query.get("sync"), field="sync")
    if r.text(body, "label") not in (None, call.params["label"]):
        raise Invalid("label in the body must be the label of the path", code="INVALID_VALUE", field="label")
    found = translations(body)
    _, dictionary = await found_dictionary(call)
    await call.graphql(SET_LABEL, {"input": {"dictionaryId": dictionary["id"], "label": call.params["label"], "translations": found,
                                             "mode": "UPDATE"}})
    return JSONResponse(shapes.result("Label updated successfully."))


async def delete_label(call: Call) -> JSONResponse:
    _, dictionary = await found_dictionary(call)
    await call.graphql(DELETE_LABEL, {"input": {"dictionaryId": dictionary["id"], "label": call.params["label"]}})
    return JSONResponse(shapes.result("Label deleted successfully."))


BASE = "/Portal/Api/organizations/{organization}/dictionaries"
ROUTES = [
    CompatRoute("GET", BASE, list_dictionaries, Role.READ, "List dictionaries"),
    CompatRoute("POST", BASE, create_dictionary, Role.WRITE, "Create dictionary"),
    CompatRoute("GET", f"{BASE}/{{api_name}}", get_dictionary, Role.READ, "Get dictionary"),
    CompatRoute("PUT", f"{BASE}/{{api_name}}", update_dictionary, Role.WRITE, "Update dictionary"),
    CompatRoute("DELETE", f"{BASE}/{{api_name}}", delete_dictionary, Role.WRITE, "Delete dictionary"),
    CompatRoute("GET", f"{BASE}/{{api_name}}/labels", list_labels, Role.READ, "List dictionary labels"),
    CompatRoute("POST", f"{BASE}/{{api_name}}/labels", create_label, Role.WRITE, "Create dictionary label"),
    CompatRoute("PUT", f"{BASE}/{{api_name}}/labels/{{label}}", update_label, Role.WRITE, "Update dictionary label"),
    CompatRoute("DELETE", f"{BASE}/{{api_name}}/labels/{{label}}", delete_label, Role.WRITE, "Delete dictionary label"),
]
