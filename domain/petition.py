"""The Petition aggregate (群众诉求): one problem raised by a citizen, and its life.

Public command methods check the rule and raise a named error; private
``@event`` methods only change state, so replays give the same state.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError
from domain.rules import require_choice, require_no_personal_data, require_text

NAMESPACE = uuid.UUID("6f1c1c52-3c55-4ad4-9d6a-2b5c2a3b7e10")

CHANNELS = ("desk", "home_visit", "hotline", "suggestion_box", "online", "letter", "questionnaire")
CATEGORIES = (
    "infrastructure", "sanitation", "public_safety", "welfare", "property",
    "neighbour_dispute", "land", "employment", "health", "other",
)
EXPLANATION_REASONS = ("outside_jurisdiction", "against_law_or_policy", "conditions_lacking", "other")
EXPLANATION_METHODS = ("in_person", "phone", "letter", "home_visit", "online")
SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")

TRIAGE_STEPS = ["resolve_on_spot", "set_deadline", "escalate", "explain", "withdraw", "merge"]
STEPS_BY_STATUS: dict[str, list[str]] = {
    "received": TRIAGE_STEPS,
    "reopened": TRIAGE_STEPS,
    "deadlined": [
        "record_progress", "extend_deadline", "resolve", "escalate", "explain", "withdraw", "merge",
    ],
    "escalated": ["withdraw", "merge"],
    "resolved_on_spot": ["follow_up"],
    "resolved": ["follow_up"],
    "explained": ["follow_up"],
    "closed": [],
    "withdrawn": [],
    "merged": [],
}
OPEN_STATUSES = ("received", "reopened", "deadlined", "escalated")


def petition_id(reference: str) -> uuid.UUID:
    """A petition's id follows from its reference number, so a reused number fails at save."""
    return uuid.uuid5(NAMESPACE, f"petition/{reference}")


class Petition(Aggregate):
    """A citizen's petition, from reception to follow-up."""

    class Received(Aggregate.Created):
        reference: str
        tracking_code_hash: str
        community_id: uuid.UUID
        contact_point_id: str
        category: str
        channel: str
        summary: str
        details: str
        petitioner: dict[str, Any] | None
        received_by: str
        actor: str
        at: datetime

    class ResolvedOnSpot(Aggregate.Event):
        action: str
        actor: str
        at: datetime

    class DeadlineSet(Aggregate.Event):
        working_days: int
        due_date: date
        responsible_member_id: str
        plan: str
        steps: list[dict[str, Any]]
        actor: str
        at: datetime

    class ProgressRecorded(Aggregate.Event):
        note: str
        completed_step: int | None
        actor: str
        at: datetime

    class DeadlineExtended(Aggregate.Event):
        working_days: int
        previous_due_date: date
        due_date: date
        reason: str
        actor: str
        at: datetime

    class MarkedOverdue(Aggregate.Event):
        due_date: date
        actor: str
        at: datetime

    class Resolved(Aggregate.Event):
        outcome: str
        matter_id: uuid.UUID | None
        actor: str
        at: datetime

    class Escalated(Aggregate.Event):
        reason: str
        actor: str
        at: datetime

    class LinkedToMatter(Aggregate.Event):
        matter_id: uuid.UUID
        actor: str
        at: datetime

    class Explained(Aggregate.Event):
        reason_category: str
        explanation: str
        method: str
        explained_on: date
        matter_id: uuid.UUID | None
        actor: str
        at: datetime

    class FollowedUp(Aggregate.Event):
        satisfaction: str
        comment: str
        actor: str
        at: datetime

    class Withdrawn(Aggregate.Event):
        reason: str
        actor: str
        at: datetime

    class Merged(Aggregate.Event):
        into_id: uuid.UUID
        into_reference: str
        actor: str
        at: datetime

    class PersonalDataErased(Aggregate.Event):
        requested_by: str
        reason: str
        actor: str
        at: datetime

    class TrackingCodeReissued(Aggregate.Event):
        tracking_code_hash: str
        reason: str
        actor: str
        at: datetime

    class DuplicateAbsorbed(Aggregate.Event):
        duplicate_id: uuid.UUID
        duplicate_reference: str
        actor: str
        at: datetime

    @staticmethod
    def create_id(reference: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return petition_id(reference)

    @classmethod
    def receive(
        cls,
        *,
        reference: str,
        tracking_code_hash: str,
        community_id: uuid.UUID,
        contact_point_id: str,
        category: str,
        channel: str,
        summary: str,
        details: str,
        petitioner: dict[str, Any] | None,
        received_by: str,
        actor: str,
        at: datetime,
    ) -> Petition:
        require_choice("category", category, CATEGORIES)
        require_choice("channel", channel, CHANNELS)
        return cls(
            reference=reference,
            tracking_code_hash=tracking_code_hash,
            community_id=community_id,
            contact_point_id=contact_point_id,
            category=category,
            channel=channel,
            summary=require_text("summary", summary, 200),
            details=require_text("details", details),
            petitioner=petitioner or None,
            received_by=received_by,
            actor=actor,
            at=at,
        )

    @event(Received)
    def __init__(
        self,
        reference: str,
        tracking_code_hash: str,
        community_id: uuid.UUID,
        contact_point_id: str,
        category: str,
        channel: str,
        summary: str,
        details: str,
        petitioner: dict[str, Any] | None,
        received_by: str,
        actor: str,
        at: datetime,
    ) -> None:
        self.reference = reference
        self.tracking_code_hash = tracking_code_hash
        self.community_id = community_id
        self.contact_point_id = contact_point_id
        self.category = category
        self.channel = channel
        self.summary = summary
        self.details = details
        self.petitioner = petitioner
        self.received_by = received_by
        self.received_at = at
        self.status = "received"
        self.due_date: date | None = None
        self.responsible_member_id: str | None = None
        self.plan = ""
        self.steps: list[dict[str, Any]] = []
        self.overdue = False
        self.was_overdue = False
        self.extensions = 0
        self.outcome = ""
        self.matter_id: uuid.UUID | None = None
        self.reopened_count = 0
        self.satisfaction: str | None = None
        self.merged_into: uuid.UUID | None = None
        self.duplicates: list[uuid.UUID] = []
        self.outcome_at: datetime | None = None

    # ---- what can happen next -------------------------------------------------

    @property
    def allowed_steps(self) -> list[str]:
        return list(STEPS_BY_STATUS[self.status])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def _check_step(self, step: str) -> None:
        if step not in STEPS_BY_STATUS[self.status]:
            raise IllegalStepError(
                f"cannot {step.replace('_', ' ')} a petition that is {self.status}",
                self.status,
                self.allowed_steps,
            )

    def _refuse(self, message: str) -> None:
        raise IllegalStepError(message, self.status, self.allowed_steps)

    # ---- triage --------------------------------------------------------------

    def resolve_on_spot(self, *, action: str, actor: str, at: datetime) -> None:
        self._check_step("resolve_on_spot")
        self._resolved_on_spot(action=require_text("action", action), actor=actor, at=at)

    @event(ResolvedOnSpot)
    def _resolved_on_spot(self, action: str, actor: str, at: datetime) -> None:
        self.status = "resolved_on_spot"
        self.outcome = action
        self.outcome_at = at

    def set_deadline(
        self,
        *,
        working_days: int,
        due_date: date,
        responsible_member_id: str,
        plan: str,
        steps: list[dict[str, Any]],
        actor: str,
        at: datetime,
    ) -> None:
        self._check_step("set_deadline")
        if not 1 <= working_days <= 365:
            raise InvalidValueError("working_days", "must be between 1 and 365")
        if due_date <= at.date():
            raise InvalidValueError("due_date", "must be after the day it is set")
        self._deadline_set(
            working_days=working_days,
            due_date=due_date,
            responsible_member_id=responsible_member_id,
            plan=require_text("plan", plan),
            steps=_checked_steps(steps, at.date(), due_date),
            actor=actor,
            at=at,
        )

    @event(DeadlineSet)
    def _deadline_set(
        self,
        working_days: int,
        due_date: date,
        responsible_member_id: str,
        plan: str,
        steps: list[dict[str, Any]],
        actor: str,
        at: datetime,
    ) -> None:
        self.status = "deadlined"
        self.due_date = due_date
        self.responsible_member_id = responsible_member_id
        self.plan = plan
        self.steps = [dict(step, done=False) for step in steps]
        self.overdue = False

    def record_progress(
        self, *, note: str, completed_step: int | None, actor: str, at: datetime
    ) -> None:
        self._check_step("record_progress")
        if completed_step is not None and not 0 <= completed_step < len(self.steps):
            raise InvalidValueError("completed_step", "is not a step of the plan")
        self._progress_recorded(
            note=require_text("note", note), completed_step=completed_step, actor=actor, at=at
        )

    @event(ProgressRecorded)
    def _progress_recorded(
        self, note: str, completed_step: int | None, actor: str, at: datetime
    ) -> None:
        if completed_step is not None:
            self.steps[completed_step]["done"] = True

    def extend_deadline(
        self, *, working_days: int, due_date: date, reason: str, actor: str, at: datetime
    ) -> None:
        self._check_step("extend_deadline")
        if not (reason or "").strip():
            self._refuse("an extension needs a reason")
        if not 1 <= working_days <= 365:
            raise InvalidValueError("working_days", "must be between 1 and 365")
        assert self.due_date is not None
        if due_date <= self.due_date:
            raise InvalidValueError("due_date", "must be after the current due date")
        self._deadline_extended(
            working_days=working_days,
            previous_due_date=self.due_date,
            due_date=due_date,
            reason=require_text("reason", reason),
            actor=actor,
            at=at,
        )

    @event(DeadlineExtended)
    def _deadline_extended(
        self,
        working_days: int,
        previous_due_date: date,
        due_date: date,
        reason: str,
        actor: str,
        at: datetime,
    ) -> None:
        self.due_date = due_date
        self.extensions += 1
        self.overdue = False

    def is_past_deadline(self, today: date) -> bool:
        return self.status == "deadlined" and self.due_date is not None and today > self.due_date

    def mark_overdue(self, *, actor: str, at: datetime) -> None:
        if not self.is_past_deadline(at.date()):
            self._refuse("only a deadlined petition past its due date can be marked overdue")
        if self.overdue:
            self._refuse("this deadline is already marked overdue")
        assert self.due_date is not None
        self._marked_overdue(due_date=self.due_date, actor=actor, at=at)

    @event(MarkedOverdue)
    def _marked_overdue(self, due_date: date, actor: str, at: datetime) -> None:
        self.overdue = True
        self.was_overdue = True

    def resolve(self, *, outcome: str, actor: str, at: datetime) -> None:
        self._check_step("resolve")
        self._resolved(outcome=require_text("outcome", outcome), matter_id=None, actor=actor, at=at)

    def resolve_by_committee(
        self, *, matter_id: uuid.UUID, outcome: str, actor: str, at: datetime
    ) -> None:
        if self.status != "escalated":
            self._refuse("only an escalated petition is resolved by its committee matter")
        self._resolved(
            outcome=require_text("outcome", outcome), matter_id=matter_id, actor=actor, at=at
        )

    @event(Resolved)
    def _resolved(self, outcome: str, matter_id: uuid.UUID | None, actor: str, at: datetime) -> None:
        self.status = "resolved"
        self.outcome = outcome
        self.outcome_at = at
        self.overdue = False
        if matter_id is not None:
            self.matter_id = matter_id

    def escalate(self, *, reason: str, actor: str, at: datetime) -> None:
        self._check_step("escalate")
        self._escalated(reason=require_text("reason", reason), actor=actor, at=at)

    @event(Escalated)
    def _escalated(self, reason: str, actor: str, at: datetime) -> None:
        self.status = "escalated"
        self.overdue = False
        self.matter_id = None  # a new escalation waits on a new committee matter

    def link_to_matter(self, *, matter_id: uuid.UUID, actor: str, at: datetime) -> None:
        """Records which committee matter this escalated petition waits on (the matter links it)."""
        if self.status != "escalated":
            self._refuse("only an escalated petition can wait on a committee matter")
        if self.matter_id is not None:
            self._refuse("this petition waits on a committee matter already")
        self._linked_to_matter(matter_id=matter_id, actor=actor, at=at)

    @event(LinkedToMatter)
    def _linked_to_matter(self, matter_id: uuid.UUID, actor: str, at: datetime) -> None:
        self.matter_id = matter_id

    def explain(
        self,
        *,
        reason_category: str,
        explanation: str,
        method: str,
        explained_on: date,
        actor: str,
        at: datetime,
        matter_id: uuid.UUID | None = None,
    ) -> None:
        if matter_id is None:
            self._check_step("explain")
        elif self.status != "escalated":
            self._refuse("only an escalated petition is explained by its committee matter")
        require_choice("reason_category", reason_category, EXPLANATION_REASONS)
        require_choice("method", method, EXPLANATION_METHODS)
        if explained_on > at.date():
            raise InvalidValueError("explained_on", "must not be in the future")
        if explained_on < self.received_at.date():
            raise InvalidValueError("explained_on", "must not be before the petition was received")
        self._explained(
            reason_category=reason_category,
            explanation=require_text("explanation", explanation),
            method=method,
            explained_on=explained_on,
            matter_id=matter_id,
            actor=actor,
            at=at,
        )

    @event(Explained)
    def _explained(
        self,
        reason_category: str,
        explanation: str,
        method: str,
        explained_on: date,
        matter_id: uuid.UUID | None,
        actor: str,
        at: datetime,
    ) -> None:
        self.status = "explained"
        self.outcome = explanation
        self.outcome_at = at
        self.overdue = False
        if matter_id is not None:
            self.matter_id = matter_id

    # ---- follow-up -------------------------------------------------------------

    def follow_up(self, *, satisfaction: str, comment: str, actor: str, at: datetime) -> None:
        self._check_step("follow_up")
        require_choice("satisfaction", satisfaction, SATISFACTION)
        self._followed_up(satisfaction=satisfaction, comment=(comment or "").strip(), actor=actor, at=at)

    @event(FollowedUp)
    def _followed_up(self, satisfaction: str, comment: str, actor: str, at: datetime) -> None:
        self.satisfaction = satisfaction
        if satisfaction == "dissatisfied":
            self.status = "reopened"
            self.reopened_count += 1
            self.due_date = None
            self.steps = []
            self.outcome = ""
            self.outcome_at = None
        else:
            self.status = "closed"

    # ---- ending without an outcome --------------------------------------------

    def withdraw(self, *, reason: str, actor: str, at: datetime) -> None:
        self._check_step("withdraw")
        self._withdrawn(reason=(reason or "").strip(), actor=actor, at=at)

    @event(Withdrawn)
    def _withdrawn(self, reason: str, actor: str, at: datetime) -> None:
        self.status = "withdrawn"
        self.overdue = False

    def merge_into(self, target: Petition, *, actor: str, at: datetime) -> None:
        """Marks this petition a duplicate of ``target``; both record it."""
        self._check_step("merge")
        if target.id == self.id:
            raise InvalidValueError("into", "a petition cannot be merged into itself")
        if not target.is_open:
            raise InvalidValueError("into", f"the target petition is {target.status}, not open")
        if target.community_id != self.community_id:
            raise InvalidValueError("into", "the target petition belongs to another community")
        self._merged(into_id=target.id, into_reference=target.reference, actor=actor, at=at)
        target._duplicate_absorbed(
            duplicate_id=self.id, duplicate_reference=self.reference, actor=actor, at=at
        )

    @event(Merged)
    def _merged(self, into_id: uuid.UUID, into_reference: str, actor: str, at: datetime) -> None:
        self.status = "merged"
        self.merged_into = into_id
        self.overdue = False

    # ---- personal data -----------------------------------------------------------

    @property
    def personal_data_erased(self) -> bool:
        return bool(self.petitioner and self.petitioner.get("erased"))

    def erase_personal_data(self, *, requested_by: str, reason: str, actor: str, at: datetime) -> None:
        """On a lawful request: the petitioner's personal data is erased everywhere; who asked and why is kept."""
        if not self.petitioner:
            self._refuse("this petition was anonymous: it holds no personal data")
        if self.personal_data_erased:
            self._refuse("the personal data of this petition is already erased")
        personal = [v for v in self.petitioner.values() if isinstance(v, str)]
        require_no_personal_data("requested_by", requested_by, personal)
        require_no_personal_data("reason", reason, personal)
        self._personal_data_erased(
            requested_by=require_text("requested_by", requested_by, 200),
            reason=require_text("reason", reason, 2000), actor=actor, at=at,
        )

    @event(PersonalDataErased)
    def _personal_data_erased(self, requested_by: str, reason: str, actor: str, at: datetime) -> None:
        self.petitioner = {"erased": True}

    def reissue_tracking_code(self, *, tracking_code_hash: str, reason: str, actor: str, at: datetime) -> None:
        """A petitioner lost the receipt: a new tracking code replaces the old one, which stops working.
        Who reissued it and why is recorded."""
        self._tracking_code_reissued(tracking_code_hash=tracking_code_hash, reason=require_text("reason", reason, 2000),
                                     actor=actor, at=at)

    @event(TrackingCodeReissued)
    def _tracking_code_reissued(self, tracking_code_hash: str, reason: str, actor: str, at: datetime) -> None:
        self.tracking_code_hash = tracking_code_hash

    @event(DuplicateAbsorbed)
    def _duplicate_absorbed(
        self, duplicate_id: uuid.UUID, duplicate_reference: str, actor: str, at: datetime
    ) -> None:
        self.duplicates.append(duplicate_id)


def _checked_steps(steps: list[dict[str, Any]], today: date, due_date: date) -> list[dict[str, Any]]:
    checked = []
    previous = today
    for index, step in enumerate(steps or []):
        step_due = step["due_date"]
        if step_due < previous:
            raise InvalidValueError(f"steps.{index}.due_date", "steps must be dated in order, not in the past")
        if step_due > due_date:
            raise InvalidValueError(f"steps.{index}.due_date", "must not be after the deadline")
        checked.append(
            {"due_date": step_due, "description": require_text(f"steps.{index}.description", step["description"], 500)}
        )
        previous = step_due
    return checked
