"""The ``petitions`` console command."""

from __future__ import annotations

import os

import click

from service.bootstrap import bootstrap
from service import errors
from service.demo import load_demo
from service.demo_accounts import DEMO_ACCOUNTS, create_demo_accounts
from service.logs import configure as configure_logging
from service.permissions import SYSTEM
from service.settings import Settings


@click.group()
@click.option("--database-url", envvar="PETITIONS_DATABASE_URL", default=None,
              help="sqlite:///file.db (default: instance/petitions.db) or postgresql://user@host:5432/db")
@click.pass_context
def main(context: click.Context, database_url: str | None) -> None:
    """群众诉求办理 — petitions at the community reception desk."""
    context.obj = Settings(database_url=database_url) if database_url else Settings.from_env()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--projections/--no-projections", "run_projections", default=True, show_default=True,
              help="keep the read models current in this process (off when `petitions project` runs them)")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, threads: int, run_projections: bool) -> None:
    """Run the service (waitress), keeping the read models current in-process."""
    from waitress import serve as waitress_serve

    from api import create_app

    services = bootstrap(settings)
    app = create_app(services=services)
    if run_projections:
        services.projections.catch_up()
        services.projections.start()
    services.matter_outcomes.start()  # closed committee matters' outcomes reach their petitions
    click.echo(f"Serving on http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    click.echo(f"Store: {_describe(settings)}")
    waitress_serve(app, host=host, port=port, threads=threads, ident="petitions")


@main.command()
@click.option("--petitions", default=320, show_default=True, type=int)
@click.option("--months", default=5, show_default=True, type=int)
@click.pass_obj
def demo(settings: Settings, petitions: int, months: int) -> None:
    """Load demo data: communities, members and petitions over past months."""
    services = bootstrap(settings)
    try:
        if services.communities.list():
            click.echo("The store has data already; demo data is loaded only into an empty store.")
            return
        with click.progressbar(length=1, label="Loading demo data") as bar:
            report = load_demo(services, petitions=petitions, months=months)
            bar.update(1)
        create_demo_accounts(services)
        services.projections.catch_up()
        click.echo(f"{report.communities} communities, {report.members} members, {report.petitions} petitions:")
        for status, count in sorted(report.by_status.items()):
            click.echo(f"  {status:18} {count}")
        click.echo(f"{sum(report.matters.values())} committee matters (一征三议两公开), by stage:")
        for stage, count in report.matters.items():
            click.echo(f"  {stage:18} {count}")
        click.echo("Demo accounts (user name / password):")
        for username, name, roles, *_, password in DEMO_ACCOUNTS:
            click.echo(f"  {username:10} {password:22} {', '.join(roles)}")
    finally:
        services.close()


@main.command()
@click.pass_obj
def tick(settings: Settings) -> None:
    """Mark overdue, once, every deadlined petition whose due date has passed."""
    services = bootstrap(settings)
    try:
        marked = services.tick()
        click.echo(f"{len(marked)} petition(s) marked overdue" + (f": {', '.join(marked)}" if marked else ""))
    finally:
        services.close()


@main.command("create-admin")
@click.option("--username", prompt=True, default="admin", show_default=True)
@click.option("--display-name", default="管理员 Administrator", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.pass_obj
def create_admin(settings: Settings, username: str, display_name: str, password: str) -> None:
    """Create the first administrator account."""
    services = bootstrap(settings)
    try:
        services.as_user(SYSTEM).accounts.register(
            username=username, display_name=display_name, password=password, roles=["administrator"])
        click.echo(f"Administrator {username} created. Sign in at /login.")
    except errors.InvalidInputError as error:
        raise click.ClickException(error.message) from None
    finally:
        services.close()


@main.command("create-token")
@click.argument("username")
@click.option("--label", default="integration", show_default=True)
@click.pass_obj
def create_token(settings: Settings, username: str, label: str) -> None:
    """Issue a bearer token for USERNAME's API integrations (printed once)."""
    services = bootstrap(settings)
    try:
        click.echo(services.as_user(SYSTEM).accounts.issue_token(username, label=label))
    except errors.ServiceError as error:
        raise click.ClickException(error.message) from None
    finally:
        services.close()


@main.command()
@click.option("--interval", default=0.5, show_default=True, type=float,
              help="seconds between looks at the log (PostgreSQL also wakes on the event store's NOTIFY)")
@click.pass_obj
def project(settings: Settings, interval: float) -> None:
    """Keep the read models current as a process of its own, following new events until stopped;
    closed committee matters' outcomes reach their petitions from here too."""
    import signal
    import threading

    configure_logging()
    services = bootstrap(settings)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        click.echo(f"Following the event log of {_describe(settings)}; read models: {', '.join(services.projections.names)}")
        services.matter_outcomes.start(interval)
        services.projections.follow(stop, interval)
        click.echo(f"Stopped at position {services.projections.lowest_position()}.")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        services.close()


@main.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True, envvar="PETITIONS_BIND")
@click.option("--workers", default=(os.cpu_count() or 1) + 1, show_default="cores + 1", type=int,
              envvar="PETITIONS_WORKERS")
@click.option("--threads", default=4, show_default=True, type=int, envvar="PETITIONS_THREADS",
              help="threads per worker (gunicorn's gthread workers; 1: sync workers)")
@click.pass_obj
def run(settings: Settings, bind: str, workers: int, threads: int) -> None:
    """Production run: gunicorn workers serving the app, and `petitions project` beside them
    (restarted if it dies). Stops both on SIGTERM or Ctrl-C. See docs/operations.md."""
    from api.supervisor import Supervisor

    configure_logging()
    if not settings.is_postgres:
        click.echo("Note: several workers need PostgreSQL; on SQLite use `petitions serve`.", err=True)
    bootstrap(settings).close()  # the tables, once, before the workers and the follower start at the same time
    env = {**os.environ, "PETITIONS_DATABASE_URL": settings.database_url, "PETITIONS_BIND": bind,
           "PETITIONS_WORKERS": str(workers), "PETITIONS_THREADS": str(threads),
           "PETITIONS_CREATE_TABLE": "n"}  # created above: workers and follower starting at once must not run DDL
    click.echo(f"Serving on http://{bind}/ with {workers} workers; read models followed by `petitions project`")
    raise SystemExit(Supervisor(env).run())


@main.command()
@click.argument("name", required=False)
@click.pass_obj
def rebuild(settings: Settings, name: str | None) -> None:
    """Rebuild a read model (NAME, or every one) from the whole event log."""
    services = bootstrap(settings)
    try:
        runner = services.projections
        if name is not None and name not in runner.names:
            raise click.BadParameter(f"no read model {name}; there are: {', '.join(runner.names)}", param_hint="NAME")
        events = runner.last_position()
        for each in [name] if name else runner.names:
            with click.progressbar(length=events, label=f"{each:12}", show_pos=True) as bar:
                count = runner.rebuild(each, progress=bar.update)
            click.echo(f"{each}: rebuilt from {count} events")
    finally:
        services.close()


def _describe(settings: Settings) -> str:
    if settings.is_postgres:
        return "PostgreSQL"
    return settings.database_url.removeprefix("sqlite:///")
if __name__ == "__main__":
    main()
