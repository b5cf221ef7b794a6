"""SMS over seven.io's HTTP API (https://docs.seven.io/en/rest-api/endpoints/sms).

One `POST {base_url}/sms` per message, JSON in and out, the key in `X-Api-Key`.
seven.io answers with a status code in `success` ("100" sent, "101" partly sent)
and one entry per recipient in `messages`; errors may also come as a bare code
(`900`) or as an HTTP error status. One pooled `httpx.AsyncClient` per
transport, so a worker's sends share keep-alive connections.
"""

from __future__ import annotations

import json
import re

import httpx

from .base import OutgoingEmail, OutgoingSms, TransportError

DEFAULT_TIMEOUT = 30.0

# seven.io return codes. Those a later retry can cure are transient; a bad
# recipient, sender, text or credential fails the same way every time.
_SENT = {"100", "101"}
_TRANSIENT_CODES = {
    "11": "SMS carrier temporarily unavailable",
    "403": "daily limit for this recipient reached",
    "500": "not enough credit",
    "600": "carrier delivery failed",
    "700": "unknown provider error",
}
_PERMANENT_CODES = {
    "201": "invalid sender",
    "202": "invalid recipient",
    "301": "recipient missing",
    "305": "text missing or invalid",
    "401": "text too long",
    # Sending it again is exactly what the reload lock refuses; and a retry
    # after a lost response would send the SMS twice.
    "402": "same SMS already sent within 180 seconds (reload lock)",
    "900": "authentication failed: check SMS_API_KEY",
    "901": "signature verification failed",
    "902": "API key has no access rights for SMS",
    "903": "server IP not allowed for this API key",
}

# foreign_id: at most 64 of [A-Za-z0-9.-_@].
_FOREIGN_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.\-_@]+")


class SevenSmsTransport:
    name = "seven"

    def __init__(self, base_url: str, api_key: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"SMS URL must be http(s), got {base_url!r}")
        if not api_key:
            raise ValueError("an SMS API key is required")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._api_key = api_key
        # Created on first use, on the event loop that sends (see workers.runtime).
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:  # never show the key
        return f"SevenSmsTransport(base_url={self.base_url!r})"

    async def send_email(self, mail: OutgoingEmail) -> str:
        raise TransportError("the seven SMS transport cannot send email", permanent=True)

    async def send_sms(self, sms: OutgoingSms) -> str:
        payload = {"to": sms.to, "text": sms.text, "foreign_id": foreign_id(sms.message_id)}
        if sms.sender:
            payload["from"] = sms.sender
        try:
            response = await self._http().post(f"{self.base_url}/sms", json=payload)
        except httpx.TimeoutException as exc:
            raise TransportError(f"SMS provider timed out: {type(exc).__name__}", permanent=False) from exc
        except httpx.HTTPError as exc:  # refused, reset, DNS, TLS, protocol errors
            raise TransportError(f"SMS provider unreachable: {type(exc).__name__}: {exc}", permanent=False) from exc
        return _provider_id(response)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.timeout,
                headers={"X-Api-Key": self._api_key, "Accept": "application/json", "SentWith": "sendgraph"},
            )
        return self._client


def foreign_id(message_id: str) -> str:
    """Our message id as seven.io accepts it: "<msg-1.t2@host>" -> "msg-1.t2@host"."""
    return _FOREIGN_ID_UNSAFE.sub("_", message_id.strip("<>"))[:64]


def _provider_id(response: httpx.Response) -> str:
    status = response.status_code
    body = _json(response)
    if status == 429 or status >= 500:
        raise TransportError(f"SMS provider HTTP {status}{_detail(response, body)}", permanent=False)
    if status in (401, 403):
        raise TransportError(f"SMS provider refused the API key: HTTP {status}{_detail(response, body)}", permanent=True)
    if status == 408:
        raise TransportError("SMS provider HTTP 408 (request timeout)", permanent=False)
    if status >= 400:
        raise TransportError(f"SMS provider HTTP {status}{_detail(response, body)}", permanent=True)
    if status >= 300:  # httpx does not follow redirects here; a moved API is configuration
        raise TransportError(f"SMS provider HTTP {status}: check SMS_URL", permanent=True)

    if isinstance(body, (int, str)) and str(body).strip().isdigit():  # a bare code, e.g. 900
        raise _code_error(str(body).strip(), None)
    if not isinstance(body, dict):
        # A 2xx we cannot read (a proxy's page?): whether it was sent is unknown,
        # as with a 5xx, so let the retry decide.
        raise TransportError(f"unexpected SMS provider response{_detail(response, body)}", permanent=False)

    code = str(body.get("success", "")).strip()
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    first = messages[0] if messages and isinstance(messages[0], dict) else {}
    if code not in _SENT:
        raise _code_error(code or "?", _message_error(first))
    if first.get("success") is False:  # "101": some recipients failed; we send to one
        raise _code_error(str(first.get("error") or "?"), first.get("error_text"))
    provider_id = first.get("id")
    if provider_id in (None, ""):
        # seven.io's debug mode validates but sends nothing, and has no id.
        raise TransportError("SMS provider accepted the SMS but returned no message id (debug mode?)", permanent=True)
    return str(provider_id)


def _code_error(code: str, text: str | None) -> TransportError:
    known = _PERMANENT_CODES.get(code) or _TRANSIENT_CODES.get(code)
    reason = f"SMS provider error {code}: {known or 'unknown code'}"
    if text and text != known:
        reason += f" ({text})"
    return TransportError(reason, permanent=code not in _TRANSIENT_CODES)


def _message_error(first: dict) -> str | None:
    text = first.get("error_text")
    return str(text) if text else None


def _json(response: httpx.Response):
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = response.text.strip()
        return text if text.isdigit() else None


def _detail(response: httpx.Response, body) -> str:
    if isinstance(body, dict):
        text = body.get("error_text") or body.get("message") or body.get("error") or body.get("success")
        return f": {str(text)[:200]}" if text else ""
    snippet = response.text.strip()[:200]
    return f": {snippet}" if snippet else ""
