"""Deadlines that explain themselves: how a petition's due date was counted and why it is (or is not) overdue.

From the petition's own events: the deadline set (on which day, how many working days),
each extension (from which due date, how many more working days, and its reason), and
the mainland calendar: every day counted, every weekend day and public holiday skipped
(with the holiday's name), every make-up working day on a weekend that counted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import chinese_calendar

from domain.petition import Petition
from service.working_days import LIBRARY, WorkingCalendar, add_working_days, working_days_between

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def counted(start: date, end: date, calendar: WorkingCalendar = LIBRARY) -> dict[str, Any]:
    """The days after ``start`` up to ``end``: the working days counted, the days skipped and why;
    provisional when they reach a year with no official calendar (``missing_years``)."""
    days, skipped, make_up, provisional = [], [], [], False
    day = start
    while day < end:
        day += timedelta(days=1)
        working, guessed = calendar.is_working_day(day)
        provisional = provisional or guessed
        name = _holiday(day, calendar)
        if working:
            days.append(day)
            if day.weekday() >= 5:
                make_up.append({"day": day, "why": "make_up_working_day", "holiday": name})
        else:
            skipped.append({"day": day, "why": "holiday" if name else "weekend", "holiday": name})
    return {"counted": days, "skipped": skipped, "make_up_days": make_up, "provisional": provisional,
            "missing_years": calendar.missing_years(start, end) if provisional else []}


def _holiday(day: date, calendar: WorkingCalendar = LIBRARY) -> str | None:
    entered = calendar.holiday_name(day)
    if entered:
        return entered
    if day.year in calendar.official and calendar.official[day.year].get(day) is None:
        return None  # an entered year: only its listed days are holidays
    try:
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if name is None:
        return None
    english = getattr(name, "value", name)
    return f"{HOLIDAY_NAMES.get(english, english)} {english}"


def explain(events: list[Any], today: date, calendar: WorkingCalendar = LIBRARY) -> dict[str, Any] | None:
    """The current deadline of a petition with its reasoning; None if it never had one. ``provisional``
    when the due date reaches a year with no official calendar (counted as weekdays until one is entered)."""
    current: dict[str, Any] | None = None
    status = None
    overdue_on = None
    for e in events:
        if isinstance(e, Petition.DeadlineSet):
            start = e.at.date()
            current = {"set_on": start, "working_days": e.working_days, "due_date": e.due_date,
                       **counted(start, e.due_date, calendar), "extensions": [],
                       "official_due_date": _recounted(start, e.working_days, e.due_date, calendar)}
            overdue_on = None
        elif isinstance(e, Petition.DeadlineExtended) and current is not None:
            current["extensions"].append({
                "on": e.at.date(), "working_days": e.working_days, "from": e.previous_due_date, "to": e.due_date,
                "reason": e.reason, **counted(e.previous_due_date, e.due_date, calendar)})
            current["due_date"] = e.due_date
            overdue_on = None
        elif isinstance(e, Petition.MarkedOverdue):
            overdue_on = e.at.date()
        elif isinstance(e, Petition.FollowedUp) and e.satisfaction == "dissatisfied":
            current, overdue_on = None, None  # reopened: a new triage, a new deadline
        status = _status_after(e, status)
    if current is None:
        return None
    due = current["due_date"]
    open_now = status == "deadlined"
    current["open"] = open_now
    current["overdue"] = bool(open_now and today > due)
    current["marked_overdue_on"] = overdue_on
    current["working_days_left"] = working_days_between(today, due, calendar) if open_now else None
    missing = sorted({*current["missing_years"], *(y for x in current["extensions"] for y in x["missing_years"])})
    current["provisional"] = bool(missing)
    current["missing_years"] = missing
    if not open_now:
        current["state"] = "settled"
    elif today > due:
        current["state"] = "overdue"
    elif today == due:
        current["state"] = "due_today"
    else:
        current["state"] = "running"
    return current


def _recounted(start: date, working_days: int, due: date, calendar: WorkingCalendar) -> date | None:
    """The due date on today's calendar when it differs from the one set (it was counted before that
    year's official holidays were entered): the recorded date stands until someone extends it."""
    recounted = add_working_days(start, working_days, calendar)
    return recounted.due_date if not recounted.provisional and recounted.due_date != due else None


def _status_after(e: Any, status: str | None) -> str | None:
    names = {
        Petition.Received: "received", Petition.DeadlineSet: "deadlined", Petition.Resolved: "resolved",
        Petition.ResolvedOnSpot: "resolved_on_spot", Petition.Escalated: "escalated", Petition.Explained: "explained",
        Petition.Withdrawn: "withdrawn", Petition.Merged: "merged",
    }
    if isinstance(e, Petition.FollowedUp):
        return "reopened" if e.satisfaction == "dissatisfied" else "closed"
    return names.get(type(e), status)
