"""Communities, their contact points, members and committee rules."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.community import Community, community_id
from domain.errors import DomainError
from service import errors
from service.clock import Clock
from service.store.eventstore import EventLog, translate_domain_error
from service.permissions import PermissionDeniedError, UseCase
from service.requests import Idempotent, idempotent


class Communities(Idempotent, UseCase):
    PERMISSIONS = {
        "get": "community.read", "list": "community.read",
        "register": "community.register", "add_contact_point": "community.manage", "add_member": "community.manage",
        "set_committee_rules": "community.manage",
    }
    COMMANDS = {"register", "add_contact_point", "add_member", "set_committee_rules"}

    def __init__(self, log: EventLog, clock: Clock) -> None:
        self.log = log
        self.clock = clock

    @idempotent(lambda _, community: community_view(community))
    def register(self, *, code: str, name: str, kind: str, actor: str) -> dict[str, Any]:
        if not self.principal.deployment_wide:
            raise PermissionDeniedError("community.register", self.principal.username,
                                        f"{self.principal.username} administers one community and may not register another")
        if self.log.exists(community_id(code)):
            raise errors.InvalidInputError({"code": ["a community with this code exists already"]})
        try:
            community = Community.register(code=code, name=name, kind=kind, actor=actor, at=self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        self.log.save_or_conflict(community, *self.recorded_request(community, self.clock.now()))
        return community_view(community)

    @idempotent(lambda _, community: dict(list(community.contact_points.values())[-1]))
    def add_contact_point(self, code: str, *, name: str, area: str, actor: str) -> dict[str, Any]:
        community = self._load(code)
        new_id = self._command(community, lambda now: community.add_contact_point(name=name, area=area, actor=actor, at=now))
        return dict(community.contact_points[new_id])

    @idempotent(lambda _, community: dict(list(community.members.values())[-1]))
    def add_member(self, code: str, *, name: str, role: str, contact_point_id: str | None, actor: str) -> dict[str, Any]:
        community = self._load(code)
        new_id = self._command(
            community,
            lambda now: community.add_member(name=name, role=role, contact_point_id=contact_point_id, actor=actor, at=now),
        )
        return dict(community.members[new_id])

    @idempotent(lambda _, community: community_view(community))
    def set_committee_rules(
        self, code: str, *, quorum: Fraction, majority: Fraction, notice_days: int | None = None, actor: str,
    ) -> dict[str, Any]:
        """Quorum and majority, and the notice period of a disclosed resolution (unchanged when None)."""
        community = self._load(code)
        self._command(community, lambda now: community.set_committee_rules(
            quorum=quorum, majority=majority, notice_days=notice_days, actor=actor, at=now))
        return community_view(community)

    def get(self, code: str) -> dict[str, Any]:
        return community_view(self._load(code))

    def load(self, code: str) -> Community:
        return self._load(code)

    def list(self) -> list[dict[str, Any]]:
        """The communities this user may see (their own, or every one for oversight and deployment administrators)."""
        communities = [self.log.repository.get(i) for i in self.log.aggregate_ids_created_by(Community.Registered)]
        communities = [c for c in communities if self.principal.sees(c.code)]
        return sorted((community_view(c) for c in communities), key=lambda c: c["code"])

    def _load(self, code: str) -> Community:
        not_found = f"community {code} not found"
        self._check_sees(code, not_found)
        try:
            return self.log.repository.get(community_id(code))
        except AggregateNotFoundError:
            raise errors.NotFoundError(not_found) from None

    def _command(self, community: Community, command: Any) -> Any:
        try:
            result = command(self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, community) from None
        self.log.save_or_conflict(community, *self.recorded_request(community, self.clock.now()))
        return result


def community_view(community: Community) -> dict[str, Any]:
    return {
        "id": community.id,
        "code": community.code,
        "name": community.name,
        "kind": community.kind,
        "version": community.version,
        "committee_rules": community.rules.as_dict(),
        "contact_points": list(community.contact_points.values()),
        "members": list(community.members.values()),
    }
