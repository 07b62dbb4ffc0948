"""Read-model figures, all measured in the same run on the same store:

- catch-up: events per second applied to the read models (batches, one transaction each),
  beside the raw rate of reading the notification log (``recorder.select_notifications``);
- board query times with the log's petitions (default 10,000) and with 1,000,000 petitions,
  whose rows are written straight into the read-model tables (loading a million petitions
  through the event log would take hours here; the output says so), with their petitioners
  sealed under keys of their own and blind-indexed in the key store, as the log would leave them;
- search by phone and by full name (through the key store's blind index) at both sizes.

    python benchmarks/read_models.py [--petitions 10000] [--board-rows 1000000]
                                     [--database-url postgresql://postgres@127.0.0.1:5432/test]

With a PostgreSQL URL each part runs in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from sqlalchemy import insert, update  # noqa: E402

from domain.petition import CATEGORIES, Petition  # noqa: E402
from projections.communities import communities, contact_points, members  # noqa: E402
from projections.petitions import COUNTS, petition_counts, petitions  # noqa: E402
from projections.runner import tracking  # noqa: E402
from service.bootstrap import Services, bootstrap  # noqa: E402
from service.clock import CHINA, ManualClock  # noqa: E402
from service.store.personal_data import blind_index, seal, subject_keys  # noqa: E402
from service.petitions import hash_tracking_code  # noqa: E402
from service.settings import Settings  # noqa: E402

NOW = datetime(2026, 9, 21, 9, 30, tzinfo=CHINA)


@contextmanager
def store(database_url: str | None, label: str) -> Iterator[Settings]:
    if database_url and database_url.startswith("postgres"):
        schema = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
            connection.execute(f'CREATE SCHEMA "{schema}_keys"')
        try:
            yield Settings(database_url=f"{database_url}?schema={schema}",
                           keys_database_url=f"{database_url}?schema={schema}_keys")
        finally:
            with psycopg.connect(database_url, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
                connection.execute(f'DROP SCHEMA "{schema}_keys" CASCADE')
        return
    with tempfile.TemporaryDirectory() as folder:
        yield Settings(database_url=f"sqlite:///{folder}/{label}.db")


def setup_communities(services: Services, count: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """Communities, each with 4 contact points and a member at each; answers (community id, [(point, member)])."""
    found = []
    for n in range(count):
        code = f"c{n:03d}"
        community = services.communities.register(code=code, name=f"基准社区{n}", kind="community", actor="admin")
        pairs = []
        for p in range(4):
            point = services.communities.add_contact_point(code, name=f"第{p + 1}网格", area="", actor="admin")
            member = services.communities.add_member(code, name=f"成员{n}-{p}", role="grid_member",
                                                     contact_point_id=point["id"], actor="admin")
            pairs.append((point["id"], member["id"]))
        found.append((community["id"], pairs))
    return found


def phone_of(n: int) -> str:
    return f"138{n:08d}"


def generate_log(services: Services, count: int, rng: random.Random) -> None:
    """Petitions through the domain aggregates, over the past year, along every kind of path; saved in batches."""
    places = setup_communities(services, 4)
    batch: list[Petition] = []
    for n in range(1, count + 1):
        community_id, pairs = rng.choice(places)
        point, member = rng.choice(pairs)
        at = NOW - timedelta(days=rng.randint(1, 360), minutes=rng.randint(0, 600))
        petition = Petition.receive(
            reference=f"2026-{n:06d}", tracking_code_hash=hash_tracking_code(f"CODE{n}"), community_id=community_id,
            contact_point_id=point, category=rng.choice(CATEGORIES), channel="desk", summary="基准诉求",
            details="基准诉求详情", petitioner={"name": f"张{n}", "phone": phone_of(n)}, received_by=member,
            actor=member, at=at,
        )
        path = rng.random()
        later = at + timedelta(days=rng.randint(1, 20))
        if path < 0.35:
            petition.resolve_on_spot(action="当场解决", actor=member, at=at)
            petition.follow_up(satisfaction="satisfied", comment="", actor=member, at=later)
        elif path < 0.8:
            petition.set_deadline(working_days=5, due_date=at.date() + timedelta(days=7), responsible_member_id=member,
                                  plan="限期处理", steps=[], actor=member, at=at)
            if later < NOW:
                petition.resolve(outcome="已解决", actor=member, at=later)
                satisfaction = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], [70, 22, 8])[0]
                petition.follow_up(satisfaction=satisfaction, comment="", actor=member, at=later + timedelta(days=1))
        elif path < 0.9:
            petition.escalate(reason="需集体研究", actor=member, at=at)
        else:
            petition.explain(reason_category="other", explanation="条件不具备", method="phone", explained_on=at.date(),
                             actor=member, at=at)
        batch.append(petition)
        if len(batch) == 200:
            services.log.save(*batch)
            batch = []
    if batch:
        services.log.save(*batch)


@contextmanager
def cold(settings: Settings) -> Iterator[Services]:
    services = bootstrap(settings, ManualClock(NOW))
    try:
        yield services
    finally:
        services.close()


def raw_read_rate(services: Services) -> tuple[int, float]:
    recorder, start, read = services.log.recorder, 0, 0
    started = time.perf_counter()
    while True:
        batch = recorder.select_notifications(start, 500, inclusive_of_start=False)
        read += len(batch)
        if len(batch) < 500:
            break
        start = batch[-1].id
    return read, read / (time.perf_counter() - started)


def decode_rate(services: Services, opening: bool = True) -> float:
    """Reading the log and turning each notification into its domain event: with the sealed personal
    data opened (a key lookup per petitioner), or left sealed (what catch-up does)."""
    recorder, start, read = services.log.recorder, 0, 0
    mapper = services.log.mapper if opening else services.projections.mapper
    started = time.perf_counter()
    while True:
        batch = recorder.select_notifications(start, 500, inclusive_of_start=False)
        for notification in batch:
            mapper.to_domain_event(notification)
        read += len(batch)
        if len(batch) < 500:
            break
        start = batch[-1].id
    return read / (time.perf_counter() - started)


def catch_up_rate(services: Services) -> tuple[int, float]:
    runner = services.projections
    with runner.engine.begin() as connection:
        connection.execute(update(tracking).values(position=0))
        for projection in runner.projections:
            for table in projection.tables:
                connection.execute(table.delete())
    started = time.perf_counter()
    read = runner.catch_up()
    return read, read / (time.perf_counter() - started)


def timed(call: Callable[[], object], repeat: int = 15) -> float:
    """Median milliseconds of ``call``."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def board_times(services: Services, code: str, phone: str, name: str) -> dict[str, float]:
    found = services.worklist.search(phone, community=code).total
    assert found == 1, f"search by phone found {found} petitions"
    return {
        "summary of all communities": timed(services.board.summary),
        f"board of {code} (12 months, first pages)": timed(lambda: services.board.board(code)),
        "petitions in progress, page 50": timed(lambda: services.board.in_progress(code, page=50, per_page=20)),
        "desk worklist, first page": timed(lambda: services.worklist.worklist(community=code)),
        "desk search by phone (blind index)": timed(lambda: services.worklist.search(phone, community=code)),
        "desk search by full name (blind index)": timed(lambda: services.worklist.search(name, community=code)),
        "ledger per member, a year": timed(lambda: services.ledger.ledger(by="member", period="year")),
    }


def write_rows(services: Services, count: int, rng: random.Random) -> None:
    """``count`` petitions written straight into the read-model tables: 100 communities, 10 contact points
    and 20 members each, two years of monthly counts."""
    engine = services.projections.engine
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    statuses = ["closed"] * 80 + ["deadlined"] * 8 + ["escalated"] * 4 + ["received", "reopened"] * 2 + ["withdrawn"] * 4
    with engine.begin() as connection:
        for c in range(100):
            cid = str(uuid.uuid5(uuid.NAMESPACE_OID, f"bench/{c}"))
            connection.execute(insert(communities).values(id=cid, code=f"big{c:03d}", name=f"大社区{c}", kind="community"))
            connection.execute(insert(contact_points), [
                {"id": f"big{c:03d}.cp{p}", "community_id": cid, "name": f"第{p}网格", "area": ""} for p in range(10)])
            connection.execute(insert(members), [
                {"id": f"big{c:03d}.m{m}", "community_id": cid, "name": f"成员{m}", "role": "grid_member",
                 "contact_point_id": f"big{c:03d}.cp{m % 10}"} for m in range(20)])
            connection.execute(insert(petition_counts), [
                {"community_id": cid, "contact_point_id": f"big{c:03d}.cp{m % 10}", "member_id": f"big{c:03d}.m{m}",
                 "month": month, **{name: rng.randint(0, 30) for name in COUNTS}}
                for m in range(20) for month in months])
    chunk = 20_000
    store = services.log.keys
    for start in range(0, count, chunk):
        rows: list[dict] = []
        keys: list[dict] = []
        index: list[dict] = []
        for n in range(start, min(start + chunk, count)):
            key = os.urandom(32)
            c = n % 100
            status = rng.choice(statuses)
            at = NOW - timedelta(days=rng.randint(1, 720))
            rows.append({
                "id": str(uuid.uuid5(uuid.NAMESPACE_OID, f"bench/p{n}")), "reference": f"B{n:09d}",
                "community_id": str(uuid.uuid5(uuid.NAMESPACE_OID, f"bench/{c}")),
                "contact_point_id": f"big{c:03d}.cp{n % 10}", "received_by": f"big{c:03d}.m{n % 20}",
                "handler_member_id": f"big{c:03d}.m{n % 20}", "responsible_member_id": None,
                "category": "sanitation", "channel": "desk", "summary": "基准诉求", "status": status,
                "received_at": at, "due_date": (at + timedelta(days=10)).date() if status == "deadlined" else None,
                "overdue": status == "deadlined" and rng.random() < 0.2, "was_overdue": False, "missed_deadline": False,
                "extensions": 0, "escalated": status == "escalated", "reopened_count": 0,
                "petitioner_sealed": seal(key, {"name": f"张{n}", "phone": phone_of(n)}),
                "tracking_code_hash": "0" * 64, "version": 3, "updated_at": at,
            })
            keys.append({"subject_id": rows[-1]["id"], "key": key, "created_at": NOW})
            index += [{"digest": store.blind("phone", phone_of(n)), "subject_id": rows[-1]["id"]},
                      {"digest": store.blind("name", f"张{n}"), "subject_id": rows[-1]["id"]}]
        with engine.begin() as connection:
            connection.execute(insert(petitions), rows)
        with store.engine.begin() as connection:
            connection.execute(insert(subject_keys), keys)
            connection.execute(insert(blind_index), index)
    for each in (engine, store.engine):
        if each.dialect.name == "postgresql":  # as autovacuum would have done by then
            with each.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--petitions", type=int, default=10_000, help="petitions in the event log (default 10000)")
    parser.add_argument("--board-rows", type=int, default=1_000_000,
                        help="petitions written straight into the read models for the large board (0 to skip)")
    parser.add_argument("--database-url", default=None, help="postgresql://… (default: a temporary SQLite file)")
    args = parser.parse_args()
    rng = random.Random(2026)
    kind = "PostgreSQL" if args.database_url else "SQLite file"
    print(f"Read models on {kind}")

    with store(args.database_url, "log") as settings:
        services = bootstrap(settings, ManualClock(NOW))
        try:
            started = time.perf_counter()
            generate_log(services, args.petitions, rng)
            events = services.log.last_position()
            print(f"  event log: {args.petitions:,} petitions, {events:,} events "
                  f"(made through the domain aggregates, saved 200 petitions a transaction, {time.perf_counter() - started:.0f} s)")
            read, raw = raw_read_rate(services)
            # Fresh instances, as a restarted process. The read models copy personal data sealed, as the log
            # holds it: catching up opens nothing and reads no key.
            with cold(settings) as again:
                applied, rate = catch_up_rate(again)
                _, warm = catch_up_rate(again)
            with cold(settings) as again:
                decoded = decode_rate(again)
                left_sealed = decode_rate(again, opening=False)
            assert read == applied == events, (read, applied, events)
            print(f"  raw notification-log read (recorder.select_notifications, 500 a call): {raw:>9,.0f} events/s")
            print(f"  read and decoded, personal data left sealed (what catch-up does):       {left_sealed:>9,.0f} events/s")
            print(f"  read and decoded, personal data opened (a key-store read per petitioner): {decoded:>7,.0f} events/s")
            print(f"  catch-up into the 3 read models (500 events a transaction), fresh process: {rate:,.0f} events/s"
                  f"  ({rate / raw:.0%} of the raw read)")
            print(f"  catch-up again in the same process:                                      {warm:>9,.0f} events/s"
                  f"  ({warm / raw:.0%} of the raw read)")
            print(f"  board queries with {args.petitions:,} petitions (median ms of 15):")
            sample = next(n for n in range(1, args.petitions + 1)
                          if services.petitions.get(f"2026-{n:06d}")["community_code"] == "c000")
            for name, ms in board_times(services, "c000", phone_of(sample), f"张{sample}").items():
                print(f"    {name:45} {ms:8.1f} ms")
        finally:
            services.close()

    if args.board_rows:
        with store(args.database_url, "rows") as settings:
            services = bootstrap(settings, ManualClock(NOW))
            try:
                started = time.perf_counter()
                write_rows(services, args.board_rows, rng)
                print(f"  board queries with {args.board_rows:,} petitions in 100 communities (rows written straight "
                      f"into the read-model tables, not through the log: {time.perf_counter() - started:.0f} s; "
                      f"median ms of 15):")
                for name, ms in board_times(services, "big000", phone_of(300), "张300").items():
                    print(f"    {name:45} {ms:8.1f} ms")
            finally:
                services.close()


if __name__ == "__main__":
    main()
