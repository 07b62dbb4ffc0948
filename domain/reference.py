"""Reference numbers (受理编号): sequential per year, never reused."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid.UUID("0c3f6a43-2f5f-4a0e-9d3e-6a1f2b9f4d21")


def format_reference(year: int, number: int) -> str:
    return f"{year}-{number:06d}"


class ReferenceCounter(Aggregate):
    """Hands out the next number of a year. Saved with the petition it numbers,
    so two desks taking the same number conflict and one of them retries."""

    class Started(Aggregate.Created):
        year: int

    class NumberIssued(Aggregate.Event):
        number: int
        at: datetime

    @staticmethod
    def create_id(year: int, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return counter_id(year)

    @event(Started)
    def __init__(self, year: int) -> None:
        self.year = year
        self.last_number = 0

    def issue(self, at: datetime) -> str:
        self._number_issued(number=self.last_number + 1, at=at)
        return format_reference(self.year, self.last_number)

    @event(NumberIssued)
    def _number_issued(self, number: int, at: datetime) -> None:
        self.last_number = number


def counter_id(year: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"reference-counter/{year}")
