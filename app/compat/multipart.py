"""A small multipart/form-data reader for upload routes: the body is read up to a limit first (a larger one is
refused before it is read whole), then split on its boundary. No temporary files: uploads here are small."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.utils import collapse_rfc2231_value

from starlette.requests import Request

from domain.errors import Invalid


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def _params(header: str) -> Message:
    message = Message()
    message["content-type"] = header
    return message


async def read_form(request: Request, *, limit: int, too_large: Invalid) -> dict[str, Part]:
    """The parts of a multipart/form-data body by field name (the first of a name wins)."""
    header = request.headers.get("content-type", "")
    boundary = _params(header).get_param("boundary") if header.lower().startswith("multipart/form-data") else None
    if not isinstance(boundary, str) or not boundary:
        raise Invalid("The body must be multipart/form-data with a boundary", code="UNSUPPORTED_MEDIA_TYPE", field="body")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    sections = (b"\r\n" + bytes(body)).split(delimiter)
    if len(sections) < 3 or not sections[-1].startswith(b"--"):
        raise Invalid("The multipart body is malformed (no closing boundary)", code="INVALID_MULTIPART", field="body")
    parts: dict[str, Part] = {}
    for section in sections[1:-1]:
        head, separator, data = section.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise Invalid("A multipart section has no headers", code="INVALID_MULTIPART", field="body")
        headers = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _params("form-data; " + headers.get("content-disposition", "").partition(";")[2])
        name, filename = (disposition.get_param(key) for key in ("name", "filename"))
        name = collapse_rfc2231_value(name) if name else None
        if name and name not in parts:
            parts[name] = Part(name=name, filename=collapse_rfc2231_value(filename) if filename else None,
                               content_type=headers.get("content-type"), data=data)
    return parts
