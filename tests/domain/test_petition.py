"""The petition's rules, with no database."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest

from domain.errors import IllegalStepError, InvalidValueError
from domain.petition import Petition, petition_id
from service.clock import CHINA

NOW = datetime(2026, 9, 21, 9, 30, tzinfo=CHINA)
LATER = NOW + timedelta(days=1)


def received(**overrides) -> Petition:
    fields = dict(
        reference="2026-000001", tracking_code_hash="x" * 64, community_id=uuid.uuid4(),
        contact_point_id="jinhua.cp1", category="sanitation", channel="desk", summary="垃圾清运不及时",
        details="3号楼门口垃圾两天没人清运", petitioner={"name": "张三"}, received_by="jinhua.m1",
        actor="wangfang", at=NOW,
    )
    fields.update(overrides)
    return Petition.receive(**fields)


def deadlined(petition: Petition | None = None, due: date = date(2026, 9, 28)) -> Petition:
    petition = petition or received()
    petition.set_deadline(working_days=5, due_date=due, responsible_member_id="jinhua.m2", plan="联系物业",
                          steps=[], actor="wangfang", at=NOW)
    return petition


class TestReceiving:
    def test_a_received_petition_waits_for_triage(self):
        petition = received()
        assert petition.status == "received"
        assert petition.allowed_steps == ["resolve_on_spot", "set_deadline", "escalate", "explain", "withdraw", "merge"]
        assert petition.id == petition_id("2026-000001")

    def test_an_anonymous_petition_has_no_petitioner(self):
        assert received(petitioner=None).petitioner is None

    def test_a_blank_summary_is_refused(self):
        with pytest.raises(InvalidValueError) as refused:
            received(summary="   ")
        assert refused.value.field == "summary"

    def test_an_unknown_channel_is_refused(self):
        with pytest.raises(InvalidValueError) as refused:
            received(channel="pigeon")
        assert refused.value.field == "channel"

    def test_the_events_replay_to_the_same_state(self):
        petition = deadlined()
        petition.extend_deadline(working_days=3, due_date=date(2026, 10, 9), reason="等配件", actor="a", at=LATER)
        events = petition.collect_events()
        replayed = None
        for event in events:
            replayed = event.mutate(replayed)
        assert replayed.__dict__ == petition.__dict__


class TestTriage:
    def test_resolving_on_the_spot_awaits_follow_up(self):
        petition = received()
        petition.resolve_on_spot(action="现场清理", actor="wangfang", at=NOW)
        assert petition.status == "resolved_on_spot"
        assert petition.allowed_steps == ["follow_up"]

    def test_triage_happens_once(self):
        petition = received()
        petition.resolve_on_spot(action="现场清理", actor="wangfang", at=NOW)
        with pytest.raises(IllegalStepError) as refused:
            petition.escalate(reason="需要集体决策", actor="wangfang", at=NOW)
        assert refused.value.state == "resolved_on_spot"
        assert refused.value.allowed_steps == ["follow_up"]

    def test_a_deadline_must_lie_after_today(self):
        with pytest.raises(InvalidValueError) as refused:
            deadlined(due=NOW.date())
        assert refused.value.field == "due_date"

    def test_a_staged_plan_keeps_its_steps_in_order_and_within_the_deadline(self):
        petition = received()
        with pytest.raises(InvalidValueError) as refused:
            petition.set_deadline(
                working_days=10, due_date=date(2026, 10, 12), responsible_member_id="m", plan="分步",
                steps=[{"due_date": date(2026, 10, 20), "description": "施工"}], actor="a", at=NOW,
            )
        assert refused.value.field == "steps.0.due_date"
        petition.set_deadline(
            working_days=10, due_date=date(2026, 10, 12), responsible_member_id="m", plan="分步",
            steps=[{"due_date": date(2026, 9, 25), "description": "方案"},
                   {"due_date": date(2026, 10, 12), "description": "施工"}], actor="a", at=NOW,
        )
        petition.record_progress(note="方案已定", completed_step=0, actor="a", at=LATER)
        assert [step["done"] for step in petition.steps] == [True, False]

    def test_a_deadlined_petition_may_still_be_escalated_or_explained(self):
        assert {"escalate", "explain"} <= set(deadlined().allowed_steps)

    def test_an_escalated_petition_ends_only_with_its_committee_matter(self):
        petition = received()
        petition.escalate(reason="需要集体决策", actor="a", at=NOW)
        with pytest.raises(IllegalStepError):
            petition.resolve(outcome="已解决", actor="a", at=LATER)
        matter = uuid.uuid4()
        petition.resolve_by_committee(matter_id=matter, outcome="决议已实施", actor="committee", at=LATER)
        assert petition.status == "resolved"
        assert petition.matter_id == matter

    def test_only_an_escalated_petition_is_resolved_by_a_matter(self):
        with pytest.raises(IllegalStepError):
            received().resolve_by_committee(matter_id=uuid.uuid4(), outcome="x", actor="c", at=NOW)


class TestDeadline:
    def test_extension_needs_a_reason(self):
        petition = deadlined()
        with pytest.raises(IllegalStepError) as refused:
            petition.extend_deadline(working_days=3, due_date=date(2026, 10, 9), reason=" ", actor="a", at=LATER)
        assert refused.value.state == "deadlined"
        assert "extend_deadline" in refused.value.allowed_steps

    def test_every_extension_stays_visible(self):
        petition = deadlined()
        petition.extend_deadline(working_days=3, due_date=date(2026, 10, 9), reason="等配件", actor="a", at=LATER)
        petition.extend_deadline(working_days=2, due_date=date(2026, 10, 13), reason="天气", actor="a", at=LATER)
        extensions = [e for e in petition.collect_events() if isinstance(e, Petition.DeadlineExtended)]
        assert [(e.previous_due_date, e.due_date, e.reason) for e in extensions] == [
            (date(2026, 9, 28), date(2026, 10, 9), "等配件"), (date(2026, 10, 9), date(2026, 10, 13), "天气")]
        assert petition.extensions == 2

    def test_overdue_is_recorded_once_after_the_due_date(self):
        petition = deadlined(due=date(2026, 9, 28))
        on_due_day = datetime(2026, 9, 28, 18, 0, tzinfo=CHINA)
        assert not petition.is_past_deadline(on_due_day.date())
        with pytest.raises(IllegalStepError):
            petition.mark_overdue(actor="system", at=on_due_day)
        next_day = on_due_day + timedelta(days=1)
        petition.mark_overdue(actor="system", at=next_day)
        assert petition.overdue
        with pytest.raises(IllegalStepError):
            petition.mark_overdue(actor="system", at=next_day + timedelta(days=1))

    def test_an_extension_gives_a_new_deadline_that_can_pass_again(self):
        petition = deadlined(due=date(2026, 9, 28))
        petition.mark_overdue(actor="system", at=datetime(2026, 9, 29, 8, tzinfo=CHINA))
        petition.extend_deadline(working_days=3, due_date=date(2026, 10, 9), reason="等配件", actor="a",
                                 at=datetime(2026, 9, 29, 9, tzinfo=CHINA))
        assert not petition.overdue and petition.was_overdue
        petition.mark_overdue(actor="system", at=datetime(2026, 10, 10, 8, tzinfo=CHINA))
        assert petition.overdue


class TestExplanation:
    def test_an_explanation_names_its_reason_category(self):
        petition = received()
        with pytest.raises(InvalidValueError) as refused:
            petition.explain(reason_category="bored", explanation="x", method="phone", explained_on=NOW.date(),
                             actor="a", at=NOW)
        assert refused.value.field == "reason_category"

    def test_it_cannot_be_given_in_the_future(self):
        with pytest.raises(InvalidValueError) as refused:
            received().explain(reason_category="outside_jurisdiction", explanation="属区住建局职责", method="phone",
                               explained_on=date(2026, 9, 30), actor="a", at=NOW)
        assert refused.value.field == "explained_on"


class TestFollowUp:
    def test_following_up_before_an_outcome_is_refused(self):
        with pytest.raises(IllegalStepError) as refused:
            received().follow_up(satisfaction="satisfied", comment="", actor="a", at=NOW)
        assert refused.value.state == "received"

    @pytest.mark.parametrize("satisfaction", ["satisfied", "basically_satisfied"])
    def test_a_satisfied_petitioner_closes_it(self, satisfaction):
        petition = received()
        petition.resolve_on_spot(action="现场清理", actor="a", at=NOW)
        petition.follow_up(satisfaction=satisfaction, comment="", actor="a", at=LATER)
        assert petition.status == "closed"
        assert petition.allowed_steps == []

    def test_a_dissatisfied_petitioner_reopens_it_for_triage(self):
        petition = deadlined()
        petition.resolve(outcome="已联系物业", actor="a", at=LATER)
        petition.follow_up(satisfaction="dissatisfied", comment="问题依旧", actor="a", at=LATER)
        assert petition.status == "reopened"
        assert petition.reopened_count == 1
        assert "set_deadline" in petition.allowed_steps
        assert petition.due_date is None


class TestEndingWithoutOutcome:
    def test_withdrawal_ends_an_open_petition(self):
        petition = deadlined()
        petition.withdraw(reason="已自行解决", actor="a", at=LATER)
        assert petition.status == "withdrawn"
        with pytest.raises(IllegalStepError):
            petition.resolve(outcome="x", actor="a", at=LATER)

    def test_a_duplicate_is_merged_and_both_record_it(self):
        community = uuid.uuid4()
        first = received(reference="2026-000001", community_id=community)
        second = received(reference="2026-000002", community_id=community)
        second.merge_into(first, actor="a", at=LATER)
        assert second.status == "merged" and second.merged_into == first.id
        assert first.duplicates == [second.id]

    def test_a_petition_cannot_be_merged_into_itself_or_a_closed_one(self):
        petition = received()
        with pytest.raises(InvalidValueError):
            petition.merge_into(petition, actor="a", at=NOW)
        closed = received(reference="2026-000009", community_id=petition.community_id)
        closed.resolve_on_spot(action="x", actor="a", at=NOW)
        closed.follow_up(satisfaction="satisfied", comment="", actor="a", at=NOW)
        with pytest.raises(InvalidValueError) as refused:
            petition.merge_into(closed, actor="a", at=NOW)
        assert "closed" in refused.value.message
