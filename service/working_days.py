"""Working days on the mainland China calendar (chinesecalendar: public holidays
and make-up working days as published by the State Council).

An administrator enters a year's official arrangement (domain/calendar.py): its
listed days override the library's, and a year entered counts as official even
where the library has no data. Years with neither (the State Council publishes
each year's arrangement in the autumn before) fall back to Monday to Friday less
the holidays fixed on the solar calendar; the answer says so, so a deadline set
that way can be stated as provisional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Mapping

import chinese_calendar

from service import errors

SOLAR_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class DueDate:
    due_date: date
    provisional: bool


@lru_cache(maxsize=8192)  # a pure function of the date: worklists ask for the same days again and again
def _library_day(day: date) -> tuple[bool, bool]:
    """(is it a working day, is the answer provisional) by the library alone."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) not in SOLAR_HOLIDAYS, True


@lru_cache(maxsize=256)
def library_covers(year: int) -> bool:
    return not _library_day(date(year, 6, 30))[1]


class WorkingCalendar:
    """The library's calendar with the years an administrator entered: ``official[year][day]`` is
    True for a make-up working day, False for a holiday; other days of an entered year are the
    library's (or Monday to Friday where it has none)."""

    def __init__(self, official: Mapping[int, Mapping[date, bool]] | None = None,
                 names: Mapping[date, str] | None = None) -> None:
        self.official = dict(official or {})
        self.names = dict(names or {})

    def covers(self, year: int) -> bool:
        """Whether ``year`` has an official calendar (the library's or one entered)."""
        return year in self.official or library_covers(year)

    def missing_years(self, start: date, end: date) -> list[int]:
        """The years from ``start`` to ``end`` with no official calendar (a deadline reaching one is provisional)."""
        low, high = min(start, end), max(start, end)
        return [y for y in range(low.year, high.year + 1) if not self.covers(y)]

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(is it a working day, is the answer provisional)."""
        entered = self.official.get(day.year)
        if entered is None:
            return _library_day(day)
        if day in entered:
            return entered[day], False
        working, guessed = _library_day(day)
        return (day.weekday() < 5, False) if guessed else (working, False)

    def holiday_name(self, day: date) -> str | None:
        """The name entered for a listed holiday (the library names its own)."""
        return self.names.get(day) or None


LIBRARY = WorkingCalendar()  # an immutable value: the library's years only


def library_calendar() -> WorkingCalendar:
    """The working calendar of a use case not wired to the entered years (tests, benchmarks)."""
    return LIBRARY


def is_working_day(day: date, calendar: WorkingCalendar | None = None) -> tuple[bool, bool]:
    """(is it a working day, is the answer provisional)."""
    return (calendar or LIBRARY).is_working_day(day)


def add_working_days(start: date, working_days: int, calendar: WorkingCalendar | None = None) -> DueDate:
    """The ``working_days``-th working day after ``start`` (start itself not counted)."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    calendar = calendar or LIBRARY
    day, counted, provisional = start, 0, False
    while counted < working_days:
        if day == date.max:
            raise errors.InvalidInputError({"start": ["is too late: the due date would fall after the year 9999"]})
        day += timedelta(days=1)
        working, guessed = calendar.is_working_day(day)
        provisional = provisional or guessed
        if working:
            counted += 1
    return DueDate(day, provisional)


def working_days_between(start: date, end: date, calendar: WorkingCalendar | None = None) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    calendar = calendar or LIBRARY
    low, high, sign = (start, end, 1) if end >= start else (end, start, -1)
    days = (high - low).days
    return sign * sum(1 for n in range(1, days + 1) if calendar.is_working_day(low + timedelta(days=n))[0])
