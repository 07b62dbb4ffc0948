"""The transparency log's entries: what the public board discloses, as canonical JSON.

Every item the board discloses becomes one entry, in the order of the event log:
a petition's public steps (reference, category, public summary, status changes
and dates, never personal data or staff's free text), resolution disclosures
(text, tally, notice period), objections counted when a notice period ends,
implementation progress and results, a matter's closing, and each community's
monthly statistics once the month has ended.

Entries are canonical JSON (RFC 8785 style: keys sorted, no whitespace, UTF-8),
so the same disclosure is always the same bytes and anyone can hash it again.
Time-driven entries (a month's statistics, objections at the end of a notice
period) are dated at the boundary itself and come before the first event after
it, so the log's order follows from the events alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
VERSION = 1

# The monthly statistics, each counted from the petition steps of the month (see month_statistics).
STATISTICS = (
    "received", "resolved_on_spot", "resolved", "resolved_on_time", "resolved_late", "escalated", "explained",
    "withdrawn", "merged", "overdue", "followed_up", "satisfied", "basically_satisfied", "dissatisfied", "reopened",
)

# Which petition steps each statistic counts (and, for some, which field must hold).
FIGURE_STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "received": ("received", {}),
    "resolved_on_spot": ("resolved_on_spot", {}),
    "resolved": ("resolved", {}),
    "resolved_on_time": ("resolved", {"on_time": True}),
    "resolved_late": ("resolved", {"on_time": False}),
    "escalated": ("escalated", {}),
    "explained": ("explained", {}),
    "withdrawn": ("withdrawn", {}),
    "merged": ("merged", {}),
    "overdue": ("marked_overdue", {}),
    "followed_up": ("followed_up", {}),
    "satisfied": ("followed_up", {"satisfaction": "satisfied"}),
    "basically_satisfied": ("followed_up", {"satisfaction": "basically_satisfied"}),
    "dissatisfied": ("followed_up", {"satisfaction": "dissatisfied"}),
    "reopened": ("followed_up", {"satisfaction": "dissatisfied"}),
}


def canonical(entry: dict[str, Any]) -> bytes:
    """The one byte form of an entry: sorted keys, no whitespace, UTF-8 (no escapes for Chinese)."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def moment(at: datetime) -> str:
    """A time as the log writes it: China time, to the second, with its offset."""
    return at.astimezone(CHINA).replace(microsecond=0).isoformat()


def month_of(at: datetime) -> str:
    local = at.astimezone(CHINA)
    return f"{local.year:04d}-{local.month:02d}"


def month_start(month: str) -> datetime:
    year, number = int(month[:4]), int(month[5:7])
    return datetime(year, number, 1, tzinfo=CHINA)


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + 1:04d}-01" if number == 12 else f"{year:04d}-{number + 1:02d}"


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` (China time): where a notice period ending that day is over."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(days=1)


def month_statistics(steps: Iterable[dict[str, Any]], community: str, month: str) -> dict[str, int]:
    """A community's figures for a month, counted from petition-step entries: each figure is the
    number of that month's steps of its kind (see FIGURE_STEPS). The verifier counts the same way."""
    counts = dict.fromkeys(STATISTICS, 0)
    for step in steps:
        if step.get("kind") != "petition_step" or step.get("community") != community or step.get("month") != month:
            continue
        for figure in STATISTICS:
            if counts_for(figure, step):
                counts[figure] += 1
    return counts


def counts_for(figure: str, step: dict[str, Any]) -> bool:
    """Whether a petition-step entry is one of those behind ``figure``."""
    name, condition = FIGURE_STEPS[figure]
    return step.get("step") == name and all(step.get(k) == v for k, v in condition.items())


def petition_step(
    *, step: str, status: str, at: datetime, reference: str, community: str, category: str, **details: Any,
) -> dict[str, Any]:
    """One public step of a petition. ``details`` are dates, counts and choices, never free text or names."""
    entry = {
        "v": VERSION, "kind": "petition_step", "step": step, "status": status, "at": moment(at),
        "month": month_of(at), "reference": reference, "community": community, "category": category,
    }
    entry.update({k: _plain(v) for k, v in details.items() if v is not None})
    return entry


def matter_entry(kind: str, *, at: datetime, community: str, matter: str, **details: Any) -> dict[str, Any]:
    """A committee matter's disclosure: resolution, objections counted, implementation, result, closing."""
    entry = {"v": VERSION, "kind": kind, "at": moment(at), "month": month_of(at), "community": community,
             "matter": matter}
    entry.update({k: _plain(v) for k, v in details.items() if v is not None})
    return entry


def member_work_entry(kind: str, *, at: datetime, community: str, subject: str, **details: Any) -> dict[str, Any]:
    """A member's public commitment or its end, a questionnaire's results with the feedback, a year-end
    rating (members' names and posts are public by design; residents' are never here)."""
    entry = {"v": VERSION, "kind": kind, "at": moment(at), "month": month_of(at), "community": community,
             "subject": subject}
    entry.update({k: _plain(v) for k, v in details.items() if v is not None})
    return entry


def statistics_entry(*, community: str, month: str, counts: dict[str, int]) -> dict[str, Any]:
    """A community's statistics for a month that has ended, dated at the month's end."""
    return {"v": VERSION, "kind": "month_statistics", "at": moment(month_start(next_month(month))),
            "month": month, "community": community, "counts": dict(counts)}


def community_entry(*, at: datetime, community: str, name: str, kind: str) -> dict[str, Any]:
    return {"v": VERSION, "kind": "community_registered", "at": moment(at), "month": month_of(at),
            "community": community, "name": name, "community_kind": kind}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
