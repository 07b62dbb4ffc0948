"""Transparency-log figures, all measured in the same run on the same store:

- the raw rate of reading the event log (``recorder.select_notifications``, batches of 1,000): the baseline;
- appending entries through the real follower (events decoded, entries derived, hashed, stored, head signed);
- appending an entry at size (10,000 and, with ``--million``, 1,000,000 entries): the follower's append path
  (canonical JSON, leaf hash, tree edge, stored row, one signed head per 1,000) fed entries directly, since
  a million entries through the event log would take hours here;
- an inclusion proof and a consistency proof at that size: cold (a fresh process's first proof, reading
  leaf hashes) and warm (pymerkle's subtree-root cache filled);
- the board as of a past day (the log replayed up to that day's end into a scratch database), first and again;
- verifying the whole log as an outsider does (verifier/verify_board.py: every head's signature, each head's
  consistency with the one before, every entry rehashed into the tree, monthly statistics recounted),
  in process (no HTTP) so the figure is the verification's own cost.

    python benchmarks/transparency.py [--petitions 2000] [--million]
                                      [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from domain import transparency as tl  # noqa: E402
from projections.transparency import _Batch  # noqa: E402
from service.bootstrap import bootstrap  # noqa: E402
from service.clock import CHINA, ManualClock  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.transparency import StoredTree, TransparencyLog  # noqa: E402
from verifier.verify_board import Verifier  # noqa: E402

NOW = datetime(2026, 9, 21, 9, 30, tzinfo=CHINA)
CHUNK = 1000


@contextmanager
def store(database_url: str | None, label: str) -> Iterator[Settings]:
    with tempfile.TemporaryDirectory() as folder:
        key = f"{folder}/signing-key.pem"
        if database_url and database_url.startswith("postgres"):
            schema = f"bench_{label}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(database_url, autocommit=True) as connection:
                connection.execute(f'CREATE SCHEMA "{schema}"')
            try:
                yield Settings(database_url=f"{database_url}?schema={schema}", signing_key_file=key)
            finally:
                with psycopg.connect(database_url, autocommit=True) as connection:
                    connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            return
        yield Settings(database_url=f"sqlite:///{folder}/{label}.db", signing_key_file=key)


def timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def populate(services: Any, clock: ManualClock, petitions: int) -> None:
    """Petitions through the real use cases: received, half solved on the spot, half deadlined and resolved,
    every one followed up; a day per 40 petitions, so months end and statistics are disclosed."""
    services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("jinhua", name="第一网格", area="1-5栋", actor="admin")["id"]
    desk = services.communities.add_member("jinhua", name="王芳", role="desk_staff", contact_point_id=point,
                                           actor="admin")["id"]
    for n in range(petitions):
        if n % 40 == 0:
            clock.advance(days=1)
        outcome, _ = services.petitions.receive(
            contact_point_id=point, category="sanitation", channel="desk", summary="垃圾清运不及时", details="3号楼",
            petitioner={"name": "张三丰", "phone": "13800001234"}, received_by=desk, actor="bench")
        reference = outcome.petition["reference"]
        if n % 2:
            services.petitions.resolve_on_spot(reference, action="当场清运", actor="bench")
        else:
            services.petitions.set_deadline(reference, working_days=3, responsible_member_id=desk, plan="清运",
                                            steps=[], actor="bench")
            services.petitions.resolve(reference, outcome="已清运", actor="bench")
        services.petitions.follow_up(reference, satisfaction="satisfied", comment="", actor="bench")


def raw_read_rate(services: Any) -> tuple[int, float]:
    recorder, start, read = services.log.recorder, 0, 0
    started = time.perf_counter()
    while True:
        batch = recorder.select_notifications(start, CHUNK, inclusive_of_start=False)
        read += len(batch)
        if len(batch) < CHUNK:
            break
        start = batch[-1].id
    return read, read / (time.perf_counter() - started)


def append_synthetic(services: Any, until: int, moment: datetime) -> float:
    """Entries appended by the follower's own path, a chunk (one transaction, one signed head) at a time;
    answers seconds per entry."""
    engine, key = services.projections.engine, services.signing_key
    rng = random.Random(until)
    added, elapsed = 0, 0.0
    while services.transparency.size() < until:
        count = min(CHUNK, until - services.transparency.size())
        started = time.perf_counter()
        with engine.begin() as connection:
            batch = _Batch(connection)
            for n in range(count):
                at = moment + timedelta(seconds=n)
                entry = tl.petition_step(step=rng.choice(["received", "resolved_on_spot", "deadlined"]),
                                         status="received", at=at, reference=f"2026-{batch.size + 1:06d}",
                                         community="jinhua", category="sanitation", summary="垃圾清运不及时")
                batch.add(entry, entry["reference"], entry["step"])
            batch.write(key, moment)
        elapsed += time.perf_counter() - started
        added += count
    return elapsed / max(added, 1)


def proofs(services: Any, size: int) -> dict[str, float]:
    rng = random.Random(size)
    cold = TransparencyLog(services.projections.engine, services.signing_key)  # a fresh cache, as a new worker
    figures = {"inclusion_cold": timed(lambda: cold.inclusion(rng.randint(1, size), size))}
    figures["inclusion_warm"] = statistics.median(
        timed(lambda: cold.inclusion(rng.randint(1, size), size)) for _ in range(200))
    cold_again = TransparencyLog(services.projections.engine, services.signing_key)
    figures["consistency_cold"] = timed(lambda: cold_again.consistency(rng.randint(1, size - 1), size))
    figures["consistency_warm"] = statistics.median(
        timed(lambda: cold_again.consistency(rng.randint(1, size - 1), size)) for _ in range(200))
    return figures


def in_process_fetcher(log: TransparencyLog) -> Any:
    from urllib.parse import parse_qs, urlparse

    def fetch(path: str) -> Any:
        url = urlparse(path)
        query = {k: int(v[0]) for k, v in parse_qs(url.query).items()}
        route = url.path.removeprefix("/api/transparency")
        if route == "/public-key":
            return log.public_key()
        if route == "/heads":
            return log.heads(**query)
        if route == "/entries":
            return log.entries(**query)
        if route == "/proofs/consistency":
            return log.consistency(query["first"], query["second"])
        if route.startswith("/entries/"):
            return log.entry(int(route.rsplit("/", 1)[1]), query.get("tree_size"))
        raise KeyError(path)

    return fetch


def verify_whole_log(services: Any, folder: str) -> tuple[float, dict[str, int]]:
    verifier = Verifier(in_process_fetcher(services.transparency), f"{folder}/seen.json", say=lambda _: None)
    seconds = timed(lambda: verifier.run())
    if verifier.problems:
        raise SystemExit(f"the verifier found problems: {verifier.problems[:3]}")
    return seconds, verifier.checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--petitions", type=int, default=2000, help="petitions through the real use cases")
    parser.add_argument("--million", action="store_true", help="also measure at 1,000,000 entries")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    sizes = [10_000] + ([1_000_000] if args.million else [])
    with store(args.database_url, "transparency") as settings, tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(NOW)
        services = bootstrap(settings, clock)
        print(f"store: {settings.database_url.split('?')[0]}")
        seconds = timed(lambda: populate(services, clock, args.petitions))
        print(f"loaded {args.petitions} petitions through the use cases in {seconds:.1f} s")
        events, raw = raw_read_rate(services)
        print(f"raw event-log read (select_notifications, batches of {CHUNK}): {events} events, {raw:,.0f} events/s"
              "  [baseline]")
        runner = services.projections
        for name in runner.names:
            if name != "transparency":
                runner.catch_up()
        runner.rebuild("transparency")
        seconds = timed(lambda: runner.rebuild("transparency"))
        size = services.transparency.size()
        print(f"follower from the event log: {events} events → {size} entries in {seconds:.2f} s = "
              f"{events / seconds:,.0f} events/s, {size / seconds:,.0f} entries/s "
              f"({events / seconds / raw:.2f}× the raw read rate)")
        day = clock.now().date() - timedelta(days=10)
        cold = timed(lambda: services.history.board("jinhua", day))
        warm = timed(lambda: services.history.board("jinhua", day))
        replayed = services.history.position_at_end_of(day)
        print(f"the board as of a past day (?as_of=): {replayed} events replayed in {cold:.2f} s "
              f"({replayed / cold:,.0f} events/s, {replayed / cold / raw:.2f}× the raw read rate); "
              f"asked again: {warm * 1000:.1f} ms")
        moment = clock.now() + timedelta(days=1)
        for target in sizes:
            per_entry = append_synthetic(services, target, moment)
            size = services.transparency.size()
            print(f"\n-- at {size:,} entries --")
            print(f"append an entry (chunks of {CHUNK}, one signed head each): {per_entry * 1e6:,.0f} µs/entry = "
                  f"{1 / per_entry:,.0f} entries/s ({1 / per_entry / raw:.2f}× the raw read rate)")
            figures = proofs(services, size)
            for name, value in figures.items():
                print(f"{name.replace('_', ' proof, ')}: {value * 1000:,.2f} ms")
            seconds, checked = verify_whole_log(services, folder)
            print(f"verify the whole log: {seconds:.1f} s for {size:,} entries, {checked['heads']} heads, "
                  f"{checked['consistency_proofs']} consistency proofs = {size / seconds:,.0f} entries/s "
                  f"({size / seconds / raw:.2f}× the raw read rate)")
        tree = StoredTree(services.projections.engine)
        print(f"\nroot recomputed by pymerkle from the stored leaves equals the signed head: "
              f"{tree.get_root(size).hex() == services.transparency.latest_head()['root_hash']}")
        services.close()


if __name__ == "__main__":
    main()
