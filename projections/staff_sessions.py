"""Staff sessions kept on the server: a signed-in browser holds a random session id (in its signed
cookie); this table holds the id's SHA-256, whose account it is and when it was last used. Signing
out deletes the row, so a cookie saved before stops working; a row unused for the idle time is
ended too. Not a projection of the log: a small table of its own, created on first use."""

from __future__ import annotations

from sqlalchemy import Column, Engine, Float, MetaData, String, Table, delete, select, update

staff_sessions = Table(
    "staff_sessions",
    MetaData(),
    Column("id_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("started_at", Float, nullable=False),  # seconds since the epoch
    Column("last_seen", Float, nullable=False, index=True),
)


def create_table(engine: Engine) -> None:
    staff_sessions.create(engine, checkfirst=True)


def start(engine: Engine, id_hash: str, username: str, now: float) -> None:
    with engine.begin() as connection:
        connection.execute(staff_sessions.insert().values(id_hash=id_hash, username=username, started_at=now,
                                                          last_seen=now))


def find(engine: Engine, id_hash: str) -> tuple[str, float] | None:
    """(user name, last used) of a live session."""
    with engine.connect() as connection:
        row = connection.execute(select(staff_sessions.c.username, staff_sessions.c.last_seen)
                                 .where(staff_sessions.c.id_hash == id_hash)).first()
    return (row[0], row[1]) if row else None


def touch(engine: Engine, id_hash: str, now: float) -> None:
    with engine.begin() as connection:
        connection.execute(update(staff_sessions).where(staff_sessions.c.id_hash == id_hash).values(last_seen=now))


def end(engine: Engine, id_hash: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(staff_sessions).where(staff_sessions.c.id_hash == id_hash))


def end_all(engine: Engine, username: str, *, keep: str | None = None) -> int:
    """Ends every session of ``username`` (but the one whose id hash is ``keep``)."""
    query = delete(staff_sessions).where(staff_sessions.c.username == username)
    if keep is not None:
        query = query.where(staff_sessions.c.id_hash != keep)
    with engine.begin() as connection:
        return connection.execute(query).rowcount


def end_idle(engine: Engine, unused_since: float) -> None:
    with engine.begin() as connection:
        connection.execute(delete(staff_sessions).where(staff_sessions.c.last_seen < unused_since))
