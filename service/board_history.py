"""The board as it stood at the end of any past day, from the log (not today's tables filtered by date).

The day's last position in the log is known (``tl_days``, kept by the transparency
follower); the board's read models are built again from the log up to that position in
a scratch in-memory database, by the same projections, and read there by the same
``PublicBoard`` with the clock stopped at the end of that day. So ``as_of=T`` shows what
the board showed on day T, the figures, the days left of each notice period, the
petitions then in progress and the fingerprint signed that day, even weeks later.
Past days never change: each answer is kept in memory once built."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import StaticPool

from domain.petition import petition_id
from projections.communities import CommunitiesProjection
from projections.matters import MattersProjection
from projections.petitions import PetitionsProjection
from projections.runner import ProjectionRunner, topic_of
from projections.transparency import days
from service import errors
from service.clock import CHINA, Clock, ManualClock
from service.lookup import PetitionerLookup
from service.reads import PublicBoard
from service.transparency import TransparencyLog, day_end

KEPT = 64


class BoardHistory:
    """Answers the public board and a petitioner's lookup as of the end of a day."""

    def __init__(self, projections: ProjectionRunner, clock: Clock, transparency: TransparencyLog) -> None:
        self.projections = projections
        self.clock = clock
        self.transparency = transparency
        self._kept: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def position_at_end_of(self, day: date) -> int:
        """The last position in the log of the board's kinds of event recorded on or before ``day``."""
        self.check_day(day)
        with self.projections.engine.connect() as connection:
            return connection.execute(select(func.max(days.c.last_position)).where(days.c.day <= day)).scalar() or 0

    def check_day(self, day: date) -> None:
        if day > self.clock.now().date():
            raise errors.InvalidInputError({"as_of": ["must be a past day or today"]})

    def board(self, code: str, day: date, *, months: int = 12, per_page: int = 10) -> dict[str, Any]:
        position = self.position_at_end_of(day)
        key = ("board", code, day, months, per_page, position)
        kept = self._get(key)
        if kept is not None:
            return kept
        runner = self._replayed(position)
        try:
            board = PublicBoard(runner, ManualClock(_last_moment(day)), cache_seconds=0,
                                transparency=self.transparency, as_of=day_end(day))
            answer = board.board(code, months=months, per_page=per_page)
        finally:
            runner.engine.dispose()
        return self._put(key, answer)

    def petition(self, reference: str, day: date) -> dict[str, Any]:
        """A petition's lookup view as it stood at the end of ``day`` (its own events and its community's)."""
        self.check_day(day)
        until = day_end(day)
        runner = self._scratch()
        try:
            stored = self.projections.recorder.select_events(petition_id(reference))
            events = [e for e in (self.projections.mapper.to_domain_event(s) for s in stored) if e.at < until]
            if not events:
                raise errors.NotFoundError("this petition had not been received by the end of that day")
            petitions_projection, communities_projection = runner.projections[1], runner.projections[0]
            with runner.engine.begin() as connection:
                for notification in self.projections.recorder.select_notifications(
                        1, 100_000, topics=[topic_of(c) for c in communities_projection.event_classes]):
                    event = self.projections.mapper.to_domain_event(notification)
                    if event.at < until:
                        communities_projection.apply(connection, event, notification.id)
                for event in events:
                    petitions_projection.apply(connection, event, event.originator_version)
                petitions_projection.flush(connection)
            lookup = PetitionerLookup(runner, ManualClock(_last_moment(day)))
            return {**lookup.view(reference, events), "as_of": day}
        finally:
            runner.engine.dispose()

    # ---- rebuilding ---------------------------------------------------------------------------------

    def _scratch(self) -> ProjectionRunner:
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        runner = ProjectionRunner(engine, self.projections.recorder, self.projections.mapper,
                                  [CommunitiesProjection(), PetitionsProjection(), MattersProjection()],
                                  batch_size=2000)
        runner.create_tables()
        return runner

    def _replayed(self, position: int) -> ProjectionRunner:
        runner = self._scratch()
        if position:
            runner.catch_up(until=position)
        return runner

    def _get(self, key: tuple) -> Any:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        return None

    def _put(self, key: tuple, value: Any) -> Any:
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return value


def _last_moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(days=1) - timedelta(seconds=1)

