"""The matter-outcomes process: a closed committee matter's outcome flows back to its petitions.

It follows the event log from its tracked position. For each matter that closed
(result disclosed) it resolves every linked petition with the result; for each
matter ended after a rejected vote it explains every linked petition with the
committee's reason. The petitions' new events and the tracking record of the
closing event are written in one transaction: if the process dies before that
write, a restarted process does the work; if it dies after, nothing is repeated.
Every petition is updated exactly once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import IntegrityError, Notification, Tracking

from domain.matter import CommitteeMatter
from domain.petition import Petition, petition_id
from service import errors
from service.store.eventstore import EventLog
from service.petitions import PetitionDesk

MAX_ATTEMPTS = 5

log = logging.getLogger(__name__)


def _topic(event_class: type) -> str:
    return f"{event_class.__module__}:{event_class.__qualname__}"


class MatterOutcomes:
    """Reacts to ``ResultDisclosed`` and ``Ended``; its position is a tracking record in the event store."""

    name = "matter-outcomes"
    closing_topics = (_topic(CommitteeMatter.ResultDisclosed), _topic(CommitteeMatter.Ended))

    def __init__(self, log: EventLog, desk: PetitionDesk, batch_size: int = 100) -> None:
        self.log = log
        self.desk = desk
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def position(self) -> int:
        """The last log position this process has dealt with."""
        return self.log.recorder.max_tracking_id(self.name) or 0

    def catch_up(self) -> int:
        """Deals with every matter closed since the tracked position; answers how many petitions it updated."""
        updated = 0
        with self._lock:
            last = self.log.last_position()  # every position up to here is committed
            start = self.position()
            while start < last:
                closing = self.log.recorder.select_notifications(
                    start, self.batch_size, stop=last, topics=self.closing_topics, inclusive_of_start=False
                )
                for notification in closing:
                    updated += self._react(notification)
                if len(closing) < self.batch_size:
                    break
                start = closing[-1].id
            self._advance(last)
        return updated

    def _react(self, notification: Notification[Any]) -> int:
        """Updates the petitions of one closed matter, with its tracking record; answers how many."""
        event = self.log.mapper.to_domain_event(notification)
        for _ in range(MAX_ATTEMPTS):
            if self.position() >= notification.id:
                return 0  # another follower has dealt with it
            petitions = self._apply(event)
            if not petitions:
                return 0  # nothing to write: the position moves on with the next write or advance
            try:
                self._record(notification.id, petitions)
            except IntegrityError:
                continue  # done meanwhile by another follower, or a petition changed: look again
            return len(petitions)
        raise errors.VersionConflictError(
            f"the petitions of matter {event.originator_id} kept changing; the outcome is retried on the next round"
        )

    def _apply(self, event: CommitteeMatter.ResultDisclosed | CommitteeMatter.Ended) -> list[Petition]:
        """Loads the matter's petitions and takes the outcome step on each still waiting on it (nothing saved)."""
        changed = []
        for reference in event.petition_references:
            try:
                petition = self.log.repository.get(petition_id(reference))
            except AggregateNotFoundError:
                continue
            if petition.status != "escalated" or petition.matter_id != event.originator_id:
                continue  # withdrawn, merged or otherwise settled meanwhile: nothing to do
            if isinstance(event, CommitteeMatter.ResultDisclosed):
                petition = self.desk.resolve_by_committee(
                    reference, matter_id=event.originator_id, outcome=event.result, actor=event.actor
                )
            else:
                petition = self.desk.explain_by_committee(
                    reference, matter_id=event.originator_id, explanation=event.reason, actor=event.actor
                )
            changed.append(petition)
        return changed

    def _record(self, notification_id: int, petitions: list[Petition]) -> None:
        """Writes the petitions' events and the tracking record in one transaction."""
        processing = ProcessingEvent(Tracking(application_name=self.name, notification_id=notification_id))
        processing.collect_events(*petitions)
        self.log._record(processing)  # noqa: SLF001 - the library's way to write events with tracking

    def _advance(self, position: int) -> None:
        """Moves the position past notifications that needed no write (no petitions are written with it)."""
        if position <= self.position():
            return
        try:
            self.log.recorder.insert_tracking(Tracking(application_name=self.name, notification_id=position))
        except IntegrityError:
            pass  # another follower moved it as far already

    # ---- the background follower (``petitions serve``) -------------------------------------

    def start(self, interval: float = 0.5) -> None:
        """Keeps catching up from a background thread, next to the projections' follower."""
        if self._thread:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._follow, args=(interval,), name="matter-outcomes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
            self._thread = None

    def _follow(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.catch_up()
            except Exception as error:  # noqa: BLE001 - nothing of a failed round was written; retried next round
                log.warning("matter outcomes catch-up failed (%s); retrying", type(error).__name__)
