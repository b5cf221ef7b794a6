"""Template rendering: Jinja2 in a sandbox, so tenant-authored templates cannot reach Python."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Template, TemplateSyntaxError, Undefined
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from domain.errors import Invalid

_env = ImmutableSandboxedEnvironment(autoescape=False, undefined=Undefined)
_html_env = ImmutableSandboxedEnvironment(autoescape=True, undefined=Undefined)


@lru_cache(maxsize=1024)
def _compiled(source: str, *, html: bool = False) -> Template:
    """Compiling is most of a render's cost, and a campaign renders one source for every recipient."""
    return (_html_env if html else _env).from_string(source)


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    html: str | None
    text: str | None


def check_syntax(source: str | None, *, field: str) -> None:
    """Reject a template that cannot compile, when it is saved rather than when it is sent."""
    if not source:
        return
    try:
        _compiled(source)
    except TemplateSyntaxError as exc:
        raise Invalid(f"Template syntax error at line {exc.lineno}: {exc.message}", code="INVALID_TEMPLATE", field=field)


def render(*, subject: str | None, html: str | None, text: str | None, data: dict) -> Rendered:
    """Render each part with the payload; values inserted into HTML are escaped."""
    try:
        return Rendered(
            subject=_without_nul(_compiled(subject).render(data).strip()) if subject else subject,
            html=_without_nul(_compiled(html, html=True).render(data)) if html else html,
            text=_without_nul(_compiled(text).render(data)) if text else text,
        )
    except (TemplateError, SecurityError) as exc:
        raise Invalid(f"Template could not be rendered: {exc}", code="RENDER_FAILED") from exc


def _without_nul(rendered: str) -> str:
    """NUL can be neither sent over SMTP nor stored in a Postgres text column (the sent message would stay SENDING)."""
    return rendered.replace("\x00", "")
