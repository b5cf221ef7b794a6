"""Templates render in a sandbox: tenant-authored Jinja2 cannot reach Python internals."""
import pytest

from domain.errors import Invalid
from domain.rendering import check_syntax, render


def test_renders_every_part_with_the_payload():
    out = render(subject="Hi {{ name }}", html="<b>{{ name }}</b>", text="Hello {{ name }}", data={"name": "Ada"})
    assert (out.subject, out.html, out.text) == ("Hi Ada", "<b>Ada</b>", "Hello Ada")


def test_html_escapes_inserted_values_but_text_does_not():
    out = render(subject=None, html="{{ v }}", text="{{ v }}", data={"v": "<script>"})
    assert out.html == "&lt;script&gt;"
    assert out.text == "<script>"


def test_sandbox_refuses_python_internals():
    with pytest.raises(Invalid) as error:
        render(subject=None, html=None, text="{{ ''.__class__.__mro__[1].__subclasses__() }}", data={})
    assert error.value.code == "RENDER_FAILED"


def test_syntax_errors_are_caught_when_saved():
    with pytest.raises(Invalid) as error:
        check_syntax("{{ oops", field="parts.0.html")
    assert (error.value.code, error.value.field) == ("INVALID_TEMPLATE", "parts.0.html")


def test_dictionary_labels_follow_the_part_language():
    from domain.messaging.delivery import translate_labels

    entries = {"greeting": {"en": "Hello", "de": "Hallo"}, "bye": {"en": "Bye"}}
    assert translate_labels(entries, "de", "en") == {"greeting": "Hallo", "bye": "Bye"}
