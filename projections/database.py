"""The read models' database: the same one as the event store, through SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event, text


def make_engine(url: str, schema: str | None = None) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True, connect_args=connect_args)
    if schema:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine
