"""Requests a client may retry (an Idempotency-Key, or the key every page form carries): the first one
counts, a retry gets the same answer: the aggregate it created or changed, as it was right after."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid.UUID("9a4f5d1e-2b7c-4c3a-8e6f-1d2c3b4a5e6f")


def request_id(principal: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{principal}\x00{key}")


class IdempotentRequest(Aggregate):
    """Saved with what the request created, so a retry racing the first one conflicts at save."""

    class Recorded(Aggregate.Created):
        principal: str
        key: str
        request_hash: str
        created_id: uuid.UUID
        at: datetime
        answered_version: int = 1

    @staticmethod
    def create_id(principal: str, key: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return request_id(principal, key)

    @event(Recorded)
    def __init__(
        self, principal: str, key: str, request_hash: str, created_id: uuid.UUID, at: datetime, answered_version: int = 1
    ) -> None:
        self.principal = principal
        self.key = key
        self.request_hash = request_hash
        self.created_id = created_id  # the aggregate the request created or changed
        self.answered_version = answered_version  # its version right after the request

    def is_same_request(self, request_hash: str) -> bool:
        return self.request_hash == request_hash
