"""PageBuilder: the node's page templates and their pages (kept in the template's settings)."""
from tests.compat.contactflow.conftest import CREATE_TEMPLATE, error_codes

# The seed's response sample for GET /external-contents/pagebuilder/templates/{templateId}/pages/{pageId}.
PAGE_SAMPLE = {"id": 0, "templateId": 0, "name": "string"}


async def page_template(cf, name: str = "Landing", pages=({"id": 1, "name": "Home"}, {"id": 2, "name": "Thanks"})) -> int:
    created = (await cf.tenant.graph(CREATE_TEMPLATE, {"input": {
        "tenantId": cf.tenant.id, "name": name, "channel": "PAGE", "parts": [{"language": "en", "html": "<p>Hi</p>"}],
        "settings": {"pages": list(pages)}}}))["createTemplate"]
    assert created["userErrors"] == [], created
    return created["template"]["databaseId"]


async def test_templates_are_the_nodes_page_templates_and_pages_read_back_in_the_seeds_shape(cf, other):
    landing = await page_template(cf)
    empty = await page_template(cf, "Empty", pages=())
    await cf.mail_model()  # an email template is no PageBuilder template
    await page_template(other, "Other node's")

    templates = await cf.get("/external-contents/pagebuilder/templates")
    pages = await cf.get(f"/external-contents/pagebuilder/templates/{landing}/pages")
    second = await cf.get(f"/external-contents/pagebuilder/templates/{landing}/pages", params={"page": 1, "size": 1})
    one = await cf.get(f"/external-contents/pagebuilder/templates/{landing}/pages/2")

    assert templates.status_code == 200, templates.text
    assert templates.json()["elements"] == [{"id": landing, "name": "Landing"}, {"id": empty, "name": "Empty"}]
    assert templates.json()["page"] == {"size": 20, "totalElements": 2, "totalPages": 1, "number": 0}
    assert pages.json()["elements"] == [{"id": 1, "templateId": landing, "name": "Home"}, {"id": 2, "templateId": landing, "name": "Thanks"}]
    assert second.json()["elements"] == [{"id": 2, "templateId": landing, "name": "Thanks"}] and second.json()["page"]["totalPages"] == 2
    assert one.status_code == 200 and one.json() == {"id": 2, "templateId": landing, "name": "Thanks"} and set(one.json()) == set(PAGE_SAMPLE)
    assert (await cf.get(f"/external-contents/pagebuilder/templates/{empty}/pages")).json()["elements"] == []


async def test_unknown_templates_and_pages_and_malformed_ids_are_refused_in_contactflows_envelope(cf, other):
    landing = await page_template(cf)
    mail = await cf.mail_model()
    foreign = await page_template(other)
    base = "/external-contents/pagebuilder/templates"

    cases = [(f"{base}/{landing}/pages/3", 404, "PAGE_NOT_FOUND"), (f"{base}/{mail}/pages", 404, "TEMPLATE_NOT_FOUND"),
             (f"{base}/{foreign}/pages", 404, "TEMPLATE_NOT_FOUND"), (f"{base}/{foreign}/pages/1", 404, "TEMPLATE_NOT_FOUND"),
             (f"{base}/999999999/pages", 404, "TEMPLATE_NOT_FOUND"), (f"{base}/abc/pages", 400, "INVALID_ID"),
             (f"{base}/{landing}/pages/x", 400, "INVALID_ID"), (f"{base}/-1/pages", 400, "INVALID_ID"),
             (f"{base}/99999999999999999999999/pages", 400, "INVALID_ID")]
    for path, status, code in cases:
        response = await cf.get(path)
        assert response.status_code == status and error_codes(response) == [code], (path, response.text)
    refused = await other.get(f"{base}/{landing}/pages", node=cf.node)
    assert refused.status_code == 403 and error_codes(refused) == ["FORBIDDEN"]
    assert "Home" not in (await other.get(f"{base}/{landing}/pages/1")).text
