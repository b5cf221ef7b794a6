"""File transport: a local outbox of .eml files, for development and tests."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from .base import (
    OutgoingEmail,
    OutgoingSms,
    TransportError,
    no_sms_provider,
    render_or_reject,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FileTransport:
    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    async def send_email(self, mail: OutgoingEmail) -> str:
        data = render_or_reject(mail).data
        try:
            # File I/O would block the worker's event loop.
            await asyncio.to_thread(self._write, self._file_name(mail.message_id), data)
        except OSError as exc:  # disk full, permissions: may clear up, so retry
            raise TransportError(f"cannot write to outbox: {exc}", permanent=False) from exc
        return mail.message_id

    async def send_sms(self, sms: OutgoingSms) -> str:
        raise no_sms_provider(self.name)

    async def close(self) -> None:
        pass

    @staticmethod
    def _file_name(message_id: str) -> str:
        # Timestamp first so a listing sorts by send time; a retry of the same
        # message gets its own file instead of overwriting the earlier attempt.
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        safe_id = _UNSAFE.sub("_", message_id.strip("<>"))[:100]
        return f"{stamp}-{safe_id}.eml"

    def _write(self, name: str, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Temp file in the same directory so the rename is atomic; the leading
        # dot keeps readers globbing *.eml from seeing a half-written file.
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            target = self.directory / name
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target
