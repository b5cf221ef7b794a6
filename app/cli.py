"""The `sendgraph` command: serve, worker, migrate, demo, tenants, tokens, schema export."""
from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Awaitable, Callable, TypeVar

import typer
from rich.console import Console

from app.settings import get_settings

cli = typer.Typer(help="sendgraph: one messaging platform, one graph.", no_args_is_help=True)
tenant_cli = typer.Typer(help="Manage tenants.", no_args_is_help=True)
token_cli = typer.Typer(help="Issue bearer tokens.", no_args_is_help=True)
schema_cli = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
cli.add_typer(tenant_cli, name="tenant")
cli.add_typer(token_cli, name="token")
cli.add_typer(schema_cli, name="schema")
err = Console(stderr=True)
T = TypeVar("T")


def _run(work: Callable[..., Awaitable[T]]) -> T:
    """Run one unit of work in a system session, committing it; domain errors end the command cleanly."""
    from domain.db import create_engine, session_factory
    from domain.errors import DomainError
    from domain.migrate import upgrade_async

    settings = get_settings()

    async def main() -> T:
        if settings.is_sqlite:
            settings.var_dir.mkdir(parents=True, exist_ok=True)
            await upgrade_async(settings.database_url)
        engine = create_engine(settings.database_url, echo=settings.sql_echo)
        try:
            async with session_factory(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except DomainError as error:
        err.print(f"[red]error[/red] {error.code}: {error.message}")
        raise typer.Exit(2)


@cli.command()
def serve(host: str = "127.0.0.1", port: int = 8000, reload: bool = False) -> None:
    """Run the API (and, with no REDIS_URL, the workers in the same process)."""
    import uvicorn

    settings = get_settings()
    where = "embedded: SQLite, in-process workers" if settings.embedded else "Postgres/Redis: run `sendgraph worker` too"
    transport = f"SMTP {settings.smtp_url.split('@')[-1]}" if settings.smtp_url else f".eml files in {settings.outbox_dir}"
    err.print(f"sendgraph ({where}); mail goes to {transport}")
    err.print(f"GraphiQL: [bold]http://{host}:{port}/graphql[/bold]")
    uvicorn.run("app.main:app", host=host, port=port, reload=reload, log_level="info")


@cli.command()
def worker(processes: int = 1, threads: int = 8, with_scheduler: bool = typer.Option(True, "--scheduler/--no-scheduler")) -> None:
    """Run Dramatiq worker processes against REDIS_URL (and, by default, a scheduler beside them)."""
    import signal
    import subprocess

    if not get_settings().redis_url:
        err.print("[red]error[/red] `sendgraph worker` needs REDIS_URL; the embedded default runs workers inside `sendgraph serve`.")
        raise typer.Exit(2)
    args = [sys.executable, "-m", "dramatiq", "workers.actors", "--processes", str(processes), "--threads", str(threads)]
    dramatiq_process = subprocess.Popen(args)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: dramatiq_process.send_signal(signum))
    if with_scheduler:
        _run_scheduler(until=lambda: dramatiq_process.poll() is not None)
    raise typer.Exit(dramatiq_process.wait())


@cli.command()
def scheduler() -> None:
    """Publish due jobs (scheduled launches, retries) and recover stuck messages; safe to run several."""
    _run_scheduler(until=lambda: False)


def _run_scheduler(until: Callable[[], bool]) -> None:
    import signal

    from domain.db import create_engine, session_factory
    from workers import actors  # noqa: F401  (connects the outbox to the broker)
    from workers import scheduler as scheduler_loop

    settings = get_settings()

    async def main() -> None:
        engine = create_engine(settings.database_url, echo=settings.sql_echo)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        async def watch() -> None:
            while not stop.is_set():
                if until():
                    stop.set()
                await asyncio.sleep(0.5)

        watcher = asyncio.create_task(watch())
        try:
            await scheduler_loop.run(session_factory(engine), settings, stop)
        finally:
            watcher.cancel()
            await engine.dispose()

    asyncio.run(main())


@cli.command()
def migrate() -> None:
    """Apply database migrations up to the newest."""
    from domain.migrate import upgrade

    settings = get_settings()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    err.print("database is up to date")


@tenant_cli.command("create")
def tenant_create(slug: str = typer.Option(...), name: str = typer.Option(...), parent: str | None = None) -> None:
    """Create a tenant (a sub-account with --parent SLUG)."""
    from domain.tenants import service as tenants

    async def work(session):
        parent_id = (await tenants.find(session, slug=parent)).id if parent else None
        return await tenants.create(session, slug=slug, name=name, parent_id=parent_id)

    tenant = _run(work)
    typer.echo(f"tenant {tenant.slug}: accountId={tenant.id} uuid={tenant.uuid}")


@token_cli.command("create")
def token_create(tenant: str = typer.Option(..., help="Tenant slug"), role: str = typer.Option("write", help="read, write or admin")) -> None:
    """Issue a bearer token for one tenant; prints only the token."""
    from app.auth import issue_token
    from domain.identity.models import Role
    from domain.identity.service import issue_token_credential
    from domain.tenants import service as tenants

    if role.upper() not in Role.__members__:
        err.print("[red]error[/red] --role must be read, write or admin")
        raise typer.Exit(2)

    async def work(session):
        found = await tenants.find(session, slug=tenant)
        return await issue_token_credential(session, tenant_id=found.id, role=Role[role.upper()], description="sendgraph token create")

    typer.echo(issue_token(get_settings(), _run(work)))


user_cli = typer.Typer(help="Manage users (OAuth2 password grant).", no_args_is_help=True)
apikey_cli = typer.Typer(help="Marigold-style service-account keys (X-ApiKey key:secret).", no_args_is_help=True)
apiuser_cli = typer.Typer(help="Doxie-style basic-auth API users.", no_args_is_help=True)
cli.add_typer(user_cli, name="user")
cli.add_typer(apikey_cli, name="apikey")
cli.add_typer(apiuser_cli, name="apiuser")


def _role(role: str):
    from domain.identity.models import Role

    if role.upper() not in Role.__members__:
        err.print("[red]error[/red] --role must be read, write or admin")
        raise typer.Exit(2)
    return Role[role.upper()]


@user_cli.command("create")
def user_create(
    email: str = typer.Option(...), password: str = typer.Option(..., prompt=True, hide_input=True),
    tenant: str = typer.Option(..., help="Tenant slug"), role: str = typer.Option("write", help="read, write or admin"),
) -> None:
    """Create a user (or reuse one, keeping its password) and give it a role on a tenant."""
    from domain.identity.service import add_member
    from domain.tenants import service as tenants

    chosen = _role(role)

    async def work(session):
        found = await tenants.find(session, slug=tenant)
        user, _ = await add_member(session, tenant_id=found.id, email=email, password=password, role=chosen)
        return user

    user = _run(work)
    typer.echo(f"user {user.email} has {role} on {tenant}")


@apikey_cli.command("create")
def apikey_create(
    tenant: str = typer.Option(..., help="Tenant slug"), role: str = typer.Option("write"),
    endpoints: list[str] = typer.Option(None, help='Allowed "METHOD /path" patterns (fnmatch); all when absent'),
    expires: datetime | None = typer.Option(None, help="Expiry (ISO 8601, UTC)"),
) -> None:
    """Print a new `key:secret` once; only its hash is stored."""
    from domain.identity.credentials import create_api_key
    from domain.tenants import service as tenants

    chosen = _role(role)

    async def work(session):
        found = await tenants.find(session, slug=tenant)
        at = expires.replace(tzinfo=expires.tzinfo or timezone.utc) if expires else None
        return await create_api_key(session, tenant_id=found.id, role=chosen, endpoints=endpoints or None, expires_at=at)

    typer.echo(_run(work)[1])


@apiuser_cli.command("create")
def apiuser_create(tenant: str = typer.Option(..., help="Tenant slug"), username: str = typer.Option(...), role: str = typer.Option("write")) -> None:
    """Print the new API user's password once; only its hash is stored."""
    from domain.identity.credentials import create_api_user
    from domain.tenants import service as tenants

    chosen = _role(role)

    async def work(session):
        found = await tenants.find(session, slug=tenant)
        return await create_api_user(session, tenant_id=found.id, username=username, role=chosen)

    typer.echo(_run(work)[1])


blueprints_cli = typer.Typer(help="The blueprint library every account reads (Especial campaign and workflow blueprints).", no_args_is_help=True)
cli.add_typer(blueprints_cli, name="blueprints")


@blueprints_cli.command("import")
def blueprints_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A JSON file: {campaigns: [...], workflows: [...]}")) -> None:
    """Upsert the file's blueprints (by key) into the platform library `sendgraph.blueprints` (see docs/domain.md)."""
    import json

    from domain.blueprints.library import import_library

    try:
        document = json.loads(file.read_text())
    except ValueError as error:
        err.print(f"[red]error[/red] {file} is not JSON: {error}")
        raise typer.Exit(2)
    done = _run(lambda session: import_library(session, document))
    typer.echo(f"imported {done.campaigns} campaign blueprint(s) and {done.workflows} workflow blueprint(s)")


@cli.command()
def demo() -> None:
    """Seed a `demo` tenant with a list, contacts, a template, an event and a campaign; print an admin token."""
    from app.auth import issue_token
    from domain.demo import seed

    credential = _run(seed)
    err.print("demo tenant ready: slug=demo; paste this into GraphiQL's headers as {\"Authorization\": \"Bearer <token>\"}")
    typer.echo(issue_token(get_settings(), credential))


@schema_cli.command("export")
def schema_export(path: Path = typer.Option(Path("schema.graphql"), help="Where to write the SDL")) -> None:
    """Write the GraphQL SDL (schema.graphql at the root is checked by a test)."""
    from schema.graph import schema

    path.write_text(schema.as_str() + "\n")
    err.print(f"wrote {path}")


def main() -> None:
    cli()
