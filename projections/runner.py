"""Catches read models up with the event log.

Each batch of events is applied to a projection's rows and its tracking position
in one transaction, so a crash can neither apply an event twice nor skip one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from eventsourcing.persistence import ApplicationRecorder, Mapper

metadata = MetaData()

tracking = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)


class Projection(Protocol):
    name: str
    tables: tuple[Table, ...]

    def apply(self, connection: Connection, event: Any, position: int) -> None: ...


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
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_batch: Callable[[str, int], None] | None = None

    def create_tables(self) -> None:
        metadata.create_all(self.engine, tables=[tracking, *(t for p in self.projections for t in p.tables)])
        with self.engine.begin() as connection:
            for projection in self.projections:
                _insert_ignore(connection, projection.name)

    def position(self, name: str) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(tracking.c.position).where(tracking.c.projection == name)).scalar_one()

    def lowest_position(self) -> int:
        return min(self.position(p.name) for p in self.projections)

    def catch_up(self, until: int | None = None) -> int:
        """Applies every event recorded so far (or up to ``until``); answers how many it applied."""
        applied = 0
        with self._lock:
            for projection in self.projections:
                while True:
                    count = self._apply_batch(projection, until)
                    applied += count
                    if count < self.batch_size:
                        break
        return applied

    def _apply_batch(self, projection: Projection, until: int | None) -> int:
        with self.engine.begin() as connection:
            position = connection.execute(
                select(tracking.c.position).where(tracking.c.projection == projection.name).with_for_update()
            ).scalar_one()
            if until is not None and position >= until:
                return 0
            notifications = self.recorder.select_notifications(
                position, self.batch_size, stop=until, inclusive_of_start=False
            )
            for notification in notifications:
                projection.apply(connection, self.mapper.to_domain_event(notification), notification.id)
            if notifications:
                connection.execute(
                    update(tracking)
                    .where(tracking.c.projection == projection.name)
                    .values(position=notifications[-1].id)
                )
                if self.on_batch:
                    self.on_batch(projection.name, len(notifications))
            return len(notifications)

    def wait_for(self, position: int, timeout: float = 5.0) -> bool:
        """Read-your-writes: returns when every projection has applied ``position``."""
        deadline = time.monotonic() + timeout
        while True:
            if self.lowest_position() >= position:
                return True
            self.catch_up(until=position)
            if self.lowest_position() >= position:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def rebuild(self, name: str, progress: Callable[[int], None] | None = None) -> int:
        projection = next(p for p in self.projections if p.name == name)
        with self._lock:
            with self.engine.begin() as connection:
                for table in reversed(projection.tables):
                    connection.execute(table.delete())
                connection.execute(update(tracking).where(tracking.c.projection == name).values(position=0))
            total = 0
            while True:
                count = self._apply_batch(projection, None)
                total += count
                if progress:
                    progress(count)
                if count < self.batch_size:
                    return total

    def start(self, interval: float = 0.5) -> None:
        """Keeps the projections current from a background thread (the embedded default)."""
        if self._thread:
            return

        def follow() -> None:
            while not self._stop.wait(interval):
                try:
                    self.catch_up()
                except Exception:  # noqa: BLE001 - a failed batch rolled back; retried next round
                    time.sleep(interval)

        self._thread = threading.Thread(target=follow, name="projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
            self._thread = None


def _insert_ignore(connection: Connection, name: str) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(tracking).values(projection=name, position=0).on_conflict_do_nothing()
    connection.execute(statement)
