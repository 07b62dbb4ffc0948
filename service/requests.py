"""Commands a client may send twice (a retry, a double Ctrl+Enter, a reloaded form): with a key (the
API's Idempotency-Key header, or the key every page form carries), the first request counts and a
repeat answers what the first one answered, as it was then; the same key with other values is refused.

One mechanism for every command: the ``IdempotentRequest`` aggregate (domain/request.py) saved in the
same transaction as the aggregate the request created or changed, so two copies sent at the same
moment conflict at save and the loser answers the winner's result."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.request import IdempotentRequest, request_id
from service import errors

DIFFERENT_REQUEST = "was already used for a different request"


def request_hash(fields: Any) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def earlier_request(log: Any, actor: str, key: str, digest: str) -> IdempotentRequest | None:
    """The request first sent with this key, if any; the key with other values is refused (422)."""
    try:
        earlier: IdempotentRequest = log.repository.get(request_id(actor, key))
    except AggregateNotFoundError:
        return None
    if not earlier.is_same_request(digest):
        raise errors.InvalidInputError({"Idempotency-Key": [DIFFERENT_REQUEST]})
    return earlier


class Idempotent:
    """Mixed into a use case: ``recorded_request`` gives what to save beside the changed aggregate."""

    _request: tuple[str, str, str] | None = None  # (actor, key, hash) of the request being taken

    def recorded_request(self, aggregate: Aggregate, now: datetime) -> tuple[IdempotentRequest, ...]:
        if self._request is None:
            return ()
        actor, key, digest = self._request
        return (IdempotentRequest(principal=actor, key=key, request_hash=digest, created_id=aggregate.id, at=now,
                                  answered_version=aggregate.version),)


def idempotent(
    answer: Callable[[Any, Aggregate], Any], *, secret: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A command taking ``idempotency_key``: a repeat answers ``answer(use_case, aggregate as it was)``.
    ``secret`` names arguments kept out of the stored digest (a password must not be guessable from it)."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def command(self: Any, *args: Any, actor: str, idempotency_key: str | None = None, **kwargs: Any) -> Any:
            if not idempotency_key:
                return method(self, *args, actor=actor, **kwargs)
            digest = request_hash([method.__name__, args, {k: v for k, v in kwargs.items() if k not in secret}])
            earlier = earlier_request(self.log, actor, idempotency_key, digest)
            if earlier is None:
                taking = copy.copy(self)
                taking._request = (actor, idempotency_key, digest)
                try:
                    return method(taking, *args, actor=actor, **kwargs)
                except errors.VersionConflictError:
                    earlier = earlier_request(self.log, actor, idempotency_key, digest)  # the same request won
                    if earlier is None:
                        raise
            return answer(self, self.log.repository.get(earlier.created_id, version=earlier.answered_version))

        return command

    return decorate
