"""Working days on the mainland China calendar: holidays and make-up working days."""

from datetime import date

from service.working_days import add_working_days, is_working_day, working_days_between


class TestSpringFestival2026:
    # Holiday 15-23 Feb 2026; make-up working days Sat 14 Feb and Sat 28 Feb.
    def test_the_holiday_is_skipped_and_the_make_up_saturday_counts(self):
        assert is_working_day(date(2026, 2, 14)) == (True, False)
        assert is_working_day(date(2026, 2, 16)) == (False, False)
        # from Fri 13 Feb: Sat 14 (make-up), then the holiday, then Tue 24, Wed 25
        assert add_working_days(date(2026, 2, 13), 3).due_date == date(2026, 2, 25)

    def test_a_week_across_the_festival(self):
        assert add_working_days(date(2026, 2, 12), 5).due_date == date(2026, 2, 26)
        assert add_working_days(date(2026, 2, 23), 5).due_date == date(2026, 2, 28)


class TestNationalDay2026:
    # Holiday 1-7 Oct 2026; make-up working days Sun 20 Sep and Sat 10 Oct.
    def test_the_make_up_sunday_before_it_counts(self):
        assert add_working_days(date(2026, 9, 19), 1).due_date == date(2026, 9, 20)

    def test_the_golden_week_is_skipped_and_the_make_up_saturday_counts(self):
        assert add_working_days(date(2026, 9, 30), 1).due_date == date(2026, 10, 8)
        assert add_working_days(date(2026, 9, 30), 3).due_date == date(2026, 10, 10)
        assert add_working_days(date(2026, 9, 25), 5).due_date == date(2026, 10, 9)

    def test_counting_back_and_forth_agrees(self):
        assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
        assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3


def test_a_year_the_calendar_has_no_data_for_counts_weekdays_less_new_year_and_says_so():
    due = add_working_days(date(2026, 12, 30), 3)
    assert due.provisional
    assert due.due_date == date(2027, 1, 5)  # Thu 31 Dec, (Fri 1 Jan off), Mon 4, Tue 5
    assert not add_working_days(date(2026, 12, 1), 3).provisional
