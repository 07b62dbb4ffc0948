"""Event store recorders, where the library's own need a correction.

eventsourcing 9.5's PostgreSQL recorder, with ``POSTGRES_ENABLE_DB_FUNCTIONS``,
inserts events through a database function and silently drops a tracking
record given with them. A follower that writes events together with its
tracking record (the matter-outcomes process) would then lose its position and
do its work twice. This recorder takes the library's transactional path —
tracking record, table lock, events, one commit — whenever a tracking record
comes with the events, and the fast function path otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing import postgres
from eventsourcing.persistence import StoredEvent


class PostgresProcessRecorder(postgres.PostgresProcessRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if kwargs.get("tracking") is None or not self.datastore.enable_db_functions:
            return super().insert_events(stored_events, **kwargs)
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
