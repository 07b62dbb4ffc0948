"""A deployment's public record growing over weeks, on a movable clock: petitions received and
handled every working day, a committee matter disclosed, objected to, implemented and closed."""

from __future__ import annotations

import random
from typing import Any

from service.bootstrap import Services
from service.clock import ManualClock
from tests.committee_helpers import Secretary, escalated_petitions


def receive(services: Services, community: dict[str, Any], summary: str = "路灯不亮") -> str:
    outcome, _ = services.petitions.receive(
        contact_point_id=community["contact_point"], category="infrastructure", channel="desk", summary=summary,
        details="5号楼前路灯坏了一周", petitioner={"name": "赵六", "phone": "13900005678", "address": "5号楼1单元"},
        received_by=community["desk"], actor="wangfang",
    )
    return outcome.petition["reference"]


def grow(services: Services, clock: ManualClock, community: dict[str, Any], days: int, seed: int = 1) -> None:
    """Each day: two petitions received; one solved on the spot and followed up, one given a deadline,
    resolved a few days later (some late), and followed up; the daily tick marks overdue ones."""
    rng = random.Random(seed)
    open_ones: list[tuple[str, int]] = []
    for day in range(days):
        clock.advance(days=1)
        spot = receive(services, community, "楼道灯坏了")
        services.petitions.resolve_on_spot(spot, action="当场更换灯泡", actor="wangfang")
        services.petitions.follow_up(spot, satisfaction=rng.choice(["satisfied", "basically_satisfied"]), comment="",
                                     actor="wangfang")
        later = receive(services, community)
        services.petitions.set_deadline(later, working_days=3, responsible_member_id=community["handler"],
                                        plan="联系电工维修", steps=[], actor="wangfang")
        open_ones.append((later, day + rng.choice([2, 4, 9])))
        services.tick()
        for reference, due in [o for o in open_ones if o[1] <= day]:
            services.petitions.resolve(reference, outcome="已修复", actor="wangfang")
            services.petitions.follow_up(reference, satisfaction=rng.choice(
                ["satisfied", "satisfied", "dissatisfied"]), comment="", actor="wangfang")
            open_ones.remove((reference, due))
        services.projections.catch_up()


def matter_through_notice(services: Services, clock: ManualClock, community: dict[str, Any]) -> Any:
    """A matter voted, disclosed (an objection filed in its notice period), implemented and closed."""
    secretary = Secretary(services, clock, community)
    matter_id = secretary.open(escalated_petitions(services, community, 2))
    secretary.to_voting(matter_id)
    secretary.vote(matter_id, passed=True)
    services.committee.disclose_resolution(matter_id, actor="secretary")
    services.committee.record_objection(matter_id, objector="钱七", text="费用分摊不合理", channel="desk",
                                        actor="wangfang")
    clock.advance(days=7)
    services.committee.record_implementation_progress(matter_id, note="施工队进场", percent=30, actor="secretary")
    clock.advance(days=10)
    services.committee.complete_implementation(matter_id, note="电梯通过验收", actor="secretary")
    services.committee.disclose_result(matter_id, result="3号楼电梯已投入使用", actor="secretary")
    services.projections.catch_up()
    services.matter_outcomes.catch_up()
    services.projections.catch_up()
    return matter_id
