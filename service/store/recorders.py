"""Event store recorders, where the library's own need a correction.

eventsourcing 9.5's PostgreSQL recorder, with ``POSTGRES_ENABLE_DB_FUNCTIONS``,
inserts events through a database function that silently drops a tracking
record given with them (a follower that writes events together with its
tracking record, the matter-outcomes process, would lose its position and do
its work twice), and that takes no table lock: positions drawn from the
sequence can then commit out of order, and a follower reading the log by
position skips one committed after it read past it. This recorder always takes
the library's transactional path — tracking record, EXCLUSIVE table lock,
events, one commit — so positions become visible in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing import postgres
from eventsourcing.persistence import StoredEvent


class PostgresProcessRecorder(postgres.PostgresProcessRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not self.datastore.enable_db_functions:
            return super().insert_events(stored_events, **kwargs)
        # Always the locked path: the function path takes no table lock, so two saves can commit their
        # positions out of order, and a follower that has read past a position still uncommitted skips
        # it for good (seen under load: a petition missing from the read models).
        return self._insert_events_with_tracking(stored_events, **kwargs)

    def _insert_events_with_tracking(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        # The library's own path when database functions are off (PostgresApplicationRecorder.insert_events).
        error: Exception | None = None
        notification_ids: Sequence[int] | None = None
        with self.datastore.get_connection() as connection:
            with connection.pipeline() as pipeline, connection.transaction():
                with connection.cursor() as cursor:
                    self._insert_events(cursor, stored_events, **kwargs)  # the tracking record
                if stored_events:
                    with connection.cursor() as cursor:
                        try:
                            self._insert_stored_events(cursor, stored_events, **kwargs)
                            pipeline.sync()  # a uniqueness violation surfaces here, not at commit
                            notification_ids = self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)
                        except Exception as caught:  # noqa: BLE001 - re-raised once the pipeline has closed
                            error = caught
            if error:
                raise error
        return notification_ids
