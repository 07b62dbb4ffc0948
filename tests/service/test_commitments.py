"""Commitments and questionnaires on the real stores: scoped to the community, one answer per
resident's code, named answers sealed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service import errors
from service.permissions import PermissionDeniedError, Principal


def as_user(services, username, roles, member_id=None, community="jinhua"):
    return services.as_user(Principal(username, username, tuple(roles), community, member_id))


@pytest.fixture
def heping(services):
    services.communities.register(code="heping", name="和平里", kind="community", actor="admin")
    point = services.communities.add_contact_point("heping", name="一网格", area="1栋", actor="admin")
    member = services.communities.add_member("heping", name="周敏", role="grid_member", contact_point_id=point["id"],
                                             actor="admin")
    return member["id"]


class TestCommitments:
    def test_a_member_makes_two_at_most_and_the_secretary_puts_them_on_the_board(self, services, community, clock):
        member = as_user(services, "li", ["handling_member"], community["handler"])
        secretary = as_user(services, "chen", ["committee_secretary"])
        made = [member.commitments.make(year=2026, text=f"承诺{n}", visible_result="居民看得见的结果",
                                        target_date=date(2026, 12, 20)) for n in (1, 2)]
        assert [c["slot"] for c in made] == [1, 2]
        with pytest.raises(errors.InvalidInputError) as third:
            member.commitments.make(year=2026, text="承诺3", visible_result="结果", target_date=date(2026, 12, 20))
        assert third.value.fields == {"year": ["a member makes at most 2 commitments a year"]}
        assert services.commitments.public("jinhua", 2026) == []
        secretary.commitments.approve(made[0]["id"])
        [shown] = services.commitments.public("jinhua", 2026)
        assert shown["text"] == "承诺1" and shown["stage"] == "approved"

    def test_only_the_member_keeps_their_commitment(self, services, community):
        member = as_user(services, "li", ["handling_member"], community["handler"])
        other = as_user(services, "wang", ["desk_staff"], community["desk"])
        made = member.commitments.make(year=2026, text="承诺", visible_result="结果", target_date=date(2026, 12, 1))
        as_user(services, "chen", ["committee_secretary"]).commitments.approve(made["id"])
        with pytest.raises(PermissionDeniedError):
            other.commitments.record_progress(made["id"], note="代记", percent=10)
        assert member.commitments.record_progress(made["id"], note="已开工", percent=10)["percent"] == 10

    def test_another_communitys_commitment_does_not_exist(self, services, community, heping):
        theirs = services.commitments.make(year=2026, text="承诺", visible_result="结果",
                                           target_date=date(2026, 12, 1), member_id=heping, actor="zhou")
        secretary = as_user(services, "chen", ["committee_secretary"])
        before = services.log.last_position()
        with pytest.raises(errors.NotFoundError):
            secretary.commitments.approve(theirs["id"])
        with pytest.raises(errors.InvalidInputError):
            secretary.commitments.make(year=2026, text="代写", visible_result="结果", target_date=date(2026, 12, 1),
                                       member_id=heping)
        assert secretary.commitments.list() == [] and services.log.last_position() == before

    def test_residents_evaluate_with_a_code_once(self, services, community, clock):
        made = services.commitments.make(year=2026, text="承诺", visible_result="结果", target_date=date(2026, 12, 1),
                                         member_id=community["handler"], actor="li")
        services.commitments.approve(made["id"], actor="chen")
        clock.advance(days=60)  # into November: the year-end report
        services.commitments.report(made["id"], report="已完成", actor="li")
        [code] = services.commitments.issue_evaluation_codes(made["id"], count=1, actor="chen")
        for _ in range(2):
            shown = services.commitments.evaluate_as_resident(made["id"], code=code, satisfaction="satisfied",
                                                              comment="好")
        assert shown["evaluation_summary"]["total"] == 1
        with pytest.raises(errors.InvalidInputError):
            services.commitments.evaluate_as_resident(made["id"], code="WRONGCODE", satisfaction="satisfied", comment="")


class TestQuestionnaires:
    QUESTIONS = [{"kind": "single_choice", "text": "满意吗？", "options": ["满意", "不满意"]},
                 {"kind": "free_text", "text": "建议", "options": []}]

    def opened(self, services, clock, anonymous=True):
        secretary = as_user(services, "chen", ["committee_secretary"])
        today = clock.now().date()
        drafted = secretary.questionnaires.draft(community="jinhua", title="满意度调查", questions=self.QUESTIONS,
                                                 anonymous=anonymous, opens_on=today, closes_on=today + timedelta(7))
        secretary.questionnaires.open(drafted["id"])
        return secretary, drafted["id"]

    def test_residents_answer_once_per_code_and_results_are_fed_back(self, services, community, clock):
        secretary, questionnaire = self.opened(services, clock)
        codes = secretary.questionnaires.issue_answer_codes(questionnaire, count=2)
        for _ in range(2):  # the page submitted twice
            services.questionnaires.answer_as_resident(questionnaire, code=codes[0], answers={"0": 0, "1": "加路灯"})
        services.questionnaires.answer_as_resident(questionnaire, code=codes[1], answers={"0": 1})
        assert services.questionnaires.published("jinhua") == []
        secretary.questionnaires.close(questionnaire)
        secretary.questionnaires.publish_feedback(questionnaire, feedback="将增设路灯")
        [published] = services.questionnaires.published("jinhua")
        assert [o["count"] for o in published["results"][0]["options"]] == [1, 1]
        assert "texts" not in published["results"][1] and published["feedback"] == "将增设路灯"
        assert secretary.questionnaires.get(questionnaire)["results"][1]["texts"] == ["加路灯"]

    def test_a_named_answer_is_sealed_and_shown_only_to_who_needs_it(self, services, community, clock):
        secretary, questionnaire = self.opened(services, clock, anonymous=False)
        desk = as_user(services, "wang", ["desk_staff"], community["desk"])
        desk.questionnaires.answer(questionnaire, answers={"0": 0}, respondent="欧阳修远")
        assert desk.questionnaires.get(questionnaire)["sheets"][0]["respondent"] == "欧阳修远"
        assert secretary.questionnaires.get(questionnaire)["sheets"][0]["respondent"] is None
        stored = services.log.recorder.select_notifications(1, 10_000)
        assert not any("欧阳修远".encode() in n.state for n in stored)


def test_a_named_respondent_is_erased_on_request_and_stays_erased(services, community, clock):
    from service.erasures import reapply

    today = clock.now().date()
    drafted = services.questionnaires.draft(
        community="jinhua", title="意见征集", anonymous=False, opens_on=today, closes_on=today + timedelta(days=3),
        questions=[{"kind": "free_text", "text": "建议", "options": []}], actor="chen")
    services.questionnaires.open(drafted["id"], actor="chen")
    services.questionnaires.answer(drafted["id"], answers={"0": "路灯"}, respondent="欧阳修远", actor="wang")
    services.questionnaires.answer(drafted["id"], answers={"0": "停车"}, respondent="司马光", actor="wang")
    with pytest.raises(errors.InvalidInputError) as repeating:
        services.questionnaires.erase_respondent_data(community="jinhua", name="欧阳修远", requested_by="欧阳修远本人",
                                                      reason="申请删除", actor="admin")
    assert "requested_by" in repeating.value.fields
    erased = services.questionnaires.erase_respondent_data(
        community="jinhua", name="欧阳 修远", requested_by="依申请书2026-17号", reason="本人申请删除", actor="admin")
    assert erased["questionnaires"] == [{"questionnaire_id": drafted["id"], "answers": [1]}]
    sheets = services.questionnaires.get(drafted["id"])["sheets"]
    assert [s["respondent"] for s in sheets] == [None, "司马光"]
    assert services.questionnaires.get(drafted["id"])["answers"] == 2  # the answers still count
    assert services.log.keys.subjects_for("name", "欧阳修远") == []
    assert reapply(services.log.keys, services.log.recorder, services.log.mapper) == []
    with pytest.raises(errors.InvalidInputError):
        services.questionnaires.erase_respondent_data(community="jinhua", name="无此人", requested_by="申请书",
                                                      reason="删除", actor="admin")
