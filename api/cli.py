"""The ``petitions`` console command."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import click

from service.bootstrap import bootstrap
from service import errors
from service.demo import load_demo
from service.demo.accounts import DEMO_ACCOUNTS, create_demo_accounts
from service.logs import configure as configure_logging
from service.permissions import SYSTEM
from service.settings import DEFAULT_INSTANCE, SECRET_FILE, SettingError, Settings, instance_secret


@click.group()
@click.option("--database-url", envvar="PETITIONS_DATABASE_URL", default=None,
              help="sqlite:///file.db (default: instance/petitions.db) or postgresql://user@host:5432/db")
@click.option("--keys-database-url", envvar="PETITIONS_KEYS_DATABASE_URL", default=None,
              help="the key store's database (default: keys.db beside a SQLite events file; <dbname>_keys on PostgreSQL)")
@click.pass_context
def main(context: click.Context, database_url: str | None, keys_database_url: str | None) -> None:
    """群众诉求办理 — petitions at the community reception desk."""
    settings = Settings.from_env(database_url=database_url)
    if keys_database_url:
        settings = dataclasses.replace(settings, keys_database_url=keys_database_url)
    context.obj = settings


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

    if not settings.secret_key:
        settings = _with_instance_secret(settings)
        click.echo(f"Secret key: kept in {(DEFAULT_INSTANCE / SECRET_FILE).resolve()} (PETITIONS_SECRET_KEY overrides it)")
    if not settings.public_base_url:  # receipts and QR codes lead to the address served, never to a Host header
        settings = settings.with_(public_base_url=f"http://{_url_host(host)}:{port}")
    services = bootstrap(settings)
    app = create_app(services=services)
    if run_projections:
        services.projections.catch_up()
        services.projections.start()
    services.matter_outcomes.start()  # closed committee matters' outcomes reach their petitions
    click.echo(f"Serving on http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    click.echo(f"Store: {_describe(settings)}")
    waitress_serve(app, host=host, port=port, threads=threads, ident="petitions")


def _with_instance_secret(settings: Settings) -> Settings:
    """No built-in secret: a random one, made once and kept in the instance folder (``serve`` and ``demo``
    use the same one, so the demo's receipts answer the same codes when served)."""
    return settings if settings.secret_key else settings.with_(secret_key=instance_secret(DEFAULT_INSTANCE))


@main.command()
@click.option("--petitions", default=320, show_default=True, type=int)
@click.option("--months", default=5, show_default=True, type=int)
@click.pass_obj
def demo(settings: Settings, petitions: int, months: int) -> None:
    """Load demo data: communities, members and petitions over past months."""
    services = bootstrap(_with_instance_secret(settings))
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
        work = report.member_work
        click.echo(f"{work.get('commitments', 0)} members' commitments ({work.get('evaluations', 0)} evaluations), "
                   f"{work.get('questionnaires', 0)} questionnaires ({work.get('answers', 0)} answers), "
                   f"{work.get('reviews', 0)} year-end reviews of last year")
        click.echo("Demo accounts (user name / password):")
        for username, name, roles, *_, password in DEMO_ACCOUNTS:
            click.echo(f"  {username:10} {password:22} {', '.join(roles)}")
    finally:
        services.close()


@main.command()
@click.pass_obj
def tick(settings: Settings) -> None:
    """Mark overdue, once, every deadlined petition whose due date has passed; check the visit rule."""
    services = bootstrap(settings)
    try:
        done = services.daily()
        marked, items = done["overdue"], done["supervision_items"]
        click.echo(f"{len(marked)} petition(s) marked overdue" + (f": {', '.join(marked)}" if marked else ""))
        click.echo(f"{len(items)} supervision item(s) raised for months short of the visit rule")
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
    try:
        secret = settings.require_secret()  # no built-in secret: say which variable to set
    except SettingError as error:
        raise click.ClickException(str(error)) from None
    public_base_url = settings.public_base_url or f"http://{bind.split(',')[0]}"
    if not settings.public_base_url:
        click.echo(f"Note: receipts' addresses lead to {public_base_url}; set PETITIONS_PUBLIC_BASE_URL to the "
                   "address the public uses (https://…).", err=True)
    if not settings.is_postgres:
        click.echo("Note: several workers need PostgreSQL; on SQLite use `petitions serve`.", err=True)
    bootstrap(settings).close()  # the tables, once, before the workers and the follower start at the same time
    env = {**os.environ, "PETITIONS_DATABASE_URL": settings.database_url,
           "PETITIONS_KEYS_DATABASE_URL": settings.key_store_url, "PETITIONS_BIND": bind,
           "PETITIONS_SECRET_KEY": secret, "PETITIONS_PUBLIC_BASE_URL": public_base_url,
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


@main.group()
def keys() -> None:
    """The key store: the keys that open personal data (docs/operations.md, backup and restore)."""


@keys.command("reapply-erasures")
@click.pass_obj
def reapply_erasures(settings: Settings) -> None:
    """Erase again everyone the log says was erased: run it after restoring the key store from a backup."""
    from service.erasures import reapply

    services = bootstrap(settings)
    try:
        again = reapply(services.log.keys, services.log.recorder, services.log.mapper)
        click.echo(f"{len(again)} erasure(s) applied again to the key store" if again
                   else "Every erasure in the log holds in the key store.")
    finally:
        services.close()


@main.command("erase-person")
@click.option("--phone", default=None, help="the petitioner's phone (either this or --name)")
@click.option("--name", default=None, help="the petitioner's full name (either this or --phone)")
@click.option("--community", default=None, help="only this community's petitions (default: every community)")
@click.option("--requested-by", required=True, help="who lawfully asked for the erasure")
@click.option("--reason", required=True, help="why: the legal ground")
@click.pass_obj
def erase_person(settings: Settings, phone: str | None, name: str | None, community: str | None,
                 requested_by: str, reason: str) -> None:
    """Erase a petitioner's personal data in every petition of theirs, found by phone or full name."""
    from service.principal import Principal

    services = bootstrap(settings)
    try:
        principal = Principal("system", "系统 System", ("administrator",), community) if community else SYSTEM
        erased = services.as_user(principal).petitions.erase_person(
            phone=phone, name=name, requested_by=requested_by, reason=reason)
    except errors.ServiceError as error:
        raise click.ClickException(error.message) from None
    finally:
        services.close()
    click.echo(f"{len(erased['petitions'])} petition(s) erased: "
               + ", ".join(p["reference"] for p in erased["petitions"]))
    if not erased["key_store_cleared"]:
        click.echo("The key store could not clear the erased keys' traces yet: the next write or start does "
                   "(or run `petitions keys scrub`).")


@keys.command("scrub")
@click.pass_obj
def scrub(settings: Settings) -> None:
    """Clear what the key store's database keeps of erased keys: on PostgreSQL VACUUM FULL of the key
    tables, a checkpoint and a WAL switch (run as a user allowed to); on SQLite a WAL truncate."""
    services = bootstrap(settings)
    try:
        services.log.keys.scrub(wal=True)
        click.echo("Key store scrubbed (see docs/operations.md for what backups and archived WAL still hold).")
    finally:
        services.close()


@main.group()
def calendar() -> None:
    """Official holidays and make-up working days by year (the State Council's yearly arrangement)."""


@calendar.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, default=None, help="the year (default: the year of the file's first date)")
@click.option("--by", "username", default=None,
              help="the administrator's user name recorded as entering it (default: the system)")
@click.pass_obj
def calendar_import(settings: Settings, file: Path, year: int | None, username: str | None) -> None:
    """Enter a year's official calendar from FILE: one day a line, `2027-01-01 holiday 元旦` or
    `2027-02-07 workday`; importing a year again replaces its list (the earlier one stays in the log)."""
    services = bootstrap(settings)
    try:
        principal = SYSTEM
        if username:
            principal = services.accounts.principal_named(username)
            if principal is None or not principal.can("calendar.manage"):
                raise click.ClickException(f"{username} is not an active administrator's user name")
        entered = services.as_user(principal).calendars.enter(year, lines=file.read_text(encoding="utf-8-sig"))
        click.echo(f"{entered['year']}: {entered['holidays']} holiday(s) and {entered['workdays']} make-up working "
                   f"day(s) entered by {entered['entered_by']} (version {entered['version']})")
    except errors.InvalidInputError as error:
        raise click.ClickException("; ".join(f"{k}: {', '.join(v)}" for k, v in error.fields.items())) from None
    finally:
        services.close()


@main.group()
def tokens() -> None:
    """Bearer tokens: list them (never their secrets) and revoke them."""


@tokens.command("list")
@click.argument("username", required=False)
@click.pass_obj
def tokens_list(settings: Settings, username: str | None) -> None:
    """Every token (or USERNAME's): id, user, label, issued, expires."""
    services = bootstrap(settings)
    try:
        listed = services.as_user(SYSTEM).accounts.tokens(username, lifetime=services.signin.token_lifetime)
    except errors.ServiceError as error:
        raise click.ClickException(error.message) from None
    finally:
        services.close()
    if not listed:
        click.echo("No tokens.")
    for token in listed:
        state = "expired" if token["expired"] else "live"
        click.echo(f"{token['id']}  {token['username']:12} {token['label']:20} issued {token['issued_at']:%Y-%m-%d %H:%M}"
                   f"  expires {token['expires_at']:%Y-%m-%d %H:%M}  {state}")


@tokens.command("revoke")
@click.argument("username")
@click.argument("token_id")
@click.pass_obj
def tokens_revoke(settings: Settings, username: str, token_id: str) -> None:
    """Revoke USERNAME's token TOKEN_ID (the id `petitions tokens list` shows)."""
    services = bootstrap(settings)
    try:
        services.as_user(SYSTEM).accounts.revoke_token(username, token_id)
        click.echo(f"Token {token_id} of {username} revoked.")
    except errors.ServiceError as error:
        raise click.ClickException(error.message) from None
    finally:
        services.close()


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _describe(settings: Settings) -> str:
    if settings.is_postgres:
        return "PostgreSQL"
    return settings.database_url.removeprefix("sqlite:///")
if __name__ == "__main__":
    main()


@main.command()
@click.argument("url")
@click.option("--state", default=str(Path.home() / ".petitions-verify.json"), show_default=True,
              help="where the heads and entries seen before are kept")
@click.option("--entry", "entries", type=int, multiple=True, help="also check this entry's inclusion proof")
def verify(url: str, state: str, entries: tuple[int, ...]) -> None:
    """Checks a service's public record from outside (the same check as verifier/verify_board.py): every
    head's signature, that the log only grew since the last check, every entry, each month's statistics."""
    from verifier.verify_board import Verifier, http_fetcher

    ok = Verifier(http_fetcher(url), state, say=click.echo).run(entries)
    raise SystemExit(0 if ok else 1)
