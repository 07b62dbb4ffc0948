"""The year-end review (述职评议 / 年终考核) of one member's contact-point work: the facts of the
year are gathered, the member reports (述职), residents evaluate, and the committee rates
(优秀 / 合格 / 基本合格 / 不合格) with its reasons. Whether residents are satisfied is the basic measure;
a score out of 100 is only ever shown beside the facts it comes from."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError
from domain.petition import SATISFACTION
from domain.resident_codes import ResidentCodes, satisfaction_summary
from domain.rules import require_choice, require_text

NAMESPACE = uuid.UUID("9d5b7c1e-2a4f-4f0b-8e6d-3c1a7b2e9f40")
RATINGS = ("excellent", "competent", "basically_competent", "incompetent")  # 优秀 合格 基本合格 不合格
EVALUATION_SOURCES = ("meeting", "paper_form", "resident")
STEPS_BY_STAGE: dict[str, list[str]] = {
    "gathered": ["gather", "report"],
    "reported": ["gather", "issue_evaluation_codes", "evaluate", "rate"],
    "rated": [],
}
# What the score weighs (per community; they add up to 100): visits against the rule, help to paired
# households, petitions handled on time, residents' satisfaction, commitments fulfilled.
DEFAULT_WEIGHTS = {"visits": 20, "pairing": 10, "on_time": 20, "satisfaction": 35, "commitments": 15}


def review_id(member_id: str, year: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"review/{member_id}/{year}")


def check_weights(weights: dict[str, int]) -> dict[str, int]:
    if set(weights) != set(DEFAULT_WEIGHTS):
        raise InvalidValueError("weights", f"give a weight for each of: {', '.join(DEFAULT_WEIGHTS)}")
    if any(not isinstance(w, int) or w < 0 for w in weights.values()) or sum(weights.values()) != 100:
        raise InvalidValueError("weights", "whole numbers from 0 that add up to 100")
    return dict(weights)


def score(facts: dict[str, Any], residents: dict[str, int], weights: dict[str, int]) -> dict[str, Any]:
    """The score out of 100 and each part of it, from the gathered facts and residents' evaluation (a
    part with nothing to measure counts in full: its rate reads None)."""
    rates = {
        "visits": facts["visits"]["months_met"] / facts["visits"]["months_checked"]
        if facts["visits"]["months_checked"] else None,
        "pairing": facts["pairing"]["help_actions_done"] / facts["pairing"]["help_actions_planned"]
        if facts["pairing"]["help_actions_planned"] else None,
        "on_time": facts["petitions"]["on_time_rate"],
        "satisfaction": _satisfaction_rate(facts, residents),
        "commitments": facts["commitments"]["fulfilled_share"],
    }
    parts = {name: {"weight": weight, "rate": rates[name],
                    "points": round(weight * (1 if rates[name] is None else rates[name]), 1)}
             for name, weight in weights.items()}
    return {"total": round(sum(p["points"] for p in parts.values()), 1), "parts": parts}


def _satisfaction_rate(facts: dict[str, Any], counts: dict[str, int]) -> float | None:
    """Residents' evaluation of the year; without one, the satisfaction of the member's petitions."""
    total = sum(counts.get(level, 0) for level in SATISFACTION)
    if not total:
        return facts["petitions"]["satisfaction_rate"]
    return (counts.get("satisfied", 0) + counts.get("basically_satisfied", 0)) / total


class YearEndReview(Aggregate):
    class Gathered(Aggregate.Created):
        community_id: uuid.UUID
        member_id: str
        year: int
        facts: dict[str, Any]
        actor: str
        at: datetime

    class Regathered(Aggregate.Event):
        facts: dict[str, Any]
        actor: str
        at: datetime

    class Reported(Aggregate.Event):
        report: str
        actor: str
        at: datetime

    class EvaluationCodesIssued(Aggregate.Event):
        code_hashes: list[str]
        actor: str
        at: datetime

    class Evaluated(Aggregate.Event):
        number: int
        satisfaction: str
        source: str
        code_hash: str | None
        actor: str
        at: datetime

    class Rated(Aggregate.Event):
        member_id: str
        year: int
        rating: str
        reasons: str
        evaluation: dict[str, int]  # residents' evaluation the rating was given on
        actor: str
        at: datetime

    @staticmethod
    def create_id(member_id: str, year: int, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return review_id(member_id, year)

    @classmethod
    def gather(cls, *, community_id: uuid.UUID, member_id: str, year: int, facts: dict[str, Any], actor: str,
               at: datetime) -> YearEndReview:
        cls.check_gathering_day(year, at)
        return cls(community_id=community_id, member_id=member_id, year=year, facts=facts, actor=actor, at=at)

    @staticmethod
    def check_gathering_day(year: int, at: datetime) -> None:
        if at.date() < date(year, 11, 1):
            raise InvalidValueError("year", f"the review of {year} is gathered from {year}-11-01")

    @event(Gathered)
    def __init__(self, community_id: uuid.UUID, member_id: str, year: int, facts: dict[str, Any], actor: str,
                 at: datetime) -> None:
        self.community_id = community_id
        self.member_id = member_id
        self.year = year
        self.facts = facts
        self.gathered_at = at
        self.stage = "gathered"
        self.report: str | None = None
        self.evaluations: list[dict[str, Any]] = []
        self.codes = ResidentCodes()
        self.rating: str | None = None
        self.reasons: str | None = None
        self.rated_at: datetime | None = None

    @property
    def allowed_steps(self) -> list[str]:
        return list(STEPS_BY_STAGE[self.stage])

    def evaluation_summary(self) -> dict[str, int]:
        return satisfaction_summary(self.evaluations)

    def regather(self, *, facts: dict[str, Any], actor: str, at: datetime) -> None:
        """The facts again (a late visit, a petition closed), until the committee has rated."""
        self._check_step("gather")
        self._regathered(facts=facts, actor=actor, at=at)

    @event(Regathered)
    def _regathered(self, facts: dict[str, Any], actor: str, at: datetime) -> None:
        self.facts, self.gathered_at = facts, at

    def report_on(self, *, report: str, actor: str, at: datetime) -> None:
        self._check_step("report")
        self._reported(report=require_text("report", report, 20000), actor=actor, at=at)

    @event(Reported)
    def _reported(self, report: str, actor: str, at: datetime) -> None:
        self.report = report
        self.stage = "reported"

    def issue_evaluation_codes(self, *, code_hashes: list[str], actor: str, at: datetime) -> None:
        self._check_step("issue_evaluation_codes")
        self._codes_issued(code_hashes=self.codes.check_new_batch(code_hashes), actor=actor, at=at)

    @event(EvaluationCodesIssued)
    def _codes_issued(self, code_hashes: list[str], actor: str, at: datetime) -> None:
        self.codes.add(code_hashes)

    def evaluate(self, *, satisfaction: str, source: str, code_hash: str | None, actor: str, at: datetime) -> int:
        """Residents' evaluation of the member's year; a resident's own needs an unused code (a repeat
        answers the first one's number and records nothing)."""
        self._check_step("evaluate")
        require_choice("satisfaction", satisfaction, SATISFACTION)
        require_choice("source", source, EVALUATION_SOURCES)
        earlier = self.codes.earlier(by_resident=source == "resident", code_hash=code_hash)
        if earlier is not None:
            return earlier
        number = len(self.evaluations) + 1
        self._evaluated(number=number, satisfaction=satisfaction, source=source, code_hash=code_hash, actor=actor,
                        at=at)
        return number

    @event(Evaluated)
    def _evaluated(self, number: int, satisfaction: str, source: str, code_hash: str | None, actor: str,
                   at: datetime) -> None:
        self.evaluations.append({"number": number, "satisfaction": satisfaction, "source": source, "at": at})
        self.codes.use(code_hash, number)

    def rate(self, *, rating: str, reasons: str, actor: str, at: datetime) -> None:
        """The committee's rating, with its reasons; residents must have evaluated first."""
        self._check_step("rate")
        require_choice("rating", rating, RATINGS)
        if not self.evaluations:
            raise IllegalStepError("residents evaluate the member's year before the committee rates it",
                                   self.stage, self.allowed_steps)
        self._rated(member_id=self.member_id, year=self.year, rating=rating,
                    reasons=require_text("reasons", reasons, 5000), evaluation=self.evaluation_summary(), actor=actor,
                    at=at)

    @event(Rated)
    def _rated(self, member_id: str, year: int, rating: str, reasons: str, evaluation: dict[str, int], actor: str,
               at: datetime) -> None:
        self.rating, self.reasons, self.rated_at = rating, reasons, at
        self.stage = "rated"

    def _check_step(self, step: str) -> None:
        if step not in self.allowed_steps:
            raise IllegalStepError(f"cannot {step.replace('_', ' ')} a review that is {self.stage}",
                                   self.stage, self.allowed_steps)


def weights_id(community_code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"review-weights/{community_code}")


class ReviewWeights(Aggregate):
    """A community's weights for the review's score (a setting of the committee)."""

    class Started(Aggregate.Created):
        community_code: str

    class WeightsSet(Aggregate.Event):
        weights: dict[str, int]
        actor: str
        at: datetime

    @staticmethod
    def create_id(community_code: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return weights_id(community_code)

    @event(Started)
    def __init__(self, community_code: str) -> None:
        self.community_code = community_code
        self.weights = dict(DEFAULT_WEIGHTS)

    def set(self, *, weights: dict[str, int], actor: str, at: datetime) -> None:
        self._weights_set(weights=check_weights(weights), actor=actor, at=at)

    @event(WeightsSet)
    def _weights_set(self, weights: dict[str, int], actor: str, at: datetime) -> None:
        self.weights = dict(weights)
