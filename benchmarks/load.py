"""Load test of the production run (``petitions run``: gunicorn workers + the follower) on loopback.

    python benchmarks/load.py [--petitions 100000] [--workers 3] [--threads 4] [--concurrency 8] [--seconds 30]
                              [--database-url postgresql://postgres@127.0.0.1:5432/test]

On a fresh schema of that database (dropped afterwards unless --keep): a community and tokens,
``--petitions`` petitions preloaded into the log (bulk, one process per year) and projected, then
``petitions run`` and three phases of ``--seconds`` each, ``--concurrency`` clients in all:

1. the mixed load (desk commands, committee steps, board reads, petitioner lookups): throughput and
   p50/p95/p99 per kind;
2. commands only, over HTTP;
3. the same commands only, through the service in as many processes (no HTTP): the in-process rate.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (  # noqa: E402
    COMMANDS_ONLY, MIX, ROOT, Cluster, fresh_database, get, in_process_rate, percentile, prepare, preload, report,
    run_load,
)
from service.settings import Settings  # noqa: E402

KEPT = ROOT / "instance" / "load-schemas"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--petitions", type=int, default=10_000, help="petitions preloaded into the log")
    parser.add_argument("--preload-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (1: sync workers)")
    parser.add_argument("--concurrency", type=int, default=8, help="client processes (closed loop, keep-alive)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the schema, to run again on it with --schema")
    parser.add_argument("--schema", help="run on a schema kept by an earlier run (no preload)")
    args = parser.parse_args()

    with existing_or_fresh(args) as (settings, setup):
        print(f"store: PostgreSQL, schema {settings.postgres_schema}")
        if args.petitions and not args.schema:
            took = preload(settings, setup, args.petitions, processes=args.preload_processes)
            print(f"preloaded {args.petitions} petitions in {took:.0f} s ({args.petitions / took:.0f}/s)")
            took = project(settings)
            print(f"projected the log in {took:.0f} s")
            vacuum(settings)  # what autovacuum does some time after a bulk load: statistics, visibility map
        with Cluster(settings, workers=args.workers, threads=args.threads) as cluster:
            status, ready = get(cluster.base, "/readyz")
            print(f"petitions run: {args.workers} workers × {args.threads} thread(s), log at position {ready['position']}; "
                  f"{args.concurrency} clients, {args.seconds:.0f} s per phase")
            mixed = run_load(cluster.base, setup, args.concurrency, args.seconds, MIX, seed=1)
            print("\n".join(report("mixed load", mixed)))
            board = [lat for kind, lats in mixed.by_kind().items() if kind.startswith("board") or kind == "community-board"
                     for lat in lats]
            print(f"  board reads all kinds: p50 {percentile(board, 50) * 1000:.1f} ms, "
                  f"p99 {percentile(board, 99) * 1000:.1f} ms")
            commands = run_load(cluster.base, setup, args.concurrency, args.seconds, COMMANDS_ONLY, seed=2)
            print("\n".join(report("commands only, HTTP", commands)))
            status, metrics = get(cluster.base, "/readyz")
            print(f"  followers after the load: {metrics['followers']}")
        service_rate = in_process_rate(settings, setup, args.concurrency, args.seconds)
        http_rate = commands.commands_per_second()
        print(f"commands/s at concurrency {args.concurrency}: HTTP {http_rate:.0f}, in-process service {service_rate:.0f} "
              f"(HTTP is {http_rate / service_rate:.2f} of in-process)")


@contextlib.contextmanager
def existing_or_fresh(args):  # type: ignore[no-untyped-def]
    """The kept schema named by --schema (with its tokens), or a new one, prepared."""
    if args.schema:
        settings = Settings(database_url=f"{args.database_url}?schema={args.schema}",
                            keys_database_url=f"{args.database_url}?schema={args.schema}_keys")
        yield settings, json.loads((KEPT / f"{args.schema}.json").read_text())
        return
    with fresh_database(args.database_url, keep=args.keep) as settings:
        setup = prepare(settings)
        if args.keep:
            KEPT.mkdir(parents=True, exist_ok=True)
            (KEPT / f"{settings.postgres_schema}.json").write_text(json.dumps(setup))
        yield settings, setup


def vacuum(settings) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    with psycopg.connect(settings.database_url.split("?")[0], autocommit=True) as connection:
        connection.execute(f'SET search_path TO "{settings.postgres_schema}"')
        for table in ("petitions_events", "rm_petitions", "rm_petition_steps", "rm_petition_counts"):
            connection.execute(f"VACUUM ANALYZE {table}")
        connection.execute(f'SET search_path TO "{settings.postgres_schema}_keys"')
        connection.execute("VACUUM ANALYZE personal_data_keys")


def project(settings) -> float:  # type: ignore[no-untyped-def]
    from service.bootstrap import bootstrap

    started = time.perf_counter()
    services = bootstrap(settings)
    try:
        services.projections.catch_up()
        services.matter_outcomes.catch_up()
    finally:
        services.close()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
