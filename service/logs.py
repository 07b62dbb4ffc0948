"""Structured logs: one JSON object per line, for every process (web workers, followers, CLI).

A line carries the time, level, logger and message, the request's id when it is
logged while a request is served, and the fields a caller passes as ``extra``
(only those named in ``FIELDS``: nothing else of a record is copied, so a
careless ``extra`` cannot put a request body into the log). An exception is
logged as its type and the frames it passed through, never its message: a
message may quote the data that caused it, and petitioners' names, phones and
addresses must not reach a log line.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

FIELDS = ("method", "route", "status", "duration_ms", "request_id", "worker", "position", "events", "reason")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which worker process
        }
        current = request_id.get()
        if current:
            line["request_id"] = current
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            line["exception"] = {
                "type": f"{kind.__module__}.{kind.__qualname__}",
                "frames": [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)][-12:],
            }
        return json.dumps(line, ensure_ascii=False, default=str)


class QueryStringFilter(logging.Filter):
    """Drops the query string from request URIs that a server quotes in its own log lines
    (gunicorn's 'Error handling request /path?q=…'): a query may hold a searched name or phone."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _without_query(v) for k, v in record.args.items()}
        if "?" in str(record.msg) and not record.args:
            record.msg = _without_query(str(record.msg))
        return True


def _without_query(value: Any) -> Any:
    if isinstance(value, str) and "?" in value:
        return value.split("?", 1)[0]
    if isinstance(value, bytes) and b"?" in value:
        return value.split(b"?", 1)[0]
    return value


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary: every logger, gunicorn's included, as JSON on stderr.
    gunicorn's access log stays off: the app writes its own access line (route, never the raw path)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["no_query"], "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"no_query": {"()": QueryStringFilter}},
        "handlers": {"stderr": handler},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }


def configure(level: str = "INFO") -> None:
    """JSON lines on stderr for this process (the CLI's long-running commands call it)."""
    import logging.config

    logging.config.dictConfig(logging_config(level))
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught


def _log_uncaught(kind: type[BaseException], error: BaseException, tb: Any) -> None:
    logging.getLogger("petitions").critical("uncaught exception", exc_info=(kind, error, tb))
