"""Helpers that act like the desk and the committee secretary, for committee service tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from service.bootstrap import Services
from service.clock import ManualClock

SECRETARY = "secretary"


def escalated_petitions(services: Services, community: dict[str, Any], count: int, summary: str = "加装电梯") -> list[str]:
    """Petitions received at the desk and escalated to the committee; answers their reference numbers."""
    references = []
    for _ in range(count):
        outcome, _code = services.petitions.receive(
            contact_point_id=community["contact_point"], category="other", channel="desk", summary=summary,
            details="3号楼老人多，上下楼困难，希望加装电梯", petitioner={"name": "张三丰", "phone": "13800001234"},
            received_by=community["desk"], actor="wangfang",
        )
        reference = outcome.petition["reference"]
        services.petitions.escalate(reference, reason="涉及全体业主和公共资金，需要集体决策", actor="wangfang")
        references.append(reference)
    return references


class Secretary:
    """The committee secretary taking a matter through its steps with the service, on a movable clock."""

    def __init__(self, services: Services, clock: ManualClock, community: dict[str, Any]) -> None:
        self.committee = services.committee
        self.clock = clock
        self.community = community

    def open(self, petitions: list[str], title: str = "3号楼加装电梯") -> UUID:
        return self.committee.open(
            community=self.community["code"], title=title, description="3号楼居民申请加装电梯，费用按楼层分摊",
            petitions=petitions, actor=SECRETARY,
        ).matter["id"]

    def to_voting(self, matter_id: UUID) -> None:
        today = self.clock.now().date()
        self.committee.open_solicitation(matter_id, question="是否同意加装电梯？", opens_on=today,
                                         closes_on=today + timedelta(days=6), actor=SECRETARY)
        self.committee.record_opinion(matter_id, resident="张三丰", stance="support", text="同意，尽快装",
                                      channel="desk", actor="wangfang")
        self.clock.advance(days=7)
        self.committee.close_solicitation(matter_id, actor=SECRETARY)
        self.committee.draft_proposal(matter_id, text="加装电梯，费用按楼层分摊", cited_opinions=[1], actor=SECRETARY)
        self.clock.advance(days=1)
        self.committee.record_consultation(matter_id, held_on=None, attendees=["李书记", "王主任"],
                                           minutes="两委同意提交表决", outcome="agreed", actor=SECRETARY)

    def vote(self, matter_id: UUID, passed: bool) -> None:
        self.clock.advance(days=1)
        tally = (20, 3, 2) if passed else (5, 18, 2)
        self.committee.record_vote(matter_id, held_on=None, eligible=30, present=25, votes_for=tally[0],
                                   votes_against=tally[1], abstentions=tally[2], actor=SECRETARY)

    def to_implemented(self, matter_id: UUID) -> None:
        self.to_voting(matter_id)
        self.vote(matter_id, passed=True)
        self.committee.disclose_resolution(matter_id, actor=SECRETARY)
        self.clock.advance(days=7)
        self.committee.record_implementation_progress(matter_id, note="施工队进场", percent=30, actor=SECRETARY)
        self.clock.advance(days=10)
        self.committee.complete_implementation(matter_id, note="电梯通过验收", actor=SECRETARY)

    def close(self, matter_id: UUID, result: str = "3号楼电梯已投入使用") -> int:
        """Runs a matter from opened to result disclosed; answers the log position of the closing event."""
        self.to_implemented(matter_id)
        return self.committee.disclose_result(matter_id, result=result, actor=SECRETARY).position

    def end(self, matter_id: UUID, reason: str = "多数代表不同意费用分摊方案，暂缓加装") -> int:
        self.to_voting(matter_id)
        self.vote(matter_id, passed=False)
        return self.committee.end(matter_id, reason=reason, actor=SECRETARY).position


def events_of(services: Services, reference: str, name: str) -> list[dict[str, Any]]:
    return [h for h in services.petitions.history(reference) if h["event"] == name]
