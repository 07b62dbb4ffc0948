"""What operators see: liveness and readiness, Prometheus metrics (latency by route, commands by
type, the followers' lag), and JSON log lines that never carry a petitioner's personal data."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from service.logs import JsonFormatter, QueryStringFilter
from tests.conftest import METRICS_TOKEN, TEST_SECRET
from tests.committee_helpers import Secretary, escalated_petitions
from tests.helpers import petition_fields

ROOT = Path(__file__).resolve().parents[2]
NAME, PHONE, ADDRESS = "欧阳锋锐", "13912345678", "白驼山庄7号楼1单元"


def scrape(client):
    return client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})


def metrics(client) -> dict[tuple[str, tuple], float]:
    response = scrape(client)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for sample in family.samples}


def commands(use_case: str, command: str, outcome: str) -> float:
    labels = {"use_case": use_case, "command": command, "outcome": outcome}
    return REGISTRY.get_sample_value("petitions_commands_total", labels) or 0.0


@pytest.fixture
def json_log():
    """Every log line of this process, as the production formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(QueryStringFilter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    gunicorn = logging.getLogger("gunicorn.error")  # its own handler in production (and after a CLI test in this worker)
    propagates = gunicorn.propagate
    gunicorn.propagate = False
    gunicorn.addHandler(handler)
    yield stream
    gunicorn.removeHandler(handler)
    gunicorn.propagate = propagates
    root.removeHandler(handler)
    root.setLevel(previous)


class TestHealthAndReadiness:
    def test_healthz_answers_without_the_store_and_readyz_reports_each_followers_lag(self, client, services, community):
        assert client.get("/healthz").json == {"status": "ok"}
        services.projections.catch_up()
        services.matter_outcomes.catch_up()
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json["status"] == "ready" and ready.json["store"] == "reachable"
        assert set(ready.json["followers"]) == {"communities", "petitions", "matters", "transparency", "visits", "matter-outcomes"}
        assert {f["lag_events"] for f in ready.json["followers"].values()} == {0}

    def test_a_read_model_further_behind_than_allowed_is_not_ready(self, app, client, services, community):
        services.projections.catch_up()
        services.matter_outcomes.catch_up()
        client.post("/api/petitions", json=petition_fields(community))
        time.sleep(0.05)
        app.config["READY_MAX_LAG_SECONDS"] = 0.01
        lagging = client.get("/readyz")
        assert lagging.status_code == 503 and lagging.headers["Retry-After"] == "5"
        assert lagging.json["status"] == "lagging"
        assert set(lagging.json["lagging"]) == {"communities", "petitions", "matters", "transparency", "visits", "matter-outcomes"}
        assert lagging.json["followers"]["petitions"]["lag_seconds"] >= 0.05
        app.config["READY_MAX_LAG_SECONDS"] = 0  # lag never makes it unready
        assert client.get("/readyz").status_code == 200

    def test_an_unreachable_store_is_not_ready(self, client, services, monkeypatch):
        from eventsourcing.persistence import OperationalError

        def unreachable(*args, **kwargs):
            raise OperationalError("connection refused")

        monkeypatch.setattr(services.log.recorder, "max_notification_id", unreachable)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json == {"status": "unavailable", "store": "unreachable", "reason": "OperationalError"}
        assert metrics(client)[("petitions_store_up", ())] == 0

    def test_the_app_starts_no_follower_so_gunicorn_workers_never_project(self, settings):
        from api import create_app

        app = create_app({"DATABASE_URL": settings.database_url, "SECRET_KEY": TEST_SECRET})
        try:
            running = {thread.name for thread in threading.enumerate()}
            assert not running & {"projections", "matter-outcomes"}
        finally:
            app.extensions["petitions.services"].close()


class TestMetrics:
    def test_request_latency_is_by_route_and_never_names_a_reference(self, client, community):
        reference = client.post("/api/petitions", json=petition_fields(community)).json["reference"]
        client.post(f"/api/petitions/{reference}/resolve-on-spot", json={"action": "现场联系保洁"})
        client.get(f"/api/desk/search?q={PHONE}")
        client.get("/no/such/page")
        seen = metrics(client)
        routes = {dict(labels).get("route") for (name, labels) in seen if name.startswith("petitions_http_")}
        assert {"/api/petitions", "/api/petitions/<reference>/resolve-on-spot", "/api/desk/search",
                "<unmatched>"} <= routes
        text = scrape(client).get_data(as_text=True)
        assert reference not in text and PHONE not in text
        resolved = ("petitions_http_requests_total",
                    (("method", "POST"), ("route", "/api/petitions/<reference>/resolve-on-spot"), ("status", "200")))
        assert seen[resolved] >= 1
        count = ("petitions_http_request_duration_seconds_count",
                 (("method", "POST"), ("route", "/api/petitions/<reference>/resolve-on-spot")))
        assert seen[count] >= 1

    def test_commands_are_counted_by_use_case_command_and_outcome(self, client, community):
        received, refused = commands("PetitionDesk", "receive", "ok"), commands("PetitionDesk", "follow_up", "IllegalStepError")
        reference = client.post("/api/petitions", json=petition_fields(community)).json["reference"]
        assert client.post(f"/api/petitions/{reference}/follow-up", json={"satisfaction": "satisfied"}).status_code == 409
        assert commands("PetitionDesk", "receive", "ok") == received + 1
        assert commands("PetitionDesk", "follow_up", "IllegalStepError") == refused + 1
        assert metrics(client)[("petitions_commands_total", (("command", "receive"), ("outcome", "ok"),
                                                               ("use_case", "PetitionDesk")))] == received + 1

    def test_projection_lag_in_events_and_seconds_is_worked_out_at_scrape_time(self, client, services, community):
        services.projections.catch_up()
        services.matter_outcomes.catch_up()
        applied = services.log.last_position()
        client.post("/api/petitions", json=petition_fields(community))
        client.post("/api/petitions", json=petition_fields(community))
        written = services.log.last_position() - applied  # the petitions, their reference counter, ...
        assert written >= 4
        time.sleep(0.05)
        behind = metrics(client)
        assert behind[("petitions_projection_lag_events", (("follower", "petitions"),))] == written
        assert behind[("petitions_projection_lag_seconds", (("follower", "petitions"),))] >= 0.05
        assert behind[("petitions_log_position", ())] == services.log.last_position()
        services.projections.catch_up()
        caught_up = metrics(client)
        assert caught_up[("petitions_projection_lag_events", (("follower", "petitions"),))] == 0
        assert caught_up[("petitions_projection_lag_seconds", (("follower", "petitions"),))] == 0
        assert caught_up[("petitions_projection_lag_events", (("follower", "matter-outcomes"),))] == written


class TestLogs:
    def test_a_request_carrying_personal_data_leaves_none_of_it_in_the_log(self, app, client, services, community,
                                                                           json_log, monkeypatch):
        petitioner = {"name": NAME, "phone": PHONE, "address": ADDRESS}
        receipt = client.post("/api/petitions", json=petition_fields(community, petitioner=petitioner)).json
        client.post("/api/petitions", json=petition_fields(community, petitioner=petitioner, category=NAME))  # 422
        client.get(f"/api/desk/search?q={PHONE}")
        client.get(f"/api/desk/search?q={NAME}")
        services.projections.catch_up()
        client.post("/api/public/lookup", json={"reference": receipt["reference"], "tracking_code": receipt["tracking_code"]})

        import service.petitions

        def failing(given):
            raise RuntimeError(f"cannot clean {given}")  # an unexpected failure quoting the request's data

        monkeypatch.setattr(service.petitions, "_clean_petitioner", failing)
        app.config["PROPAGATE_EXCEPTIONS"] = False
        failed = client.post("/api/petitions", json=petition_fields(community, petitioner=petitioner))
        assert failed.status_code == 500
        logging.getLogger("gunicorn.error").error("Error handling request %s", f"/api/desk/search?q={PHONE}")

        text = json_log.getvalue()
        lines = [json.loads(line) for line in text.splitlines()]
        for secret in (NAME, PHONE, ADDRESS, receipt["tracking_code"]):
            assert secret not in text
        access = [line for line in lines if line["logger"] == "petitions.access"]
        assert [(a["method"], a["route"], a["status"]) for a in access] == [
            ("POST", "/api/petitions", 201), ("POST", "/api/petitions", 422), ("GET", "/api/desk/search", 200),
            ("GET", "/api/desk/search", 200), ("POST", "/api/public/lookup", 200), ("POST", "/api/petitions", 500),
        ]
        assert all(len(a["request_id"]) == 32 and a["duration_ms"] >= 0 for a in access)
        [crash] = [line for line in lines if "exception" in line]
        assert crash["exception"]["type"] == "builtins.RuntimeError" and crash["request_id"] == access[-1]["request_id"]
        assert any(line["message"] == "Error handling request /api/desk/search" for line in lines)

    def test_each_answer_carries_its_request_id(self, client):
        given = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.1"})
        assert given.headers["X-Request-ID"] == "lb-7f3a.1"
        odd = client.get("/healthz", headers={"X-Request-ID": "张三 13800001234 <script>"})
        assert odd.headers["X-Request-ID"] != "张三 13800001234 <script>" and len(odd.headers["X-Request-ID"]) == 32


class TestTheFollowerProcess:
    def test_petitions_project_keeps_read_models_current_and_carries_committee_outcomes(self, services, clock,
                                                                                         community):
        [reference] = escalated_petitions(services, community, 1)
        secretary = Secretary(services, clock, community)
        secretary.close(secretary.open([reference]))
        assert services.petitions.get(reference)["status"] == "escalated"
        follower = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--database-url", services.settings.database_url, "project",
             "--interval", "0.2"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while services.petitions.get(reference)["status"] != "resolved":
                assert follower.poll() is None, follower.stderr.read().decode()
                assert time.monotonic() < deadline, "the follower did not carry the committee's outcome"
                time.sleep(0.2)
            while services.projections.lowest_position() < services.log.last_position():
                assert time.monotonic() < deadline, "the follower did not catch the read models up"
                time.sleep(0.2)
        finally:
            follower.send_signal(signal.SIGTERM)
            out, err = follower.communicate(timeout=30)
        assert follower.returncode == 0, err.decode()
        assert "Stopped at position" in out.decode()
        for line in err.decode().splitlines():
            json.loads(line)  # its log lines are JSON


class TestBoardFromMemory:
    def test_the_production_run_answers_the_public_board_from_memory_for_a_moment(
            self, client, services, community, monkeypatch):
        import types

        now = [1000.0]  # the board's memory goes by this clock: a garbage collection mid-request cannot age it
        monkeypatch.setattr("service.reads.time", types.SimpleNamespace(monotonic=lambda: now[0]))
        services.projections.catch_up()
        assert services.board.cache_seconds == 0  # off unless PETITIONS_BOARD_CACHE_SECONDS says so (gunicorn sets 2)
        services.board.cache_seconds = 0.5
        first = client.get("/api/public/communities/jinhua/board").json
        client.post("/api/petitions", json=petition_fields(community))
        services.projections.catch_up()
        now[0] += 0.45
        assert client.get("/api/public/communities/jinhua/board").json == first
        now[0] += 0.1
        later = client.get("/api/public/communities/jinhua/board").json
        assert later["in_progress"]["total"] == first["in_progress"]["total"] + 1
