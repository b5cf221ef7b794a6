"""Export downloads: `GET /exports/{token}.csv` streams a DONE export's CSV, chunk by chunk from the database.

The signed token (domain.exports.links) is the credential, as a pre-signed storage URL would be: the dialects'
download routes hand it out only to callers who may read the export. Unknown, tampered, expired and deleted
exports all answer the same 404.
"""
from __future__ import annotations

from typing import AsyncIterator

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from app.public import NO_STORE, system_sessions
from app.settings import Settings
from domain.errors import DomainError
from domain.exports import builder, links, service


def routes(settings: Settings) -> list[Route]:
    async def download(request: Request) -> Response:
        export_id = links.verify_token(settings.secret_key, request.path_params["token"])
        sessions = system_sessions(request)
        export = None
        if export_id is not None:
            async with sessions() as session:
                try:
                    export = service.check_downloadable(await service.get(session, export_id=export_id))
                except DomainError:
                    export = None
        if export is None:
            return PlainTextResponse("This download link is not valid, or no longer is.", status_code=404, headers=NO_STORE)

        async def body() -> AsyncIterator[bytes]:
            async with sessions() as session:
                async for chunk in builder.chunks(session, export):
                    yield chunk

        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="export-{export.id}.csv"'}
        return StreamingResponse(body(), media_type="text/csv; charset=utf-8", headers=headers)

    return [Route("/exports/{token}.csv", download, methods=["GET"])]
