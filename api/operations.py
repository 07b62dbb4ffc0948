"""What the service shows its operators: readiness (/readyz), Prometheus metrics (/metrics),
a request id on every answer and one JSON access-log line per request.

The access line and the metrics name a request by its route (the URL rule, such as
``/api/petitions/<reference>/resolve``), never by its path or query: a path holds
reference numbers and a query may hold a searched name or phone. Bodies are never logged.

Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py does) and every
worker's counts are summed at each scrape; read models' lag is worked out at scrape time."""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
import uuid
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from api.context import services
from api.errors import error_body
from service import errors, logs
from service.operations import lags, readiness

access_log = logging.getLogger("petitions.access")

REQUEST_SECONDS = Histogram(
    "petitions_http_request_duration_seconds",
    "Time to answer a request, by method and route (the URL rule)",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter("petitions_http_requests_total", "Requests answered, by method, route and status",
                   ["method", "route", "status"])

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
QUIET_ROUTES = {"/healthz", "/readyz", "/metrics"}
DEFAULT_READY_MAX_LAG_SECONDS = 300.0


def init_operations(app: Flask) -> None:
    """Request ids, timing, access log and metrics for every request; /readyz and /metrics."""
    app.config.setdefault(
        "READY_MAX_LAG_SECONDS",
        float(os.environ.get("PETITIONS_READY_MAX_LAG_SECONDS", DEFAULT_READY_MAX_LAG_SECONDS)),
    )
    # First of all before-request functions: one that answers early (a refused body) skips those after it.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_finish)
    app.teardown_request(_forget)
    app.add_url_rule("/readyz", "readyz", _readyz, methods=["GET"])
    app.add_url_rule("/metrics", "metrics", _metrics, methods=["GET"])


def _begin() -> None:
    g.started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_id_token = logs.request_id.set(g.request_id)


def _finish(response: Response) -> Response:
    started = g.get("started")
    if started is None:  # a request that failed before the first before-request function
        return response
    seconds = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    REQUEST_SECONDS.labels(request.method, route).observe(seconds)
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    response.headers["X-Request-ID"] = g.request_id
    access_log.log(
        logging.DEBUG if route in QUIET_ROUTES else logging.INFO, "request",
        extra={"method": request.method, "route": route, "status": response.status_code,
               "duration_ms": round(seconds * 1000, 2)},
    )
    return response


def _forget(_error: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        logs.request_id.reset(token)


def _readyz():  # type: ignore[no-untyped-def]
    """Ready when the event store and the read models answer and no read model lags more than
    READY_MAX_LAG_SECONDS (0: lag never makes it unready)."""
    limit = current_app.config["READY_MAX_LAG_SECONDS"] or None
    ready, body = readiness(services(), limit)
    if ready:
        return jsonify(body), 200
    return jsonify(body), 503, {"Retry-After": "5"}


def _metrics() -> Response:
    """Only for a scraper holding PETITIONS_METRICS_TOKEN (as a bearer token); without one set, no /metrics."""
    expected = current_app.config.get("METRICS_TOKEN")
    if not expected:
        return jsonify(error_body("not_found", "metrics are off: set PETITIONS_METRICS_TOKEN")), 404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), expected.encode()):
        return (jsonify(error_body("not_signed_in", "send 'Authorization: Bearer <PETITIONS_METRICS_TOKEN>'")), 401,
                {"WWW-Authenticate": 'Bearer realm="metrics"'})
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    followers = CollectorRegistry(auto_describe=False)
    followers.register(_LagCollector(services()))
    return Response(generate_latest(registry) + generate_latest(followers), mimetype=CONTENT_TYPE_LATEST)


class _LagCollector:
    """The log's last position and each follower's lag, read from the store at scrape time."""

    def __init__(self, built: Any) -> None:
        self.services = built

    def collect(self):  # type: ignore[no-untyped-def]
        up = GaugeMetricFamily("petitions_store_up", "1 when the event store answered this scrape, else 0")
        try:
            followers = lags(self.services)
            last = self.services.log.last_position()
        except errors.store_unavailable_errors():
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        position = GaugeMetricFamily("petitions_log_position", "Position of the last event in the log")
        position.add_metric([], last)
        yield position
        events = GaugeMetricFamily("petitions_projection_lag_events",
                                   "Log positions a follower (read model or process) has not dealt with yet",
                                   labels=["follower"])
        seconds = GaugeMetricFamily("petitions_projection_lag_seconds",
                                    "Age of the oldest event a follower has not dealt with yet (0 when caught up)",
                                    labels=["follower"])
        for lag in followers:
            events.add_metric([lag.follower], lag.events)
            seconds.add_metric([lag.follower], lag.seconds)
        yield events
        yield seconds
