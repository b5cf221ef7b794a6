"""Open and click tracking, asked for per campaign (options.tracking): the pixel and the click redirect
record OPENED and CLICKED, which the graph shows on the message."""
import re
from urllib.parse import parse_qs, urlsplit

import httpx

from app.settings import get_settings
from tests.support.campaigns import campaign, launch_and_finish, local, mail_to, messages_to
from tests.support.fixtures import eventually

PIXEL = re.compile(r'<img src="(?P<url>[^"]+/o/[^"]+\.gif)" width="1" height="1"')
LINK = re.compile(r'<a href="(?P<url>[^"]+)">read on</a>')
TARGET = "https://example.org/read?a=1&b=2"


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


async def test_open_pixel_and_click_redirect_record_events_seen_through_the_graph(make_tenant, mailbox, api):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Gil"], options={"tracking": {"opens": True, "clicks": True}})
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, setup.emails[0])
    html = html_of(mail)
    public = get_settings().public_url

    pixel = PIXEL.search(html)["url"]
    click = LINK.search(html)["url"].replace("&amp;", "&")
    assert pixel.startswith(f"{public}/o/") and click.startswith(f"{public}/c/")
    assert parse_qs(urlsplit(click).query)["u"] == [TARGET]
    assert "read on: https://example.org/read" in mail.get_body(("plain",)).get_content()  # text part untouched

    async with httpx.AsyncClient(timeout=10) as client:
        image = await client.get(local(api, pixel), headers={"User-Agent": "MailClient/1.0"})
        redirect = await client.get(local(api, click), follow_redirects=False)

    assert image.status_code == 200 and image.headers["content-type"] == "image/gif"
    assert image.content.startswith(b"GIF89a") and len(image.content) == 43
    assert "no-store" in image.headers["cache-control"]
    assert redirect.status_code == 302 and redirect.headers["location"] == TARGET

    async def engaged():
        [message] = await messages_to(tenant, setup.emails[0])
        types = [e["type"] for e in message["events"]]
        return message if "OPENED" in types and "CLICKED" in types else None

    message = await eventually(engaged)
    assert message["status"] == "SENT"  # engagement is history, not a status
    opened = next(e for e in message["events"] if e["type"] == "OPENED")
    clicked = next(e for e in message["events"] if e["type"] == "CLICKED")
    assert opened["detail"]["user_agent"] == "MailClient/1.0"
    assert clicked["detail"]["url"] == TARGET


async def test_a_click_link_with_another_target_is_refused_so_it_is_no_open_redirect(make_tenant, mailbox, api):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Hal"], options={"tracking": {"clicks": True}})
    await launch_and_finish(tenant, setup.campaign_id)
    [mail] = await mail_to(mailbox, setup.emails[0])
    click = local(api, LINK.search(html_of(mail))["url"].replace("&amp;", "&"))
    path = click.split("?", 1)[0]

    async with httpx.AsyncClient(timeout=10) as client:
        for bad in (f"{path}?u=https%3A%2F%2Fevil.example%2F", path, f"{api.url}/c/1.abc?u=https%3A%2F%2Fexample.org%2F",
                    f"{api.url}/o/1.abc.gif", f"{api.url}/o/nothing.gif"):
            response = await client.get(bad, follow_redirects=False)
            assert response.status_code == 404, (bad, response.status_code)
            assert "location" not in response.headers

    [message] = await messages_to(tenant, setup.emails[0])
    assert not {"OPENED", "CLICKED"} & {e["type"] for e in message["events"]}


async def test_without_tracking_options_the_html_is_sent_as_rendered(make_tenant, mailbox):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Ivo"])
    await launch_and_finish(tenant, setup.campaign_id)

    [mail] = await mail_to(mailbox, setup.emails[0])

    html = html_of(mail)
    assert '<a href="https://example.org/read?a=1&amp;b=2">read on</a>' in html
    assert PIXEL.search(html) is None and "/c/" not in html


async def test_opens_only_adds_the_pixel_and_keeps_links(make_tenant, mailbox):
    tenant = await make_tenant()
    setup = await campaign(tenant, ["Jo"], options={"tracking": {"opens": True, "clicks": False}})
    await launch_and_finish(tenant, setup.campaign_id)

    [mail] = await mail_to(mailbox, setup.emails[0])

    html = html_of(mail)
    assert PIXEL.search(html)
    assert '<a href="https://example.org/read?a=1&amp;b=2">read on</a>' in html
