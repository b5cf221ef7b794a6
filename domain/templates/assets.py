"""Editor assets (Doxie): images, fonts and other files the page editor uses, stored in the database so that
every API process serves them; public at `/assets/{uuid}/{filename}` (published pages link them)."""
from __future__ import annotations

import mimetypes
import re
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.common import get_or_raise
from domain.errors import Invalid, NotFound
from domain.templates.models import EditorAsset
from domain.tenants.models import Tenant

MAX_BYTES = 2 * 1024 * 1024  # an editor asset is an image or a font, not a download area
# What the editor places in a page; anything else (html, scripts, archives) is refused, as it would be served
# from sendgraph's own origin.
CONTENT_TYPES = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon", "image/avif",
    "font/woff", "font/woff2", "font/ttf", "font/otf", "application/pdf", "text/css", "video/mp4", "video/webm",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def clean_filename(filename: str | None) -> str:
    """The base name, without path parts or characters a URL or a header would need escaping for."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = _UNSAFE.sub("_", name).strip(" .")[:255]
    if not name:
        raise Invalid("The asset needs a filename", code="REQUIRED", field="filename")
    return name


def content_type_of(filename: str, given: str | None) -> str:
    """The upload's declared type, else the one its extension names; it must be one the editor uses."""
    declared = (given or "").split(";")[0].strip().lower()
    if declared in ("", "application/octet-stream"):
        declared = (mimetypes.guess_type(filename)[0] or "").lower()
    if declared not in CONTENT_TYPES:
        raise Invalid(f"Files of type {declared or 'unknown'} cannot be editor assets (images, fonts, css, pdf, video)",
                      code="UNSUPPORTED_CONTENT_TYPE", field="file")
    return declared


async def upload(session: AsyncSession, *, tenant_id: int, filename: str, data: bytes, content_type: str | None = None) -> EditorAsset:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    if len(data) > MAX_BYTES:
        raise Invalid(f"The file has {len(data)} bytes; an editor asset may have {MAX_BYTES} at most", code="ASSET_TOO_LARGE", field="file")
    if not data:
        raise Invalid("The file is empty", code="REQUIRED", field="file")
    name = clean_filename(filename)
    asset = EditorAsset(tenant_id=tenant_id, filename=name, content_type=content_type_of(name, content_type), size=len(data), data=data)
    session.add(asset)
    await session.flush()
    return asset


async def delete(session: AsyncSession, *, asset_id: int) -> None:
    asset = (await session.execute(select(EditorAsset).where(EditorAsset.id == asset_id))).scalar_one_or_none()
    if asset is None:
        raise NotFound(f"Editor asset {asset_id} not found", code="ASSET_NOT_FOUND", field="id")
    await session.delete(asset)
    await session.flush()


async def served(session: AsyncSession, *, uuid: UUID) -> tuple[str, str, bytes] | None:
    """(filename, content type, bytes) of the asset with this uuid, for the public route; None when unknown."""
    query = select(EditorAsset.filename, EditorAsset.content_type, EditorAsset.data).where(EditorAsset.uuid == uuid)
    row = (await session.execute(query)).first()
    return (row.filename, row.content_type, row.data) if row else None


def url(public_url: str, asset: EditorAsset) -> str:
    return f"{public_url.rstrip('/')}/assets/{asset.uuid}/{asset.filename}"
