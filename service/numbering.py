"""Taking reference numbers without failing a receipt.

Every community has a counter per year (``domain.reference``), so desks of different communities
never touch the same counter. Desks of one community do: in one process they take turns on a lock
per counter, which also keeps the counter as this process last saved it (no read before taking the
next number). A desk in another process that took a number meanwhile makes the save conflict; the
receipt then reloads the counter and takes the next number, for as long as ``PATIENCE`` allows (a
bound in time, not in attempts, so a busy minute does not turn a petitioner away)."""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.reference import ReferenceCounter, counter_id

PATIENCE = 30.0  # seconds a receipt keeps taking the next number before it answers 409


class Numbering:
    """One per event log (per process): a lock per counter and the counter as last saved here."""

    def __init__(self, log: Any) -> None:
        self.log = log
        self._guard = threading.Lock()
        self._locks: dict[UUID, threading.Lock] = {}
        self._saved: dict[UUID, ReferenceCounter] = {}

    def lock(self, year: int, community_code: str) -> threading.Lock:
        key = counter_id(year, community_code)
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.Lock()
            return lock

    def counter(self, year: int, community_code: str) -> ReferenceCounter:
        """The counter to take the next number from; call with its lock held."""
        key = counter_id(year, community_code)
        counter = self._saved.pop(key, None)
        if counter is not None:
            return counter
        try:
            return self.log.repository.get(key)
        except AggregateNotFoundError:
            return ReferenceCounter(year=year, community_code=community_code)

    def saved(self, counter: ReferenceCounter) -> None:
        """The counter was saved with its new number: the next taker in this process starts from it."""
        self._saved[counter.id] = counter
