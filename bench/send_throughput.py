"""Send throughput: sendgraph end to end against a plain SMTP client, on Postgres + Redis.

    .venv/bin/python bench/send_throughput.py --quick        # small M, no campaign, under a minute
    .venv/bin/python bench/send_throughput.py                # M=5000 and a 100,000-recipient campaign

One run, one fresh database, one Redis namespace, one local SMTP sink (aiosmtpd, in a thread here):

1. end to end: M `sendMessage` mutations (aiohttp, bounded concurrency) through `sendgraph serve` and
   `sendgraph worker --processes N --threads T` into the sink; from the first request to the M-th
   message received;
2. raw: the same M messages (same subject, bodies and MIME structure) straight to the same sink with
   aiosmtplib, one connection, sequential sends;
3. campaign (unless `--campaign 0`): N contacts, a list, a template and a campaign inserted directly,
   launched with `launchCampaign`; from the launch to the N-th message received, and the peak RSS of
   the worker's process group (sampled every 0.5 s from /proc).

The last line printed is `ratio=<end-to-end rate / raw rate>`. Postgres and Redis come from
DATABASE_URL / REDIS_URL (DATABASE_URL names the server and an existing database to connect to; the
bench creates and drops its own database beside it), else `scripts/services.sh start` starts them as
the test command does. Every wait is bounded; the bench always stops its processes and drops its database.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402

SENDGRAPH_ENV = ("DATABASE_URL", "REDIS_URL", "SMTP_URL", "SMS_URL", "SMS_API_KEY", "OUTBOX_DIR", "SECRET_KEY",
                 "SENDGRAPH_VAR_DIR", "SENDGRAPH_REDIS_NAMESPACE")

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code message } } }"""
LAUNCH = """mutation($input: LaunchCampaignInput!) { launchCampaign(input: $input) { campaign { status } userErrors { code message } } }"""
TENANT = """query($slug: String!) { tenant(slug: $slug) { id } }"""

# The content of every message, end to end, raw and campaign: about 2.5 kB on the wire.
SUBJECT = "Your order {{ order }} has shipped, {{ name }}"
PARAGRAPH = ("Thank you for shopping with us. Your parcel left our warehouse this morning and should reach you "
             "within two to three working days. You can follow it with the tracking link in your account. ")
HTML = "<html><body><p>Hello {{ name }},</p>" + "".join(f"<p>{PARAGRAPH}</p>" for _ in range(4)) + "<p>Order {{ order }}</p></body></html>"
TEXT = "Hello {{ name }},\n\n" + "\n\n".join(PARAGRAPH for _ in range(4)) + "\n\nOrder {{ order }}\n"


_T0 = time.monotonic()


def log(*parts: object) -> None:
    print(f"bench [{time.monotonic() - _T0:6.1f}s]:", *parts, file=sys.stderr, flush=True)


def fill(template: str, **values: str) -> str:
    return re.sub(r"\{\{ (\w+) \}\}", lambda m: values[m.group(1)], template)


# --------------------------------------------------------------------------- the SMTP sink


@dataclass
class Tally:
    target: int = 0
    count: int = 0
    bytes: int = 0
    recipients: set[str] = field(default_factory=set)
    first_at: float | None = None
    last_at: float | None = None
    reached_at: float | None = None  # when `count` reached `target`
    reached: threading.Event = field(default_factory=threading.Event)


class Sink:
    """An aiosmtpd handler counting messages per recipient domain (each run part has its own domain)."""

    def __init__(self) -> None:
        self.tallies: dict[str, Tally] = {}
        self.lock = threading.Lock()

    def expect(self, domain: str, target: int) -> Tally:
        with self.lock:
            tally = self.tallies[domain] = Tally(target=target)
            return tally

    async def handle_DATA(self, server, session, envelope) -> str:
        now = time.monotonic()
        rcpt = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        tally = self.tallies.get(rcpt.rpartition("@")[2])
        if tally is not None:
            with self.lock:
                tally.count += 1
                tally.bytes += len(envelope.original_content or envelope.content or b"")
                tally.recipients.add(rcpt)
                tally.first_at = tally.first_at or now
                tally.last_at = now
                if tally.count == tally.target:
                    tally.reached_at = now
                    tally.reached.set()
        return "250 OK"


def wait_for(tally: Tally, *, timeout: float, what: str, progress: callable = None) -> bool:
    deadline = time.monotonic() + timeout
    while not tally.reached.wait(timeout=min(10.0, max(0.0, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            log(f"TIMEOUT waiting for {what}: {tally.count}/{tally.target} received")
            return False
        if progress:
            progress()
    return True


# --------------------------------------------------------------------------- worker memory


class RssSampler(threading.Thread):
    """Sums VmRSS over a process group every `interval` seconds; keeps the peak since the last reset."""

    def __init__(self, pgid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pgid, self.interval = pgid, interval
        self.peak_kb = self.last_kb = self.processes = 0
        self.stopped = threading.Event()

    def reset(self) -> None:
        self.peak_kb = 0

    def sample(self) -> int:
        total = count = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if int(_proc_stat(entry)[2]) != self.pgid:
                    continue
                for line in Path(f"/proc/{entry}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        count += 1
                        break
            except (OSError, ValueError, IndexError):
                continue  # the process ended meanwhile
        self.last_kb, self.processes = total, count
        self.peak_kb = max(self.peak_kb, total)
        return total

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.sample()


def _proc_stat(pid: str) -> list[str]:
    # pid (comm) state ppid pgrp ... utime stime: comm may hold spaces, so split after the last ')'
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(*, pgid: int | None = None, cmdline_has: str | None = None) -> float:
    """CPU time (user + system) of the live processes of a process group, or whose command line holds a string."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _proc_stat(entry)
            if pgid is not None and int(fields[2]) != pgid:
                continue
            if cmdline_has is not None and cmdline_has.encode() not in Path(f"/proc/{entry}/cmdline").read_bytes():
                continue
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds spent by the API, the workers, our Postgres backends and this process over one part of the run."""

    def __init__(self, api_pgid: int, worker_pgid: int, database: str) -> None:
        self.api_pgid, self.worker_pgid, self.database = api_pgid, worker_pgid, database
        self.start, self.started = self.read(), time.monotonic()
        self.load_start = os.getloadavg()[0]

    def read(self) -> dict[str, float]:
        own = os.times()
        return {"api": cpu_seconds(pgid=self.api_pgid), "workers": cpu_seconds(pgid=self.worker_pgid),
                "postgres": cpu_seconds(cmdline_has=f" {self.database} "), "bench": own.user + own.system}

    def percent(self) -> str:
        end, seconds = self.read(), time.monotonic() - self.started
        parts = " ".join(f"{k}={100 * (end[k] - self.start[k]) / seconds:.0f}" for k in ("api", "workers", "postgres"))
        return f"idle_cpu_percent {parts}"

    def per_message(self, count: int) -> str:
        end = self.read()
        parts = " ".join(f"{k}={1000 * (end[k] - self.start[k]) / max(1, count):.1f}" for k in end)
        return f"cpu_ms_per_msg {parts} loadavg={self.load_start:.1f}->{os.getloadavg()[0]:.1f}"


# --------------------------------------------------------------------------- services and processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def services() -> tuple[str, str]:
    """(admin database URL, Redis URL): from DATABASE_URL / REDIS_URL, else started like `scripts/test` does."""
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if database_url and redis_url:
        if not database_url.startswith("postgresql"):
            sys.exit("bench: DATABASE_URL must be a PostgreSQL URL")
        return database_url, redis_url
    log("DATABASE_URL / REDIS_URL not both set: scripts/services.sh start")
    subprocess.run([str(ROOT / "scripts" / "services.sh"), "start"], check=True, stdout=subprocess.DEVNULL, timeout=600)
    found = dict(re.findall(r"export (\w+)=(\S+)", (ROOT / "var" / "test-services" / "env").read_text()))
    return found["SENDGRAPH_TEST_DATABASE_URL"], found["SENDGRAPH_TEST_REDIS_URL"]


def asyncpg_dsn(url: str) -> str:
    return re.sub(r"^postgresql(\+\w+)?://", "postgresql://", url)


def sqlalchemy_url(url: str) -> str:
    return re.sub(r"^postgresql(\+\w+)?://", "postgresql+asyncpg://", url)


async def create_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(asyncpg_dsn(admin_url), timeout=30)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def drop_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(asyncpg_dsn(admin_url), timeout=30)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', timeout=60)
    finally:
        await connection.close()


def drop_redis_namespace(redis_url: str, namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=10)
    try:
        keys = list(client.scan_iter(match=f"{namespace}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start:start + 1000])
    finally:
        client.close()


def sendgraph_binary() -> str:
    for candidate in (Path(sys.executable).with_name("sendgraph"), ROOT / ".venv" / "bin" / "sendgraph"):
        if candidate.exists():
            return str(candidate)
    sys.exit("bench: no `sendgraph` command next to this Python or in .venv/bin: run scripts/test once to install")


class Processes:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.binary = sendgraph_binary()
        self.running: list[tuple[str, subprocess.Popen]] = []

    def run(self, *args: str) -> str:
        result = subprocess.run([self.binary, *args], env=self.env, cwd=self.cwd, capture_output=True, text=True, timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"sendgraph {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout.strip()

    def start(self, *args: str) -> subprocess.Popen:
        logfile = open(self.cwd / f"{args[0]}.log", "ab")
        # Own process group: the worker's RSS is summed over it, and stopping it stops its children.
        process = subprocess.Popen([self.binary, *args], env=self.env, cwd=self.cwd, stdout=logfile,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        logfile.close()
        self.running.append((args[0], process))
        return process

    def check_alive(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                tail = (self.cwd / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"`sendgraph {name}` exited with {process.returncode}:\n{tail}")

    def stop_all(self) -> None:
        for _, process in reversed(self.running):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for _, process in reversed(self.running):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            try:  # whatever is left of the group (a worker child that ignored SIGTERM)
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log(f"process {process.pid} did not exit")


def wait_ready(url: str, processes: Processes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        processes.check_alive()
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} never answered")
        time.sleep(0.2)


# --------------------------------------------------------------------------- the parts of the run


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


async def graph(client: aiohttp.ClientSession, query: str, variables: dict) -> dict:
    async with client.post("/graphql", json={"query": query, "variables": variables}) as response:
        body = await response.json()
        if response.status != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL error: {response.status} {body}")
        return body["data"]


async def send_mutations(client: aiohttp.ClientSession, tenant_id: str, domain: str, count: int, concurrency: int,
                         deadline: float | None = None) -> tuple[float, int]:
    """`count` sendMessage mutations, at most `concurrency` in flight; (when the first was sent, how many were
    answered). At the deadline the ones not yet answered are abandoned."""
    semaphore = asyncio.Semaphore(concurrency)
    started = time.monotonic()
    answered = 0

    async def one(i: int) -> None:
        async with semaphore:
            data = await graph(client, SEND, {"input": {
                "tenantId": tenant_id, "to": f"m{i}@{domain}", "subject": SUBJECT, "html": HTML, "text": TEXT,
                "data": {"name": f"Customer {i}", "order": f"#{100000 + i}"},
            }})
            if errors := data["sendMessage"]["userErrors"]:
                raise RuntimeError(f"sendMessage: {errors}")
            nonlocal answered
            answered += 1

    work = asyncio.gather(*(one(i) for i in range(count)))
    try:
        await asyncio.wait_for(work, timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        log(f"TIMEOUT: {answered}/{count} sendMessage mutations answered")
    return started, answered


def raw_message(i: int, domain: str) -> EmailMessage:
    """The same send as a plain client builds it with the standard library's EmailMessage: the same headers
    and parts as workers.transports.base.build_mime (which uses the cheaper compat32 policy)."""
    values = {"name": f"Customer {i}", "order": f"#{100000 + i}"}
    msg = EmailMessage(policy=policy.SMTP)
    msg["Message-ID"] = f"<raw-{i}@bench.local>"
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["From"] = "Bench <noreply@bench.sendgraph.local>"
    msg["To"] = f"m{i}@{domain}"
    msg["Subject"] = fill(SUBJECT, **values)
    msg.set_content(fill(TEXT, **values))
    msg.add_alternative(fill(HTML, **values), subtype="html")
    return msg


async def raw_sends(port: int, domain: str, count: int, *, warmup_domain: str, warmup: int, timeout: float) -> tuple[float, float]:
    """Sequential sends over one aiosmtplib connection (messages built as they go, as a client would);
    (start, end) of the timed sends, which stop early at the timeout."""
    import aiosmtplib

    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30)
    await client.connect()
    try:
        for i in range(warmup):
            await client.send_message(raw_message(i, warmup_domain))
        started = time.monotonic()
        deadline = started + timeout
        for i in range(count):
            await client.send_message(raw_message(i, domain))
            if time.monotonic() > deadline:
                log(f"TIMEOUT: {i + 1}/{count} raw messages sent")
                break
        return started, time.monotonic()
    finally:
        await client.quit()


async def seed_campaign(database_url: str, slug: str, recipients: int, domain: str) -> int:
    """A list of `recipients` contacts, a template and a campaign, inserted in bulk (as tests/e2e/stack.py does)."""
    from sqlalchemy import insert, select

    from domain.campaigns.models import Campaign
    from domain.contacts.models import Contact, ContactList, ListMember
    from domain.db import create_engine, session_factory
    from domain.templates.models import Template, TemplatePart
    from domain.tenants.models import Tenant

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            tenant_id = (await session.execute(select(Tenant.id).where(Tenant.slug == slug))).scalar_one()
            contact_list = ContactList(tenant_id=tenant_id, name="Everyone")
            template = Template(tenant_id=tenant_id, name="Shipped", parts=[TemplatePart(
                language="en", subject=SUBJECT.replace("name", "first_name"), html=HTML.replace("name", "first_name"),
                text=TEXT.replace("name", "first_name"))])
            session.add_all([contact_list, template])
            await session.flush()
            chunk = 10_000
            for start in range(0, recipients, chunk):
                ids = (await session.execute(insert(Contact).returning(Contact.id), [
                    {"tenant_id": tenant_id, "email": f"r{i}@{domain}", "first_name": f"R{i}", "attributes": {"order": f"#{i}"},
                     "tags": [], "interests": []}
                    for i in range(start, min(recipients, start + chunk))
                ])).scalars().all()
                await session.execute(insert(ListMember), [{"tenant_id": tenant_id, "list_id": contact_list.id, "contact_id": i} for i in ids])
            campaign = Campaign(tenant_id=tenant_id, name="Shipped", template_id=template.id, list_id=contact_list.id, options={})
            session.add(campaign)
            await session.commit()
            return campaign.id
    finally:
        await engine.dispose()


async def campaign_status(database_url: str, campaign_id: int) -> tuple[str, dict[str, int]]:
    from sqlalchemy import func, select

    from domain.campaigns.models import Campaign
    from domain.db import create_engine, session_factory
    from domain.messaging.models import Message

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            status = (await session.execute(select(Campaign.status).where(Campaign.id == campaign_id))).scalar_one()
            rows = (await session.execute(select(Message.status, func.count()).where(Message.campaign_id == campaign_id)
                                          .group_by(Message.status))).all()
            return status.name, {s.name: n for s, n in rows}
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small M (200), a short warm-up, no campaign unless --campaign is given")
    parser.add_argument("--messages", "-m", type=int, help="M, messages per throughput part (default 5000; 200 with --quick)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (`sendgraph worker --processes`)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker process (`--threads`)")
    parser.add_argument("--concurrency", type=int, default=32, help="sendMessage requests in flight")
    parser.add_argument("--campaign", type=int, help="campaign recipients (default 100000; 0 skips; skipped with --quick)")
    parser.add_argument("--warmup", type=int, help="untimed messages first, end to end and raw (default 50; 20 with --quick)")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds each throughput part may take (default 900); on expiry the rate is of what arrived")
    parser.add_argument("--campaign-timeout", type=float, default=3600, help="seconds the campaign may take (default 3600)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs (for inspection)")
    args = parser.parse_args()
    args.messages = args.messages or (200 if args.quick else 5000)
    args.warmup = (20 if args.quick else 50) if args.warmup is None else args.warmup
    if args.campaign is None:
        args.campaign = 0 if args.quick else 100_000
    return args


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    # SIGTERM ends the run like Ctrl-C: through the `finally` that stops processes and drops the database.
    signal.signal(signal.SIGTERM, _interrupt)
    # The sink thread shares the GIL with the HTTP client: switch often so SMTP replies are not held back.
    sys.setswitchinterval(0.0005)

    from aiosmtpd.controller import Controller

    admin_url, redis_url = services()
    name = f"sendgraph_bench_{secrets.token_hex(4)}"
    database_url = sqlalchemy_url(admin_url).rsplit("/", 1)[0] + f"/{name}"
    workdir = Path(tempfile.mkdtemp(prefix="sendgraph-bench-"))
    sink, smtp_port, api_port = Sink(), free_port(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    env = {k: v for k, v in os.environ.items()
           if k not in SENDGRAPH_ENV and not (k.startswith("SENDGRAPH_") and not k.startswith("SENDGRAPH_TEST_"))}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, SENDGRAPH_REDIS_NAMESPACE=name,
               SMTP_URL=f"smtp://127.0.0.1:{smtp_port}", SECRET_KEY=f"bench-{name}-{secrets.token_hex(16)}",
               SENDGRAPH_VAR_DIR=str(workdir))
    processes = Processes(env, workdir)
    sampler: RssSampler | None = None
    created = ok = False
    results: list[str] = []
    meters: dict[str, CpuMeter] = {}
    idle_cpu: list[str] = [""]
    log(f"nproc={os.cpu_count()} database={name} logs={workdir} M={args.messages} workers={args.workers} "
        f"threads={args.threads} campaign={args.campaign}")
    try:
        controller.start()
        asyncio.run(create_database(admin_url, name))
        created = True
        processes.run("migrate")
        base = f"http://127.0.0.1:{api_port}"
        api = processes.start("serve", "--port", str(api_port))  # they start while the CLI makes the tenant
        worker = processes.start("worker", "--processes", str(args.workers), "--threads", str(args.threads))
        sampler = RssSampler(worker.pid)
        sampler.start()
        processes.run("tenant", "create", "--slug", "bench", "--name", "Bench")
        token = processes.run("token", "create", "--tenant", "bench")
        wait_ready(f"{base}/readyz", processes)
        log("stack ready")

        async def end_to_end() -> tuple[float, Tally]:
            # The client's CPU is part of the machine's budget: aiohttp spends about half of what httpx does
            # per request. uvicorn closes idle connections after 5 s: let the client drop them first, so a
            # request is never sent on a connection the server is closing (mutations are not retried).
            def client() -> aiohttp.ClientSession:
                return aiohttp.ClientSession(
                    base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=aiohttp.ClientTimeout(total=60),
                    connector=aiohttp.TCPConnector(limit=args.concurrency, keepalive_timeout=2),
                )

            async with client() as warm_client:
                tenant_id = (await graph(warm_client, TENANT, {"slug": "bench"}))["tenant"]["id"]
                if args.warmup:  # until this arrives, the workers are still starting: not part of the rate
                    warm = sink.expect("warm.e2e.example.com", args.warmup)
                    await send_mutations(warm_client, tenant_id, "warm.e2e.example.com", args.warmup, args.concurrency,
                                         deadline=time.monotonic() + 120)
                    if not await asyncio.to_thread(wait_for, warm, timeout=120, what="warm-up messages", progress=processes.check_alive):
                        raise RuntimeError("the workers delivered no warm-up messages")
            # What the stack burns doing nothing (scheduler polling, consumers waiting on Redis): part of the
            # per-message CPU figures below, which are the run's CPU divided by M.
            idle = CpuMeter(api.pid, worker.pid, name)
            await asyncio.sleep(2)
            idle_cpu[:] = [idle.percent()]
            async with client() as client:
                tally = sink.expect("e2e.example.com", args.messages)
                sampler.reset()
                meters["e2e"] = CpuMeter(api.pid, worker.pid, name)
                started, answered = await send_mutations(client, tenant_id, "e2e.example.com", args.messages,
                                                         args.concurrency, deadline=time.monotonic() + args.timeout)
                log(f"end to end: {answered} mutations answered in {time.monotonic() - started:.2f}s; "
                    f"{tally.count} delivered so far")
                return started, tally

        started, tally = asyncio.run(end_to_end())
        done = wait_for(tally, timeout=max(0.0, args.timeout - (time.monotonic() - started)), what="end-to-end messages",
                        progress=lambda: log(f"end to end: {tally.count}/{tally.target} delivered"))
        end = tally.reached_at or time.monotonic()
        e2e_seconds = end - started
        e2e_rate = tally.count / e2e_seconds
        results.append(f"e2e_messages={tally.count}{'' if done else f' TIMED_OUT_OF={args.messages}'} "
                       f"seconds={e2e_seconds:.2f} rate={e2e_rate:.1f} msg/s "
                       f"workers={args.workers} threads={args.threads} avg_bytes={tally.bytes // max(1, tally.count)} "
                       f"peak_worker_rss_mb={sampler.peak_kb / 1024:.0f}")
        print(results[-1], flush=True)
        print(f"e2e_{meters['e2e'].per_message(tally.count)} {idle_cpu[0]}", flush=True)

        raw_tally = sink.expect("raw.example.com", args.messages)
        sink.expect("warm.raw.example.com", args.warmup)
        meters["raw"] = CpuMeter(api.pid, worker.pid, name)
        raw_started, raw_end = asyncio.run(asyncio.wait_for(
            raw_sends(smtp_port, "raw.example.com", args.messages, warmup_domain="warm.raw.example.com", warmup=args.warmup,
                      timeout=args.timeout),
            timeout=args.timeout + 120))
        raw_seconds = raw_end - raw_started
        raw_rate = raw_tally.count / raw_seconds
        results.append(f"raw_messages={raw_tally.count}{'' if raw_tally.count == args.messages else f' TIMED_OUT_OF={args.messages}'} seconds={raw_seconds:.2f} rate={raw_rate:.1f} msg/s "
                       f"connections=1 avg_bytes={raw_tally.bytes // max(1, raw_tally.count)}")
        print(results[-1], flush=True)
        print(f"raw_{meters['raw'].per_message(raw_tally.count)}", flush=True)

        if args.campaign > 0:
            domain = "campaign.example.com"
            t0 = time.monotonic()
            campaign_id = asyncio.run(asyncio.wait_for(seed_campaign(database_url, "bench", args.campaign, domain), timeout=600))
            log(f"campaign: {args.campaign} contacts seeded in {time.monotonic() - t0:.1f}s")
            camp = sink.expect(domain, args.campaign)
            sampler.reset()
            sampler.sample()

            async def launch() -> None:
                async with aiohttp.ClientSession(base_url=base, headers={"Authorization": f"Bearer {token}"},
                                                 timeout=aiohttp.ClientTimeout(total=60)) as client:
                    data = await graph(client, LAUNCH, {"input": {"campaignId": global_id("Campaign", campaign_id)}})
                    if errors := data["launchCampaign"]["userErrors"]:
                        raise RuntimeError(f"launchCampaign: {errors}")

            meters["campaign"] = CpuMeter(api.pid, worker.pid, name)
            launched = time.monotonic()
            asyncio.run(asyncio.wait_for(launch(), timeout=60))

            def progress() -> None:
                processes.check_alive()
                elapsed = time.monotonic() - launched
                log(f"campaign: {camp.count}/{camp.target} after {elapsed:.0f}s ({camp.count / elapsed:.0f} msg/s), "
                    f"worker rss {sampler.last_kb / 1024:.0f} MB over {sampler.processes} processes")

            done = wait_for(camp, timeout=args.campaign_timeout, what="campaign messages", progress=progress)
            seconds = (camp.reached_at or time.monotonic()) - launched
            status, statuses = asyncio.run(campaign_status(database_url, campaign_id))
            results.append(f"campaign_recipients={camp.count} seconds={seconds:.1f} rate={camp.count / seconds:.1f} msg/s "
                           f"peak_worker_rss_mb={sampler.peak_kb / 1024:.0f}"
                           + ("" if done else f" TIMED_OUT_OF={args.campaign}"))
            print(results[-1], flush=True)
            print(f"campaign_{meters['campaign'].per_message(camp.count)}", flush=True)
            log(f"campaign: first delivery {(camp.first_at or launched) - launched:.1f}s after launch; "
                f"{len(camp.recipients)} distinct recipients; campaign {status}; messages {statuses}")

        print(f"ratio={e2e_rate / raw_rate:.3f}", flush=True)
        ok = True
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception as exc:  # report, then clean up
        log(f"FAILED: {type(exc).__name__}: {exc}")
        for logname in ("worker.log", "serve.log"):
            path = workdir / logname
            if path.exists():
                log(f"--- tail of {path}:\n" + path.read_text(errors="replace")[-2000:])
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # finish cleaning up
        if sampler:
            sampler.stopped.set()
        processes.stop_all()
        try:
            controller.stop()
        except Exception:
            pass
        if created and not args.keep:
            try:
                asyncio.run(drop_database(admin_url, name))
                drop_redis_namespace(redis_url, name)
            except Exception as exc:
                log(f"cleanup: {type(exc).__name__}: {exc}")
        if ok and not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
