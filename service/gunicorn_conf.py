"""gunicorn settings for the production run (``petitions run`` uses them; so does
``gunicorn -c python:service.gunicorn_conf 'api:create_app()'``, and plain ``gunicorn 'api:create_app()'``
from the repository's root through its gunicorn.conf.py).

Environment:
  PETITIONS_DATABASE_URL     the store (postgresql://… for several workers)
  PETITIONS_BIND             address to listen on (default 127.0.0.1:8000)
  PETITIONS_WORKERS          worker processes (default: cores + 1)
  PETITIONS_THREADS          threads per worker (default 4: gthread workers; 1: sync workers)
  PETITIONS_LOG_LEVEL        default INFO
  PETITIONS_BOARD_CACHE_SECONDS  how long a worker answers the public board from memory (default 2; 0: off)
  PROMETHEUS_MULTIPROC_DIR   where workers keep their metrics (default: a new temporary folder)

The workers run no projections (create_app starts no followers): ``petitions project``
keeps the read models and committee outcomes current beside them."""

from __future__ import annotations

import os
import shutil
import tempfile

from service.logs import logging_config

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="petitions-metrics-")

bind = os.environ.get("PETITIONS_BIND", "127.0.0.1:8000").split(",")
# Measured on 2 cores at 1M petitions (docs/operations.md): cores + 1 workers of 4 threads did best; the
# threads overlap database waits and keep connections alive (sync workers close each one).
workers = int(os.environ.get("PETITIONS_WORKERS") or (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("PETITIONS_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = 60  # longer than the 30 s a request may wait for a database connection (POSTGRES_CONNECT_TIMEOUT)
graceful_timeout = 20
keepalive = 5
proc_name = "petitions"
control_socket_disable = True  # its default path is one per user: two instances on a machine would share it
accesslog = None  # the app writes one JSON line per request, with its route and never its raw path
logconfig_dict = logging_config(os.environ.get("PETITIONS_LOG_LEVEL", "INFO"))
os.environ.setdefault("PETITIONS_BOARD_CACHE_SECONDS", "2")  # the public board, answered from memory for 2 s
NO_EVENT_STORE_DDL = "PETITIONS_CREATE_TABLE"  # eventsourcing's CREATE_TABLE, for the application named Petitions


def on_starting(server) -> None:  # type: ignore[no-untyped-def]
    """Once, in the master: empty the metrics folder and create the tables before any worker starts
    (workers creating them at once could collide)."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    else:
        os.makedirs(folder)
    from service.bootstrap import bootstrap

    bootstrap().close()
    # Workers booting at once must not run the event store's DDL again: concurrent CREATE OR REPLACE
    # FUNCTION fails ("tuple concurrently updated") and a worker that fails to boot stops gunicorn.
    os.environ[NO_EVENT_STORE_DDL] = "n"


def child_exit(server, worker) -> None:  # type: ignore[no-untyped-def]
    """A worker's live gauges go with it; its counts stay in the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
