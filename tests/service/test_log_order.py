"""Positions in the log become visible in order, so a follower that reads the log by position
never skips an event that commits after it has read past it (PostgreSQL: the sequence hands out
positions at insert time, not at commit)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from tests.helpers import petition_fields


def test_a_save_waits_for_an_earlier_uncommitted_insert_so_positions_commit_in_order(settings, services, community):
    if not settings.is_postgres:
        pytest.skip("SQLite writes one transaction at a time: positions commit in order by construction")
    table = f'"{settings.postgres_schema}"."petitions_events"'
    url = settings.database_url.split("?")[0]
    with psycopg.connect(url) as other:
        # Another writer has inserted an event (its position is taken) and not committed yet.
        other.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                      "VALUES (gen_random_uuid(), 1, 'tests:Other', '{}'::bytea)")
        taken = other.execute(f"SELECT max(notification_id) FROM {table}").fetchone()[0]
        saved: list[int] = []
        desk = threading.Thread(target=lambda: saved.append(
            services.petitions.receive(actor="wangfang", **petition_fields(community))[0].position))
        desk.start()
        time.sleep(0.5)
        assert desk.is_alive(), "a save went ahead of an uncommitted earlier position"
        other.commit()
    desk.join(10)
    assert saved and saved[0] > taken
    assert [n.id for n in services.log.recorder.select_notifications(1, 100)][-1] == saved[0]
