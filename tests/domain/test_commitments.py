"""A member's public commitment through its five stages (承诺、亮诺、践诺、述诺、评诺), without a database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.commitments import Commitment, commitment_id
from domain.community import community_id
from domain.errors import IllegalStepError, InvalidValueError
from service.clock import CHINA

MARCH = datetime(2026, 3, 2, 9, tzinfo=CHINA)
DECEMBER = datetime(2026, 12, 10, 9, tzinfo=CHINA)


def made(**overrides) -> Commitment:
    fields = dict(community_id=community_id("jinhua"), member_id="jinhua.m2", year=2026, slot=1,
                  text="为3号楼加装楼道声控灯", visible_result="3号楼每层楼道有灯", target_date=date(2026, 10, 31),
                  actor="li", at=MARCH)
    fields.update(overrides)
    return Commitment.make(**fields)


class TestMaking:
    def test_a_member_makes_one_or_two_a_year(self):
        assert made().id == commitment_id("jinhua.m2", 2026, 1)
        assert made(slot=2).id != made().id
        with pytest.raises(InvalidValueError) as refused:
            made(slot=3)
        assert refused.value.field == "slot"

    def test_the_target_date_falls_in_its_year_and_the_text_says_what_residents_will_see(self):
        with pytest.raises(InvalidValueError) as late:
            made(target_date=date(2027, 1, 15))
        assert late.value.field == "target_date"
        with pytest.raises(InvalidValueError) as blank:
            made(visible_result="  ")
        assert blank.value.field == "visible_result"

    def test_it_is_public_only_once_approved(self):
        commitment = made()
        assert not commitment.is_public
        commitment.return_for_revision(reason="目标不够具体", actor="chen", at=MARCH)
        assert commitment.stage == "returned" and not commitment.is_public
        with pytest.raises(IllegalStepError):
            commitment.approve(actor="chen", at=MARCH)
        commitment.revise(text="为3号楼6个单元加装声控灯", visible_result="6个单元每层有灯",
                          target_date=date(2026, 9, 30), actor="li", at=MARCH)
        commitment.approve(actor="chen", at=MARCH + timedelta(days=1))
        assert commitment.is_public and commitment.stage == "approved"


class TestKeepingAndReporting:
    def test_progress_only_goes_forward(self):
        commitment = made()
        commitment.approve(actor="chen", at=MARCH)
        commitment.record_progress(note="已采购灯具", percent=40, actor="li", at=MARCH)
        with pytest.raises(InvalidValueError) as back:
            commitment.record_progress(note="返工", percent=30, actor="li", at=MARCH)
        assert back.value.field == "percent"

    def test_the_report_comes_at_the_years_end_and_before_evaluation(self):
        commitment = made()
        commitment.approve(actor="chen", at=MARCH)
        with pytest.raises(IllegalStepError):
            commitment.evaluate(satisfaction="satisfied", comment="", source="meeting", code_hash=None,
                                actor="desk", at=MARCH)
        with pytest.raises(InvalidValueError) as early:
            commitment.report_on(report="已完成", actor="li", at=MARCH)
        assert early.value.field == "report"
        commitment.report_on(report="6个单元声控灯全部装好", actor="li", at=DECEMBER)
        assert commitment.stage == "reported"


class TestEvaluation:
    @pytest.fixture
    def reported(self) -> Commitment:
        commitment = made()
        commitment.approve(actor="chen", at=MARCH)
        commitment.report_on(report="6个单元声控灯全部装好", actor="li", at=DECEMBER)
        commitment.issue_evaluation_codes(code_hashes=["h1", "h2"], actor="chen", at=DECEMBER)
        return commitment

    def test_staff_record_evaluations_from_a_meeting_and_residents_give_their_own_with_a_code(self, reported):
        reported.evaluate(satisfaction="satisfied", comment="", source="meeting", code_hash=None, actor="desk",
                          at=DECEMBER)
        reported.evaluate(satisfaction="basically_satisfied", comment="灯有点暗", source="resident",
                          code_hash="h1", actor="public", at=DECEMBER)
        assert reported.evaluation_summary() == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 0,
                                                 "total": 2}

    def test_the_same_code_twice_counts_once(self, reported):
        first = reported.evaluate(satisfaction="satisfied", comment="", source="resident", code_hash="h2",
                                  actor="public", at=DECEMBER)
        again = reported.evaluate(satisfaction="dissatisfied", comment="", source="resident", code_hash="h2",
                                  actor="public", at=DECEMBER)
        assert first == again and reported.evaluation_summary()["total"] == 1

    def test_a_resident_needs_a_code_that_was_issued(self, reported):
        with pytest.raises(InvalidValueError) as unknown:
            reported.evaluate(satisfaction="satisfied", comment="", source="resident", code_hash="forged",
                              actor="public", at=DECEMBER)
        assert unknown.value.field == "code"
        with pytest.raises(InvalidValueError):
            reported.evaluate(satisfaction="satisfied", comment="", source="resident", code_hash=None,
                              actor="public", at=DECEMBER)

    def test_it_ends_with_an_outcome_and_its_reason(self, reported):
        with pytest.raises(InvalidValueError):
            reported.conclude(outcome="fulfilled", reason=" ", actor="chen", at=DECEMBER)
        reported.conclude(outcome="partly_fulfilled", reason="2个单元线路老化，明年继续", actor="chen", at=DECEMBER)
        assert (reported.stage, reported.outcome) == ("concluded", "partly_fulfilled")
        assert reported.allowed_steps == []
