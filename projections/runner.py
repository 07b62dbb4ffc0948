"""Catches read models up with the event log.

Each batch of events is applied to the projections' rows and their tracking
positions in one transaction, so a crash can neither apply an event twice nor
skip one: either the whole batch and the new positions commit, or nothing does.
The tracking update is guarded by the position the batch started from, so two
runners (``petitions serve`` and ``petitions project``) cannot both apply the
same batch: the second one's transaction fails and rolls back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Mapper
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite

log = logging.getLogger(__name__)

metadata = MetaData()

tracking = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)


class Projection(Protocol):
    """A read model. ``apply`` may write at once, or hold rows in memory until ``flush``
    (optional), which the runner calls at the end of each batch, in the batch's transaction;
    ``discard`` (optional) forgets them when the batch fails."""

    name: str
    tables: tuple[Table, ...]
    event_classes: tuple[type, ...]

    # Optional ``idle(connection)``: called, in the batch's transaction before ``flush``, when the
    # batch reached the end of the log (for what the clock alone brings, e.g. a month that ended).

    def apply(self, connection: Connection, event: Any, position: int) -> None: ...


class ConcurrentCatchUpError(Exception):
    """Another runner moved a projection's position while this batch was applied; this batch rolls back."""


def topic_of(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


class ProjectionRunner:
    """Applies new events to a set of projections, a batch per transaction."""

    def __init__(
        self,
        engine: Engine,
        recorder: ApplicationRecorder,
        mapper: Mapper[Any],
        projections: Iterable[Projection],
        batch_size: int = 500,
    ) -> None:
        self.engine = engine
        self.recorder = recorder
        self.mapper = mapper
        self.projections = list(projections)
        self.batch_size = batch_size
        self._topics = {p.name: frozenset(topic_of(c) for c in p.event_classes) for p in self.projections}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_batch: Callable[[str, int], None] | None = None

    def create_tables(self) -> None:
        """Creates missing tables. A read model whose stored tables differ from their definition
        (an older version of it) is dropped and starts again from position 0: catch-up rebuilds it."""
        existing = inspect(self.engine)
        outdated = [
            p for p in self.projections
            if any(
                existing.has_table(t.name)
                and {c["name"] for c in existing.get_columns(t.name)} != {c.name for c in t.columns}
                for t in p.tables
            )
        ]
        for projection in outdated:
            log.warning("read model %s changed shape: it is rebuilt from the log", projection.name)
            metadata.drop_all(self.engine, tables=list(projection.tables))
        metadata.create_all(self.engine, tables=[tracking, *(t for p in self.projections for t in p.tables)])
        with self.engine.begin() as connection:
            for projection in self.projections:
                _insert_ignore(connection, projection.name)
            for projection in outdated:
                connection.execute(update(tracking).where(tracking.c.projection == projection.name).values(position=0))

    def projection(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.projections]

    def position(self, name: str) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(tracking.c.position).where(tracking.c.projection == name)).scalar_one()

    def positions(self) -> dict[str, int]:
        names = self.names
        with self.engine.connect() as connection:
            rows = connection.execute(select(tracking.c.projection, tracking.c.position)).all()
        return {name: position for name, position in rows if name in names}

    def lowest_position(self) -> int:
        return min(self.positions().values(), default=0)

    def last_position(self) -> int:
        """The position of the last event in the log."""
        return self.recorder.max_notification_id() or 0

    def catch_up(self, until: int | None = None) -> int:
        """Applies every event recorded so far (or up to ``until``); answers how many it read."""
        return self._run(self.projections, until)

    def _run(self, projections: list[Projection], until: int | None) -> int:
        read = 0
        with self._lock:
            while True:
                count = self._apply_batch(projections, until)
                read += count
                if count < self.batch_size:
                    return read

    def _apply_batch(self, projections: list[Projection], until: int | None) -> int:
        """One transaction: the projections' positions, a batch of events from the lowest of them,
        each event applied to every projection that has not had it yet, the new positions."""
        with self.engine.begin() as connection:
            names = [p.name for p in projections]
            query = select(tracking.c.projection, tracking.c.position).where(tracking.c.projection.in_(names))
            if connection.dialect.name == "postgresql":
                query = query.with_for_update()
            started = dict(connection.execute(query).all())
            lowest = min(started.values())
            if until is not None and lowest >= until:
                return 0
            notifications = self.recorder.select_notifications(
                lowest, self.batch_size, stop=until, inclusive_of_start=False
            )
            prepare = getattr(self.mapper, "prepare", None)
            if prepare is not None:
                prepare(notifications)  # e.g. fetch a batch's decryption keys at once
            try:
                for notification in notifications:
                    wanting = [
                        p for p in projections
                        if started[p.name] < notification.id and notification.topic in self._topics[p.name]
                    ]
                    if not wanting:
                        continue
                    event = self.mapper.to_domain_event(notification)
                    for projection in wanting:
                        projection.apply(connection, event, notification.id)
                if until is None and len(notifications) < self.batch_size:
                    for projection in projections:  # the end of the log: what time alone has brought
                        idle = getattr(projection, "idle", None)
                        if idle is not None:
                            idle(connection)
                for projection in projections:
                    flush = getattr(projection, "flush", None)
                    if flush is not None:
                        flush(connection)
            except BaseException:
                for projection in projections:
                    discard = getattr(projection, "discard", None)
                    if discard is not None:
                        discard()
                raise
            if notifications:
                last = notifications[-1].id
                for name, position in started.items():
                    if position >= last:
                        continue
                    moved = connection.execute(
                        update(tracking)
                        .where(tracking.c.projection == name, tracking.c.position == position)
                        .values(position=last)
                    ).rowcount
                    if moved != 1:
                        raise ConcurrentCatchUpError(f"projection {name} moved past {position} meanwhile")
        if notifications and self.on_batch:
            for name in names:
                self.on_batch(name, len(notifications))
        return len(notifications)

    def wait_for(self, position: int, timeout: float = 5.0) -> bool:
        """Read-your-writes: returns when every projection has applied ``position``."""
        deadline = time.monotonic() + timeout
        while True:
            if self.lowest_position() >= position:
                return True
            try:
                self.catch_up(until=position)
            except ConcurrentCatchUpError:
                pass  # another runner is applying the same events: wait for it
            if self.lowest_position() >= position:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def rebuild(self, name: str, progress: Callable[[int], None] | None = None) -> int:
        """Empties a read model and builds it again from the whole log; answers how many events it read.
        ``progress`` is called with the number of events of each batch."""
        projection = self.projection(name)
        with self._lock:
            with self.engine.begin() as connection:
                for table in reversed(projection.tables):
                    connection.execute(table.delete())
                connection.execute(update(tracking).where(tracking.c.projection == name).values(position=0))
            total = 0
            while True:
                count = self._apply_batch([projection], None)
                total += count
                if progress and count:
                    progress(count)
                if count < self.batch_size:
                    return total

    def follow(self, stop: threading.Event, interval: float = 0.5, on_error: Callable[[Exception], None] | None = None) -> None:
        """Keeps catching up until ``stop`` is set. On PostgreSQL it wakes on the event store's
        NOTIFY (LISTEN on its channel); elsewhere, and as a fallback, it polls every ``interval``."""
        waiter = _Waiter(self.recorder, interval)
        try:
            while not stop.is_set():
                try:
                    self.catch_up()
                except Exception as error:  # a failed batch rolled back whole; it is retried next round
                    log.warning("projection catch-up failed (%s); retrying", type(error).__name__)
                    if on_error:
                        on_error(error)
                    stop.wait(interval)
                waiter.wait(stop)
        finally:
            waiter.close()

    def start(self, interval: float = 0.5) -> None:
        """Keeps the projections current from a background thread (the embedded default)."""
        if self._thread:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.follow, args=(self._stop, interval), name="projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
            self._thread = None


class _Waiter:
    """Waits for new events: LISTEN/NOTIFY where the recorder has a channel (PostgreSQL), else a poll interval.
    A LISTEN connection that is lost (the database restarted) is replaced by polling until it can LISTEN again."""

    def __init__(self, recorder: ApplicationRecorder, interval: float) -> None:
        self.interval = interval
        self._connection: Any = None
        self._channel = getattr(recorder, "channel_name", None)
        datastore = getattr(recorder, "datastore", None)
        self._datastore = datastore if self._channel and hasattr(datastore, "get_connection") else None
        self._listen()

    def _listen(self) -> None:
        if self._datastore is None:
            return
        try:
            self._context = self._datastore.get_connection()
            self._connection = self._context.__enter__()
            self._connection.execute(f'LISTEN "{self._channel}"')
            self._connection.commit()
        except Exception as error:  # noqa: BLE001 - polling still works
            log.warning("cannot LISTEN for new events (%s); polling instead", type(error).__name__)
            self.close()

    @property
    def listening(self) -> bool:
        return self._connection is not None

    def wait(self, stop: threading.Event) -> None:
        if self._connection is None:
            stop.wait(self.interval)
            self._listen()
            return
        try:
            for _ in self._connection.notifies(timeout=self.interval, stop_after=1):
                break
        except Exception as error:  # noqa: BLE001 - the connection was lost: poll, and LISTEN again next time
            log.warning("lost the LISTEN connection (%s); polling until it is back", type(error).__name__)
            self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            try:
                self._context.__exit__(None, None, None)
            except Exception:  # noqa: BLE001 - a broken connection goes back to the pool, which drops it
                pass


def _insert_ignore(connection: Connection, name: str) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(tracking).values(projection=name, position=0).on_conflict_do_nothing()
    connection.execute(statement)
