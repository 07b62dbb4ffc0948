"""The projection runner: batches applied with their tracking positions in one transaction,
so a crash in the middle of a batch leaves nothing of it behind, and a restart catches up
with no row missing and none twice; a rebuild gives the rows catch-up gave."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from projections.petitions import petition_steps, petitions
from projections.runner import ProjectionRunner, _Waiter, tracking
from projections.transparency import heads
from service.bootstrap import bootstrap, read_models
from service.demo import load_demo
from service.transparency import StoredTree
from tests.helpers import petition_fields
from tests.read_helpers import snapshot

ROOT = Path(__file__).resolve().parents[2]


class Crash(Exception):
    pass


class CrashingAfter:
    """A read model that fails after applying ``count`` events, in the middle of a batch."""

    def __init__(self, inner, count: int) -> None:
        self.inner, self.count = inner, count
        self.name, self.tables, self.event_classes = inner.name, inner.tables, inner.event_classes

    def apply(self, connection, event, position) -> None:
        self.inner.apply(connection, event, position)
        self.count -= 1
        if self.count == 0:
            raise Crash(f"crashed after position {position}")

    def flush(self, connection) -> None:
        getattr(self.inner, "flush", lambda _: None)(connection)

    def discard(self) -> None:
        getattr(self.inner, "discard", lambda: None)()


@pytest.fixture
def demo(services):
    load_demo(services, petitions=60, months=2, visit_months=2)  # every kind of event, two months of visits
    return services


def emptied(runner: ProjectionRunner) -> None:
    """Every read model empty, at position 0."""
    with runner.engine.begin() as connection:
        connection.execute(tracking.update().values(position=0))
        for projection in runner.projections:
            for table in projection.tables:
                connection.execute(table.delete())


def rebuilt(services) -> dict:
    for name in services.projections.names:
        services.projections.rebuild(name)
    return snapshot(services)


class TestCrashInTheMiddleOfABatch:
    def test_a_failed_batch_leaves_no_row_and_no_position_behind(self, demo):
        runner = demo.projections
        engine = runner.engine
        emptied(runner)
        crashing = ProjectionRunner(
            engine, demo.log.recorder, demo.projections.mapper, [CrashingAfter(p, 130) for p in read_models()], batch_size=50
        )
        with pytest.raises(Crash):
            crashing.catch_up()
        committed = {name: p for name, p in runner.positions().items() if name in crashing.names}
        assert 0 < min(committed.values()) < runner.last_position()
        assert all(position % 50 == 0 for position in committed.values())  # whole batches only
        with engine.connect() as connection:
            beyond = connection.execute(
                select(func.count()).select_from(petition_steps).where(petition_steps.c.position > committed["petitions"])
            ).scalar_one()
        assert beyond == 0

        assert runner.catch_up() > 0
        caught_up = snapshot(demo)
        assert runner.lowest_position() == runner.last_position()
        assert caught_up == rebuilt(demo)

    def test_a_killed_process_is_caught_up_by_the_next_with_no_row_twice_or_missing(self, demo):
        """A separate process applies batches and is killed (SIGKILL) in the middle of one."""
        emptied(demo.projections)
        child = textwrap.dedent(
            """
            import os, signal, sys
            from sqlalchemy import event
            from service.bootstrap import bootstrap
            from service.settings import Settings

            services = bootstrap(Settings(database_url=sys.argv[1]))
            services.projections.batch_size = 40
            seen = []

            @event.listens_for(services.projections.engine, "after_cursor_execute")
            def kill_in_the_middle_of_a_batch(conn, cursor, statement, parameters, context, executemany):
                # A batch has written its petitions' rows and steps, not yet its counts and positions.
                if statement.startswith("INSERT INTO rm_petition_steps"):
                    seen.append(statement)
                    if len(seen) == 3:
                        os.kill(os.getpid(), signal.SIGKILL)

            services.projections.catch_up()
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", child, demo.settings.database_url], cwd=ROOT, capture_output=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert result.returncode == -9, result.stderr.decode()

        runner = demo.projections
        killed_at = runner.positions()
        [at] = set(killed_at.values())  # whole batches of 40, nothing of the one the process died in
        assert 0 < at < runner.last_position() and at % 40 == 0
        with runner.engine.connect() as connection:
            assert connection.execute(
                select(func.count()).select_from(petition_steps).where(petition_steps.c.position > killed_at["petitions"])
            ).scalar_one() == 0

        fresh = bootstrap(demo.settings, demo.clock)
        try:
            fresh.projections.catch_up()
            assert fresh.projections.lowest_position() == fresh.projections.last_position()
            caught_up = snapshot(fresh)
            assert caught_up == rebuilt(fresh)
        finally:
            fresh.close()


class TestCatchUp:
    def test_rows_built_event_by_event_equal_a_rebuild(self, demo):
        runner = demo.projections
        emptied(runner)
        rng = random.Random(7)
        last = runner.last_position()
        recorded = {n.id for n in demo.log.recorder.select_notifications(1, 10_000_000)}  # PostgreSQL's have gaps
        position = 0
        while position < last:
            position = min(position + rng.randint(1, 4), last)
            runner.catch_up(until=position)
            assert runner.lowest_position() == max(p for p in recorded if p <= position)
        incremental = snapshot(demo)
        with runner.engine.connect() as connection:
            signed = connection.execute(select(heads.c.tree_size, heads.c.root_hash)).all()
        assert incremental["rm_petitions"] and incremental["rm_petition_counts"]
        assert incremental == rebuilt(demo)
        tree = StoredTree(runner.engine)  # the heads signed batch by batch are all heads of the rebuilt tree
        assert len(signed) > 100 and all(tree.get_root(size).hex() == root for size, root in signed)

    def test_two_runners_at_once_apply_every_event_once(self, demo):
        runner = demo.projections
        emptied(runner)
        others = [bootstrap(demo.settings, demo.clock) for _ in range(2)]
        failures: list[BaseException] = []

        def follow(services) -> None:
            services.projections.batch_size = 25
            for _ in range(200):
                try:
                    services.projections.catch_up()
                except Exception as error:  # a batch another runner applied first is refused and rolled back
                    failures.append(error)
                if services.projections.lowest_position() == services.projections.last_position():
                    return

        threads = [threading.Thread(target=follow, args=(s,)) for s in others]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for other in others:
            other.close()
        assert runner.lowest_position() == runner.last_position()
        assert snapshot(demo) == rebuilt(demo)

    def test_wait_for_catches_up_to_a_position_for_read_your_writes(self, services, community):
        outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(community))
        assert services.projections.position("petitions") < outcome.position
        assert services.projections.wait_for(outcome.position, timeout=2)
        with services.projections.engine.connect() as connection:
            status = connection.execute(
                select(petitions.c.status).where(petitions.c.reference == outcome.petition["reference"])
            ).scalar_one()
        assert status == "received"

    def test_the_background_follower_shows_a_change_within_two_seconds(self, services, community):
        services.projections.catch_up()
        services.projections.start(interval=0.5)
        outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(community))
        started = time.monotonic()
        while services.projections.position("petitions") < outcome.position:
            assert time.monotonic() - started < 2, "not projected within 2 seconds"
            time.sleep(0.02)
        services.projections.stop()

    def test_on_postgresql_the_follower_wakes_on_the_event_stores_notify(self, services):
        waiter = _Waiter(services.log.recorder, interval=5)
        try:
            assert waiter.listening is services.settings.is_postgres
        finally:
            waiter.close()

    def test_a_read_model_of_an_older_shape_is_dropped_and_rebuilt(self, services, community):
        services.petitions.receive(actor="wangfang", **petition_fields(community))
        services.projections.catch_up()
        before = snapshot(services)
        with services.projections.engine.begin() as connection:
            connection.execute(text("ALTER TABLE rm_petitions DROP COLUMN outcome_month"))
        assert "outcome_month" not in {c["name"] for c in inspect(services.projections.engine).get_columns("rm_petitions")}
        again = bootstrap(services.settings, services.clock)
        try:
            assert again.projections.position("petitions") == 0
            again.projections.catch_up()
            assert snapshot(again) == before
        finally:
            again.close()
