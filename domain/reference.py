"""Reference numbers (受理编号): per community and year, sequential, never reused.

A reference reads ``<community code>-<year>-<number>``, e.g. ``jinhua-2026-000001``: the community's
code (unique in the deployment, chosen when it was registered), the year it was received, and the
number of the petition among that community's petitions of that year. Year and number hold no ``-``,
so a reference splits from the right unambiguously and two communities never share one.

Each community has its own counter per year, so one community's desks never wait for another's.
Logs written before numbering per community keep their year counters (``counter_id(year)``,
references ``2026-000001``); those counters are simply no longer taken."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid.UUID("0c3f6a43-2f5f-4a0e-9d3e-6a1f2b9f4d21")


def format_reference(year: int, number: int, community_code: str = "") -> str:
    plain = f"{year}-{number:06d}"
    return f"{community_code}-{plain}" if community_code else plain


class ReferenceCounter(Aggregate):
    """Hands out the next number of a community's year. Saved with the petition it numbers, so two
    desks taking the same number conflict and one of them takes the next (the service serialises the
    takers of one counter, so in one process that does not happen)."""

    class Started(Aggregate.Created):
        year: int
        community_code: str = ""  # empty: a year counter of the whole deployment (logs before per-community numbering)

    class NumberIssued(Aggregate.Event):
        number: int
        at: datetime

    @staticmethod
    def create_id(year: int, community_code: str = "", **_: Any) -> uuid.UUID:  # type: ignore[override]
        return counter_id(year, community_code)

    @event(Started)
    def __init__(self, year: int, community_code: str = "") -> None:
        self.year = year
        self.community_code = community_code
        self.last_number = 0

    def issue(self, at: datetime) -> str:
        self._number_issued(number=self.last_number + 1, at=at)
        return format_reference(self.year, self.last_number, getattr(self, "community_code", ""))

    @event(NumberIssued)
    def _number_issued(self, number: int, at: datetime) -> None:
        self.last_number = number


def counter_id(year: int, community_code: str = "") -> uuid.UUID:
    if community_code:
        return uuid.uuid5(NAMESPACE, f"reference-counter/{community_code}/{year}")
    return uuid.uuid5(NAMESPACE, f"reference-counter/{year}")
