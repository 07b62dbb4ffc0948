"""Wrong guesses (of tracking codes, of passwords), per key (such as a client or an account), kept in the
read models' database so that every worker process of a deployment slows the same guesser.

Not a projection of the log: a small table of its own, created on first use."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

guesses = Table(
    "lookup_wrong_guesses",
    MetaData(),
    Column("key", String(120), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("last_at", Float, nullable=False, index=True),  # seconds since the epoch
)


def create_table(engine: Engine) -> None:
    guesses.create(engine, checkfirst=True)


def wrong_guesses(engine: Engine, keys: Sequence[str]) -> list[tuple[str, int, float]]:
    """(key, count, time of the last) for each key that has any."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(guesses.c.key, guesses.c.count, guesses.c.last_at).where(guesses.c.key.in_(list(keys))))
        return [(key, count, last_at) for key, count, last_at in rows]


def record_wrong_guess(engine: Engine, keys: Sequence[str], now: float, window: float) -> None:
    """Counts one more wrong guess for each key, from 1 again once ``window`` seconds passed since the last;
    forgets keys quiet for longer than the window."""
    with engine.begin() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(guesses)
        connection.execute(
            insert.on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "count": case((insert.excluded.last_at - guesses.c.last_at > window, 1), else_=guesses.c.count + 1),
                    "last_at": insert.excluded.last_at,
                },
            ),
            [{"key": key, "count": 1, "last_at": now} for key in keys],
        )
        connection.execute(delete(guesses).where(guesses.c.last_at < now - window))


def forget(engine: Engine, key: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(guesses).where(guesses.c.key == key))
