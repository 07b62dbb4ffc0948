"""The read models' database: the same one as the event store, through SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool


def make_engine(url: str, schema: str | None = None, create_database: bool = False) -> Engine:
    """An engine for a SQLite file (WAL) or a PostgreSQL database (and schema); ``create_database``
    creates a missing PostgreSQL database first (the key store's default one)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if create_database:
        _create_database(url)
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True, connect_args=connect_args)
    if schema:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine


def _create_database(url: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    wanted = make_url(url)
    try:
        create_engine(wanted, poolclass=NullPool).connect().close()
        return
    except OperationalError:
        pass  # most likely missing: create it from the server's maintenance database
    admin = create_engine(wanted.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": wanted.database}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{wanted.database}"'))
    admin.dispose()
