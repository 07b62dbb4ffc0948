"""Next year's calendar: an administrator enters the official holidays and make-up working days;
until then deadlines reaching that year are provisional wherever they are shown."""

from datetime import date, datetime

import pytest

from service import errors
from service.clock import CHINA
from service.permissions import PermissionDeniedError, Principal
from tests.helpers import petition_fields

LINES_2027 = "2027-01-01 holiday 元旦\n2027-01-04 holiday 元旦调休\n2027-01-09 workday\n"


def admin(services):
    return services.as_user(Principal(username="admin", display_name="管理员", roles=("administrator",), community_code=None))


def deadlined(services, community, working_days=3):
    outcome, code = services.petitions.receive(actor="wangfang", **petition_fields(community))
    reference = outcome.petition["reference"]
    services.petitions.set_deadline(reference, working_days=working_days, responsible_member_id=community["handler"],
                                    plan="清运", steps=None, actor="wangfang")
    services.projections.catch_up()
    return reference, code


@pytest.fixture
def late_december(clock):
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=CHINA))  # a Wednesday


class TestBeforeNextYearIsEntered:
    def test_a_deadline_into_2027_is_provisional_in_the_reasoning_the_worklist_and_the_lookup(
            self, services, community, late_december):
        reference, code = deadlined(services, community)
        deadline = services.petitions.deadline(reference)
        assert deadline["due_date"] == date(2027, 1, 5)  # Thu 31, (Fri 1 Jan), Mon 4, Tue 5
        assert deadline["provisional"] and deadline["missing_years"] == [2027]
        row = services.worklist.worklist().items[0]
        assert row["due_date_provisional"] is True
        assert services.lookup.lookup(reference, code, client="t")["deadline"]["provisional"] is True
        assert services.petitions.count_due_date(date(2026, 12, 30), 3).provisional is True

    def test_from_november_the_administrator_is_warned(self, services, clock):
        clock.set(datetime(2026, 10, 31, 10, 0, tzinfo=CHINA))
        assert admin(services).calendars.status()["warn_missing"] == []
        clock.set(datetime(2026, 11, 1, 10, 0, tzinfo=CHINA))
        status = admin(services).calendars.status()
        assert status["warn_missing"] == [2027] and status["next_year_missing"]


class TestEnteringNextYear:
    def test_deadlines_are_counted_on_it_and_no_longer_provisional(self, services, community, late_december):
        assert services.petitions.count_due_date(date(2026, 12, 30), 3).provisional  # read (and kept) before
        entered = admin(services).calendars.enter(2027, lines=LINES_2027)
        assert (entered["holidays"], entered["workdays"], entered["entered_by"]) == (2, 1, "admin")
        # Thu 31 Dec, (Fri 1, Mon 4 off), Tue 5, Wed 6
        due = services.petitions.count_due_date(date(2026, 12, 30), 3)
        assert (due.due_date, due.provisional) == (date(2027, 1, 6), False)
        reference, _ = deadlined(services, community)
        deadline = services.petitions.deadline(reference)
        assert deadline["due_date"] == date(2027, 1, 6) and not deadline["provisional"]
        assert {"day": date(2027, 1, 4), "why": "holiday", "holiday": "元旦调休"} in deadline["skipped"]
        assert services.worklist.worklist().items[0]["due_date_provisional"] is False
        assert admin(services).calendars.status()["warn_missing"] == []

    def test_a_deadline_set_before_the_year_was_entered_keeps_its_date_and_says_what_it_would_be(
            self, services, community, late_december):
        reference, _ = deadlined(services, community)
        assert services.petitions.deadline(reference)["official_due_date"] is None  # nothing official to compare
        admin(services).calendars.enter(2027, lines=LINES_2027)
        deadline = services.petitions.deadline(reference)
        assert (deadline["due_date"], deadline["official_due_date"], deadline["provisional"]) == (
            date(2027, 1, 5), date(2027, 1, 6), False)

    def test_entering_it_again_corrects_it_and_both_are_in_the_log(self, services, late_december):
        calendars = admin(services).calendars
        calendars.enter(2027, lines=LINES_2027)
        again = calendars.enter(2027, lines="2027-01-01 holiday 元旦\n")
        assert again["version"] == 2 and again["holidays"] == 1

    def test_a_repeat_with_the_same_key_answers_the_first_result(self, services, late_december):
        calendars = admin(services).calendars
        first = calendars.enter(2027, lines=LINES_2027, idempotency_key="k1")
        assert calendars.enter(2027, lines=LINES_2027, idempotency_key="k1") == first
        assert calendars.get(2027)["version"] == 1

    def test_a_bad_line_is_refused_naming_it(self, services, late_december):
        with pytest.raises(errors.InvalidInputError) as refused:
            admin(services).calendars.enter(2027, lines="2027-01-01 holiday\n2027-01-05 workday\n")
        assert refused.value.fields == {
            "lines": ["line 2: 2027-01-05 is a weekday; a make-up working day falls on a weekend"]}

    def test_only_an_administrator_enters_a_calendar(self, services, late_december):
        desk = services.as_user(Principal(username="wf", display_name="王芳", roles=("desk_staff",), community_code="jinhua"))
        with pytest.raises(PermissionDeniedError):
            desk.calendars.enter(2027, lines=LINES_2027)
