"""A closed matter's outcome reaches every linked petition exactly once, even across a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.bootstrap import bootstrap
from service.matter_outcomes import MatterOutcomes
from tests.committee_helpers import Secretary, escalated_petitions, events_of

ROOT = Path(__file__).resolve().parents[2]

# A separate process that follows the log and dies, hard, right before or right after
# the write of the petitions' outcome (os._exit: no cleanup, no exception handling).
DYING_FOLLOWER = """
import os, sys
from datetime import datetime
from service.bootstrap import bootstrap
from service.clock import ManualClock
from service.matter_outcomes import MatterOutcomes
from service.settings import Settings

url, moment, when = sys.argv[1:4]
write = MatterOutcomes._record

def die_before(self, notification_id, petitions):
    os._exit(17)

def die_after(self, notification_id, petitions):
    write(self, notification_id, petitions)
    os._exit(17)

MatterOutcomes._record = die_before if when == "before" else die_after
services = bootstrap(Settings(database_url=url), ManualClock(datetime.fromisoformat(moment)))
services.matter_outcomes.catch_up()
"""


@pytest.fixture
def secretary(services, clock, community) -> Secretary:
    return Secretary(services, clock, community)


def run_dying_follower(services, clock, when: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DYING_FOLLOWER, services.settings.database_url, clock.now().isoformat(), when],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )


class TestResolution:
    def test_the_committee_request_itself_leaves_the_petitions_waiting(self, services, secretary, community):
        references = escalated_petitions(services, community, 2)
        secretary.close(secretary.open(references))
        assert [services.petitions.get(r)["status"] for r in references] == ["escalated", "escalated"]

    def test_a_disclosed_result_resolves_every_linked_petition_once(self, services, secretary, community):
        references = escalated_petitions(services, community, 3)
        matter_id = secretary.open(references)
        secretary.close(matter_id, result="3号楼电梯已投入使用")
        assert services.matter_outcomes.catch_up() == 3
        assert services.matter_outcomes.catch_up() == 0
        for reference in references:
            petition = services.petitions.get(reference)
            assert (petition["status"], petition["outcome"], petition["matter_id"]) == (
                "resolved", "3号楼电梯已投入使用", matter_id)
            assert petition["allowed_steps"] == ["follow_up"]
            resolved = events_of(services, reference, "Resolved")
            assert len(resolved) == 1
            assert resolved[0]["actor"] == "secretary"

    def test_an_ended_matter_explains_every_linked_petition_with_the_reason(self, services, secretary, community):
        references = escalated_petitions(services, community, 2)
        secretary.end(secretary.open(references), reason="多数代表不同意费用分摊方案，暂缓加装")
        assert services.matter_outcomes.catch_up() == 2
        for reference in references:
            petition = services.petitions.get(reference)
            assert (petition["status"], petition["outcome"]) == ("explained", "多数代表不同意费用分摊方案，暂缓加装")
            assert len(events_of(services, reference, "Explained")) == 1

    def test_a_petition_withdrawn_meanwhile_is_skipped(self, services, secretary, community):
        kept, withdrawn = escalated_petitions(services, community, 2)
        matter_id = secretary.open([kept, withdrawn])
        services.petitions.withdraw(withdrawn, reason="已搬走", actor="wangfang")
        secretary.close(matter_id)
        assert services.matter_outcomes.catch_up() == 1
        assert services.petitions.get(kept)["status"] == "resolved"
        assert services.petitions.get(withdrawn)["status"] == "withdrawn"

    def test_a_matter_without_petitions_needs_no_write_but_the_position_moves_on(self, services, secretary):
        secretary.close(secretary.open([]))
        assert services.matter_outcomes.catch_up() == 0
        assert services.matter_outcomes.position() == services.log.last_position()

    def test_the_daily_tick_carries_outcomes_too(self, services, secretary, community):
        references = escalated_petitions(services, community, 1)
        secretary.close(secretary.open(references))
        services.tick()
        assert services.petitions.get(references[0])["status"] == "resolved"

    def test_the_background_follower_carries_outcomes(self, services, secretary, community):
        references = escalated_petitions(services, community, 2)
        secretary.close(secretary.open(references))
        services.matter_outcomes.start(interval=0.05)
        try:
            deadline = time.monotonic() + 10
            while services.petitions.get(references[-1])["status"] != "resolved" and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            services.matter_outcomes.stop()
        assert [services.petitions.get(r)["status"] for r in references] == ["resolved", "resolved"]
        assert all(len(events_of(services, r, "Resolved")) == 1 for r in references)


class TestExactlyOnce:
    def test_a_process_that_dies_before_the_write_is_caught_up_by_the_next(self, services, clock, secretary,
                                                                           community, settings):
        references = escalated_petitions(services, community, 3)
        matter_id = secretary.open(references)
        closing = secretary.close(matter_id)
        before = services.matter_outcomes.position()

        died = run_dying_follower(services, clock, "before")
        assert died.returncode == 17, died.stderr
        assert [services.petitions.get(r)["status"] for r in references] == ["escalated"] * 3
        assert services.matter_outcomes.position() == before < closing

        restarted = bootstrap(settings, clock)  # a new process: new connections, nothing in memory
        try:
            assert restarted.matter_outcomes.catch_up() == 3
            assert restarted.matter_outcomes.catch_up() == 0
        finally:
            restarted.close()
        for reference in references:
            assert services.petitions.get(reference)["status"] == "resolved"
            assert len(events_of(services, reference, "Resolved")) == 1

    def test_a_process_that_dies_right_after_the_write_is_not_repeated(self, services, clock, secretary,
                                                                       community, settings):
        references = escalated_petitions(services, community, 2)
        closing = secretary.close(secretary.open(references))

        died = run_dying_follower(services, clock, "after")
        assert died.returncode == 17, died.stderr
        assert services.matter_outcomes.position() == closing  # the tracking record committed with the petitions

        restarted = bootstrap(settings, clock)
        try:
            assert restarted.matter_outcomes.catch_up() == 0
        finally:
            restarted.close()
        for reference in references:
            assert len(events_of(services, reference, "Resolved")) == 1

    def test_two_followers_racing_for_the_same_matter_write_it_once(self, services, clock, secretary,
                                                                   community, settings):
        references = escalated_petitions(services, community, 2)
        secretary.close(secretary.open(references))
        other = bootstrap(settings, clock)
        write = MatterOutcomes._record

        def overtaken(self, notification_id, petitions):  # type: ignore[no-untyped-def]
            # The other follower writes first, after this one has read the petitions as still waiting.
            assert other.matter_outcomes.catch_up() == 2
            write(self, notification_id, petitions)

        services.matter_outcomes._record = overtaken.__get__(services.matter_outcomes)
        try:
            assert services.matter_outcomes.catch_up() == 0
        finally:
            other.close()
        for reference in references:
            assert len(events_of(services, reference, "Resolved")) == 1
