"""List-Unsubscribe (RFC 2369) with one-click (RFC 8058): campaign mail carries both headers, a POST to the
link unsubscribes over real HTTP, a GET only shows a page, and the next launch skips whoever left."""
import asyncio
import re

import httpx

from app.settings import get_settings
from tests.support.campaigns import (
    PART, campaign, launch_and_finish, local, mail_to, member_statuses, messages_to, new_campaign,
)

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }"""
HEADER = re.compile(r"^<(?P<url>[^>]+)>$")


def unsubscribe_url(mail) -> str:
    match = HEADER.match(str(mail["List-Unsubscribe"]))
    assert match, mail["List-Unsubscribe"]
    return match["url"]


async def test_campaign_mail_carries_list_unsubscribe_and_one_click_post(make_tenant, mailbox):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Ada"])
    await launch_and_finish(tenant, setup.campaign_id)

    [mail] = await mail_to(mailbox, setup.emails[0])

    url = unsubscribe_url(mail)
    assert url.startswith(f"{get_settings().public_url}/u/")
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"


async def test_transactional_mail_has_no_list_unsubscribe(make_tenant, mailbox):
    tenant = await make_tenant()
    to = f"receipt.{tenant.slug}@example.com"
    await tenant.graph(SEND, {"input": {"tenantId": tenant.id, "to": to, "subject": "Your receipt", "text": "Thanks"}})

    [mail] = await mail_to(mailbox, to)

    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None


async def test_one_click_post_unsubscribes_and_the_next_launch_skips_the_contact(make_tenant, mailbox, api):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Bea", "Cyd"])
    leaves, stays = setup.emails
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, leaves)

    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(local(api, unsubscribe_url(mail)), content=b"List-Unsubscribe=One-Click",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 200, response.text
        assert "unsubscribed" in response.text.lower()
        again = await client.post(local(api, unsubscribe_url(mail)), content=b"List-Unsubscribe=One-Click")
        assert again.status_code == 200

    assert await member_statuses(tenant, setup.list_id) == {leaves: "UNSUBSCRIBED", stays: "SUBSCRIBED"}
    [message] = await messages_to(tenant, leaves)
    unsubscribed = [e for e in message["events"] if e["type"] == "UNSUBSCRIBED"]
    assert len(unsubscribed) == 1  # the second POST changed nothing

    second = await new_campaign(tenant, setup.list_id, setup.template_id)
    done = await launch_and_finish(tenant, second)

    assert done["recipientsCount"] == 1
    await mail_to(mailbox, stays, count=2)
    await asyncio.sleep(0.3)
    assert len(mailbox.to(leaves)) == 1


async def test_get_shows_a_confirmation_form_and_does_not_unsubscribe(make_tenant, mailbox, api):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Dov"])
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, setup.emails[0])

    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(2):  # a mail scanner, then the person
            page = await client.get(local(api, unsubscribe_url(mail)))
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            assert re.search(r'<form method="post">', page.text)
        head = await client.head(local(api, unsubscribe_url(mail)))
        assert head.status_code == 200

    assert await member_statuses(tenant, setup.list_id) == {setup.emails[0]: "SUBSCRIBED"}
    [message] = await messages_to(tenant, setup.emails[0])
    assert "UNSUBSCRIBED" not in [e["type"] for e in message["events"]]


async def test_invalid_or_tampered_links_are_a_404_page_never_an_error(make_tenant, mailbox, api):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Eve"])
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, setup.emails[0])
    url = local(api, unsubscribe_url(mail))
    message_id, signature = url.rsplit("/", 1)[1].split(".", 1)
    tampered = [
        url.rsplit("/", 1)[0] + f"/{int(message_id) + 1}.{signature}",
        url[:-1] + ("A" if url[-1] != "A" else "B"),
        f"{api.url}/u/garbage", f"{api.url}/u/1.", f"{api.url}/u/%00.%ff", f"{api.url}/u/" + "9" * 40 + ".x",
    ]

    async with httpx.AsyncClient(timeout=10) as client:
        for bad in tampered:
            for method in ("GET", "POST"):
                response = await client.request(method, bad)
                assert response.status_code == 404, (method, bad, response.status_code)
                assert response.headers["content-type"].startswith("text/html")

    assert await member_statuses(tenant, setup.list_id) == {setup.emails[0]: "SUBSCRIBED"}


async def test_the_template_can_show_its_own_unsubscribe_link(make_tenant, mailbox):
    tenant = await make_tenant()
    part = {**PART, "html": '<p>Hi {{ first_name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>'}
    setup = await campaign(tenant, ["Fay"], part=part, options={"tracking": {"clicks": True}})
    await launch_and_finish(tenant, setup.campaign_id)

    [mail] = await mail_to(mailbox, setup.emails[0])

    html = mail.get_body(("html",)).get_content()
    # the link is the List-Unsubscribe one, not routed through click tracking
    assert f'<a href="{unsubscribe_url(mail)}">Unsubscribe</a>' in html
