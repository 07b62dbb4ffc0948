"""Questionnaires (问卷调查): asked at a contact point or in the whole community, named or
anonymous, open for a period; answered by members during visits and by residents themselves;
counted per question and contact point, and fed back (反馈) with the committee's note."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError
from domain.resident_codes import ResidentCodes
from domain.rules import require_choice, require_no_personal_data, require_text

QUESTION_KINDS = ("single_choice", "multiple_choice", "rating", "free_text")
RATING_SCALE = (1, 2, 3, 4, 5)
ANSWER_SOURCES = ("member_visit", "resident")
MAX_QUESTIONS = 30
STEPS_BY_STAGE: dict[str, list[str]] = {
    "draft": ["open"],
    "open": ["issue_answer_codes", "answer", "close"],
    "closed": ["publish_feedback"],
    "fed_back": [],
}


class Questionnaire(Aggregate):
    class Drafted(Aggregate.Created):
        community_id: uuid.UUID
        contact_point_id: str | None
        title: str
        questions: list[dict[str, Any]]
        anonymous: bool
        opens_on: date
        closes_on: date
        actor: str
        at: datetime

    class Opened(Aggregate.Event):
        actor: str
        at: datetime

    class AnswerCodesIssued(Aggregate.Event):
        code_hashes: list[str]
        actor: str
        at: datetime

    class Answered(Aggregate.Event):
        number: int
        contact_point_id: str | None
        answers: dict[str, Any]
        respondent: str | None
        code_hash: str | None
        source: str
        actor: str
        at: datetime

    class RespondentDataErased(Aggregate.Event):
        answers: list[int]
        requested_by: str
        reason: str
        actor: str
        at: datetime

    class Closed(Aggregate.Event):
        actor: str
        at: datetime

    class FeedbackPublished(Aggregate.Event):
        """The results fed back to residents, as published (carried here, so the disclosure is one record)."""
        title: str
        answer_sheets: int
        results: list[dict[str, Any]]
        feedback: str
        actor: str
        at: datetime

    @classmethod
    def draft(
        cls, *, community_id: uuid.UUID, contact_point_id: str | None, title: str, questions: list[dict[str, Any]],
        anonymous: bool, opens_on: date, closes_on: date, actor: str, at: datetime,
    ) -> Questionnaire:
        if closes_on < opens_on:
            raise InvalidValueError("closes_on", "must not be before the day it opens")
        return cls(community_id=community_id, contact_point_id=contact_point_id,
                   title=require_text("title", title, 200), questions=_checked_questions(questions),
                   anonymous=bool(anonymous), opens_on=opens_on, closes_on=closes_on, actor=actor, at=at)

    @event(Drafted)
    def __init__(self, community_id: uuid.UUID, contact_point_id: str | None, title: str,
                 questions: list[dict[str, Any]], anonymous: bool, opens_on: date, closes_on: date, actor: str,
                 at: datetime) -> None:
        self.community_id = community_id
        self.contact_point_id = contact_point_id
        self.title = title
        self.questions = questions
        self.anonymous = anonymous
        self.opens_on = opens_on
        self.closes_on = closes_on
        self.stage = "draft"
        self.drafted_by = actor
        self.drafted_at = at
        self.answers: list[dict[str, Any]] = []
        self.codes = ResidentCodes()
        self.feedback: str | None = None
        self.fed_back_at: datetime | None = None

    @property
    def allowed_steps(self) -> list[str]:
        return list(STEPS_BY_STAGE[self.stage])

    def open(self, *, actor: str, at: datetime) -> None:
        self._check_step("open")
        self._opened(actor=actor, at=at)

    @event(Opened)
    def _opened(self, actor: str, at: datetime) -> None:
        self.stage = "open"

    def issue_answer_codes(self, *, code_hashes: list[str], actor: str, at: datetime) -> None:
        self._check_step("issue_answer_codes")
        self._codes_issued(code_hashes=self.codes.check_new_batch(code_hashes), actor=actor, at=at)

    @event(AnswerCodesIssued)
    def _codes_issued(self, code_hashes: list[str], actor: str, at: datetime) -> None:
        self.codes.add(code_hashes)

    def answer(
        self, *, answers: dict[str, Any], contact_point_id: str | None, respondent: str | None,
        code_hash: str | None, source: str, actor: str, at: datetime,
    ) -> int:
        """Records one answer sheet; answers its number. A resident answers with an unused code; the
        same code again answers the first sheet's number and records nothing."""
        self._check_step("answer")
        if not self.opens_on <= at.date() <= self.closes_on:
            raise IllegalStepError(f"the questionnaire is open from {self.opens_on} to {self.closes_on}",
                                   self.stage, self.allowed_steps)
        require_choice("source", source, ANSWER_SOURCES)
        if self.contact_point_id and contact_point_id not in (None, self.contact_point_id):
            raise InvalidValueError("contact_point_id", "this questionnaire is asked at another contact point")
        respondent = (respondent or "").strip() or None
        if self.anonymous and respondent:
            raise InvalidValueError("respondent", "this questionnaire is anonymous: no names")
        earlier = self.codes.earlier(by_resident=source == "resident", code_hash=code_hash)
        if earlier is not None:
            return earlier
        number = len(self.answers) + 1
        self._answered(number=number, contact_point_id=contact_point_id or self.contact_point_id,
                       answers=self._checked_answers(answers), respondent=respondent, code_hash=code_hash,
                       source=source, actor=actor, at=at)
        return number

    @event(Answered)
    def _answered(self, number: int, contact_point_id: str | None, answers: dict[str, Any], respondent: str | None,
                  code_hash: str | None, source: str, actor: str, at: datetime) -> None:
        self.answers.append({"number": number, "contact_point_id": contact_point_id, "answers": answers,
                             "respondent": respondent, "source": source, "at": at})
        self.codes.use(code_hash, number)

    def erase_respondents(self, *, answers: list[int], requested_by: str, reason: str, actor: str,
                          at: datetime) -> None:
        """On a lawful request: a respondent's name is erased from these answer sheets (at any stage); who
        asked and why is kept, the answers themselves still count."""
        answers = sorted(set(answers or []))
        named = {a["number"]: a["respondent"] for a in self.answers if a["respondent"]}
        unknown = [n for n in answers if n not in named]
        if not answers or unknown:
            raise InvalidValueError("name", "no named answer sheet of this questionnaire is numbered "
                                            + ", ".join(map(str, unknown or ["—"])))
        names = [named[n] for n in answers]
        require_no_personal_data("requested_by", requested_by, names)
        require_no_personal_data("reason", reason, names)
        self._respondents_erased(answers=answers, requested_by=require_text("requested_by", requested_by, 200),
                                 reason=require_text("reason", reason, 2000), actor=actor, at=at)

    @event(RespondentDataErased)
    def _respondents_erased(self, answers: list[int], requested_by: str, reason: str, actor: str,
                            at: datetime) -> None:
        for sheet in self.answers:
            if sheet["number"] in answers:
                sheet["respondent"] = None

    def close(self, *, actor: str, at: datetime) -> None:
        self._check_step("close")
        self._closed(actor=actor, at=at)

    @event(Closed)
    def _closed(self, actor: str, at: datetime) -> None:
        self.stage = "closed"

    def publish_feedback(self, *, feedback: str, actor: str, at: datetime) -> None:
        self._check_step("publish_feedback")
        self._feedback_published(title=self.title, answer_sheets=len(self.answers), results=self.public_results(),
                                 feedback=require_text("feedback", feedback, 10000), actor=actor, at=at)

    @event(FeedbackPublished)
    def _feedback_published(self, title: str, answer_sheets: int, results: list[dict[str, Any]], feedback: str,
                            actor: str, at: datetime) -> None:
        self.feedback, self.fed_back_at = feedback, at
        self.stage = "fed_back"

    # ---- results ----

    def results(self, contact_point_id: str | None = None) -> list[dict[str, Any]]:
        """Per question: counts of each option or rating, the average rating, and the free-text answers;
        of every answer sheet, or of one contact point's."""
        sheets = [a for a in self.answers if contact_point_id is None or a["contact_point_id"] == contact_point_id]
        results = []
        for index, question in enumerate(self.questions):
            given = [sheet["answers"].get(str(index)) for sheet in sheets]
            given = [g for g in given if g not in (None, "", [])]
            result: dict[str, Any] = {"question": question["text"], "kind": question["kind"], "answered": len(given)}
            if question["kind"] in ("single_choice", "multiple_choice"):
                counts = [0] * len(question["options"])
                for g in given:
                    for choice in (g if isinstance(g, list) else [g]):
                        counts[choice] += 1
                result["options"] = [{"option": o, "count": c} for o, c in zip(question["options"], counts)]
            elif question["kind"] == "rating":
                result["ratings"] = {str(r): sum(1 for g in given if g == r) for r in RATING_SCALE}
                result["average"] = round(sum(given) / len(given), 2) if given else None
            else:
                result["texts"] = list(given)
            results.append(result)
        return results

    def public_results(self) -> list[dict[str, Any]]:
        """The results as residents see them: counts and averages, no free-text answers."""
        return [{k: v for k, v in result.items() if k != "texts"} for result in self.results()]

    def _checked_answers(self, answers: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(answers, dict) or not answers:
            raise InvalidValueError("answers", "answer at least one question")
        checked: dict[str, Any] = {}
        for key, value in answers.items():
            if not str(key).isdigit() or int(key) >= len(self.questions):
                raise InvalidValueError("answers", f"there is no question {key}")
            question = self.questions[int(key)]
            field = f"answers.{key}"
            kind = question["kind"]
            if kind == "single_choice":
                if not isinstance(value, int) or not 0 <= value < len(question["options"]):
                    raise InvalidValueError(field, "choose one of the options")
            elif kind == "multiple_choice":
                if not isinstance(value, list) or not value or \
                        any(not isinstance(v, int) or not 0 <= v < len(question["options"]) for v in value):
                    raise InvalidValueError(field, "choose one or more of the options")
                value = sorted(set(value))
            elif kind == "rating":
                if value not in RATING_SCALE:
                    raise InvalidValueError(field, "rate from 1 to 5")
            else:
                value = require_text(field, value if isinstance(value, str) else "", 2000)
            checked[str(int(key))] = value
        return checked

    def _check_step(self, step: str) -> None:
        if step not in self.allowed_steps:
            raise IllegalStepError(f"cannot {step.replace('_', ' ')} a questionnaire that is "
                                   f"{self.stage.replace('_', ' ')}", self.stage, self.allowed_steps)


def _checked_questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not questions or len(questions) > MAX_QUESTIONS:
        raise InvalidValueError("questions", f"ask from 1 to {MAX_QUESTIONS} questions")
    checked = []
    for index, question in enumerate(questions):
        field = f"questions.{index}"
        kind = require_choice(f"{field}.kind", question.get("kind", ""), QUESTION_KINDS)
        text = require_text(f"{field}.text", question.get("text"), 500)
        options = [str(o).strip() for o in question.get("options") or [] if str(o).strip()]
        if kind in ("single_choice", "multiple_choice"):
            if not 2 <= len(options) <= 20:
                raise InvalidValueError(f"{field}.options", "give from 2 to 20 options")
        elif options:
            raise InvalidValueError(f"{field}.options", f"a {kind.replace('_', ' ')} question has no options")
        checked.append({"kind": kind, "text": text, "options": options})
    return checked
