"""A local stand-in for seven.io's SMS API (POST /api/sms), on 127.0.0.1 in a thread.

It checks `X-Api-Key`, records every request, and answers in seven.io's JSON shape:
`{"success": "100", "total_price": …, "balance": …, "messages": [{"id": …, "recipient": …,
"success": true, "error": null, …}]}`. An unparsable recipient is answered with seven.io's
code 202 (invalid recipient). Tests script other answers with `respond_next` (the next
requests, in order) or `respond_for` (the next requests for one recipient, so tests sharing
the session's provider do not take each other's answers).
"""
from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_NUMBER = re.compile(r"^\+?[1-9][0-9]{6,15}$")


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    delay: float = 0.0  # seconds to wait before answering


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    json: Any
    peer: tuple[str, int]  # the client's address: one per TCP connection
    reply: Reply | None = None  # what the provider answered


@dataclass
class SevenSmsProvider:
    api_key: str
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    _next: deque[Reply] = field(default_factory=deque)
    _by_recipient: dict[str, deque[Reply]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(77000001))
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> "SevenSmsProvider":
        provider = self

        class Handler(_Handler):
            pass

        Handler.provider = provider
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-seven-sms", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def respond_next(self, *replies: Reply) -> None:
        with self._lock:
            self._next.extend(replies)

    def respond_for(self, recipient: str, *replies: Reply) -> None:
        with self._lock:
            self._by_recipient.setdefault(recipient, deque()).extend(replies)

    def sent_to(self, recipient: str) -> list[dict]:
        """JSON bodies of the requests for `recipient`, oldest first."""
        with self._lock:
            return [r.json for r in self.requests if isinstance(r.json, dict) and r.json.get("to") == recipient]

    def answer(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            received.reply = self._decide(received)
            return received.reply

    def _decide(self, received: Received) -> Reply:  # with the lock held
        if received.headers.get("x-api-key") != self.api_key:
            return Reply(401, {"success": "900", "error_text": "Invalid API key"})
        if self._next:
            return self._next.popleft()
        body = received.json if isinstance(received.json, dict) else {}
        to = str(body.get("to", ""))
        if self._by_recipient.get(to):
            return self._by_recipient[to].popleft()
        if not _NUMBER.match(to):
            return Reply(200, _response("202", to, body, None, error="202", error_text="Invalid recipient"))
        if not body.get("text"):
            return Reply(200, _response("305", to, body, None, error="305", error_text="Text is missing"))
        return Reply(200, _response("100", to, body, str(next(self._ids))))


def _response(code: str, to: str, body: dict, message_id: str | None, *, error: str | None = None, error_text: str | None = None) -> dict:
    ok = code == "100"
    return {
        "success": code,
        "total_price": 0.075 if ok else 0,
        "balance": 42.5,
        "debug": "false",
        "sms_type": "direct",
        "messages": [{
            "id": message_id,
            "sender": body.get("from") or "seven.io",
            "recipient": to.lstrip("+"),
            "text": body.get("text", ""),
            "encoding": "gsm",
            "label": None,
            "parts": 1,
            "udh": None,
            "is_binary": False,
            "price": 0.075 if ok else 0,
            "success": ok,
            "error": error,
            "error_text": error_text,
        }],
    }


class _Handler(BaseHTTPRequestHandler):
    provider: SevenSmsProvider
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/api/sms":
            self._send(Reply(404, {"error": "not found"}))
            return
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, payload, self.client_address)
        self._send(self.provider.answer(received))

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass
