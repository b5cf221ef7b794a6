"""Email Designer configuration: sendgraph has no designer of its own, so it reads as enabled only where the node's settings say so."""
from tests.compat.contactflow.conftest import error_codes

SETTINGS = """query($slug: String!) { tenant(slug: $slug) { id settings } }"""
UPDATE = """mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { userErrors { code message } } }"""


async def _set_designer(cf, value) -> None:
    tenant = (await cf.tenant.graph(SETTINGS, {"slug": cf.tenant.slug}))["tenant"]
    settings = {**tenant["settings"], "contactflow": {**(tenant["settings"].get("contactflow") or {}), "emailDesigner": value}}
    assert (await cf.tenant.graph(UPDATE, {"input": {"id": tenant["id"], "settings": settings}}))["updateTenant"]["userErrors"] == []


async def test_the_designer_is_off_unless_the_nodes_settings_enable_it(cf, other):
    assert (await cf.get("/external-contents/email-designer")).json() == {"enabled": False}

    await _set_designer(cf, {"enabled": True})

    assert (await cf.get("/external-contents/email-designer")).json() == {"enabled": True}
    assert (await other.get("/external-contents/email-designer")).json() == {"enabled": False}
    foreign = await other.get("/external-contents/email-designer", node=cf.node)
    assert foreign.status_code == 403 and error_codes(foreign) == ["FORBIDDEN"]
    await _set_designer(cf, "yes")  # anything but {"enabled": true} is off
    assert (await cf.get("/external-contents/email-designer")).json() == {"enabled": False}
