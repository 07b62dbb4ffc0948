"""Questionnaires (问卷调查): drafted by the secretary for a contact point or the whole community,
answered by members during visits and by residents with a one-time code, counted, and fed back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from domain.community import Community, community_id
from domain.errors import DomainError
from domain.questionnaires import Questionnaire
from service import errors
from service.clock import Clock
from service.store.eventstore import EventLog, translate_domain_error
from service.aggregate_steps import AggregateSteps
from service.requests import idempotent
from service.store.personal_data import normalise_name, resident_subject
from service.reads import GuessThrottle
from service.resident_codes import guarded_guess, hash_code, new_codes


class Questionnaires(AggregateSteps):
    AGGREGATE = Questionnaire
    NOUN = "questionnaire"
    PERMISSIONS = {
        "list": "questionnaire.read", "get": "questionnaire.read",
        "draft": "questionnaire.manage", "open": "questionnaire.manage", "close": "questionnaire.manage",
        "issue_answer_codes": "questionnaire.manage", "publish_feedback": "questionnaire.manage",
        "answer": "questionnaire.answer", "erase_respondent_data": "questionnaire.erase_respondent_data",
    }
    COMMANDS = {name for name, action in PERMISSIONS.items() if action != "questionnaire.read"}

    def __init__(self, log: EventLog, clock: Clock, throttle: GuessThrottle | None = None) -> None:
        self.log = log
        self.clock = clock
        self.throttle = throttle  # slows a client guessing residents' codes (wired in bootstrap)

    # ---- reading ----

    def list(self, *, community: str | None = None) -> list[dict[str, Any]]:
        listed = self._listed_community(community)
        return [summary_view(q) for q in self._all(listed)]

    def get(self, questionnaire: UUID, *, contact_point_id: str | None = None) -> dict[str, Any]:
        """The questionnaire with its results (free-text answers included); named respondents only for
        those who need to know them."""
        found = self._load(questionnaire)
        view = staff_view(found, contact_point_id)
        if found.anonymous or not self.principal.reads_personal_data_of(self._code(found)):
            view["sheets"] = [{**sheet, "respondent": None} for sheet in view["sheets"]]
        return view

    def public_form(self, questionnaire: UUID) -> dict[str, Any]:
        """What a resident sees on the questionnaire's public page (its QR code's target)."""
        found = self._load(questionnaire, anyone=True)
        if found.stage == "draft":
            raise errors.NotFoundError(f"questionnaire {questionnaire} not found")
        return {**summary_view(found), "questions": found.questions, "community_code": self._code(found)}

    def published(self, code: str) -> list[dict[str, Any]]:
        """Results fed back to residents, for the board: counts and the committee's note, no free text."""
        if not self.log.exists(community_id(code)):
            raise errors.NotFoundError(f"community {code} not found")
        return [public_results(q) for q in self._all(code) if q.stage == "fed_back"]

    # ---- the secretary's steps ----

    @idempotent(lambda _, questionnaire: staff_view(questionnaire))
    def draft(self, *, community: str, title: str, questions: list[dict[str, Any]], anonymous: bool,
              opens_on: date, closes_on: date, actor: str, contact_point_id: str | None = None) -> dict[str, Any]:
        found = self._community(community)
        if contact_point_id and contact_point_id not in found.contact_points:
            raise errors.InvalidInputError({"contact_point_id": ["no such contact point"]})
        try:
            questionnaire = Questionnaire.draft(
                community_id=found.id, contact_point_id=contact_point_id, title=title, questions=questions,
                anonymous=anonymous, opens_on=opens_on, closes_on=closes_on, actor=actor, at=self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        self.log.save_or_conflict(questionnaire, *self.recorded_request(questionnaire, questionnaire.drafted_at))
        return staff_view(questionnaire)

    def open(self, questionnaire: UUID, *, actor: str, expected_version: int | None = None) -> dict[str, Any]:
        return self._change(questionnaire, expected_version, lambda q, now: q.open(actor=actor, at=now))

    def close(self, questionnaire: UUID, *, actor: str, expected_version: int | None = None) -> dict[str, Any]:
        return self._change(questionnaire, expected_version, lambda q, now: q.close(actor=actor, at=now))

    def publish_feedback(self, questionnaire: UUID, *, feedback: str, actor: str,
                         expected_version: int | None = None) -> dict[str, Any]:
        return self._change(questionnaire, expected_version,
                            lambda q, now: q.publish_feedback(feedback=feedback, actor=actor, at=now))

    def issue_answer_codes(self, questionnaire: UUID, *, count: int, actor: str) -> list[str]:
        """One-time codes for residents' own answers (printed once; only their hashes are kept)."""
        codes = new_codes(count)
        self._change(questionnaire, None, lambda q, now: q.issue_answer_codes(
            code_hashes=[hash_code(code) for code in codes], actor=actor, at=now))
        return codes

    # ---- answers ----

    @idempotent(lambda _, questionnaire: {"questionnaire_id": questionnaire.id, "number": len(questionnaire.answers)})
    def answer(self, questionnaire: UUID, *, answers: dict[str, Any], actor: str,
               contact_point_id: str | None = None, respondent: str | None = None) -> dict[str, Any]:
        """A member records an answer sheet during a visit."""
        return self._answer(questionnaire, answers=answers, contact_point_id=contact_point_id,
                            respondent=respondent, code=None, actor=actor)

    def answer_as_resident(self, questionnaire: UUID, *, code: str, answers: dict[str, Any],
                           contact_point_id: str | None = None, client: str = "") -> dict[str, Any]:
        """A resident answers from the public page with their one-time code; the same code again counts once.
        A client sending wrong codes is slowed down."""
        return guarded_guess(self.throttle, client, lambda: self._answer(
            questionnaire, answers=answers, contact_point_id=contact_point_id, respondent=None, code=code,
            actor="resident", anyone=True))

    def _answer(self, questionnaire_id: UUID, *, answers: dict[str, Any], contact_point_id: str | None,
                respondent: str | None, code: str | None, actor: str, anyone: bool = False) -> dict[str, Any]:
        numbered: dict[str, int] = {}

        def command(questionnaire: Questionnaire, now: Any) -> None:
            numbered["number"] = questionnaire.answer(
                answers=answers, contact_point_id=contact_point_id, respondent=respondent,
                code_hash=hash_code(code) if code else None,
                source="resident" if code is not None else "member_visit", actor=actor, at=now)

        self._change(questionnaire_id, None, command, anyone=anyone)
        return {"questionnaire_id": questionnaire_id, "number": numbered["number"]}

    # ---- erasure ----

    def erase_respondent_data(self, *, community: str, name: str, requested_by: str, reason: str,
                              actor: str) -> dict[str, Any]:
        """On a lawful request naming a resident: their name is erased from every named answer sheet of
        the community's questionnaires (who asked and why are recorded, never the name), then those
        sheets' keys are deleted, so the name is unreadable and unfindable in every copy."""
        found_community = self._community(community)
        wanted = normalise_name(name)
        if not wanted:
            raise errors.InvalidInputError({"name": ["name the resident whose data is to be erased"]})
        subjects = set(self.log.keys.subjects_for("name", name))
        erased, position = [], self.log.last_position()
        for questionnaire in self._all(found_community.code) if subjects else []:
            sheets = [a["number"] for a in questionnaire.answers
                      if resident_subject(questionnaire.id, "answer", a["number"]) in subjects
                      and (a["respondent"] is None or normalise_name(a["respondent"]) == wanted)]
            if not sheets:
                continue
            named = [n for n in sheets if next(a for a in questionnaire.answers if a["number"] == n)["respondent"]]
            if named:  # else erased before, up to its keys: finish that
                try:
                    questionnaire.erase_respondents(answers=named, requested_by=requested_by, reason=reason,
                                                    actor=actor, at=self.clock.now())
                except DomainError as error:
                    raise translate_domain_error(error, questionnaire) from None
                position = self.log.save_or_conflict(questionnaire)
            self.log.keys.erase(*(resident_subject(questionnaire.id, "answer", n) for n in sheets))
            erased.append({"questionnaire_id": questionnaire.id, "answers": sheets})
        if not erased:
            raise errors.InvalidInputError({"name": ["no named answer in this community names this resident"]})
        return {"questionnaires": erased, "position": position}

    # ---- helpers ----

    def _all(self, code: str | None) -> list[Questionnaire]:
        wanted = community_id(code) if code else None
        found = [self.log.repository.get(i) for i in self.log.aggregate_ids_created_by(Questionnaire.Drafted)]
        return [q for q in found if wanted is None or q.community_id == wanted]

    def _code(self, questionnaire: Questionnaire) -> str:
        community: Community = self.log.repository.get(questionnaire.community_id)
        return community.code

    def _change(self, questionnaire_id: UUID, expected_version: int | None,
                command: Callable[[Questionnaire, Any], Any], *, anyone: bool = False) -> dict[str, Any]:
        return staff_view(self._step(questionnaire_id, expected_version, command, anyone=anyone))

def summary_view(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "id": questionnaire.id, "version": questionnaire.version, "title": questionnaire.title,
        "contact_point_id": questionnaire.contact_point_id, "anonymous": questionnaire.anonymous,
        "opens_on": questionnaire.opens_on, "closes_on": questionnaire.closes_on, "stage": questionnaire.stage,
        "allowed_steps": questionnaire.allowed_steps, "answers": len(questionnaire.answers),
    }


def staff_view(questionnaire: Questionnaire, contact_point_id: str | None = None) -> dict[str, Any]:
    return {
        **summary_view(questionnaire), "questions": questionnaire.questions,
        "results": questionnaire.results(contact_point_id),
        "contact_points": sorted({a["contact_point_id"] for a in questionnaire.answers if a["contact_point_id"]}),
        "sheets": [{"number": a["number"], "contact_point_id": a["contact_point_id"], "source": a["source"],
                    "respondent": a["respondent"], "at": a["at"]} for a in questionnaire.answers],
        "feedback": questionnaire.feedback, "fed_back_at": questionnaire.fed_back_at,
    }


def public_results(questionnaire: Questionnaire) -> dict[str, Any]:
    return {**summary_view(questionnaire), "results": questionnaire.public_results(), "feedback": questionnaire.feedback,
            "fed_back_on": questionnaire.fed_back_at.date() if questionnaire.fed_back_at else None}
