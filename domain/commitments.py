"""Members' public commitments (承诺): each year a member promises one or two practical things
for residents (承诺), the secretary approves them and they are shown on the board (亮诺), the
member records progress (践诺) and reports at the year's end (述诺), residents evaluate them
(评诺), and the commitment ends fulfilled, partly fulfilled or not fulfilled, with the reason."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError
from domain.petition import SATISFACTION
from domain.resident_codes import ResidentCodes, satisfaction_summary
from domain.rules import require_choice, require_text

NAMESPACE = uuid.UUID("5f1c0e0a-3b7d-4e1f-9a62-0d8b4c2e7a91")
SLOTS = (1, 2)  # one or two commitments a year per member
OUTCOMES = ("fulfilled", "partly_fulfilled", "not_fulfilled")
EVALUATION_SOURCES = ("meeting", "paper_form", "resident")
STEPS_BY_STAGE: dict[str, list[str]] = {
    "proposed": ["revise", "approve", "return_for_revision"],
    "returned": ["revise"],
    "approved": ["record_progress", "report"],
    "reported": ["record_progress", "issue_evaluation_codes", "evaluate", "conclude"],
    "concluded": [],
}


def commitment_id(member_id: str, year: int, slot: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"commitment/{member_id}/{year}/{slot}")


class Commitment(Aggregate):
    class Made(Aggregate.Created):
        community_id: uuid.UUID
        member_id: str
        year: int
        slot: int
        text: str
        visible_result: str
        target_date: date
        actor: str
        at: datetime

    class Revised(Aggregate.Event):
        text: str
        visible_result: str
        target_date: date
        actor: str
        at: datetime

    class Approved(Aggregate.Event):
        """亮诺: what is shown on the board from now on (carried here, so the disclosure is one record)."""
        member_id: str
        year: int
        text: str
        visible_result: str
        target_date: date
        actor: str
        at: datetime

    class ReturnedForRevision(Aggregate.Event):
        reason: str
        actor: str
        at: datetime

    class ProgressRecorded(Aggregate.Event):
        note: str
        percent: int
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
        comment: str
        source: str
        code_hash: str | None
        actor: str
        at: datetime

    class Concluded(Aggregate.Event):
        outcome: str
        reason: str
        evaluation: dict[str, int]  # residents' evaluation as it stood when the commitment ended
        actor: str
        at: datetime

    @staticmethod
    def create_id(member_id: str, year: int, slot: int, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return commitment_id(member_id, year, slot)

    @classmethod
    def make(
        cls, *, community_id: uuid.UUID, member_id: str, year: int, slot: int, text: str, visible_result: str,
        target_date: date, actor: str, at: datetime,
    ) -> Commitment:
        if slot not in SLOTS:
            raise InvalidValueError("slot", "a member makes one or two commitments a year")
        if not at.year - 1 <= year <= at.year + 1:
            raise InvalidValueError("year", "must be last year, this year or next year")
        text, visible_result = _checked(text, visible_result, target_date, year)
        return cls(community_id=community_id, member_id=member_id, year=year, slot=slot, text=text,
                   visible_result=visible_result, target_date=target_date, actor=actor, at=at)

    @event(Made)
    def __init__(self, community_id: uuid.UUID, member_id: str, year: int, slot: int, text: str,
                 visible_result: str, target_date: date, actor: str, at: datetime) -> None:
        self.community_id = community_id
        self.member_id = member_id
        self.year = year
        self.slot = slot
        self.text = text
        self.visible_result = visible_result
        self.target_date = target_date
        self.stage = "proposed"
        self.made_at = at
        self.approved_at: datetime | None = None
        self.returns: list[dict[str, Any]] = []
        self.progress: list[dict[str, Any]] = []
        self.percent = 0
        self.report: str | None = None
        self.evaluations: list[dict[str, Any]] = []
        self.codes = ResidentCodes()
        self.outcome: str | None = None
        self.outcome_reason: str | None = None
        self.concluded_at: datetime | None = None

    @property
    def allowed_steps(self) -> list[str]:
        return list(STEPS_BY_STAGE[self.stage])

    @property
    def is_public(self) -> bool:
        """Shown on the board (亮诺) once approved."""
        return self.approved_at is not None

    def evaluation_summary(self) -> dict[str, int]:
        return satisfaction_summary(self.evaluations)

    # ---- 承诺: making and revising ----

    def revise(self, *, text: str, visible_result: str, target_date: date, actor: str, at: datetime) -> None:
        self._check_step("revise")
        text, visible_result = _checked(text, visible_result, target_date, self.year)
        self._revised(text=text, visible_result=visible_result, target_date=target_date, actor=actor, at=at)

    @event(Revised)
    def _revised(self, text: str, visible_result: str, target_date: date, actor: str, at: datetime) -> None:
        self.text, self.visible_result, self.target_date = text, visible_result, target_date
        self.stage = "proposed"

    def return_for_revision(self, *, reason: str, actor: str, at: datetime) -> None:
        self._check_step("return_for_revision")
        self._returned(reason=require_text("reason", reason, 2000), actor=actor, at=at)

    @event(ReturnedForRevision)
    def _returned(self, reason: str, actor: str, at: datetime) -> None:
        self.returns.append({"reason": reason, "by": actor, "at": at})
        self.stage = "returned"

    # ---- 亮诺: approval puts it on the board ----

    def approve(self, *, actor: str, at: datetime) -> None:
        self._check_step("approve")
        self._approved(member_id=self.member_id, year=self.year, text=self.text, visible_result=self.visible_result,
                       target_date=self.target_date, actor=actor, at=at)

    @event(Approved)
    def _approved(self, member_id: str, year: int, text: str, visible_result: str, target_date: date, actor: str,
                  at: datetime) -> None:
        self.stage = "approved"
        self.approved_at = at

    # ---- 践诺 and 述诺 ----

    def record_progress(self, *, note: str, percent: int, actor: str, at: datetime) -> None:
        self._check_step("record_progress")
        if not 0 <= percent <= 100:
            raise InvalidValueError("percent", "must be from 0 to 100")
        if percent < self.percent:
            raise InvalidValueError("percent", f"cannot go back from {self.percent}%")
        self._progress_recorded(note=require_text("note", note, 2000), percent=percent, actor=actor, at=at)

    @event(ProgressRecorded)
    def _progress_recorded(self, note: str, percent: int, actor: str, at: datetime) -> None:
        self.progress.append({"note": note, "percent": percent, "by": actor, "at": at})
        self.percent = percent

    def report_on(self, *, report: str, actor: str, at: datetime) -> None:
        self._check_step("report")
        if at.date() < date(self.year, 11, 1):
            raise InvalidValueError("report", f"the report (述诺) is made at the year's end, from {self.year}-11-01")
        self._reported(report=require_text("report", report, 10000), actor=actor, at=at)

    @event(Reported)
    def _reported(self, report: str, actor: str, at: datetime) -> None:
        self.report = report
        self.stage = "reported"

    # ---- 评诺: residents evaluate ----

    def issue_evaluation_codes(self, *, code_hashes: list[str], actor: str, at: datetime) -> None:
        self._check_step("issue_evaluation_codes")
        self._codes_issued(code_hashes=self.codes.check_new_batch(code_hashes), actor=actor, at=at)

    @event(EvaluationCodesIssued)
    def _codes_issued(self, code_hashes: list[str], actor: str, at: datetime) -> None:
        self.codes.add(code_hashes)

    def evaluate(
        self, *, satisfaction: str, comment: str, source: str, code_hash: str | None, actor: str, at: datetime,
    ) -> int:
        """Records one evaluation; answers its number. A resident's own evaluation needs an unused code;
        the same code again answers the first evaluation's number and records nothing."""
        self._check_step("evaluate")
        require_choice("satisfaction", satisfaction, SATISFACTION)
        require_choice("source", source, EVALUATION_SOURCES)
        earlier = self.codes.earlier(by_resident=source == "resident", code_hash=code_hash)
        if earlier is not None:
            return earlier
        number = len(self.evaluations) + 1
        self._evaluated(number=number, satisfaction=satisfaction, comment=(comment or "").strip()[:500],
                        source=source, code_hash=code_hash, actor=actor, at=at)
        return number

    @event(Evaluated)
    def _evaluated(self, number: int, satisfaction: str, comment: str, source: str, code_hash: str | None,
                   actor: str, at: datetime) -> None:
        self.evaluations.append({"number": number, "satisfaction": satisfaction, "comment": comment,
                                 "source": source, "at": at})
        self.codes.use(code_hash, number)

    # ---- the end ----

    def conclude(self, *, outcome: str, reason: str, actor: str, at: datetime) -> None:
        self._check_step("conclude")
        require_choice("outcome", outcome, OUTCOMES)
        self._concluded(outcome=outcome, reason=require_text("reason", reason, 2000),
                        evaluation=self.evaluation_summary(), actor=actor, at=at)

    @event(Concluded)
    def _concluded(self, outcome: str, reason: str, evaluation: dict[str, int], actor: str, at: datetime) -> None:
        self.outcome, self.outcome_reason, self.concluded_at = outcome, reason, at
        self.stage = "concluded"

    def _check_step(self, step: str) -> None:
        if step not in self.allowed_steps:
            raise IllegalStepError(f"cannot {step.replace('_', ' ')} a commitment that is {self.stage}",
                                   self.stage, self.allowed_steps)


def _checked(text: str, visible_result: str, target_date: date, year: int) -> tuple[str, str]:
    text = require_text("text", text, 1000)
    visible_result = require_text("visible_result", visible_result, 1000)
    if target_date is None or target_date.year != year:
        raise InvalidValueError("target_date", f"must be a day of {year}")
    return text, visible_result
