"""Tracking rewrites: only <a href> to http(s) URLs change, everything else is kept byte for byte."""
from domain.messaging.tracking import add_open_pixel, rewrite_links, tracking_options


def through(url: str) -> str:
    return f"https://t.example/c?u={url}"


def test_anchor_hrefs_are_rewritten_and_the_rest_is_kept():
    html = ('<p title="a > b">Hi <a class=x href="https://example.org/?a=1&amp;b=2">one</a> '
            "<A HREF=http://bare.example/x>two</A> <a href='mailto:x@example.org'>mail</a> <a href=\"#top\">top</a></p>")
    out = rewrite_links(html, through)
    assert '<a class=x href="https://t.example/c?u=https://example.org/?a=1&amp;b=2">one</a>' in out
    assert '<A HREF="https://t.example/c?u=http://bare.example/x">two</A>' in out
    assert "<a href='mailto:x@example.org'>mail</a> <a href=\"#top\">top</a></p>" in out
    assert out.startswith('<p title="a > b">Hi ')


def test_links_in_comments_scripts_and_other_attributes_are_left_alone():
    html = ('<!-- <a href="http://comment.example">c</a> --><script>var a = \'<a href="http://script.example">\';</script>'
            '<a title=" href=http://fake.example" href="https://real.example/">r</a><img src="https://img.example/i.png">')
    out = rewrite_links(html, through)
    assert '<!-- <a href="http://comment.example">c</a> -->' in out
    assert '\'<a href="http://script.example">\'' in out
    assert '<a title=" href=http://fake.example" href="https://t.example/c?u=https://real.example/">r</a>' in out
    assert '<img src="https://img.example/i.png">' in out


def test_a_rewrite_returning_none_keeps_the_link():
    html = '<a href="https://keep.example/">k</a><a href="https://change.example/">c</a>'
    out = rewrite_links(html, lambda url: None if "keep" in url else through(url))
    assert out == '<a href="https://keep.example/">k</a><a href="https://t.example/c?u=https://change.example/">c</a>'


def test_the_pixel_goes_before_the_body_end_or_at_the_end():
    assert add_open_pixel("<html><body><p>x</p></BODY></html>", "https://t.example/o/1.x.gif").endswith(
        '<img src="https://t.example/o/1.x.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" /></BODY></html>')
    assert add_open_pixel("<p>x</p>", "https://t.example/o/1.gif").startswith("<p>x</p><img src=")


def test_tracking_is_off_unless_asked_for():
    assert tracking_options({}) == (False, False)
    assert tracking_options({"tracking": {"opens": True}}) == (True, False)
    assert tracking_options({"tracking": {"opens": True, "clicks": True}}) == (True, True)
    assert tracking_options({"tracking": {"opens": "yes", "clicks_html": True}}) == (False, True)  # Especial's name
    assert tracking_options({"tracking": True}) == (False, False)
