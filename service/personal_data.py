"""Petitioners' personal data, encrypted in the event log with a key per petitioner.

Erasing it on a lawful request deletes the key: every copy of the data in the log
becomes unreadable, the log itself stays intact, and the events read back with the
petitioner marked as erased. Keys live in their own table beside the log."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from datetime import datetime, timezone
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic
from sqlalchemy import Column, DateTime, Engine, LargeBinary, MetaData, String, Table, select, update
from sqlalchemy.exc import IntegrityError

from domain.petition import Petition

ERASED = {"erased": True}
SEALED = "sealed"
KEY_CACHE_SECONDS = 30.0

metadata = MetaData()
petitioner_keys = Table(
    "petitioner_keys",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("key", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=True),
)

# Which fields of which events hold a petitioner's personal data.
PERSONAL_FIELDS: dict[type, tuple[str, ...]] = {Petition.Received: ("petitioner",)}


class KeyStore:
    """One AES-256-GCM key per petitioner (subject = the petition's id). Keys are cached
    briefly in memory; an erasure elsewhere takes effect here within KEY_CACHE_SECONDS."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[str, tuple[bytes | None, float]] = {}
        self._lock = threading.Lock()

    def create_table(self) -> None:
        metadata.create_all(self.engine)

    def key_for_writing(self, subject: str) -> bytes:
        key = self.key(subject)
        if key is not None:
            return key
        key = AESGCM.generate_key(bit_length=256)
        try:
            with self.engine.begin() as connection:
                connection.execute(petitioner_keys.insert().values(
                    subject_id=subject, key=key, created_at=datetime.now(timezone.utc)))
        except IntegrityError:
            stored = self._load(subject)
            if stored is None:
                raise ValueError(f"the personal data of {subject} was erased; it cannot be written again") from None
            key = stored
        self._remember(subject, key)
        return key

    def key(self, subject: str) -> bytes | None:
        with self._lock:
            cached = self._cache.get(subject)
        if cached is not None and time.monotonic() - cached[1] < KEY_CACHE_SECONDS:
            return cached[0]
        key = self._load(subject)
        self._remember(subject, key)
        return key

    def prefetch(self, subjects: list[str]) -> None:
        """Loads many subjects' keys with one query (a batch of events being read back)."""
        now = time.monotonic()
        with self._lock:
            wanted = [s for s in subjects if s not in self._cache or now - self._cache[s][1] >= KEY_CACHE_SECONDS]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            with self.engine.connect() as connection:
                found = dict(connection.execute(select(petitioner_keys.c.subject_id, petitioner_keys.c.key)
                                                .where(petitioner_keys.c.subject_id.in_(chunk))).all())
            for subject in chunk:
                self._remember(subject, found.get(subject))

    def erase(self, subject: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(petitioner_keys).where(petitioner_keys.c.subject_id == subject)
                               .values(key=None, erased_at=datetime.now(timezone.utc)))
        self._remember(subject, None)

    def is_erased(self, subject: str) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(select(petitioner_keys.c.erased_at)
                                     .where(petitioner_keys.c.subject_id == subject)).first()
        return row is not None and row.erased_at is not None

    def _load(self, subject: str) -> bytes | None:
        with self.engine.connect() as connection:
            return connection.execute(select(petitioner_keys.c.key)
                                      .where(petitioner_keys.c.subject_id == subject)).scalar()

    def _remember(self, subject: str, key: bytes | None) -> None:
        with self._lock:
            self._cache[subject] = (key, time.monotonic())


class PersonalDataMapper(Mapper[Any]):
    """Seals the personal fields of events on their way into the log, and opens them on the way out."""

    keys: KeyStore

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        fields = PERSONAL_FIELDS.get(type(domain_event))
        if not fields or not any(getattr(domain_event, f, None) for f in fields):
            return super().to_stored_event(domain_event)
        subject = str(domain_event.originator_id)
        sealed = object.__new__(type(domain_event))
        state = dict(vars(domain_event))
        for name in fields:
            if state.get(name):
                state[name] = {SEALED: _seal(self.keys.key_for_writing(subject), state[name])}
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def prepare(self, stored_events: Sequence[StoredEvent]) -> None:
        """Before reading a batch back: fetch the keys of its sealed events in one query."""
        topics = {get_topic(cls) for cls in PERSONAL_FIELDS}
        self.keys.prefetch([str(e.originator_id) for e in stored_events if e.topic in topics])

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        domain_event = super().to_domain_event(stored_event)
        for name in PERSONAL_FIELDS.get(type(domain_event), ()):
            value = getattr(domain_event, name, None)
            if isinstance(value, dict) and SEALED in value:
                key = self.keys.key(str(stored_event.originator_id))
                domain_event.__dict__[name] = _open(key, value[SEALED]) if key else dict(ERASED)
        return domain_event


def _seal(key: bytes, value: Any) -> str:
    nonce = os.urandom(12)
    plain = json.dumps(value, ensure_ascii=False).encode()
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, None)).decode()


def _open(key: bytes, sealed: str) -> Any:
    raw = base64.b64decode(sealed)
    return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], None))
