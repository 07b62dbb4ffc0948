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

It sends that transaction in one pipeline with a single sync: BEGIN, the tracking
record, the lock, NOTIFY, the events and COMMIT reach the server together and
answer together, one network round trip (the library's path takes five: BEGIN
alone, the statements, two syncs, COMMIT). A uniqueness violation (a stale
version, a duplicate tracking record) makes the server skip the rest, COMMIT
included; the transaction is rolled back and the error raised as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing import postgres
from eventsourcing.persistence import StoredEvent
from psycopg.pq import TransactionStatus


class PostgresProcessRecorder(postgres.PostgresProcessRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not self.datastore.enable_db_functions:
            return super().insert_events(stored_events, **kwargs)
        # Always the locked path: the function path takes no table lock, so two saves can commit their
        # positions out of order, and a follower that has read past a position still uncommitted skips
        # it for good (seen under load: a petition missing from the read models).
        return self._insert_events_with_tracking(stored_events, **kwargs)

    def _insert_events_with_tracking(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        # The library's own statements (PostgresApplicationRecorder.insert_events without db functions), sent
        # as one pipeline with one sync. The pool's connections are in autocommit: BEGIN and COMMIT are explicit.
        error: Exception | None = None
        notification_ids: Sequence[int] | None = None
        with self.datastore.get_connection() as connection:
            try:
                with connection.cursor() as cursor:
                    # Leaving the pipeline syncs: the one round trip; a uniqueness violation surfaces there.
                    with connection.pipeline():
                        with connection.cursor() as begin:
                            begin.execute("BEGIN")
                            self._insert_events(begin, stored_events, **kwargs)  # the tracking record
                        if stored_events:
                            self._insert_stored_events(cursor, stored_events, **kwargs)
                        with connection.cursor() as commit:
                            commit.execute("COMMIT")
                    if stored_events:
                        notification_ids = self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)
            except Exception as caught:  # noqa: BLE001 - raised once the failed transaction is rolled back
                error = caught
            finally:
                if connection.info.transaction_status != TransactionStatus.IDLE:
                    connection.rollback()  # the failed transaction, whose COMMIT the server skipped
            if error:
                raise error
        return notification_ids
