"""Open and click tracking: pure functions over a rendered HTML body.

Tracking is chosen per campaign, as in Especial's campaign settings:
`Campaign.options["tracking"] = {"opens": bool, "clicks": bool}` (Especial's `clicks_html` is read
as `clicks`); a campaign step's own `settings["tracking"]` (an Especial workflow action's) overrides its
campaign's for the step's messages. It is off when absent; transactional messages are never tracked. Only the HTML part
changes: `href`s of `<a>` tags that are absolute http(s) URLs go through the click redirect, and a
1x1 pixel is placed before `</body>` (or at the end). The plain-text part is left alone.
"""
from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from typing import Callable

# One attribute of a start tag: name, then optionally = and a quoted or bare value.
_ATTRIBUTE = re.compile(r"""[\s/]*([^\s/>"'=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def tracking_options(options: dict | None) -> tuple[bool, bool]:
    """(opens, clicks) from a campaign's options; anything but a true value is off."""
    tracking = (options or {}).get("tracking")
    if not isinstance(tracking, dict):
        return False, False
    clicks = tracking.get("clicks", tracking.get("clicks_html", False))
    return tracking.get("opens") is True, clicks is True


def add_open_pixel(html: str, pixel_url: str) -> str:
    pixel = (
        f'<img src="{html_lib.escape(pixel_url, quote=True)}" width="1" height="1" alt="" '
        'style="display:block;width:1px;height:1px;border:0" />'
    )
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + pixel
    at = ends[-1].start()
    return html[:at] + pixel + html[at:]


def rewrite_links(html: str, rewrite: Callable[[str], str | None]) -> str:
    """Every `<a href="http(s)://...">` through `rewrite(url)` (which returns the new URL, or None to keep it).

    The HTML is parsed (comments, scripts and attribute quoting are understood), and only the href
    value inside each `<a>` start tag is replaced; everything else is kept byte for byte.
    """
    finder = _AnchorFinder(html)
    try:
        finder.feed(html)
        finder.close()
    except Exception:  # html.parser is lenient; should it still give up, send the body untracked
        return html
    out, last = [], 0
    for start, raw, url in finder.anchors:
        if html[start:start + len(raw)] != raw:
            continue
        target = rewrite(url)
        if target is None:
            continue
        span = _href_value_span(raw)
        if span is None:
            continue
        new_raw = raw[:span[0]] + f'"{html_lib.escape(target, quote=True)}"' + raw[span[1]:]
        out.append(html[last:start])
        out.append(new_raw)
        last = start + len(raw)
    out.append(html[last:])
    return "".join(out)


def _href_value_span(raw: str) -> tuple[int, int] | None:
    """Where the first href attribute's value sits in a raw `<a ...>` start tag."""
    position = 2  # after "<a"
    while True:
        match = _ATTRIBUTE.match(raw, position)
        if match is None or match.end() == position:
            return None
        if match.group(1).lower() == "href":
            return match.span(2) if match.group(2) is not None else None
        position = match.end()


def is_trackable(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


class _AnchorFinder(HTMLParser):
    """Collects (offset, raw start tag, href) of every `<a>` with an absolute http(s) href."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[int, str, str]] = []
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)

    def handle_starttag(self, tag, attrs):
        self._anchor(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._anchor(tag, attrs)

    def _anchor(self, tag, attrs) -> None:
        if tag != "a":
            return
        hrefs = [value for name, value in attrs if name == "href"]
        if not hrefs or hrefs[0] is None:
            return
        url = hrefs[0].strip()
        raw = self.get_starttag_text() or ""
        if not is_trackable(url) or not raw[:2].lower() == "<a":
            return
        line, column = self.getpos()
        self.anchors.append((self._line_starts[line - 1] + column, raw, url))
