"""Faults under load, on the production run (``petitions run``: gunicorn workers and the follower)
against PostgreSQL: a worker and the follower killed with SIGKILL lose no command that was answered
with success and apply no event twice, and the read models equal a rebuild; a PostgreSQL restart
makes requests fail cleanly (503 with Retry-After, never 500) and the service recovers by itself.

The full-size forms are ``benchmarks/faults.py``; these run a short load (about a minute each)."""

from __future__ import annotations

import shutil

import pytest

from benchmarks.harness import ensure_postgres_running, kill_scenario, prepare, restart_scenario
from tests.conftest import _postgres_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(_postgres_url() is None,
                       reason="several gunicorn workers share one store: PostgreSQL only (set TEST_DATABASE_URL)"),
]


class TestKilledProcesses:
    def test_no_answered_command_is_lost_no_event_applied_twice_and_read_models_equal_a_rebuild(self, settings):
        setup = prepare(settings)
        report = kill_scenario(settings, setup, seconds=12, concurrency=4, workers=3)
        result = report["result"]

        assert report["killed_worker"] not in report["workers_after"] and len(report["workers_after"]) == 3
        assert report["new_follower"] not in (None, report["killed_follower"])  # started again by the supervisor
        assert report["answered_2xx"] > 50
        assert {a["kind"] for a in result.answered} >= {"receive", "deadline", "open-matter"}
        assert report["lost"] == []
        assert report["duplicates"] == 0 and report["missing"] == 0
        assert report["read_model_rows"] == report["received_events"] > 0
        assert report["differ_from_rebuild"] == [] and report["tables"] >= 5
        assert report["signed_heads"] > 0 and report["heads_not_in_rebuilt_tree"] == []  # heads depend on batches; roots do not
        assert 500 not in result.statuses()


@pytest.mark.alone
@pytest.mark.skipif(shutil.which("pg_ctlcluster") is None or "127.0.0.1" not in (_postgres_url() or ""),
                    reason="PostgreSQL on 127.0.0.1 only: restarts the local cluster with pg_ctlcluster")
class TestPostgresRestart:
    def test_requests_fail_cleanly_with_a_retry_hint_and_the_service_recovers_by_itself(self, settings):
        setup = prepare(settings)
        try:
            report = restart_scenario(settings, setup, seconds=20, concurrency=4, workers=3, restart_at=4)
        finally:
            ensure_postgres_running()
        statuses = report["statuses"]

        assert 500 not in statuses and 0 not in statuses, statuses  # no server error, no dropped connection
        assert report["answered_503"] > 0 and report["with_retry_after"] == report["answered_503"]
        assert report["after_outage"] > 20 and report["after_outage_errors"] == 0
        assert report["after_outage_2xx"] > 0
        assert report["workers_after"] == report["workers_before"]  # recovered without restarting a worker
        assert report["follower_after"] == report["follower_before"]  # nor the follower
        assert report["ready_again"]["status"] == "ready"
