"""A questionnaire through open → closed → fed back, its answers and results, without a database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.community import community_id
from domain.errors import IllegalStepError, InvalidValueError
from domain.questionnaires import Questionnaire
from service.clock import CHINA

NOW = datetime(2026, 10, 12, 9, tzinfo=CHINA)
QUESTIONS = [
    {"kind": "single_choice", "text": "您对小区环境是否满意？", "options": ["满意", "一般", "不满意"]},
    {"kind": "multiple_choice", "text": "最希望改善哪些方面？", "options": ["停车", "绿化", "照明", "卫生"]},
    {"kind": "rating", "text": "请为网格员的服务打分", "options": []},
    {"kind": "free_text", "text": "其他意见和建议", "options": []},
]


def drafted(**overrides) -> Questionnaire:
    fields = dict(community_id=community_id("jinhua"), contact_point_id=None, title="2026年居民满意度调查",
                  questions=QUESTIONS, anonymous=True, opens_on=date(2026, 10, 12), closes_on=date(2026, 10, 31),
                  actor="chen", at=NOW)
    fields.update(overrides)
    return Questionnaire.draft(**fields)


def opened(**overrides) -> Questionnaire:
    questionnaire = drafted(**overrides)
    questionnaire.open(actor="chen", at=NOW)
    questionnaire.issue_answer_codes(code_hashes=["c1", "c2", "c3"], actor="chen", at=NOW)
    return questionnaire


def sheet(questionnaire, answers, *, source="resident", code="c1", respondent=None, point="jinhua.cp1", at=NOW):
    return questionnaire.answer(answers=answers, contact_point_id=point, respondent=respondent, code_hash=code,
                                source=source, actor="public", at=at)


class TestDrafting:
    def test_choice_questions_need_options_and_others_have_none(self):
        with pytest.raises(InvalidValueError) as missing:
            drafted(questions=[{"kind": "single_choice", "text": "满意吗？", "options": ["是"]}])
        assert missing.value.field == "questions.0.options"
        with pytest.raises(InvalidValueError) as extra:
            drafted(questions=[{"kind": "rating", "text": "打分", "options": ["1"]}])
        assert extra.value.field == "questions.0.options"

    def test_the_period_closes_after_it_opens(self):
        with pytest.raises(InvalidValueError) as refused:
            drafted(closes_on=date(2026, 10, 1))
        assert refused.value.field == "closes_on"


class TestAnswering:
    def test_answers_are_counted_per_question_and_contact_point(self):
        questionnaire = opened()
        sheet(questionnaire, {"0": 0, "1": [0, 2], "2": 5, "3": "希望增加路灯"}, code="c1")
        sheet(questionnaire, {"0": 1, "1": [2], "2": 4}, code="c2", point="jinhua.cp2")
        sheet(questionnaire, {"0": 0, "2": 3}, source="member_visit", code=None)
        everything = questionnaire.results()
        assert [o["count"] for o in everything[0]["options"]] == [2, 1, 0]
        assert [o["count"] for o in everything[1]["options"]] == [1, 0, 2, 0]
        assert everything[2]["average"] == 4.0 and everything[3]["texts"] == ["希望增加路灯"]
        second_point = questionnaire.results("jinhua.cp2")
        assert [o["count"] for o in second_point[0]["options"]] == [0, 1, 0]

    def test_a_code_answers_once_even_when_sent_twice(self):
        questionnaire = opened()
        first = sheet(questionnaire, {"0": 0}, code="c3")
        again = sheet(questionnaire, {"0": 2}, code="c3")
        assert first == again == 1 and len(questionnaire.answers) == 1

    def test_anonymous_answers_carry_no_name_and_named_ones_may(self):
        with pytest.raises(InvalidValueError) as named:
            sheet(opened(), {"0": 0}, respondent="张三")
        assert named.value.field == "respondent"
        questionnaire = opened(anonymous=False)
        sheet(questionnaire, {"0": 0}, respondent="张三", source="member_visit", code=None)
        assert questionnaire.answers[0]["respondent"] == "张三"

    def test_answers_are_checked_against_their_questions(self):
        questionnaire = opened()
        for answers, field in (({"0": 7}, "answers.0"), ({"1": []}, "answers.1"), ({"2": 6}, "answers.2"),
                               ({"9": 1}, "answers"), ({}, "answers")):
            with pytest.raises(InvalidValueError) as refused:
                sheet(questionnaire, answers)
            assert refused.value.field == field

    def test_only_within_the_open_period(self):
        questionnaire = opened()
        with pytest.raises(IllegalStepError):
            sheet(questionnaire, {"0": 0}, at=NOW + timedelta(days=30))


class TestFeedback:
    def test_open_closed_fed_back(self):
        questionnaire = drafted()
        with pytest.raises(IllegalStepError):
            sheet(questionnaire, {"0": 0})
        questionnaire.open(actor="chen", at=NOW)
        questionnaire.close(actor="chen", at=NOW)
        with pytest.raises(IllegalStepError):
            sheet(questionnaire, {"0": 0}, source="member_visit", code=None)
        questionnaire.publish_feedback(feedback="将在12月前增设路灯8盏", actor="chen", at=NOW)
        assert questionnaire.stage == "fed_back" and questionnaire.allowed_steps == []
