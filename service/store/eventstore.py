"""The event-sourced application: one event log for every aggregate of a deployment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from domain.errors import DomainError, IllegalStepError, InvalidValueError
from service import errors
from service.erasures import check_since_last_start
from service.store.personal_data import KeyStore, PersonalDataMapper


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EventLog(Application[UUID]):
    """Stores every change as an event. The use-case classes load, command and save through it."""

    name = "Petitions"
    # No snapshots: with them every read of any aggregate asks the snapshot table first (a round trip).
    # Reference counters, the one aggregate that was snapshotted, are per community and year now and
    # kept in memory by the process that takes their numbers (service.numbering).
    env = {"AGGREGATE_CACHE_MAXSIZE": "2000", "CREATE_TABLE": "y"}  # noqa: RUF012

    def __init__(self, env: dict[str, str], keys: KeyStore) -> None:
        self.keys = keys
        self._kept: dict[str, Any] = {}
        self._keeping = threading.Lock()
        super().__init__(env=env)
        # A key store restored from a backup older than some erasures holds those people's keys again:
        # the erasures the log records past the position the key store last checked are applied again
        # before anything is served (reads only erasure events, from that position on).
        check_since_last_start(keys, self.recorder, self.mapper)

    def kept(self, name: str, build: Callable[[EventLog], Any]) -> Any:
        """State this process keeps beside the log (the desks' reference counters, the communities the
        desk's checks read), built on first use."""
        with self._keeping:
            if name not in self._kept:
                self._kept[name] = build(self)
            return self._kept[name]

    def construct_mapper(self):  # type: ignore[no-untyped-def]
        # Petitioners' personal data is sealed with a key per petitioner (erasable); see service.store.personal_data.
        mapper = self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PersonalDataMapper)
        mapper.keys = self.keys
        return mapper

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_recorder(self):  # type: ignore[no-untyped-def]
        # A process recorder also stores tracking records, in the same transaction
        # as new events: what lets a follower react to each event exactly once.
        return self.factory.process_recorder()

    def load(self, aggregate_id: UUID, what: str = "aggregate") -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise errors.NotFoundError(f"{what} not found") from None

    def exists(self, aggregate_id: UUID) -> bool:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def save_or_conflict(self, *aggregates: Aggregate, **kwargs: Any) -> int:
        """Saves; returns the log position of the last event. A concurrent change raises a conflict."""
        try:
            recordings = self.save(*aggregates, **kwargs)
        except IntegrityError:
            raise errors.VersionConflictError(
                "someone else changed this at the same time; reload and try again"
            ) from None
        return recordings[-1].notification.id if recordings else self.last_position()

    def last_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def aggregate_ids_created_by(self, created_event: type) -> list[UUID]:
        topic = f"{created_event.__module__}:{created_event.__qualname__}"
        ids, start = [], 1
        while True:
            batch = self.recorder.select_notifications(start, 500, topics=[topic])
            ids.extend(n.originator_id for n in batch)
            if len(batch) < 500:
                return ids
            start = batch[-1].id + 1


def translate_domain_error(error: DomainError, aggregate: Any) -> errors.ServiceError:
    if isinstance(error, InvalidValueError):
        return errors.InvalidInputError({error.field: [error.message]})
    if isinstance(error, IllegalStepError):
        return errors.IllegalStepError(
            error.message, error.state, error.allowed_steps, getattr(aggregate, "version", None)
        )
    return errors.ServiceError(str(error))


def check_version(aggregate: Any, expected_version: int | None, state: str) -> None:
    if expected_version is not None and expected_version != aggregate.version:
        raise errors.VersionConflictError(
            f"you acted on version {expected_version}, but it is now at version {aggregate.version}: "
            "reload and try again",
            {"state": state, "version": aggregate.version},
        )


EVENT_FIELDS_NOT_SHOWN = frozenset({"originator_id", "originator_topic", "originator_version", "timestamp", "actor", "at"})


def history_entry(event: Any, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """One event as people read it: what, which version, who, when, and its details."""
    details = {k: v for k, v in event.__dict__.items() if k not in EVENT_FIELDS_NOT_SHOWN and k not in hidden}
    return {
        "event": type(event).__name__,
        "version": event.originator_version,
        "actor": event.actor,
        "at": event.at,
        "details": details,
    }
