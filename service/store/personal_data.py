"""Personal data (petitioners' name, phone and address; residents' names in opinions and
objections), sealed with a key per person and erasable.

Every copy of the data is sealed with AES-256-GCM under the person's own key: in the
event log and in the read models (which copy the sealed value as it is). It is opened
only in the service, for a reader allowed to see it. Searching by phone or full name
goes through keyed blind indexes: an HMAC of the normalised value under a deployment
secret. Keys, index rows and that secret live in the key store, a database apart from
the events, so a backup of the events alone opens nothing.

Erasing a person deletes their key and their index rows in one transaction: every copy
becomes unreadable and unfindable at once, in every process (keys are read from the
store each time, never cached across requests), while the log itself stays intact. On
SQLite the key store overwrites deleted content (``secure_delete``) and its WAL is
truncated after an erasure; on PostgreSQL the key tables are vacuumed (see
docs/operations.md for what remains and what the operator runs)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic
from sqlalchemy import (
    Column, DateTime, Engine, LargeBinary, MetaData, PrimaryKeyConstraint, String, Table, Text, delete, event, select,
    text, update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from domain.households import Household
from domain.matter import CommitteeMatter
from domain.questionnaires import Questionnaire
from domain.petition import Petition

log = logging.getLogger(__name__)

ERASED = {"erased": True}
SEALED = "sealed"
SUBJECT = "subject"
BLIND_INDEX_SECRET = "blind_index"

# On PostgreSQL the keys and the blind index are split into PARTITIONS hash partitions (by subject), so
# that an erasure rewrites (VACUUM FULL) only the small partitions that held the person's key and index
# rows, not the whole key store: a plain VACUUM would leave a dead row's bytes in its page.
PARTITIONS = 16
metadata = MetaData()
subject_keys = Table(
    "personal_data_keys",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("key", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=True),
    postgresql_partition_by="HASH (subject_id)",
)
blind_index = Table(
    "personal_data_index",
    metadata,
    Column("digest", String(64), nullable=False),
    Column("subject_id", String(36), nullable=False, index=True),
    PrimaryKeyConstraint("digest", "subject_id"),
    postgresql_partition_by="HASH (subject_id)",
)
PARTITIONED = (subject_keys, blind_index)
secrets_table = Table(
    "key_store_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)
# what the key store remembers of its own upkeep: the log position up to which the erasures recorded in
# the log were checked against it (ERASURES_CHECKED), and a clearing of erased rows that could not be
# done at the erasure (SCRUB_PENDING: "wal" on SQLite, the tables to rewrite on PostgreSQL)
marks = Table(
    "key_store_marks",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
ERASURES_CHECKED = "erasures_checked"
DEAD_KEPT = re.compile(r"(\d+) dead row versions cannot be removed yet")

# A new subject's key and its blind-index rows in one statement (PostgreSQL): inserted, or the key already
# there answered; index rows only for a subject whose key is not erased.
NEW_KEY_AND_INDEX = text("""
WITH new AS (
    INSERT INTO personal_data_keys (subject_id, key, created_at) VALUES (:subject, :key, :at)
    ON CONFLICT (subject_id) DO NOTHING RETURNING key
), found AS (
    SELECT key FROM new
    UNION ALL
    SELECT key FROM personal_data_keys WHERE subject_id = :subject AND NOT EXISTS (SELECT 1 FROM new)
), indexed AS (
    INSERT INTO personal_data_index (digest, subject_id)
    SELECT digest, :subject FROM unnest(CAST(:digests AS varchar[])) AS digest
    WHERE EXISTS (SELECT 1 FROM found WHERE key IS NOT NULL)
    ON CONFLICT DO NOTHING
)
SELECT key FROM found
""")
SCRUB_PENDING = "scrub_pending"


# ---- normalising what is searched ------------------------------------------------------------------

def normalise_phone(value: str | None) -> str:
    """Full-width digits to ASCII, spaces, dashes, dots and brackets out, a +86 / 0086 prefix off."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isdigit() or ch == "+")
    digits = digits.lstrip("+")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return "".join(ch for ch in digits if ch.isdigit())


def normalise_name(value: str | None) -> str:
    """Full-width to ordinary characters, no spaces, case folded (张 三丰 → 张三丰)."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).casefold()


NORMALISE: dict[str, Callable[[str | None], str]] = {"name": normalise_name, "phone": normalise_phone}


# ---- which fields of which events are personal --------------------------------------------------------

@dataclass(frozen=True)
class PersonalField:
    """A field of an event that holds personal data: whose it is, what is searchable in it, and what
    it reads as once erased."""

    name: str
    subject: Callable[[Any], str]
    searchable: Callable[[Any], Iterable[tuple[str, str]]]
    erased: Any


def resident_subject(matter_id: Any, kind: str, number: int) -> str:
    """The subject of one resident's name in one opinion or objection (a key per record)."""
    return str(uuid.uuid5(uuid.UUID(str(matter_id)), f"{kind}:{number}"))


def _petitioner_terms(value: Any) -> Iterable[tuple[str, str]]:
    return [(kind, value.get(kind)) for kind in ("name", "phone") if isinstance(value, dict) and value.get(kind)]


PERSONAL_FIELDS: dict[type, tuple[PersonalField, ...]] = {
    Petition.Received: (PersonalField("petitioner", lambda e: str(e.originator_id), _petitioner_terms, ERASED),),
    CommitteeMatter.OpinionRecorded: (PersonalField(
        "resident", lambda e: resident_subject(e.originator_id, "opinion", e.number),
        lambda value: [("name", value)], None),),
    CommitteeMatter.ObjectionRecorded: (PersonalField(
        "objector", lambda e: resident_subject(e.originator_id, "objection", e.number),
        lambda value: [("name", value)], None),),
    Questionnaire.Answered: (PersonalField(
        "respondent", lambda e: resident_subject(e.originator_id, "answer", e.number),
        lambda value: [("name", value)], None),),
    # a household's name, phone, address and difficulties (service/households.py); a key per household
    Household.Registered: (PersonalField("person", lambda e: str(e.originator_id), lambda value: [], ERASED),),
}
SEALED_TOPICS = frozenset(get_topic(cls) for cls in PERSONAL_FIELDS)


# ---- the key store --------------------------------------------------------------------------------------

class ErasedError(ValueError):
    """Personal data of an erased person cannot be written again."""


class KeyStore:
    """One AES-256-GCM key per person (a petition's petitioner, a resident's opinion or objection),
    the blind index of what is searchable, and the index's secret. Nothing is cached but the secret:
    every read asks the store, so an erasure holds at once in every process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._secret: bytes | None = None
        self.is_sqlite = engine.dialect.name == "sqlite"
        if self.is_sqlite:
            @event.listens_for(engine, "connect")
            def _secure_delete(connection, _record):  # type: ignore[no-untyped-def]
                cursor = connection.cursor()
                cursor.execute("PRAGMA secure_delete=ON")  # deleted keys are overwritten, not left in free pages
                cursor.close()

    def create_table(self) -> None:
        if not self.is_sqlite:
            self._partition_unpartitioned_index()
        metadata.create_all(self.engine)
        if not self.is_sqlite:
            with self.engine.begin() as connection:
                for table in PARTITIONED:
                    if self._relkind(connection, table.name) == "p":
                        connection.exec_driver_sql("; ".join(
                            f"CREATE TABLE IF NOT EXISTS {table.name}_p{n} PARTITION OF {table.name} "
                            f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {n})" for n in range(PARTITIONS)))
        self.secret()
        self.retry_pending_scrub()

    @staticmethod
    def _relkind(connection: Any, name: str) -> str | None:
        return connection.execute(text("SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(:name)"),
                                  {"name": name}).scalar()

    def _partition_unpartitioned_index(self) -> None:
        """A blind index made by an earlier version as one table becomes a partitioned one (same rows)."""
        with self.engine.begin() as connection:
            if self._relkind(connection, blind_index.name) != "r":
                return
            connection.execute(text(f"LOCK TABLE {blind_index.name} IN ACCESS EXCLUSIVE MODE"))
            rows = [dict(r._mapping) for r in connection.execute(select(blind_index))]
            connection.execute(text(f"DROP TABLE {blind_index.name}"))
            blind_index.create(connection)
            connection.exec_driver_sql("; ".join(
                f"CREATE TABLE {blind_index.name}_p{n} PARTITION OF {blind_index.name} "
                f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {n})" for n in range(PARTITIONS)))
            if rows:
                connection.execute(blind_index.insert(), rows)
        log.warning("the key store's blind index is now partitioned (%d rows moved)", len(rows))

    # ---- what the key store remembers of its upkeep ----

    def mark(self, name: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(marks.c.value).where(marks.c.name == name)).scalar()

    def set_mark(self, name: str, value: str | None) -> None:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        with self.engine.begin() as connection:
            if value is None:
                connection.execute(delete(marks).where(marks.c.name == name))
            else:
                statement = dialect.insert(marks).values(name=name, value=value)
                connection.execute(statement.on_conflict_do_update(index_elements=[marks.c.name],
                                                                   set_={"value": value}))

    # ---- the blind index ----

    def secret(self) -> bytes:
        """The blind index's HMAC key: made once per deployment, kept in the key store."""
        if self._secret is None:
            with self.engine.begin() as connection:
                value = connection.execute(select(secrets_table.c.value)
                                           .where(secrets_table.c.name == BLIND_INDEX_SECRET)).scalar()
            if value is None:
                try:
                    with self.engine.begin() as connection:
                        connection.execute(secrets_table.insert().values(name=BLIND_INDEX_SECRET, value=os.urandom(32)))
                except IntegrityError:
                    pass  # another process made it first
                with self.engine.connect() as connection:
                    value = connection.execute(select(secrets_table.c.value)
                                               .where(secrets_table.c.name == BLIND_INDEX_SECRET)).scalar_one()
            self._secret = bytes(value)
        return self._secret

    def blind(self, kind: str, value: str | None) -> str | None:
        """The blind index digest of a value (None for nothing left after normalising)."""
        normalised = NORMALISE[kind](value)
        if not normalised:
            return None
        return hmac.new(self.secret(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()

    def index(self, subject: str, terms: Iterable[tuple[str, str]]) -> None:
        digests = {d for d in (self.blind(kind, value) for kind, value in terms) if d}
        if not digests:
            return
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        with self.engine.begin() as connection:
            connection.execute(dialect.insert(blind_index).on_conflict_do_nothing(),
                               [{"digest": d, "subject_id": subject} for d in sorted(digests)])

    def subjects_for(self, kind: str, value: str) -> list[str]:
        """The subjects whose indexed ``kind`` equals ``value`` once normalised."""
        digest = self.blind(kind, value)
        if digest is None:
            return []
        with self.engine.connect() as connection:
            return list(connection.execute(select(blind_index.c.subject_id).where(blind_index.c.digest == digest))
                        .scalars())

    # ---- keys ----

    def key_for_writing(self, subject: str) -> bytes:
        key = self.key(subject)
        if key is not None:
            return key
        key = AESGCM.generate_key(bit_length=256)
        try:
            with self.engine.begin() as connection:
                connection.execute(subject_keys.insert().values(
                    subject_id=subject, key=key, created_at=datetime.now(timezone.utc)))
            self.retry_pending_scrub()  # an erasure that could not clear its traces: the next write does
        except IntegrityError:
            stored = self.key(subject)
            if stored is None:
                raise ErasedError(f"the personal data of {subject} was erased; it cannot be written again") from None
            key = stored
        return key

    def key(self, subject: str) -> bytes | None:
        # one statement, in autocommit: no BEGIN and ROLLBACK around it (round trips, issue 15)
        with self._single_statements.connect() as connection:
            value = connection.execute(select(subject_keys.c.key).where(subject_keys.c.subject_id == subject)).scalar()
        return bytes(value) if value is not None else None

    @property
    def _single_statements(self) -> Engine:
        return self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")

    def key_for_new_subject(self, subject: str, terms: Iterable[tuple[str, str]] = ()) -> bytes:
        """``key_for_writing`` and ``index`` for a subject whose key most likely does not exist yet (a petition
        being received): on PostgreSQL one statement, one round trip, that inserts a new key and the index
        rows, or answers the key already there (another desk's attempt at the same number) and indexes
        nothing for an erased subject."""
        terms = list(terms)
        digests = sorted({d for d in (self.blind(kind, value) for kind, value in terms) if d})
        key = AESGCM.generate_key(bit_length=256)
        if self.is_sqlite:  # one transaction (one commit) for the key and its index rows
            try:
                with self.engine.begin() as connection:
                    connection.execute(subject_keys.insert().values(
                        subject_id=subject, key=key, created_at=datetime.now(timezone.utc)))
                    if digests:
                        connection.execute(sqlite.insert(blind_index).on_conflict_do_nothing(),
                                           [{"digest": d, "subject_id": subject} for d in digests])
            except IntegrityError:  # there already (the key of another attempt at the same number), or erased
                key = self.key_for_writing(subject)
                self.index(subject, terms)
            self._retry_pending_scrub_now_and_then()
            return key
        with self._single_statements.connect() as connection:
            row = connection.execute(NEW_KEY_AND_INDEX, {
                "subject": subject, "key": key, "at": datetime.now(timezone.utc), "digests": digests}).first()
        self._retry_pending_scrub_now_and_then()
        if row is None:  # another desk's key, committed after this statement's snapshot: read it, then index
            key = self.key(subject)
            if key is not None:
                self.index(subject, terms)
                return key
        if row is None or row.key is None:
            raise ErasedError(f"the personal data of {subject} was erased; it cannot be written again")
        return bytes(row.key)

    def _retry_pending_scrub_now_and_then(self, every: float = 10.0) -> None:
        """An erasure that could not clear its traces is retried by a later write: by this one if the last
        look was ``every`` seconds ago (a look is a read of the key store's marks)."""
        now = time.monotonic()
        if now - getattr(self, "_scrub_looked_at", float("-inf")) >= every:
            self._scrub_looked_at = now
            self.retry_pending_scrub()

    def keys(self, subjects: Iterable[str]) -> dict[str, bytes]:
        """Many subjects' keys, a query per 500 (a page of rows, a batch of events); erased ones are absent."""
        wanted = list(dict.fromkeys(subjects))
        found: dict[str, bytes] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update((s, bytes(k)) for s, k in connection.execute(
                    select(subject_keys.c.subject_id, subject_keys.c.key)
                    .where(subject_keys.c.subject_id.in_(chunk), subject_keys.c.key.is_not(None))))
        return found

    def erase(self, *subjects: str) -> bool:
        """Deletes these people's keys and index rows, then clears what the database keeps of them.
        Answers whether that clearing is done; if not (logged), the next write to the key store or the
        next start retries it."""
        if not subjects:
            return True
        now = datetime.now(timezone.utc)
        with self.engine.begin() as connection:
            for subject in subjects:
                erased = connection.execute(update(subject_keys).where(subject_keys.c.subject_id == subject)
                                            .values(key=None, erased_at=now)).rowcount
                if not erased:  # never written (or lost with a restored backup): refuse it from now on
                    connection.execute(subject_keys.insert().values(subject_id=subject, key=None, created_at=now,
                                                                    erased_at=now))
            holding = self._holding(connection, subject_keys, subjects) + self._holding(connection, blind_index, subjects)
            connection.execute(delete(blind_index).where(blind_index.c.subject_id.in_(list(subjects))))
        return self.scrub(tables=holding)

    def _holding(self, connection: Any, table: Table, subjects: Sequence[str]) -> list[str]:
        """The tables (on PostgreSQL: the partitions of ``table``) that hold these subjects' rows."""
        if self.is_sqlite:
            return [table.name]
        found = connection.execute(select(text("tableoid::regclass::text")).select_from(table)
                                   .where(table.c.subject_id.in_(list(subjects)))).scalars()
        return sorted(set(found))

    def scrub(self, wal: bool = False, tables: Sequence[str] | None = None) -> bool:
        """What the database keeps of deleted rows, cleared where it can be; answers whether it was.
        SQLite: secure_delete has zeroed the pages in the WAL and the file; the WAL is checkpointed and
        truncated (a few tries: a reader in the middle of a transaction keeps it busy). PostgreSQL: the
        tables are rewritten (VACUUM FULL of ``tables``, the partitions of the keys and of the blind
        index that held the erased rows, else all of both: a plain VACUUM leaves a dead row's bytes in
        its page); with ``wal``, a checkpoint and a WAL switch let the segments that still hold the old
        rows go (needs the rights to run them; docs/operations.md says what remains). What could not be
        cleared is remembered in the key store and tried again by ``retry_pending_scrub``."""
        try:
            if self.is_sqlite:
                if self._truncate_wal():
                    if self.mark(SCRUB_PENDING):  # an earlier erasure's, done with this one
                        self.set_mark(SCRUB_PENDING, None)
                    return True
                log.warning("the key store's WAL stayed busy after an erasure: the erased key is still in "
                            "its -wal file until the next write to the key store or the next start truncates it")
                self.set_mark(SCRUB_PENDING, "wal")
                return False
            names = list(tables or (subject_keys.name, blind_index.name))
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("SET lock_timeout = '10s'"))
                kept = self._vacuum_full(connection, names)
                if kept:
                    log.warning("an erasure's VACUUM FULL had to keep %d dead row(s) that a transaction open "
                                "in the key store's database may still see; the next write to the key store "
                                "or the next start rewrites them again", kept)
                    self._remember_pending(names)
                    return False
                if wal:
                    connection.execute(text("CHECKPOINT"))
                    connection.execute(text("SELECT pg_switch_wal()"))
                    connection.execute(text("CHECKPOINT"))
        except Exception as error:  # noqa: BLE001 - the key is gone already; clearing its traces is retried
            log.warning("could not clear the key store after an erasure (%s); the next write to the key "
                        "store or the next start tries again", type(error).__name__)
            if not self.is_sqlite:
                self._try(lambda: self._remember_pending(list(tables or (subject_keys.name, blind_index.name))))
            return False
        return True

    def _remember_pending(self, names: Sequence[str]) -> None:
        pending = set(filter(None, (self.mark(SCRUB_PENDING) or "").split(",")))
        self.set_mark(SCRUB_PENDING, ",".join(sorted(pending | set(names))))

    @staticmethod
    def _vacuum_full(connection: Any, names: Sequence[str], tries: int = 3, pause: float = 0.2) -> int:
        """VACUUM FULL of ``names``; answers how many dead rows it had to keep (rows that a transaction
        still open in this database may see are copied into the new files too: VACUUM VERBOSE says how
        many). A few tries, as such a transaction is usually short."""
        details: list[str] = []
        raw = connection.connection.driver_connection

        def heard(diagnostic: Any) -> None:
            details.append(diagnostic.message_detail or "")

        raw.add_notice_handler(heard)
        try:
            for attempt in range(tries):
                details.clear()
                connection.execute(text("VACUUM (FULL, VERBOSE) " + ", ".join(names)))
                kept = sum(int(m.group(1)) for m in map(DEAD_KEPT.search, details) if m)
                if not kept:
                    return 0
                if attempt < tries - 1:
                    time.sleep(pause)
            return kept
        finally:
            raw.remove_notice_handler(heard)

    def _truncate_wal(self, tries: int = 5, wait_ms: int = 100, pause: float = 0.05) -> bool:
        """A few bounded tries (each waits at most ``wait_ms`` for readers, not the engine's long busy
        timeout), so an erasure answers in well under a second even when the WAL stays busy."""
        with self.engine.connect() as connection:
            usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                for attempt in range(tries):
                    busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
                    if not busy:
                        return True
                    if attempt < tries - 1:
                        time.sleep(pause)
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual)}")
        return False

    @staticmethod
    def _try(action: Callable[[], Any]) -> None:
        try:
            action()
        except Exception as error:  # noqa: BLE001 - remembering a pending clearing is itself best effort
            log.warning("could not remember a pending clearing of the key store (%s)", type(error).__name__)

    def retry_pending_scrub(self) -> bool | None:
        """Clears what an erasure could not (a busy WAL, a refused VACUUM FULL); None when nothing waits."""
        pending = self.mark(SCRUB_PENDING)
        if not pending:
            return None
        if self.is_sqlite:
            # the mark is removed first (a WAL frame of the marks table, no key in it), then the WAL truncated
            self.set_mark(SCRUB_PENDING, None)
            if self._truncate_wal():
                log.info("the key store's WAL, busy at an erasure, is truncated now")
                return True
            self.set_mark(SCRUB_PENDING, "wal")
            log.warning("the key store's WAL is still busy; the erased key stays in its -wal file for now")
            return False
        self.set_mark(SCRUB_PENDING, None)
        done = self.scrub(tables=pending.split(","))
        if done:
            log.info("the key store tables left uncleared at an erasure are rewritten now")
        return done

    def is_erased(self, subject: str) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(select(subject_keys.c.erased_at)
                                     .where(subject_keys.c.subject_id == subject)).first()
        return row is not None and row.erased_at is not None

    def not_erased(self, subjects: Sequence[str]) -> list[str]:
        """Those of ``subjects`` the key store does not hold as erased (in their order)."""
        erased: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(subjects), 500):
                erased.update(connection.execute(select(subject_keys.c.subject_id).where(
                    subject_keys.c.subject_id.in_(subjects[start : start + 500]),
                    subject_keys.c.erased_at.is_not(None))).scalars())
        return [s for s in subjects if s not in erased]

    def erased_subjects(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.execute(select(subject_keys.c.subject_id)
                                          .where(subject_keys.c.erased_at.is_not(None))).scalars())

    def adopt_keys_kept_with_events(self, events_engine: Engine) -> int:
        return adopt_legacy_keys(self, events_engine)

    # ---- opening sealed values ----

    def open_many(self, sealed: Sequence[tuple[str, Any]], erased: Any = None) -> list[Any]:
        """Opens sealed values, each with its subject's key (one query for all); erased ones read as ``erased``."""
        keys = self.keys(subject for subject, value in sealed if value)
        return [open_sealed(keys.get(subject), value, erased) if value else None for subject, value in sealed]


# ---- sealing -----------------------------------------------------------------------------------------

def seal(key: bytes, value: Any) -> str:
    nonce = os.urandom(12)
    plain = json.dumps(value, ensure_ascii=False).encode()
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, None)).decode()


def open_sealed(key: bytes | None, sealed: Any, erased: Any = None) -> Any:
    """A sealed value (``{"sealed": …}`` or its text) opened with its key; ``erased`` without one."""
    blob = sealed.get(SEALED) if isinstance(sealed, dict) else sealed
    if key is None or not blob:
        return erased
    raw = base64.b64decode(blob)
    return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], None))


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and SEALED in value


class PersonalDataMapper(Mapper[Any]):
    """Seals the personal fields of events on their way into the log (and indexes what is searchable),
    and opens them on the way out. With ``opening`` off (the read models' catch-up), sealed values stay
    sealed: the read models copy them as they are."""

    keys: KeyStore
    opening: bool = True

    def sealed_view(self) -> PersonalDataMapper:
        """The same mapper, leaving sealed values sealed (no key is read)."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view.opening = False
        return view

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        fields = PERSONAL_FIELDS.get(type(domain_event))
        if not fields or not any(getattr(domain_event, f.name, None) for f in fields):
            return super().to_stored_event(domain_event)
        sealed = object.__new__(type(domain_event))
        state = dict(vars(domain_event))
        for field in fields:
            value = state.get(field.name)
            if not value or is_sealed(value):
                continue
            subject = field.subject(domain_event)
            if getattr(domain_event, "originator_version", None) == 1:  # a new aggregate: most likely a new subject
                key = self.keys.key_for_new_subject(subject, field.searchable(value))
            else:
                key = self.keys.key_for_writing(subject)
                self.keys.index(subject, field.searchable(value))
            state[field.name] = {SEALED: seal(key, value), SUBJECT: subject}
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        domain_event = super().to_domain_event(stored_event)
        if not self.opening:
            return domain_event
        for field in PERSONAL_FIELDS.get(type(domain_event), ()):
            value = getattr(domain_event, field.name, None)
            if is_sealed(value):
                subject = value.get(SUBJECT) or str(stored_event.originator_id)
                domain_event.__dict__[field.name] = open_sealed(self.keys.key(subject), value, _copy(field.erased))
        return domain_event


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def subject_of(value: Any, default: str) -> str:
    """The subject a sealed value belongs to."""
    return (value.get(SUBJECT) if isinstance(value, dict) else None) or default




def adopt_legacy_keys(keys: KeyStore, events_engine: Engine) -> int:
    """Moves keys that an earlier version kept beside the events (table ``petitioner_keys``) into the
    key store, then drops that table: from then on a backup of the events alone opens nothing."""
    from sqlalchemy import inspect

    if not inspect(events_engine).has_table("petitioner_keys"):
        return 0
    legacy = Table("petitioner_keys", MetaData(), autoload_with=events_engine)
    with events_engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(select(legacy))]
    with keys.engine.begin() as connection:
        have = set(connection.execute(select(subject_keys.c.subject_id)).scalars())
        new = [{"subject_id": r["subject_id"], "key": r["key"], "created_at": r["created_at"],
                "erased_at": r["erased_at"]} for r in rows if r["subject_id"] not in have]
        if new:
            connection.execute(subject_keys.insert(), new)
    legacy.drop(events_engine)
    log.warning("moved %d keys from the events database into the key store", len(rows))
    return len(rows)
