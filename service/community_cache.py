"""A community as the desk's checks read it (its contact points and members), kept a few seconds.

Receiving a petition and naming a responsible member check the community's contact points and
members; reading the community for every command costs a round trip to the event store. A process
keeps what it read for ``SECONDS``: a check that the kept copy fails (a contact point or member added
a moment ago) reads the community again before it refuses, so an addition holds at once; a removal
holds within ``SECONDS``. The kept aggregate is only read, never changed or saved."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

SECONDS = 5.0


class CommunityCache:
    def __init__(self, log: Any, seconds: float = SECONDS) -> None:
        self.log = log
        self.seconds = seconds
        self._kept: dict[UUID, tuple[float, Any]] = {}

    def get(self, community_id: UUID, passes: Callable[[Any], bool] = lambda _: True) -> Any:
        """The community (raises ``AggregateNotFoundError``): the kept copy if it is recent and passes."""
        kept = self._kept.get(community_id)
        if kept is not None and time.monotonic() - kept[0] < self.seconds and passes(kept[1]):
            return kept[1]
        community = self.log.repository.get(community_id)
        self._kept[community_id] = (time.monotonic(), community)
        return community

    def forget(self, community_id: UUID | None = None) -> None:
        if community_id is None:
            self._kept.clear()
        else:
            self._kept.pop(community_id, None)


__all__ = ["AggregateNotFoundError", "CommunityCache"]
