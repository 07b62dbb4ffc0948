"""Visits (走访) to a member's contact point, the visit diary (民情日记), the visit rule (每月两次)
and the supervision (监督检查) of months short of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError
from domain.rules import require_choice, require_text

NAMESPACE = uuid.UUID("3c1f7a52-8d4e-4b6a-9f20-6a1d5e7c9b34")
FORMS = ("home_visit", "forum", "heart_to_heart", "party_lesson", "grid_activity", "phone_contact")
DIARY_TEXT = ("learned", "guidance", "opinions", "help_given")
MAX_PROBLEMS = 10

# ---- the month arithmetic of the visit rule ------------------------------------------------------


def month_of(day: date) -> str:
    """The month a day falls in, as ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(month: str, field: str = "month") -> tuple[int, int]:
    try:
        year, number = (int(part) for part in month.split("-"))
    except (AttributeError, ValueError):
        raise InvalidValueError(field, "must be a month written YYYY-MM") from None
    if not (1 <= number <= 12 and 2000 <= year <= 2999) or len(month) != 7:
        raise InvalidValueError(field, "must be a month written YYYY-MM")
    return year, number


def next_month(month: str) -> str:
    year, number = parse_month(month)
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def months_from(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included (empty when ``first`` is later)."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def months_checked(assigned_on: date, today: date) -> list[str]:
    """The months the rule is checked for: every month that has ended, from the first whole month
    after the member took the contact point (the month of taking it is not checked)."""
    first = next_month(month_of(assigned_on))
    last_ended = previous_month(month_of(today))
    return months_from(first, last_ended)


def previous_month(month: str) -> str:
    year, number = parse_month(month)
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


@dataclass(frozen=True)
class VisitRule:
    """At least ``per_month`` visits a month at the contact point; phone contact counts only when
    the community says so (a visit missed and made up by phone)."""

    per_month: int = 2
    phone_counts: bool = False

    def counts(self, form: str) -> bool:
        return form != "phone_contact" or self.phone_counts

    def counted(self, visits: list[dict[str, Any]], month: str) -> int:
        """Visits that count for ``month``: those made in it (not as a make-up of another month), and
        make-ups of it made later."""
        return sum(
            1 for v in visits
            if self.counts(v["form"]) and (v.get("makes_up") or month_of(v["visited_on"])) == month
        )

    def shortfall(self, visits: list[dict[str, Any]], month: str) -> int:
        return max(0, self.per_month - self.counted(visits, month))

    def as_dict(self) -> dict[str, Any]:
        return {"per_month": self.per_month, "phone_counts": self.phone_counts}


def check_rule(per_month: int) -> int:
    if not isinstance(per_month, int) or not 1 <= per_month <= 31:
        raise InvalidValueError("per_month", "must be a whole number from 1 to 31")
    return per_month


# ---- a visit and its diary entry ---------------------------------------------------------------


class Visit(Aggregate):
    """One visit to a contact point, as the member who made it wrote it in the visit diary."""

    class Recorded(Aggregate.Created):
        community_id: uuid.UUID
        contact_point_id: str
        member_id: str
        visited_on: date
        form: str
        households: list[str]
        people_met: int
        learned: str
        guidance: str
        opinions: str
        help_given: str
        makes_up: str | None
        actor: str
        at: datetime

    class PetitionRaised(Aggregate.Event):
        reference: str
        petition_id: uuid.UUID
        summary: str
        actor: str
        at: datetime

    @classmethod
    def record(
        cls, *, community_id: uuid.UUID, contact_point_id: str, member_id: str, visited_on: date, form: str,
        households: list[str], people_met: int, learned: str, guidance: str = "", opinions: str = "",
        help_given: str = "", makes_up: str | None = None, actor: str, at: datetime,
    ) -> Visit:
        require_choice("form", form, FORMS)
        if visited_on > at.date():
            raise InvalidValueError("visited_on", "must not be in the future")
        if not isinstance(people_met, int) or people_met < 0 or people_met > 10000:
            raise InvalidValueError("people_met", "must be a whole number from 0 to 10000")
        if not households and people_met == 0:
            raise InvalidValueError("people_met", "name the households met or the number of people met")
        if makes_up is not None:
            parse_month(makes_up, "makes_up")
            if makes_up >= month_of(visited_on):
                raise InvalidValueError("makes_up", "a make-up visit is for an earlier month")
        return cls(
            community_id=community_id, contact_point_id=contact_point_id, member_id=member_id,
            visited_on=visited_on, form=form, households=list(dict.fromkeys(households)), people_met=people_met,
            learned=require_text("learned", learned, 2000),
            guidance=_optional_text("guidance", guidance), opinions=_optional_text("opinions", opinions),
            help_given=_optional_text("help_given", help_given), makes_up=makes_up, actor=actor, at=at,
        )

    @event(Recorded)
    def __init__(
        self, community_id: uuid.UUID, contact_point_id: str, member_id: str, visited_on: date, form: str,
        households: list[str], people_met: int, learned: str, guidance: str, opinions: str, help_given: str,
        makes_up: str | None, actor: str, at: datetime,
    ) -> None:
        self.community_id = community_id
        self.contact_point_id = contact_point_id
        self.member_id = member_id
        self.visited_on = visited_on
        self.form = form
        self.households = households
        self.people_met = people_met
        self.learned = learned
        self.guidance = guidance
        self.opinions = opinions
        self.help_given = help_given
        self.makes_up = makes_up
        self.recorded_by = actor
        self.recorded_at = at
        self.petitions: list[dict[str, Any]] = []

    @property
    def month(self) -> str:
        return month_of(self.visited_on)

    def raise_petition(self, *, reference: str, petition_id: uuid.UUID, summary: str, actor: str, at: datetime) -> bool:
        """Links a petition raised at this visit; a petition already linked is not linked twice."""
        if any(p["reference"] == reference for p in self.petitions):
            return False
        if len(self.petitions) >= MAX_PROBLEMS:
            raise IllegalStepError(f"a visit raises at most {MAX_PROBLEMS} petitions", "recorded", [])
        self._petition_raised(reference=reference, petition_id=petition_id, summary=summary, actor=actor, at=at)
        return True

    @event(PetitionRaised)
    def _petition_raised(self, reference: str, petition_id: uuid.UUID, summary: str, actor: str, at: datetime) -> None:
        self.petitions.append({"reference": reference, "petition_id": petition_id, "summary": summary, "raised_at": at})


def _optional_text(field: str, value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > 2000:
        raise InvalidValueError(field, "must be at most 2000 characters")
    return text


# ---- supervision of the rule -------------------------------------------------------------------


def supervision_item_id(member_id: str, month: str) -> uuid.UUID:
    """One item per member and month: raising it twice fails at save."""
    return uuid.uuid5(NAMESPACE, f"supervision/{member_id}/{month}")


class SupervisionItem(Aggregate):
    """A month in which a member made fewer visits than the rule asks; open until a make-up visit
    brings the month up to the rule or the committee records a reason."""

    class Raised(Aggregate.Created):
        community_id: uuid.UUID
        member_id: str
        month: str
        required: int
        counted: int
        actor: str
        at: datetime

    class MadeUp(Aggregate.Event):
        visit_id: uuid.UUID
        counted: int
        actor: str
        at: datetime

    class Excused(Aggregate.Event):
        reason: str
        actor: str
        at: datetime

    @staticmethod
    def create_id(member_id: str, month: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return supervision_item_id(member_id, month)

    @classmethod
    def raise_for(
        cls, *, community_id: uuid.UUID, member_id: str, month: str, rule: VisitRule, counted: int, today: date,
        actor: str, at: datetime,
    ) -> SupervisionItem:
        parse_month(month)
        if month >= month_of(today):
            raise InvalidValueError("month", "only a month that has ended is checked")
        if counted >= rule.per_month:
            raise InvalidValueError("month", "the month meets the visit rule")
        return cls(community_id=community_id, member_id=member_id, month=month, required=rule.per_month,
                   counted=counted, actor=actor, at=at)

    @event(Raised)
    def __init__(
        self, community_id: uuid.UUID, member_id: str, month: str, required: int, counted: int, actor: str,
        at: datetime,
    ) -> None:
        self.community_id = community_id
        self.member_id = member_id
        self.month = month
        self.required = required
        self.counted = counted
        self.status = "open"
        self.raised_at = at
        self.reason = ""
        self.closed_at: datetime | None = None

    @property
    def allowed_steps(self) -> list[str]:
        return ["make_up", "excuse"] if self.status == "open" else []

    def make_up(self, *, visit_id: uuid.UUID, counted: int, actor: str, at: datetime) -> bool:
        """A make-up visit for the month: closes the item once the month meets the rule it was raised under."""
        if self.status != "open":
            return False
        if counted < self.required:
            return False  # the month is still short: the item stays open, the diary has the visit
        self._made_up(visit_id=visit_id, counted=counted, actor=actor, at=at)
        return True

    @event(MadeUp)
    def _made_up(self, visit_id: uuid.UUID, counted: int, actor: str, at: datetime) -> None:
        self.counted = counted
        self.status = "made_up"
        self.closed_at = at

    def excuse(self, *, reason: str, actor: str, at: datetime) -> None:
        if self.status != "open":
            raise IllegalStepError(f"cannot excuse a supervision item that is {self.status}", self.status, [])
        self._excused(reason=require_text("reason", reason, 500), actor=actor, at=at)

    @event(Excused)
    def _excused(self, reason: str, actor: str, at: datetime) -> None:
        self.reason = reason
        self.status = "excused"
        self.closed_at = at


# ---- the community's setting of the rule -------------------------------------------------------


def visit_rule_id(community_code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"visit-rule/{community_code}")


class VisitRuleSetting(Aggregate):
    """A community's visit rule (a setting; twice a month, phone not counted, until it is set)."""

    class Set(Aggregate.Created):
        community_code: str
        per_month: int
        phone_counts: bool
        actor: str
        at: datetime

    class Changed(Aggregate.Event):
        per_month: int
        phone_counts: bool
        actor: str
        at: datetime

    @staticmethod
    def create_id(community_code: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return visit_rule_id(community_code)

    @classmethod
    def set(cls, *, community_code: str, per_month: int, phone_counts: bool, actor: str, at: datetime) -> VisitRuleSetting:
        return cls(community_code=community_code, per_month=check_rule(per_month), phone_counts=bool(phone_counts),
                   actor=actor, at=at)

    @event(Set)
    def __init__(self, community_code: str, per_month: int, phone_counts: bool, actor: str, at: datetime) -> None:
        self.community_code = community_code
        self.rule = VisitRule(per_month, phone_counts)

    def change(self, *, per_month: int, phone_counts: bool, actor: str, at: datetime) -> None:
        self._changed(per_month=check_rule(per_month), phone_counts=bool(phone_counts), actor=actor, at=at)

    @event(Changed)
    def _changed(self, per_month: int, phone_counts: bool, actor: str, at: datetime) -> None:
        self.rule = VisitRule(per_month, phone_counts)
