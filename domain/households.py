"""Contact households (联系户) and pairing (结对帮扶): the households a member keeps a fixed link
with, and the households in difficulty a member pairs with, with a help plan and its progress.

A household's name, phone, address and difficulties are personal data (``person``): the event
log seals them with a key per household (service/store/personal_data.py), so they can be erased."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError
from domain.rules import require_choice, require_text

PAIRING_KINDS = ("in_difficulty", "empty_nest_elderly", "left_behind_children", "illness", "demonstration")
PAIRING_OUTCOMES = ("out_of_difficulty", "improved", "moved_away", "handed_over", "other")
MAX_PAIRINGS = 2
PERSON_FIELDS = ("name", "phone", "address", "difficulties")


def clean_person(person: dict[str, Any] | None) -> dict[str, str]:
    """A household's personal data: a name at least; phone, address and difficulties if known."""
    person = person or {}
    cleaned = {name: str(person.get(name) or "").strip() for name in PERSON_FIELDS}
    if not cleaned["name"]:
        raise InvalidValueError("person.name", "must not be blank")
    for name, limit in (("name", 50), ("phone", 30), ("address", 200), ("difficulties", 1000)):
        if len(cleaned[name]) > limit:
            raise InvalidValueError(f"person.{name}", f"must be at most {limit} characters")
    return cleaned


class Household(Aggregate):
    """A household at a member's contact point: a contact household (联系户) the member keeps a
    fixed link with, or one the member pairs with (结对户)."""

    class Registered(Aggregate.Created):
        community_id: uuid.UUID
        contact_point_id: str
        member_id: str
        contact: bool
        person: dict[str, Any]
        actor: str
        at: datetime

    class PersonalDataErased(Aggregate.Event):
        requested_by: str
        reason: str
        actor: str
        at: datetime

    @classmethod
    def register(
        cls, *, community_id: uuid.UUID, contact_point_id: str, member_id: str, contact: bool,
        person: dict[str, Any], actor: str, at: datetime,
    ) -> Household:
        return cls(community_id=community_id, contact_point_id=contact_point_id, member_id=member_id,
                   contact=bool(contact), person=clean_person(person), actor=actor, at=at)

    @event(Registered)
    def __init__(
        self, community_id: uuid.UUID, contact_point_id: str, member_id: str, contact: bool, person: dict[str, Any],
        actor: str, at: datetime,
    ) -> None:
        self.community_id = community_id
        self.contact_point_id = contact_point_id
        self.member_id = member_id
        self.contact = contact
        self.person = person
        self.registered_at = at
        self.erased = False

    def erase_personal_data(self, *, requested_by: str, reason: str, actor: str, at: datetime) -> None:
        if self.erased:
            raise IllegalStepError("the household's personal data is erased already", "erased", [])
        self._erased(requested_by=require_text("requested_by", requested_by, 100),
                     reason=require_text("reason", reason, 500), actor=actor, at=at)

    @event(PersonalDataErased)
    def _erased(self, requested_by: str, reason: str, actor: str, at: datetime) -> None:
        self.erased = True
        self.person = {"erased": True}


class Pairing(Aggregate):
    """One member paired one to one with one household (结对帮扶): a help plan with targets and dated
    actions, the help given, and an outcome when it ends."""

    class Paired(Aggregate.Created):
        community_id: uuid.UUID
        member_id: str
        household_id: uuid.UUID
        kind: str
        started_on: date
        actor: str
        at: datetime

    class HelpPlanSet(Aggregate.Event):
        targets: list[str]
        actions: list[dict[str, Any]]
        actor: str
        at: datetime

    class HelpRecorded(Aggregate.Event):
        given_on: date
        note: str
        action: int | None
        actor: str
        at: datetime

    class Ended(Aggregate.Event):
        outcome: str
        note: str
        actor: str
        at: datetime

    @classmethod
    def pair(
        cls, *, community_id: uuid.UUID, member_id: str, household_id: uuid.UUID, kind: str, active_pairings: int,
        actor: str, at: datetime,
    ) -> Pairing:
        """``active_pairings``: how many households the member is paired with now (at most two)."""
        require_choice("kind", kind, PAIRING_KINDS)
        if active_pairings >= MAX_PAIRINGS:
            raise InvalidValueError("member_id", f"a member pairs with at most {MAX_PAIRINGS} households at a time")
        return cls(community_id=community_id, member_id=member_id, household_id=household_id, kind=kind,
                   started_on=at.date(), actor=actor, at=at)

    @event(Paired)
    def __init__(
        self, community_id: uuid.UUID, member_id: str, household_id: uuid.UUID, kind: str, started_on: date,
        actor: str, at: datetime,
    ) -> None:
        self.community_id = community_id
        self.member_id = member_id
        self.household_id = household_id
        self.kind = kind
        self.started_on = started_on
        self.status = "active"
        self.targets: list[str] = []
        self.actions: list[dict[str, Any]] = []
        self.help: list[dict[str, Any]] = []
        self.outcome = ""
        self.ended_at: datetime | None = None

    @property
    def allowed_steps(self) -> list[str]:
        return ["set_plan", "record_help", "end"] if self.status == "active" else []

    def set_plan(self, *, targets: list[str], actions: list[dict[str, Any]], actor: str, at: datetime) -> None:
        self._require_active("set a help plan for")
        cleaned_targets = [require_text("targets", t, 300) for t in targets or []]
        if not cleaned_targets:
            raise InvalidValueError("targets", "name at least one target")
        cleaned_actions = []
        for action in actions or []:
            due = action.get("due_date")
            if not isinstance(due, date):
                raise InvalidValueError("actions", "every action needs a due date")
            cleaned_actions.append({"due_date": due, "description": require_text("actions", action.get("description"), 300)})
        if not cleaned_actions:
            raise InvalidValueError("actions", "name at least one dated action")
        cleaned_actions.sort(key=lambda a: a["due_date"])
        self._plan_set(targets=cleaned_targets, actions=cleaned_actions, actor=actor, at=at)

    @event(HelpPlanSet)
    def _plan_set(self, targets: list[str], actions: list[dict[str, Any]], actor: str, at: datetime) -> None:
        self.targets = list(targets)
        self.actions = [dict(a, done_on=None) for a in actions]

    def record_help(self, *, given_on: date, note: str, action: int | None, actor: str, at: datetime) -> None:
        self._require_active("record help for")
        if given_on > at.date():
            raise InvalidValueError("given_on", "must not be in the future")
        if given_on < self.started_on:
            raise InvalidValueError("given_on", "must not be before the pairing started")
        if action is not None and not 0 <= action < len(self.actions):
            raise InvalidValueError("action", "is not an action of the help plan")
        if action is not None and self.actions[action]["done_on"] is not None:
            raise InvalidValueError("action", "this action is done already")
        self._help_recorded(given_on=given_on, note=require_text("note", note, 1000), action=action, actor=actor, at=at)

    @event(HelpRecorded)
    def _help_recorded(self, given_on: date, note: str, action: int | None, actor: str, at: datetime) -> None:
        self.help.append({"given_on": given_on, "note": note, "action": action, "recorded_by": actor})
        if action is not None:
            self.actions[action]["done_on"] = given_on

    @property
    def progress(self) -> int:
        """Percent of the plan's actions done."""
        if not self.actions:
            return 0
        return round(100 * sum(1 for a in self.actions if a["done_on"] is not None) / len(self.actions))

    def end(self, *, outcome: str, note: str, actor: str, at: datetime) -> None:
        self._require_active("end")
        require_choice("outcome", outcome, PAIRING_OUTCOMES)
        self._ended(outcome=outcome, note=(note or "").strip()[:1000], actor=actor, at=at)

    @event(Ended)
    def _ended(self, outcome: str, note: str, actor: str, at: datetime) -> None:
        self.status = "ended"
        self.outcome = outcome
        self.ended_at = at

    def _require_active(self, what: str) -> None:
        if self.status != "active":
            raise IllegalStepError(f"cannot {what} a pairing that has ended", self.status, self.allowed_steps)
