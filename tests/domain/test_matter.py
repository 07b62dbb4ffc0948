"""The committee matter's rules (一征三议两公开), with no database."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest

from domain.community import CommitteeRules
from domain.errors import IllegalStepError, InvalidValueError
from domain.matter import CommitteeMatter
from domain.petition import Petition
from service.clock import CHINA

NOW = datetime(2026, 9, 21, 9, 30, tzinfo=CHINA)  # a Monday
COMMUNITY = uuid.uuid4()
RULES = CommitteeRules()


def day(n: int) -> datetime:
    """``n`` days after NOW."""
    return NOW + timedelta(days=n)


def escalated(reference: str = "2026-000001", community_id: uuid.UUID = COMMUNITY) -> Petition:
    petition = Petition.receive(
        reference=reference, tracking_code_hash="x" * 64, community_id=community_id, contact_point_id="jinhua.cp1",
        category="other", channel="desk", summary="加装电梯", details="3号楼老人多，希望加装电梯",
        petitioner=None, received_by="jinhua.m1", actor="wangfang", at=NOW,
    )
    petition.escalate(reason="涉及全体业主，需要集体决策", actor="wangfang", at=NOW)
    return petition


def opened(*petitions: Petition) -> CommitteeMatter:
    return CommitteeMatter.open(
        community_id=COMMUNITY, title="3号楼加装电梯", description="3号楼居民申请加装电梯，涉及费用分摊",
        petitions=list(petitions), actor="secretary", at=NOW,
    )


def soliciting(matter: CommitteeMatter | None = None) -> CommitteeMatter:
    matter = matter or opened()
    matter.open_solicitation(question="是否同意加装电梯及费用分摊方案？", opens_on=NOW.date(),
                             closes_on=NOW.date() + timedelta(days=6), actor="secretary", at=NOW)
    return matter


def consulting(matter: CommitteeMatter | None = None) -> CommitteeMatter:
    matter = soliciting(matter)
    matter.record_opinion(resident="张三", stance="support", text="同意", channel="desk", actor="wangfang", at=day(1))
    matter.close_solicitation(actor="secretary", at=day(7))
    matter.draft_proposal(text="按楼层分摊费用加装电梯", cited_opinions=[1], actor="secretary", at=day(8))
    return matter


def voting(matter: CommitteeMatter | None = None) -> CommitteeMatter:
    matter = consulting(matter)
    matter.record_consultation(held_on=day(9).date(), attendees=["李书记", "王主任"], minutes="同意提交表决",
                               outcome="agreed", actor="secretary", at=day(9))
    return matter


def vote(matter: CommitteeMatter, eligible=30, present=25, votes_for=20, votes_against=3, abstentions=2,
         rules=RULES, at=None) -> bool:
    at = at or day(10)
    return matter.record_vote(held_on=at.date(), eligible=eligible, present=present, votes_for=votes_for,
                              votes_against=votes_against, abstentions=abstentions, rules=rules,
                              actor="secretary", at=at)


def in_notice(matter: CommitteeMatter | None = None) -> CommitteeMatter:
    matter = voting(matter)
    vote(matter)
    matter.disclose_resolution(notice_days=7, actor="secretary", at=day(11))  # notice 2 Oct .. 8 Oct
    return matter


def implementing(matter: CommitteeMatter | None = None) -> CommitteeMatter:
    matter = in_notice(matter)
    matter.record_implementation_progress(note="施工队进场", percent=10, actor="secretary", at=day(18))
    return matter


def refused(step) -> IllegalStepError:  # type: ignore[no-untyped-def]
    with pytest.raises(IllegalStepError) as error:
        step()
    return error.value


def invalid(step) -> InvalidValueError:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError) as error:
        step()
    return error.value


class TestOpening:
    def test_a_matter_opened_from_petitions_links_each_of_them(self):
        first, second = escalated("2026-000001"), escalated("2026-000002")
        matter = opened(first, second)
        assert matter.stage == "opened"
        assert matter.origin == "petitions"
        assert matter.allowed_steps == ["open_solicitation", "link_petitions"]
        assert matter.petition_references == ["2026-000001", "2026-000002"]
        assert first.matter_id == matter.id and second.matter_id == matter.id
        events = matter.collect_events()
        assert [type(e).__name__ for e in events] == ["Opened", "PetitionLinked", "PetitionLinked"]
        assert events[0].title == "3号楼加装电梯" and events[0].community_id == COMMUNITY
        assert type(first.collect_events()[-1]).__name__ == "LinkedToMatter"

    def test_the_committee_may_open_a_matter_on_its_own_initiative(self):
        matter = opened()
        assert matter.origin == "committee"
        assert matter.petitions == []

    def test_only_an_escalated_petition_can_be_linked(self):
        petition = Petition.receive(
            reference="2026-000009", tracking_code_hash="x" * 64, community_id=COMMUNITY,
            contact_point_id="jinhua.cp1", category="other", channel="desk", summary="s", details="d",
            petitioner=None, received_by="jinhua.m1", actor="wangfang", at=NOW,
        )
        error = invalid(lambda: opened(petition))
        assert (error.field, error.message) == ("petitions", "petition 2026-000009 is received, not escalated")

    def test_a_petition_of_another_community_cannot_be_linked(self):
        error = invalid(lambda: opened(escalated(community_id=uuid.uuid4())))
        assert error.message == "petition 2026-000001 belongs to another community"

    def test_a_petition_waits_on_one_matter_only(self):
        petition = escalated()
        opened(petition)
        error = invalid(lambda: opened(petition))
        assert error.message == "petition 2026-000001 waits on another matter already"
        assert refused(lambda: petition.link_to_matter(matter_id=uuid.uuid4(), actor="a", at=NOW)).state == "escalated"

    def test_a_later_escalated_petition_is_attached_to_an_open_matter(self):
        matter = soliciting(opened(escalated("2026-000001")))
        later = escalated("2026-000002")
        matter.link_petitions([later], actor="secretary", at=day(1))
        assert matter.petition_references == ["2026-000001", "2026-000002"]
        assert later.matter_id == matter.id
        again = invalid(lambda: matter.link_petitions([later], actor="secretary", at=day(1)))
        assert again.message == "petition 2026-000002 is linked to this matter already"

    def test_a_closed_matter_takes_no_more_petitions(self):
        matter = voting()
        vote(matter, votes_for=5, votes_against=18, abstentions=2)
        matter.end(reason="多数代表不同意", actor="secretary", at=day(11))
        error = refused(lambda: matter.link_petitions([escalated()], actor="secretary", at=day(12)))
        assert (error.state, error.allowed_steps) == ("ended", [])

    def test_a_title_is_required(self):
        error = invalid(lambda: CommitteeMatter.open(community_id=COMMUNITY, title="  ", description="d",
                                                     petitions=[], actor="a", at=NOW))
        assert error.field == "title"

    def test_a_re_escalated_petition_may_wait_on_a_new_matter(self):
        petition = escalated()
        opened(petition)
        petition.resolve_by_committee(matter_id=petition.matter_id, outcome="已解决", actor="s", at=day(1))
        petition.follow_up(satisfaction="dissatisfied", comment="没解决", actor="w", at=day(2))
        petition.escalate(reason="再次报党委", actor="w", at=day(3))
        assert petition.matter_id is None
        assert opened(petition).petition_references == ["2026-000001"]


class TestSolicitation:
    def test_opinions_are_recorded_and_summed_by_stance(self):
        matter = soliciting()
        assert matter.stage == "soliciting"
        for stance, resident in (("support", "张三"), ("support", None), ("oppose", "李四"), ("suggestion", None)):
            matter.record_opinion(resident=resident, stance=stance, text="意见", channel="desk", actor="w", at=day(1))
        assert matter.opinion_summary() == {"support": 2, "oppose": 1, "suggestion": 1, "total": 4}
        assert matter.opinions[1]["resident"] is None  # anonymous
        assert [o["number"] for o in matter.opinions] == [1, 2, 3, 4]

    def test_opinions_outside_the_window_are_refused(self):
        matter = opened()
        matter.open_solicitation(question="是否同意？", opens_on=day(2).date(), closes_on=day(8).date(),
                                 actor="secretary", at=NOW)
        early = refused(lambda: matter.record_opinion(resident=None, stance="support", text="同意", channel="desk",
                                                      actor="w", at=day(1)))
        assert early.message == "opinions are taken from 2026-09-23 to 2026-09-29, not on 2026-09-22"
        late = refused(lambda: matter.record_opinion(resident=None, stance="support", text="同意", channel="desk",
                                                     actor="w", at=day(9)))
        assert late.state == "soliciting"
        assert matter.opinions == []

    def test_the_solicitation_cannot_close_before_it_opens(self):
        matter = opened()
        matter.open_solicitation(question="是否同意？", opens_on=day(2).date(), closes_on=day(8).date(),
                                 actor="secretary", at=NOW)
        error = refused(lambda: matter.close_solicitation(actor="secretary", at=day(1)))
        assert error.message == "the solicitation opens on 2026-09-23; it cannot close before it opens"
        matter.close_solicitation(reason="意见已充分", actor="secretary", at=day(2))
        assert matter.stage == "proposing"

    def test_closing_before_the_announced_last_day_needs_a_reason_that_is_recorded(self):
        matter = soliciting()  # residents were told: until 2026-09-27
        error = refused(lambda: matter.close_solicitation(actor="secretary", at=day(4)))
        assert error.message == "the solicitation is open until 2026-09-27; closing it early needs a reason"
        refused(lambda: matter.close_solicitation(actor="secretary", at=day(6)))  # the last day is still open
        matter.close_solicitation(reason="楼内住户已全部表态", actor="secretary", at=day(4))
        closed = matter.collect_events()[-1]
        assert closed.reason == "楼内住户已全部表态"
        assert matter.solicitation["closed_early_because"] == "楼内住户已全部表态"

    def test_after_the_last_day_it_closes_without_a_reason(self):
        matter = soliciting()
        matter.close_solicitation(actor="secretary", at=day(7))
        assert matter.collect_events()[-1].reason == ""

    def test_time_gated_steps_name_the_day_they_open(self):
        matter = opened()
        matter.open_solicitation(question="是否同意？", opens_on=day(2).date(), closes_on=day(8).date(),
                                 actor="secretary", at=NOW)
        assert matter.time_gates(NOW.date()) == {"record_opinion": {"opens_on": day(2).date()},
                                                 "close_solicitation": {"opens_on": day(2).date()}}
        assert matter.time_gates(day(3).date()) == {"close_solicitation": {"early_until": day(8).date()}}
        assert matter.time_gates(day(9).date()) == {"record_opinion": {"closed_on": day(8).date()}}

    def test_closing_records_the_summary(self):
        matter = soliciting()
        matter.record_opinion(resident=None, stance="oppose", text="费用太高", channel="hotline", actor="w", at=day(1))
        matter.close_solicitation(actor="secretary", at=day(7))
        closed = matter.collect_events()[-1]
        assert closed.opinions == {"support": 0, "oppose": 1, "suggestion": 0, "total": 1}
        after = refused(lambda: matter.record_opinion(resident=None, stance="support", text="x", channel="desk",
                                                      actor="w", at=day(7)))
        assert after.allowed_steps == ["draft_proposal", "link_petitions"]

    def test_the_window_must_be_in_order(self):
        matter = opened()
        error = invalid(lambda: matter.open_solicitation(question="q", opens_on=day(5).date(),
                                                         closes_on=day(4).date(), actor="s", at=NOW))
        assert (error.field, error.message) == ("closes_on", "must not be before the window opens")

    def test_an_unknown_stance_or_channel_is_refused(self):
        matter = soliciting()
        assert invalid(lambda: matter.record_opinion(resident=None, stance="maybe", text="x", channel="desk",
                                                     actor="w", at=NOW)).field == "stance"
        assert invalid(lambda: matter.record_opinion(resident=None, stance="support", text="x", channel="pigeon",
                                                     actor="w", at=NOW)).field == "channel"

    def test_no_step_may_be_skipped(self):
        matter = opened()
        error = refused(lambda: matter.draft_proposal(text="方案", cited_opinions=[], actor="s", at=NOW))
        assert error.message == "cannot draft proposal on a matter that is opened"
        assert (error.state, error.allowed_steps) == ("opened", ["open_solicitation", "link_petitions"])


class TestProposal:
    def test_the_proposal_may_cite_recorded_opinions_only(self):
        matter = soliciting()
        matter.record_opinion(resident=None, stance="support", text="同意", channel="desk", actor="w", at=day(1))
        matter.close_solicitation(actor="secretary", at=day(7))
        error = invalid(lambda: matter.draft_proposal(text="方案", cited_opinions=[1, 4], actor="s", at=day(8)))
        assert (error.field, error.message) == ("cited_opinions", "no opinion is numbered 4")

    def test_every_revision_is_kept(self):
        matter = consulting()
        matter.draft_proposal(text="修改后的方案", cited_opinions=[], actor="secretary", at=day(8))
        assert [(p["revision"], p["text"]) for p in matter.proposals] == [(1, "按楼层分摊费用加装电梯"), (2, "修改后的方案")]
        assert matter.stage == "consulting"


class TestConsultation:
    def test_agreed_goes_on_to_the_vote(self):
        matter = voting()
        assert matter.stage == "voting"
        assert matter.allowed_steps == ["record_vote", "link_petitions"]
        assert matter.consultations[0]["proposal_revision"] == 1

    def test_returned_goes_back_to_drafting_and_every_revision_is_kept(self):
        matter = consulting()
        matter.record_consultation(held_on=day(9).date(), attendees=["李书记"], minutes="费用分摊需再议",
                                   outcome="returned", actor="secretary", at=day(9))
        assert matter.stage == "proposing"
        assert refused(lambda: vote(matter)).allowed_steps == ["draft_proposal", "link_petitions"]
        matter.draft_proposal(text="一楼住户免缴费用", cited_opinions=[1], actor="secretary", at=day(10))
        matter.record_consultation(held_on=day(11).date(), attendees=["李书记"], minutes="同意", outcome="agreed",
                                   actor="secretary", at=day(11))
        assert [c["outcome"] for c in matter.consultations] == ["returned", "agreed"]
        assert [c["proposal_revision"] for c in matter.consultations] == [1, 2]
        assert len(matter.proposals) == 2

    def test_the_meeting_needs_attendees_and_a_date_that_has_come(self):
        matter = consulting()
        assert invalid(lambda: matter.record_consultation(held_on=day(9).date(), attendees=[], minutes="m",
                                                          outcome="agreed", actor="s", at=day(9))).field == "attendees"
        future = invalid(lambda: matter.record_consultation(held_on=day(10).date(), attendees=["a"], minutes="m",
                                                            outcome="agreed", actor="s", at=day(9)))
        assert (future.field, future.message) == ("held_on", "must not be in the future")
        early = invalid(lambda: matter.record_consultation(held_on=day(7).date(), attendees=["a"], minutes="m",
                                                           outcome="agreed", actor="s", at=day(9)))
        assert early.message == "must not be before 2026-09-29, when the step it follows was taken"


class TestVote:
    def test_the_outcome_is_computed_with_the_default_rules(self):
        matter = voting()
        assert vote(matter, eligible=30, present=21, votes_for=11, votes_against=10, abstentions=0) is True
        voted = matter.collect_events()[-1]
        assert (voted.quorum, voted.majority, voted.quorum_met, voted.passed) == ("2/3", "1/2", True, True)
        assert voted.text == "按楼层分摊费用加装电梯"
        assert matter.stage == "passed"

    def test_two_thirds_present_is_not_more_than_two_thirds(self):
        matter = voting()
        assert vote(matter, eligible=30, present=20, votes_for=20, votes_against=0, abstentions=0) is False
        assert matter.votes[-1]["quorum_met"] is False
        assert matter.stage == "rejected"

    def test_half_for_is_not_a_majority(self):
        matter = voting()
        assert vote(matter, eligible=30, present=24, votes_for=12, votes_against=10, abstentions=2) is False
        assert matter.votes[-1]["quorum_met"] is True
        assert matter.allowed_steps == ["end", "draft_proposal", "link_petitions"]

    def test_the_committees_own_rules_apply(self):
        matter = voting()
        lenient = CommitteeRules(quorum=Fraction(1, 2), majority=Fraction(1, 3))
        assert vote(matter, eligible=30, present=16, votes_for=6, votes_against=5, abstentions=5, rules=lenient)
        assert (matter.votes[-1]["quorum"], matter.votes[-1]["majority"]) == ("1/2", "1/3")

    def test_votes_must_add_up_to_those_present(self):
        matter = voting()
        error = invalid(lambda: vote(matter, present=25, votes_for=20, votes_against=3, abstentions=1))
        assert (error.field, error.message) == ("votes", "for, against and abstaining add up to 24, but 25 were present")
        assert matter.votes == []

    def test_more_present_than_eligible_is_refused(self):
        error = invalid(lambda: vote(voting(), eligible=10, present=11, votes_for=11, votes_against=0, abstentions=0))
        assert (error.field, error.message) == ("present", "must not exceed the 10 eligible members")

    def test_a_meeting_without_quorum_may_be_held_again(self):
        matter = voting()
        vote(matter, eligible=30, present=15, votes_for=15, votes_against=0, abstentions=0)
        assert matter.allowed_steps == ["record_vote", "end", "draft_proposal", "link_petitions"]
        assert vote(matter, at=day(12)) is True
        assert [v["passed"] for v in matter.votes] == [False, True]

    def test_a_rejection_with_quorum_is_not_voted_again_without_a_new_proposal(self):
        matter = voting()
        vote(matter, votes_for=5, votes_against=18, abstentions=2)
        assert refused(lambda: vote(matter, at=day(12))).state == "rejected"
        matter.draft_proposal(text="缩小范围的新方案", cited_opinions=[], actor="secretary", at=day(12))
        assert matter.stage == "consulting"

    def test_a_rejected_matter_ends_with_the_committees_reason(self):
        first, second = escalated("2026-000001"), escalated("2026-000002")
        matter = voting(opened(first, second))
        vote(matter, votes_for=5, votes_against=18, abstentions=2)
        matter.end(reason="多数代表不同意费用分摊方案", actor="secretary", at=day(11))
        ended = matter.collect_events()[-1]
        assert type(ended).__name__ == "Ended"
        assert ended.petition_references == ["2026-000001", "2026-000002"]
        assert ended.reason == "多数代表不同意费用分摊方案"
        assert (matter.stage, matter.allowed_steps) == ("ended", [])

    def test_a_passed_resolution_cannot_be_ended(self):
        matter = voting()
        vote(matter)
        assert refused(lambda: matter.end(reason="r", actor="s", at=day(11))).allowed_steps == [
            "disclose_resolution", "link_petitions"]


class TestDisclosure:
    def test_the_resolution_is_disclosed_for_seven_days_by_default(self):
        matter = voting()
        vote(matter)
        assert matter.disclose_resolution(actor="secretary", at=day(11)) == date(2026, 10, 8)
        disclosed = matter.collect_events()[-1]
        assert (disclosed.disclosed_on, disclosed.notice_days, disclosed.notice_ends) == (
            date(2026, 10, 2), 7, date(2026, 10, 8))
        assert (disclosed.title, disclosed.text) == ("3号楼加装电梯", "按楼层分摊费用加装电梯")
        assert (disclosed.votes_for, disclosed.present, disclosed.eligible) == (20, 25, 30)
        assert matter.stage == "in_notice"

    def test_the_notice_period_has_limits(self):
        matter = voting()
        vote(matter)
        error = invalid(lambda: matter.disclose_resolution(notice_days=0, actor="s", at=day(11)))
        assert (error.field, error.message) == ("notice_days", "must be from 1 to 60 days")

    def test_implementation_cannot_start_before_the_notice_period_ends(self):
        matter = in_notice()
        error = refused(lambda: matter.record_implementation_progress(note="进场", percent=5, actor="s", at=day(17)))
        assert error.message == "implementation may start only after the notice period ends on 2026-10-08"
        assert error.state == "in_notice"
        matter.record_implementation_progress(note="进场", percent=5, actor="s", at=day(18))
        assert matter.stage == "implementing"

    def test_objections_are_recorded_during_the_notice_period_only(self):
        matter = in_notice()
        assert matter.record_objection(objector="赵六", text="一楼住户反对", channel="desk", actor="w", at=day(12)) == 1
        late = refused(lambda: matter.record_objection(objector=None, text="x", channel="desk", actor="w", at=day(18)))
        assert late.message == "the notice period ended on 2026-10-08; objections are closed"

    def test_on_an_objection_the_matter_goes_back_to_consultation(self):
        matter = in_notice()
        matter.record_objection(objector=None, text="费用分摊不公平", channel="online", actor="w", at=day(12))
        matter.return_to_consultation(reason="一楼住户异议需再商议", objections=[1], actor="secretary", at=day(13))
        assert matter.stage == "consulting"
        matter.record_consultation(held_on=day(14).date(), attendees=["李书记"], minutes="调整分摊比例",
                                   outcome="agreed", actor="secretary", at=day(14))
        vote(matter, at=day(15))
        matter.disclose_resolution(actor="secretary", at=day(16))
        assert [d["round"] for d in matter.disclosures] == [1, 2]
        matter.record_objection(objector=None, text="仍有异议", channel="desk", actor="w", at=day(16))
        error = invalid(lambda: matter.return_to_consultation(reason="r", objections=[1], actor="s", at=day(16)))
        assert error.message == "no objection to this disclosure is numbered 1"

    def test_a_return_needs_an_objection(self):
        matter = in_notice()
        error = refused(lambda: matter.return_to_consultation(reason="r", objections=[1], actor="s", at=day(12)))
        assert error.message == "no objection was recorded against this disclosure; a return needs one"


class TestImplementationAndResult:
    def test_progress_then_completion_then_the_result_closes_the_matter(self):
        first = escalated()
        matter = implementing(opened(first))
        matter.record_implementation_progress(note="井道施工完成", percent=60, actor="s", at=day(25))
        backwards = invalid(lambda: matter.record_implementation_progress(note="n", percent=50, actor="s", at=day(26)))
        assert backwards.message == "must not be below the 60% recorded before"
        assert refused(lambda: matter.disclose_result(result="r", actor="s", at=day(26))).state == "implementing"
        matter.complete_implementation(note="电梯通过验收", actor="s", at=day(30))
        assert (matter.stage, matter.percent) == ("implemented", 100)
        matter.disclose_result(result="3号楼电梯已投入使用", actor="secretary", at=day(31))
        disclosed = matter.collect_events()[-1]
        assert type(disclosed).__name__ == "ResultDisclosed"
        assert (disclosed.result, disclosed.petition_references) == ("3号楼电梯已投入使用", ["2026-000001"])
        assert (matter.stage, matter.allowed_steps) == ("closed", [])

    def test_a_percentage_is_from_0_to_100(self):
        matter = implementing()
        assert invalid(lambda: matter.record_implementation_progress(note="n", percent=101, actor="s",
                                                                     at=day(20))).field == "percent"


class TestReplay:
    def test_the_events_replay_to_the_same_state(self):
        matter = implementing(opened(escalated()))
        replayed = None
        for event in matter.collect_events():
            replayed = event.mutate(replayed)
        assert replayed.__dict__ == matter.__dict__

    def test_every_event_carries_its_community_actor_and_time(self):
        matter = implementing(opened(escalated()))
        for event in matter.collect_events():
            assert event.community_id == COMMUNITY
            assert event.actor and event.at.tzinfo is not None
