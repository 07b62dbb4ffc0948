"""Working days on the mainland China calendar (chinesecalendar: public holidays
and make-up working days as published by the State Council).

Years the library has no data for yet (the State Council publishes each year's
arrangement in the autumn before) fall back to Monday to Friday less the
holidays fixed on the solar calendar; the answer says so, so a deadline set
that way can be stated as provisional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from service import errors

SOLAR_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class DueDate:
    due_date: date
    provisional: bool


@lru_cache(maxsize=8192)  # a pure function of the date: worklists ask for the same days again and again
def is_working_day(day: date) -> tuple[bool, bool]:
    """(is it a working day, is the answer provisional)."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) not in SOLAR_HOLIDAYS, True


def add_working_days(start: date, working_days: int) -> DueDate:
    """The ``working_days``-th working day after ``start`` (start itself not counted)."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    day, counted, provisional = start, 0, False
    while counted < working_days:
        if day == date.max:
            raise errors.InvalidInputError({"start": ["is too late: the due date would fall after the year 9999"]})
        day += timedelta(days=1)
        working, guessed = is_working_day(day)
        provisional = provisional or guessed
        if working:
            counted += 1
    return DueDate(day, provisional)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    low, high, sign = (start, end, 1) if end >= start else (end, start, -1)
    days = (high - low).days
    return sign * sum(1 for n in range(1, days + 1) if is_working_day(low + timedelta(days=n))[0])
