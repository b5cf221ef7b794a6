"""Run the real `sendgraph` command as a user would: CLI calls and long-running servers."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

SENDGRAPH = str(Path(sys.executable).with_name("sendgraph"))
SENDGRAPH_ENV = ("DATABASE_URL", "REDIS_URL", "SMTP_URL", "SMS_URL", "SMS_API_KEY", "OUTBOX_DIR", "SECRET_KEY", "SENDGRAPH_VAR_DIR", "SENDGRAPH_REDIS_NAMESPACE")


def environment(**overrides: str) -> dict[str, str]:
    """The test process's environment without sendgraph's own settings, plus the given ones."""
    env = {k: v for k, v in os.environ.items()
           if k not in SENDGRAPH_ENV and not (k.startswith("SENDGRAPH_") and not k.startswith("SENDGRAPH_TEST_"))}
    env.update(overrides)
    return env


def run(*args: str, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run([SENDGRAPH, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"sendgraph {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(*args: str, env: dict[str, str], cwd: Path, ready_url: str | None = None) -> Iterator[subprocess.Popen]:
    log = open(cwd / f"{args[0]}.log", "a")
    # Its own process group, so a test can kill it with all its children, as a crash would.
    process = subprocess.Popen([SENDGRAPH, *args], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if ready_url:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, (cwd / f"{args[0]}.log").read_text()
                try:
                    if httpx.get(ready_url, timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{ready_url} never answered"
                time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def crash(process: subprocess.Popen) -> None:
    """SIGKILL the process and all its children: no shutdown, no cleanup."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
