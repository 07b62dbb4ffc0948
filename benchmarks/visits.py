"""The members' contact-point work at the size of a community: 30 members, each with a contact
point and a year of visits (about 2.4 a month). Prints the time to record a visit (through the
permission-checked use case, and through HTTP with an Idempotency-Key) and to draw the secretary's
year heat map (the use case, and the whole supervision page), beside the petition command rate
measured in the same run on the same store.

    python benchmarks/visits.py [--members 30] [--samples 200] [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import create_app  # noqa: E402
from benchmarks.commands import fresh_settings, service_rate, setup_community  # noqa: E402
from service.bootstrap import bootstrap  # noqa: E402
from service.clock import CHINA, ManualClock  # noqa: E402
from service.principal import Principal  # noqa: E402

POINTS = 6


def build(services, clock: ManualClock, members: int, rng: random.Random) -> tuple[list[str], int]:
    """A community of ``members`` members, each assigned a year ago, with a year of visits."""
    start = clock.now()
    services.communities.register(code="visits", name="走访社区", kind="community", actor="admin")
    points = [services.communities.add_contact_point("visits", name=f"第{n + 1}网格", area="", actor="admin")["id"]
              for n in range(POINTS)]
    ids = []
    for n in range(members):
        member = services.communities.add_member("visits", name=f"党员{n + 1}", role="grid_member",
                                                 contact_point_id=points[n % POINTS], actor="admin")
        services.contact_points.assign(member["id"], contact_point_id=points[n % POINTS], compounds=["一号小区"],
                                       actor="admin")
        ids.append(member["id"])
    visits = 0
    moments = sorted((start + timedelta(days=rng.uniform(1, 364)), member) for member in ids for _ in range(29))
    for moment, member in moments:
        clock.set(moment)
        as_member(services, member).visits.record(
            visited_on=moment.date(), form=rng.choice(["home_visit", "home_visit", "forum", "phone_contact"]),
            people_met=rng.randint(1, 8), learned="走访了解居民对小区环境的意见", help_given="帮忙联系物业")
        visits += 1
    return ids, visits


def as_member(services, member_id: str):
    return services.as_user(Principal(member_id, member_id, ("handling_member",), "visits", member_id))


def timed(call, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def describe(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--samples", type=int, default=200, help="visits recorded and timed")
    parser.add_argument("--cycles", type=int, default=150, help="petitions taken through 4 commands (baseline)")
    parser.add_argument("--database-url", default=None, help="postgresql://… (default: a fresh SQLite file)")
    args = parser.parse_args()
    settings, drop = fresh_settings(args.database_url)
    rng = random.Random(12)
    try:
        now = datetime.now(CHINA)
        clock = ManualClock(now - timedelta(days=365))
        services = bootstrap(settings, clock)
        built = time.perf_counter()
        members, preloaded = build(services, clock, args.members, rng)
        clock.set(now)
        services.visit_supervision.check()
        services.projections.catch_up()
        built = time.perf_counter() - built

        point, member, _ = setup_community(services)
        petitions = service_rate(services, point, member, args.cycles)

        record = timed(lambda: as_member(services, rng.choice(members)).visits.record(
            visited_on=now.date(), form="home_visit", people_met=2, learned="入户走访，了解老人近况"), args.samples)
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}, services=services)
        services.accounts.register(username="member1", display_name="党员1", password="member1-password",
                                   roles=["handling_member"], community_code="visits", member_id=members[0],
                                   actor="admin")
        token = services.accounts.issue_token("member1", label="benchmark", actor="admin")
        client = app.test_client()
        keys = iter(range(10**9))

        def over_http() -> None:
            response = client.post("/api/visits", headers={"Authorization": f"Bearer {token}",
                                                           "Idempotency-Key": f"bench-{next(keys)}"},
                                   json={"visited_on": now.date().isoformat(), "form": "home_visit", "people_met": 1,
                                         "learned": "入户走访"})
            assert response.status_code == 201, response.json

        record_http = timed(over_http, max(20, args.samples // 4))
        services.projections.catch_up()

        secretary = services.as_user(Principal("sec", "书记", ("committee_secretary",), "visits"))
        heat = timed(lambda: secretary.visit_supervision.heat_map(year=now.year), 30)
        last_year = timed(lambda: secretary.visit_supervision.heat_map(year=now.year - 1), 30)
        services.accounts.register(username="sec", display_name="书记", password="secretary-password",
                                   roles=["committee_secretary"], community_code="visits", actor="admin")
        pages = app.test_client()
        signed_in = pages.post("/login", data={"username": "sec", "password": "secretary-password"})
        assert signed_in.status_code in (302, 303), signed_in.status_code

        def page() -> None:
            response = pages.get(f"/visits/supervision?year={now.year}")
            assert response.status_code == 200 and b"heat-map" in response.data

        page_times = timed(page, 30)
        services.close()

        store = "PostgreSQL" if settings.is_postgres else "SQLite"
        print(f"store: {store}; a community of {args.members} members, {preloaded} visits over a year "
              f"(built in {built:.0f} s)")
        print(f"  petition commands (service, same store)   {petitions:8.0f} /s  = {1000 / petitions:6.1f} ms each")
        print(f"  record a visit (service)                  {describe(record)}"
              f"   {statistics.median(record) * petitions / 1000:.1f}× a petition command")
        print(f"  record a visit (HTTP, Idempotency-Key)    {describe(record_http)}"
              f"   {statistics.median(record_http) * petitions / 1000:.1f}× a petition command")
        print(f"  secretary's heat map, this year (service) {describe(heat)}"
              f"   {statistics.median(heat) * petitions / 1000:.1f}× a petition command")
        print(f"  secretary's heat map, last year (service) {describe(last_year)}")
        print(f"  supervision page with the heat map (HTML) {describe(page_times)}"
              f"   {statistics.median(page_times) * petitions / 1000:.1f}× a petition command")
    finally:
        drop()


if __name__ == "__main__":
    main()
