"""Each year's official holidays and make-up working days, as an administrator enters them (typed
or pasted as lines, or imported from a file by ``petitions calendar import``), and the working
calendar every deadline is counted on: the library's years with the entered ones over them."""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.calendar import FIRST_YEAR, LAST_YEAR, YearCalendar, parse_lines, year_calendar_id
from domain.errors import DomainError
from service import errors
from service.clock import Clock
from service.permissions import UseCase
from service.requests import Idempotent, idempotent
from service.store.eventstore import EventLog, translate_domain_error
from service.working_days import WorkingCalendar, library_covers

WARN_FROM_MONTH = 11  # the State Council publishes next year's arrangement around November
CACHE_SECONDS = 5.0  # other processes see a newly entered year within this long


class YearCalendars(Idempotent, UseCase):
    PERMISSIONS = {"enter": "calendar.manage", "status": "calendar.manage", "get": "calendar.manage"}
    COMMANDS = {"enter"}

    def __init__(self, log: EventLog, clock: Clock) -> None:
        self.log = log
        self.clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, WorkingCalendar]] = {}  # shared by the copies each user works with

    @idempotent(lambda _, calendar: year_view(calendar))
    def enter(self, year: int | None, *, lines: str, actor: str) -> dict[str, Any]:
        """Enters (or corrects) ``year``'s official holidays and make-up working days from lines such as
        ``2027-01-01 holiday 元旦`` and ``2027-02-07 workday`` (no year: the year of the first date)."""
        now = self.clock.now()
        try:
            days = parse_lines(lines)
            if year is None:
                if not days:
                    raise errors.InvalidInputError({"lines": ["enter at least one holiday"]})
                year = int(days[0]["day"][:4])
            try:
                calendar: YearCalendar = self.log.repository.get(year_calendar_id(year))
            except AggregateNotFoundError:
                calendar = YearCalendar.enter(year=year, days=days, actor=actor, at=now)
            else:
                calendar.correct(days=days, actor=actor, at=now)
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        self.log.save_or_conflict(calendar, *self.recorded_request(calendar, now))
        self._cache.clear()
        return year_view(calendar)

    def get(self, year: int) -> dict[str, Any]:
        calendar = self._load(year)
        if calendar is None:
            raise errors.NotFoundError(f"no calendar was entered for {year}")
        return year_view(calendar)

    def status(self) -> dict[str, Any]:
        """This year and the next: official (from the library or entered) or missing, and whether the
        administrator should be warned (from November while next year is missing)."""
        today = self.clock.now().date()
        years = []
        for year in (today.year, today.year + 1):
            calendar = self._load(year)
            years.append({
                "year": year, "entered": year_view(calendar) if calendar else None,
                "in_library": library_covers(year), "official": calendar is not None or library_covers(year)})
        missing_next = not years[1]["official"]
        return {"today": today, "years": years,
                "warn_missing": [y["year"] for y in years
                                 if not y["official"] and (y["year"] == today.year or today.month >= WARN_FROM_MONTH)],
                "next_year_missing": missing_next}

    def working_calendar(self) -> WorkingCalendar:
        """The calendar deadlines are counted on; read again after ``CACHE_SECONDS`` (another process may
        have entered a year) or at once after this process entered one."""
        cached = self._cache.get("calendar")
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        with self._lock:
            today = self.clock.now().date()
            official: dict[int, dict[date, bool]] = {}
            names: dict[date, str] = {}
            for year in range(max(FIRST_YEAR, today.year - 2), min(LAST_YEAR, today.year + 3) + 1):
                calendar = self._load(year)
                if calendar is not None:
                    official[year] = calendar.working()
                    names.update({date.fromisoformat(d["day"]): d["name"] for d in calendar.days if d["name"]})
            built = WorkingCalendar(official, names)
            self._cache["calendar"] = (time.monotonic(), built)
            return built

    def _load(self, year: int) -> YearCalendar | None:
        try:
            return self.log.repository.get(year_calendar_id(year))
        except AggregateNotFoundError:
            return None


def year_view(calendar: YearCalendar) -> dict[str, Any]:
    return {"year": calendar.year, "days": [{**d, "day": date.fromisoformat(d["day"])} for d in calendar.days],
            "holidays": sum(1 for d in calendar.days if d["kind"] == "holiday"),
            "workdays": sum(1 for d in calendar.days if d["kind"] == "workday"),
            "entered_by": calendar.entered_by, "entered_at": calendar.entered_at, "version": calendar.version}
