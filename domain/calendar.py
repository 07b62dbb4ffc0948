"""A year's official calendar: the public holidays and the make-up working days the State Council
publishes each autumn for the next year, entered by an administrator (the calendar library the
service counts with knows only the years it was released for)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValueError

NAMESPACE = uuid.UUID("3f6c1c8e-0b7e-4f0e-9d55-0c2b1f6a7e21")
KINDS = ("holiday", "workday")
FIRST_YEAR, LAST_YEAR = 2000, 2100
_LINE = re.compile(r"^(?P<day>\S+)\s+(?P<kind>\S+)(?:\s+(?P<name>.+))?$")


def year_calendar_id(year: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"year-calendar/{year}")


def parse_lines(text: str) -> list[dict[str, str]]:
    """``2027-01-01 holiday 元旦`` / ``2027-02-07 workday``, one day a line (blank lines and lines
    starting with # are skipped); a line that is not one is refused, naming its number."""
    days = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line or line.startswith("#"):
            continue
        found = _LINE.match(line)
        if not found:
            raise InvalidValueError("lines", f"line {number}: write a date and holiday or workday, such as 2027-01-01 holiday")
        try:
            day = date.fromisoformat(found["day"])
        except ValueError:
            raise InvalidValueError("lines", f"line {number}: {found['day']} is not a date such as 2027-01-01") from None
        kind = found["kind"].lower()
        if kind not in KINDS:
            raise InvalidValueError("lines", f"line {number}: {found['kind']} is neither holiday nor workday")
        days.append({"day": day.isoformat(), "kind": kind, "name": (found["name"] or "").strip(), "line": str(number)})
    return days


class YearCalendar(Aggregate):
    """One year's official holidays and make-up working days. Entered again, the whole year's list is
    replaced by the new one (a correction is a new event; the earlier list stays in the history)."""

    class Entered(Aggregate.Created):
        year: int
        days: list[dict[str, str]]
        actor: str
        at: datetime

    class Corrected(Aggregate.Event):
        days: list[dict[str, str]]
        actor: str
        at: datetime

    @staticmethod
    def create_id(year: int, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return year_calendar_id(year)

    @classmethod
    def enter(cls, *, year: int, days: list[dict[str, str]], actor: str, at: datetime) -> YearCalendar:
        return cls(year=year, days=cls.checked(year, days), actor=actor, at=at)

    @event(Entered)
    def __init__(self, year: int, days: list[dict[str, str]], actor: str, at: datetime) -> None:
        self.year = year
        self._apply(days, actor, at)

    def correct(self, *, days: list[dict[str, str]], actor: str, at: datetime) -> None:
        days = self.checked(self.year, days)
        if days == self.days:
            raise InvalidValueError("lines", "is the list already entered for this year")
        self._corrected(days=days, actor=actor, at=at)

    @event(Corrected)
    def _corrected(self, days: list[dict[str, str]], actor: str, at: datetime) -> None:
        self._apply(days, actor, at)

    def _apply(self, days: list[dict[str, str]], actor: str, at: datetime) -> None:
        self.days = days
        self.entered_by = actor
        self.entered_at = at

    @staticmethod
    def checked(year: int, days: list[dict[str, str]]) -> list[dict[str, str]]:
        """The days in date order, each once, each of ``year``; a make-up working day is a weekend day."""
        if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidValueError("year", f"must be a year from {FIRST_YEAR} to {LAST_YEAR}")
        if not days:
            raise InvalidValueError("lines", "enter at least one holiday")
        seen: dict[str, str] = {}
        kept = []
        for entry in days:
            line = entry.get("line") or str(len(kept) + 1)
            day = date.fromisoformat(entry["day"])
            if day.year != year:
                raise InvalidValueError("lines", f"line {line}: {day.isoformat()} is not in {year}")
            if entry["day"] in seen:
                raise InvalidValueError("lines", f"line {line}: {day.isoformat()} is listed twice (also line {seen[entry['day']]})")
            if entry["kind"] not in KINDS:
                raise InvalidValueError("lines", f"line {line}: {entry['kind']} is neither holiday nor workday")
            if entry["kind"] == "workday" and day.weekday() < 5:
                raise InvalidValueError("lines", f"line {line}: {day.isoformat()} is a weekday; a make-up working day falls on a weekend")
            seen[entry["day"]] = line
            kept.append({"day": day.isoformat(), "kind": entry["kind"], "name": (entry.get("name") or "").strip()})
        if not any(d["kind"] == "holiday" for d in kept):
            raise InvalidValueError("lines", "enter at least one holiday")
        return sorted(kept, key=lambda d: d["day"])

    def working(self) -> dict[date, bool]:
        """Each listed day: True for a make-up working day, False for a holiday."""
        return {date.fromisoformat(d["day"]): d["kind"] == "workday" for d in self.days}
