"""multipart/form-data uploads, parsed by Starlette's form parser (python-multipart) from a body that is cut off at
a limit: a larger upload is refused while it streams in (chunked or not), before it is read whole."""
from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Message

from domain.errors import Invalid


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


async def read_form(request: Request, *, limit: int, too_large: Invalid) -> dict[str, Part]:
    """The parts of a multipart/form-data body by field name (the first of a name wins)."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Invalid("The body must be multipart/form-data with a boundary", code="UNSUPPORTED_MEDIA_TYPE", field="body")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise too_large
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large
        return message

    try:
        async with Request(request.scope, receive).form(max_files=10, max_fields=20) as form:
            parts: dict[str, Part] = {}
            for name, value in form.multi_items():
                if name in parts:
                    continue
                if isinstance(value, UploadFile):
                    parts[name] = Part(name, value.filename, value.content_type, await value.read())
                else:
                    parts[name] = Part(name, None, None, value.encode("utf-8"))
            return parts
    except (MultiPartException, HTTPException) as error:  # Starlette turns a parse error into a 400 inside an app
        detail = getattr(error, "message", None) or getattr(error, "detail", "")
        raise Invalid(f"The multipart body is malformed: {detail}", code="INVALID_MULTIPART", field="body") from error
