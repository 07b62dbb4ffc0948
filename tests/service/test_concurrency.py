"""Concurrent desks on the real stores: unique reference numbers, no lost changes."""

from __future__ import annotations

import threading

import pytest

from service import errors
from service.bootstrap import bootstrap
from tests.helpers import petition_fields


def receive(services, community):
    fields = petition_fields(community)
    return services.petitions.receive(actor="wangfang", **fields)


def _receive_at_once(desks, community, each: int) -> tuple[list[str], list[Exception]]:
    references: list[str] = []
    failures: list[Exception] = []

    def work(desk):
        for _ in range(each):
            try:
                outcome, _ = receive(desk, community)
                references.append(outcome.petition["reference"])
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                failures.append(error)

    threads = [threading.Thread(target=work, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return references, failures


def test_reference_numbers_stay_unique_and_gapless_under_concurrent_requests(settings, clock, services, community):
    # Four desks, each with its own service instance (as separate worker processes would have): they
    # share no lock, so they do collide on the community's counter, and each collision takes the next number.
    desks = [bootstrap(settings, clock) for _ in range(4)]
    try:
        references, failures = _receive_at_once(desks, community, 10)
    finally:
        for desk in desks:
            desk.close()
    assert failures == []
    assert sorted(references) == [f"jinhua-2026-{n:06d}" for n in range(1, 41)]
    for reference in references:
        assert services.petitions.get(reference)["reference"] == reference


def test_desks_of_one_process_take_turns_and_never_fail(services, community):
    references, failures = _receive_at_once([services] * 8, community, 5)
    assert failures == []
    assert sorted(references) == [f"jinhua-2026-{n:06d}" for n in range(1, 41)]


def test_each_community_numbers_its_own_petitions(services, community):
    services.communities.register(code="dongcheng", name="东城社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("dongcheng", name="第一网格", area="", actor="admin")
    member = services.communities.add_member("dongcheng", name="赵敏", role="desk_staff",
                                             contact_point_id=point["id"], actor="admin")
    other = {"contact_point": point["id"], "desk": member["id"]}
    assert receive(services, community)[0].petition["reference"] == "jinhua-2026-000001"
    assert receive(services, other)[0].petition["reference"] == "dongcheng-2026-000001"
    assert receive(services, community)[0].petition["reference"] == "jinhua-2026-000002"
    # Looked up by reference, each is found unambiguously.
    assert services.petitions.get("dongcheng-2026-000001")["community_code"] == "dongcheng"
    assert services.petitions.get("jinhua-2026-000002")["community_code"] == "jinhua"


def test_numbering_starts_again_each_year(services, clock, community):
    assert receive(services, community)[0].petition["reference"] == "jinhua-2026-000001"
    clock.set(clock.now().replace(year=2027, month=1, day=4))
    assert receive(services, community)[0].petition["reference"] == "jinhua-2027-000001"


def test_a_log_numbered_by_year_still_loads(services, clock, community):
    """Counters of logs written before numbering per community stay readable (and are no longer taken)."""
    from domain.reference import ReferenceCounter, counter_id

    old = ReferenceCounter(year=2026)
    assert old.issue(clock.now()) == "2026-000001"
    services.log.save(old)
    assert services.log.repository.get(counter_id(2026)).last_number == 1
    assert receive(services, community)[0].petition["reference"] == "jinhua-2026-000001"


def test_the_second_of_two_simultaneous_changes_is_refused_and_the_first_kept(settings, clock, services, community):
    reference = receive(services, community)[0].petition["reference"]
    other_desk = bootstrap(settings, clock)
    try:
        # Both desks have read version 1; the first to save wins.
        first = services.petitions.resolve_on_spot(reference, action="现场清理", actor="a", expected_version=1)
        with pytest.raises(errors.VersionConflictError) as conflict:
            other_desk.petitions.escalate(reference, reason="需要集体决策", actor="b", expected_version=1)
        assert conflict.value.current == {"state": "resolved_on_spot", "version": 2}
    finally:
        other_desk.close()
    assert first.petition["status"] == "resolved_on_spot"
    assert services.petitions.get(reference)["status"] == "resolved_on_spot"


def test_a_save_that_loses_the_race_is_a_conflict_not_a_500(settings, clock, services, community):
    reference = receive(services, community)[0].petition["reference"]
    other_desk = bootstrap(settings, clock)
    try:
        stale = other_desk.log.repository.get(services.petitions.get(reference)["id"])
        services.petitions.resolve_on_spot(reference, action="现场清理", actor="a")
        stale.escalate(reason="需要集体决策", actor="b", at=clock.now())
        with pytest.raises(errors.VersionConflictError):
            other_desk.log.save_or_conflict(stale)
    finally:
        other_desk.close()
    history = services.petitions.history(reference)
    assert [h["event"] for h in history] == ["Received", "ResolvedOnSpot"]
