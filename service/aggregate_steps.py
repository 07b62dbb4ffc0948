"""What the members'-work use cases (commitments, questionnaires, year-end reviews) share: load one
aggregate of their kind within the user's community, take one step, save it or report the conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.community import Community, community_code_of, community_id
from domain.errors import DomainError
from service import errors
from service.clock import Clock
from service.store.eventstore import EventLog, check_version, translate_domain_error
from service.permissions import UseCase
from service.requests import Idempotent


class AggregateSteps(UseCase, Idempotent):
    """A use case over one kind of aggregate that records its ``community_id`` and ``stage``."""

    AGGREGATE: type = object
    NOUN = "aggregate"
    log: EventLog
    clock: Clock

    def _load(self, aggregate_id: UUID, *, anyone: bool = False) -> Any:
        """The aggregate, if it exists and (unless ``anyone``, for residents' public pages) the user may
        see its community: another community's is answered as if it did not exist."""
        not_found = f"{self.NOUN} {aggregate_id} not found"
        try:
            found = self.log.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise errors.NotFoundError(not_found) from None
        if not isinstance(found, self.AGGREGATE):
            raise errors.NotFoundError(not_found)
        if not anyone:
            self._check_sees_id(found.community_id, not_found)
        return found

    def _step(self, aggregate_id: UUID, expected_version: int | None, command: Callable[[Any, Any], Any], *,
              anyone: bool = False, check: Callable[[Any], None] | None = None) -> Any:
        """Loads, checks the version acted on, takes the step, saves; answers the aggregate as saved."""
        found = self._load(aggregate_id, anyone=anyone)
        if check is not None:
            check(found)
        check_version(found, expected_version, found.stage)
        now = self.clock.now()
        try:
            command(found, now)
        except DomainError as error:
            raise translate_domain_error(error, found) from None
        try:
            self.log.save_or_conflict(found, *self.recorded_request(found, now))
        except errors.VersionConflictError as conflict:
            current = self._load(aggregate_id, anyone=True)
            conflict.current = {"state": current.stage, "version": current.version}
            raise
        return found

    def _community(self, code: str, field: str = "community") -> Community:
        """A community the user may see, named in a request's body; another one reads as unknown."""
        try:
            if not self.principal.sees(code):
                raise AggregateNotFoundError
            return self.log.repository.get(community_id(code))
        except AggregateNotFoundError:
            raise errors.InvalidInputError({field: ["no such community"]}) from None

    def _community_of_member(self, member_id: str) -> Community:
        unknown = errors.InvalidInputError({"member_id": ["is not a member of this community"]})
        try:
            community = self._community(community_code_of(member_id))
        except errors.InvalidInputError:
            raise unknown from None
        if member_id not in community.members:
            raise unknown
        return community
