"""Receipts under concurrency: failed receipts, receive and set-deadline p50/p99, and their ratio.

For 1, 4, 8 and 16 concurrent clients (threads in one process, through the service's permission-
checked use cases as benchmarks/commands.py does; ``--processes`` runs each client in its own process
with its own service, so desks of different processes collide on the counter as gunicorn workers
would), every client first receives petitions for ``--seconds``, then sets a deadline on the ones it
received for ``--seconds``. By default every client desks for the same community (the worst case: one
counter); ``--communities K`` spreads the clients over K communities. Each process of ``--processes``
has its own pools and followers: at 8 or more on a PostgreSQL server shared with others, mind
``max_connections``.

    python benchmarks/receipts.py [--seconds 3] [--clients 1,4,8,16] [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def setup(services: Any, communities: int) -> list[dict[str, str]]:
    made = []
    for n in range(communities):
        code = f"bench{n + 1}"
        services.communities.register(code=code, name=f"基准社区{n + 1}", kind="community", actor="admin")
        point = services.communities.add_contact_point(code, name="第一网格", area="", actor="admin")
        member = services.communities.add_member(code, name="王芳", role="desk_staff", contact_point_id=point["id"],
                                                 actor="admin")
        services.accounts.register(username=f"desk{n + 1}", display_name="王芳", password="bench-Tulip-Quartz-7",
                                   roles=["desk_staff"], community_code=code, member_id=member["id"], actor="admin")
        made.append({"code": code, "point": point["id"], "member": member["id"], "username": f"desk{n + 1}"})
    return made


def client(services: Any, place: dict[str, str], phase: str, seconds: float, references: list[str],
           result: dict[str, Any], start: Any) -> None:
    desk = services.as_user(services.accounts.principal_named(place["username"])).petitions
    latencies, failures, n = [], [], 0
    start.wait()
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        began = time.perf_counter()
        try:
            if phase == "receive":
                outcome, _ = desk.receive(
                    contact_point_id=place["point"], category="sanitation", channel="desk", summary="垃圾清运",
                    details="门口垃圾未清运", petitioner={"name": "张三", "phone": f"139{n % 10**8:08d}"},
                    received_by=place["member"])
                references.append(outcome.petition["reference"])
            else:
                if n >= len(references):
                    break
                desk.set_deadline(references[n], working_days=5, responsible_member_id=place["member"],
                                  plan="联系物业", steps=None)
        except Exception as error:  # noqa: BLE001 - counted: a failed receipt is what this measures
            failures.append(f"{type(error).__name__}: {error}")
        latencies.append((time.perf_counter() - began) * 1000)
        n += 1
    result.update(latencies=latencies, failures=failures)


def run_threads(services: Any, places: list[dict[str, str]], clients: int, seconds: float) -> dict[str, Any]:
    references: list[list[str]] = [[] for _ in range(clients)]
    figures = {}
    for phase in ("receive", "set_deadline"):
        results: list[dict[str, Any]] = [{} for _ in range(clients)]
        start = threading.Barrier(clients)
        threads = [threading.Thread(target=client, args=(services, places[i % len(places)], phase, seconds,
                                                         references[i], results[i], start)) for i in range(clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        figures[phase] = combine(results, time.perf_counter() - began)
    figures["references"] = [r for refs in references for r in refs]
    return figures


def _process_client(settings: Any, place: dict[str, str], seconds: float, start: Any, queue: Any) -> None:
    import os

    from service.bootstrap import bootstrap

    os.environ["PETITIONS_CREATE_TABLE"] = "n"  # the tables exist; processes starting at once must not run DDL
    services = bootstrap(settings)
    references: list[str] = []
    # one receipt before the clock starts: the process's connections, counter and community are read
    warm, _ = services.as_user(services.accounts.principal_named(place["username"])).petitions.receive(
        contact_point_id=place["point"], category="sanitation", channel="desk", summary="预热", details="预热",
        petitioner=None, received_by=place["member"])
    references.append(warm.petition["reference"])  # numbered like the others (checked for gaps), deadlined too
    out = {}
    for phase in ("receive", "set_deadline"):
        result: dict[str, Any] = {}
        client(services, place, phase, seconds, references, result, start)
        out[phase] = result
    services.close()
    queue.put((out, references))


def run_processes(settings: Any, places: list[dict[str, str]], clients: int, seconds: float) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue, start = context.Queue(), context.Barrier(clients)
    processes = [context.Process(target=_process_client, args=(settings, places[i % len(places)], seconds, start,
                                                               queue)) for i in range(clients)]
    for process in processes:
        process.start()
    outs = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    figures = {phase: combine([o[0][phase] for o in outs], seconds) for phase in ("receive", "set_deadline")}
    figures["references"] = [r for o in outs for r in o[1]]
    return figures


def combine(results: list[dict[str, Any]], elapsed: float) -> dict[str, Any]:
    latencies = [x for r in results for x in r.get("latencies", [])]
    failures = [x for r in results for x in r.get("failures", [])]
    return {"count": len(latencies), "failures": failures, "rate": len(latencies) / elapsed,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per phase and concurrency")
    parser.add_argument("--clients", default="1,4,8,16", help="concurrencies, comma-separated")
    parser.add_argument("--communities", type=int, default=1, help="communities the clients desk for (1: one counter)")
    parser.add_argument("--processes", action="store_true", help="each client in its own process and service")
    parser.add_argument("--database-url", default=None, help="postgresql://… (default: a fresh SQLite file)")
    args = parser.parse_args()

    from benchmarks.commands import fresh_settings
    from service.bootstrap import bootstrap

    settings, drop = fresh_settings(args.database_url)
    try:
        services = bootstrap(settings)
        places = setup(services, args.communities)
        store = "PostgreSQL" if settings.is_postgres else "SQLite"
        how = "processes" if args.processes else "threads in one process"
        print(f"store: {store}; clients as {how}; {args.communities} communit{'y' if args.communities == 1 else 'ies'}; "
              f"{args.seconds:g} s per phase (a busy shared 2-core machine: compare within one run)")
        print(f"{'clients':>7} {'receipts':>8} {'failed':>6} {'recv/s':>7} {'recv p50':>9} {'recv p99':>9} "
              f"{'deadlines':>9} {'dl p50':>7} {'dl p99':>7} {'p99 ratio':>9}")
        all_references: list[str] = []
        for clients in [int(c) for c in args.clients.split(",")]:
            if args.processes:
                figures = run_processes(settings, places, clients, args.seconds)
            else:
                figures = run_threads(services, places, clients, args.seconds)
            receive, deadline = figures["receive"], figures["set_deadline"]
            all_references += figures["references"]
            print(f"{clients:>7} {receive['count']:>8} {len(receive['failures']):>6} {receive['rate']:>7.0f} "
                  f"{receive['p50']:>7.1f}ms {receive['p99']:>7.1f}ms {deadline['count']:>9} "
                  f"{deadline['p50']:>5.1f}ms {deadline['p99']:>5.1f}ms {receive['p99'] / deadline['p99']:>9.2f}",
                  flush=True)
            for failure in sorted(set(receive["failures"] + deadline["failures"]))[:3]:
                print(f"        e.g. {failure}")
        duplicates = len(all_references) - len(set(all_references))
        per_counter: dict[str, list[int]] = {}
        for reference in all_references:
            counter, _, number = reference.rpartition("-")  # jinhua-2026 (or 2026 in a log numbered by year)
            per_counter.setdefault(counter, []).append(int(number))
        gaps = sum(max(ns) - len(ns) for ns in per_counter.values())
        print(f"references: {len(all_references)} issued, {duplicates} duplicates, {gaps} gaps")
        services.close()
    finally:
        drop()


if __name__ == "__main__":
    main()
