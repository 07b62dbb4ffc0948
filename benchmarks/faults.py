"""Faults under load, full size: the production run (``petitions run``) on a fresh PostgreSQL schema.

    python benchmarks/faults.py [--seconds 60] [--concurrency 8] [--workers 3] [--petitions 10000]
                                [--database-url postgresql://postgres@127.0.0.1:5432/test] [--no-restart]

1. kill -9: a gunicorn worker at a quarter of the load, the follower at a half (the supervisor
   starts it again); then every command answered 2xx is looked up in the log at the version it
   answered, read-model rows are counted against the events, and every read model is compared
   with a full rebuild.
2. PostgreSQL restart (pg_ctlcluster, the local cluster) a fifth of the way into the load: what
   the clients saw during and after it, and whether the same processes answer again.

The fast forms are tests/operations/test_faults.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (  # noqa: E402
    ensure_postgres_running, fresh_database, kill_scenario, prepare, preload, report, restart_scenario,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--petitions", type=int, default=10_000, help="petitions preloaded before the kill run")
    parser.add_argument("--no-restart", action="store_true", help="skip the PostgreSQL restart")
    parser.add_argument("--no-kill", action="store_true", help="skip the kill -9 run")
    args = parser.parse_args()
    if not args.no_kill:
        kill_run(args)
    if not args.no_restart:
        restart_run(args)


def kill_run(args: argparse.Namespace) -> None:
    with fresh_database(args.database_url) as settings:
        setup = prepare(settings)
        if args.petitions:
            preload(settings, setup, args.petitions)
        killed = kill_scenario(settings, setup, seconds=args.seconds, concurrency=args.concurrency,
                               workers=args.workers)
        print("\n".join(report(f"kill -9 run ({args.petitions} petitions preloaded)", killed["result"])))
        print(f"  killed worker {killed['killed_worker']} (workers now {killed['workers_after']}), follower "
              f"{killed['killed_follower']} (restarted as {killed['new_follower']})")
        print(f"  commands answered 2xx: {killed['answered_2xx']}; lost: {len(killed['lost'])}; "
              f"petitions received in the log: {killed['received_events']}, read-model rows: "
              f"{killed['read_model_rows']}, counted: {killed['counted_received']}; duplicates: {killed['duplicates']}, "
              f"missing: {killed['missing']}; tables differing from a rebuild: {killed['differ_from_rebuild'] or 'none'} "
              f"(of {killed['tables']}); signed heads whose root the rebuilt tree does not give: "
              f"{killed['heads_not_in_rebuilt_tree'] or 'none'} (of {killed['signed_heads']})")


def restart_run(args: argparse.Namespace) -> None:
    with fresh_database(args.database_url) as settings:
        setup = prepare(settings)
        try:
            restarted = restart_scenario(settings, setup, seconds=args.seconds, concurrency=args.concurrency,
                                         workers=args.workers, restart_at=args.seconds / 5)
        finally:
            ensure_postgres_running()
        down, up = restarted["outage"]
        print("\n".join(report("PostgreSQL restart run", restarted["result"])))
        print(f"  PostgreSQL restarted in {up - down:.1f} s; 503 answers: {restarted['answered_503']} "
              f"(with Retry-After: {restarted['with_retry_after']}); 500 answers: {restarted['statuses'].get(500, 0)}; "
              f"no answer: {restarted['statuses'].get(0, 0)}")
        print(f"  from 5 s after the restart: {restarted['after_outage']} answers, {restarted['after_outage_2xx']} 2xx, "
              f"{restarted['after_outage_errors']} errors; same workers: "
              f"{restarted['workers_after'] == restarted['workers_before']}, same follower: "
              f"{restarted['follower_after'] == restarted['follower_before']}; /readyz: {restarted['ready_again']['status']}")


if __name__ == "__main__":
    main()
