"""A year's official calendar entered by an administrator, and deadlines counted on it (no database)."""

from datetime import date, datetime, timezone

import pytest

from domain.calendar import YearCalendar, parse_lines
from domain.errors import InvalidValueError
from service.deadlines import counted
from service.working_days import WorkingCalendar, add_working_days, working_days_between

AT = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
LINES_2027 = """# 2027
2027-01-01 holiday 元旦
2027-02-06 holiday 春节
2027-02-07 workday
2027-02-08 holiday 春节
2027-02-09 holiday 春节
"""


def entered_2027() -> YearCalendar:
    return YearCalendar.enter(year=2027, days=parse_lines(LINES_2027), actor="admin", at=AT)


class TestEnteringAYear:
    def test_the_days_are_recorded_with_who_and_when(self):
        calendar = entered_2027()
        event = calendar.collect_events()[0]
        assert type(event).__name__ == "Entered"
        assert (event.year, event.actor, event.at) == (2027, "admin", AT)
        assert calendar.working()[date(2027, 2, 7)] is True
        assert calendar.working()[date(2027, 2, 8)] is False
        assert calendar.days[0] == {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}

    def test_a_line_that_is_not_a_day_is_refused_naming_its_number(self):
        with pytest.raises(InvalidValueError) as refused:
            parse_lines("2027-01-01 holiday\n2027-13-01 holiday\n")
        assert refused.value.field == "lines"
        assert refused.value.message == "line 2: 2027-13-01 is not a date such as 2027-01-01"
        with pytest.raises(InvalidValueError, match="^lines: line 1: off is neither holiday nor workday$"):
            parse_lines("2027-01-01 off")

    def test_a_day_of_another_year_or_listed_twice_is_refused(self):
        with pytest.raises(InvalidValueError, match="line 1: 2026-12-31 is not in 2027"):
            YearCalendar.enter(year=2027, days=parse_lines("2026-12-31 holiday"), actor="admin", at=AT)
        with pytest.raises(InvalidValueError, match=r"line 2: 2027-01-01 is listed twice \(also line 1\)"):
            YearCalendar.enter(year=2027, days=parse_lines("2027-01-01 holiday\n2027-01-01 holiday"), actor="a", at=AT)

    def test_a_make_up_working_day_falls_on_a_weekend(self):
        with pytest.raises(InvalidValueError, match="line 2: 2027-02-10 is a weekday"):
            YearCalendar.enter(year=2027, days=parse_lines("2027-01-01 holiday\n2027-02-10 workday"), actor="a", at=AT)

    def test_entering_again_corrects_the_whole_list_and_keeps_the_earlier_one_in_the_history(self):
        calendar = entered_2027()
        calendar.correct(days=parse_lines("2027-01-01 holiday 元旦"), actor="admin2", at=AT)
        assert [type(e).__name__ for e in calendar.collect_events()] == ["Entered", "Corrected"]
        assert calendar.days == [{"day": "2027-01-01", "kind": "holiday", "name": "元旦"}]
        assert calendar.entered_by == "admin2"
        with pytest.raises(InvalidValueError, match="already entered"):
            calendar.correct(days=parse_lines("2027-01-01 holiday 元旦"), actor="admin2", at=AT)


class TestCountingOnAnEnteredYear:
    def test_without_it_2027_is_counted_as_weekdays_and_provisional(self):
        due = add_working_days(date(2027, 2, 5), 2)
        assert due == type(due)(date(2027, 2, 9), True)

    def test_with_it_holidays_are_skipped_the_make_up_sunday_counts_and_nothing_is_provisional(self):
        calendar = WorkingCalendar({2027: entered_2027().working()})
        # Fri 5 Feb: Sat 6 holiday, Sun 7 make-up (1), Mon 8 and Tue 9 holidays, Wed 10 (2)
        due = add_working_days(date(2027, 2, 5), 2, calendar)
        assert due == type(due)(date(2027, 2, 10), False)
        assert working_days_between(date(2027, 2, 5), date(2027, 2, 10), calendar) == 2
        assert calendar.missing_years(date(2026, 12, 1), date(2027, 2, 10)) == []

    def test_the_reasoning_names_the_entered_holidays(self):
        calendar = WorkingCalendar({2027: entered_2027().working()}, {date(2027, 2, 8): "春节"})
        reasoning = counted(date(2027, 2, 5), date(2027, 2, 10), calendar)
        assert reasoning["provisional"] is False
        assert {"day": date(2027, 2, 8), "why": "holiday", "holiday": "春节"} in reasoning["skipped"]
        assert reasoning["make_up_days"][0]["day"] == date(2027, 2, 7)

    def test_the_reasoning_names_the_years_missing(self):
        reasoning = counted(date(2026, 12, 28), date(2027, 1, 5))
        assert reasoning["provisional"] is True
        assert reasoning["missing_years"] == [2027]

    def test_an_entered_day_overrides_the_library(self):
        # the library says Sat 14 Feb 2026 is a make-up working day; an entered list may say otherwise
        calendar = WorkingCalendar({2026: {date(2026, 2, 14): False}})
        assert calendar.is_working_day(date(2026, 2, 14)) == (False, False)
        assert calendar.is_working_day(date(2026, 2, 16)) == (False, False)  # the library's, still
