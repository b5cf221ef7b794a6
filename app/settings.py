"""Runtime configuration, read from the environment once.

With nothing set, sendgraph runs embedded: SQLite under ./var, Dramatiq's in-process
broker and worker threads, and the file transport writing .eml files to ./var/outbox.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(var_dir: Path) -> str:
    """A signing key that survives restarts: from SECRET_KEY, else persisted under ./var."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = var_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    redis_url: str | None
    redis_namespace: str
    smtp_url: str | None
    outbox_dir: Path
    secret_key: str
    sql_echo: bool = False
    max_page_size: int = 100
    worker_threads: int = 4
    message_id_domain: str = "sendgraph.local"
    launch_chunk_size: int = 500
    sms_url: str | None = None  # a seven.io-style SMS API, e.g. https://gateway.seven.io/api
    sms_api_key: str | None = None
    max_attempts: int = 8  # delivery attempts before a transient failure becomes FAILED
    sending_timeout: float = 300.0  # seconds a message may stay SENDING before the scheduler recovers it
    scheduler_interval: float = 0.5  # seconds between outbox relay passes
    # Where recipients reach this deployment: unsubscribe, open-pixel and click links in sent mail.
    public_url: str = "http://127.0.0.1:8000"
    # Shared secret the inbound status webhooks (/inbound/...) require; unset, they are disabled.
    inbound_secret: str | None = None
    # A DNS server to check tenants' domains with (an IP, IPv4:port, or "system": resolv.conf); unset, DNS checks answer DNS_UNREACHABLE.
    dns_resolver: str | None = None

    @property
    def embedded(self) -> bool:
        """No Redis: the API process runs the workers itself."""
        return self.redis_url is None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    var_dir = Path(os.environ.get("SENDGRAPH_VAR_DIR", "var")).resolve()
    return Settings(
        var_dir=var_dir,
        database_url=os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'sendgraph.db'}",
        redis_url=os.environ.get("REDIS_URL") or None,
        # Separate deployments (or test runs) can share one Redis without taking each other's jobs.
        redis_namespace=os.environ.get("SENDGRAPH_REDIS_NAMESPACE", "sendgraph"),
        smtp_url=os.environ.get("SMTP_URL") or None,
        outbox_dir=Path(os.environ.get("OUTBOX_DIR") or var_dir / "outbox").resolve(),
        secret_key=_secret_key(var_dir),
        sql_echo=_flag("SENDGRAPH_SQL_ECHO"),
        max_page_size=int(os.environ.get("SENDGRAPH_MAX_PAGE_SIZE", "100")),
        worker_threads=int(os.environ.get("SENDGRAPH_WORKER_THREADS", "4")),
        message_id_domain=os.environ.get("SENDGRAPH_MESSAGE_ID_DOMAIN", "sendgraph.local"),
        launch_chunk_size=int(os.environ.get("SENDGRAPH_LAUNCH_CHUNK_SIZE", "500")),
        sms_url=os.environ.get("SMS_URL") or None,
        sms_api_key=os.environ.get("SMS_API_KEY") or None,
        max_attempts=int(os.environ.get("SENDGRAPH_MAX_ATTEMPTS", "8")),
        sending_timeout=float(os.environ.get("SENDGRAPH_SENDING_TIMEOUT", "300")),
        scheduler_interval=float(os.environ.get("SENDGRAPH_SCHEDULER_INTERVAL", "0.5")),
        public_url=(os.environ.get("SENDGRAPH_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        inbound_secret=os.environ.get("SENDGRAPH_INBOUND_SECRET") or None,
        dns_resolver=os.environ.get("SENDGRAPH_DNS_RESOLVER") or None,
    )
