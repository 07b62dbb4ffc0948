"""Contact households (联系户) and pairing (结对帮扶). A household's name, phone, address and
difficulties are sealed in the log with a key of its own (service/store/personal_data.py: the one place
that knows which event fields are personal), shown only to the member who keeps the link and the
community's desk staff and secretary, and erasable."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.community import community_code_of, community_id
from domain.errors import DomainError
from domain.households import Household, Pairing
from projections import queries, visit_queries
from service import errors
from service.contact_points import ContactPointWork
from service.requests import idempotent
from service.store.eventstore import translate_domain_error

HIDDEN = {"erased": True}


class Households(ContactPointWork):
    PERMISSIONS = {
        "register": "household.manage", "list": "household.read", "get": "household.read",
        "pair": "pairing.manage", "set_plan": "pairing.manage", "record_help": "pairing.manage",
        "end_pairing": "pairing.manage", "pairing": "household.read", "pairings": "household.read",
        "erase_personal_data": "household.erase_personal_data",
    }
    COMMANDS = {"register", "pair", "set_plan", "record_help", "end_pairing", "erase_personal_data"}

    # ---- households ----

    @idempotent(lambda self, household: {**self._household_view(household), "position": self.log.last_position()},
                secret=("person",))
    def register(
        self, *, person: dict[str, Any], contact: bool = True, member_id: str | None = None, actor: str,
    ) -> dict[str, Any]:
        """A household at the member's contact point: a contact household, or one to pair with."""
        member_id = self._own_member_id(member_id, "household.manage")
        community, member = self._member(member_id)
        post = self.post_of(member_id)
        contact_point = post.contact_point_id if post else member.get("contact_point_id")
        if not contact_point:
            raise errors.InvalidInputError({"member_id": ["the member has no contact point yet"]})
        try:
            household = Household.register(community_id=community.id, contact_point_id=contact_point,
                                           member_id=member_id, contact=contact, person=person, actor=actor,
                                           at=self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        position = self.log.save_or_conflict(household, *self.recorded_request(household, self.clock.now()))
        return {**self._household_view(household), "position": position}

    def get(self, household_id: UUID) -> dict[str, Any]:
        household = self._household(household_id)
        return self._household_view(household)

    def list(self, *, member_id: str | None = None, community: str | None = None) -> list[dict[str, Any]]:
        """A member's households (their own, or any member's for the desk and the secretary), or every
        household of the community for the desk and the secretary."""
        if member_id:
            self._check_reads_work_of(member_id, "household.read")
            code = community_code_of(member_id)
        else:
            code = self._listed_community(community)
            if code is None or not self.principal.oversees_members_of(code):
                member_id = self._own_member_id(None, "household.read")
                code = community_code_of(member_id)
        rows = visit_queries.households_of(self.engine, community_id=str(community_id(code)), member_id=member_id)
        return [self._household_view(self.log.repository.get(UUID(r["id"]))) for r in rows]

    def erase_personal_data(self, household_id: UUID, *, requested_by: str, reason: str, actor: str) -> dict[str, Any]:
        """Erases a household's personal data on a lawful request: an event, and its key deleted, so
        every copy in the log reads as erased."""
        household = self._load(household_id, Household, f"household {household_id}")
        _, position = self._command(household, lambda now: household.erase_personal_data(
            requested_by=requested_by, reason=reason, actor=actor, at=now))
        self.log.keys.erase(str(household.id))
        return {**self._household_view(household), "position": position}

    # ---- pairing ----

    @idempotent(lambda self, pairing: {**self._pairing_view(pairing), "position": self.log.last_position()})
    def pair(self, household_id: UUID, *, kind: str, member_id: str | None = None, actor: str) -> dict[str, Any]:
        household = self._household(household_id)
        member_id = self._own_member_id(member_id or household.member_id, "pairing.manage")
        community, _ = self._member(member_id)
        if community.id != household.community_id:
            raise errors.InvalidInputError({"member_id": ["no such member"]})
        self.projections.catch_up()
        active = visit_queries.active_pairings(self.engine, member_id)
        try:
            pairing = Pairing.pair(community_id=community.id, member_id=member_id, household_id=household.id, kind=kind,
                                   active_pairings=active, actor=actor, at=self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        position = self.log.save_or_conflict(pairing, *self.recorded_request(pairing, self.clock.now()))
        return {**self._pairing_view(pairing), "position": position}

    def set_plan(
        self, pairing_id: UUID, *, targets: list[str], actions: list[dict[str, Any]], actor: str,
    ) -> dict[str, Any]:
        pairing = self._pairing(pairing_id, change=True)
        _, position = self._command(pairing, lambda now: pairing.set_plan(
            targets=targets, actions=actions, actor=actor, at=now))
        return {**self._pairing_view(pairing), "position": position}

    @idempotent(lambda self, pairing: {**self._pairing_view(pairing), "position": self.log.last_position()})
    def record_help(
        self, pairing_id: UUID, *, note: str, given_on: date | None = None, action: int | None = None, actor: str,
    ) -> dict[str, Any]:
        pairing = self._pairing(pairing_id, change=True)
        _, position = self._command(pairing, lambda now: pairing.record_help(
            given_on=given_on or now.date(), note=note, action=action, actor=actor, at=now))
        return {**self._pairing_view(pairing), "position": position}

    @idempotent(lambda self, pairing: {**self._pairing_view(pairing), "position": self.log.last_position()})
    def end_pairing(self, pairing_id: UUID, *, outcome: str, note: str = "", actor: str) -> dict[str, Any]:
        pairing = self._pairing(pairing_id, change=True)
        _, position = self._command(pairing, lambda now: pairing.end(outcome=outcome, note=note, actor=actor, at=now))
        return {**self._pairing_view(pairing), "position": position}

    def pairing(self, pairing_id: UUID) -> dict[str, Any]:
        return self._pairing_view(self._pairing(pairing_id))

    def pairings(self, *, member_id: str | None = None) -> list[dict[str, Any]]:
        member_id = member_id or self._own_member_id(None, "household.read")
        self._check_reads_work_of(member_id, "household.read")
        rows = visit_queries.pairings_of(self.engine, community_id=None, member_id=member_id)
        return [self._pairing_view(self.log.repository.get(UUID(r["id"]))) for r in rows]

    # ---- helpers ----

    def _household(self, household_id: UUID) -> Household:
        household = self._load(household_id, Household, f"household {household_id}")
        self._check_reads_work_of(household.member_id, "household.read")
        return household

    def _pairing(self, pairing_id: UUID, change: bool = False) -> Pairing:
        pairing = self._load(pairing_id, Pairing, f"pairing {pairing_id}")
        self._check_reads_work_of(pairing.member_id, "pairing.manage" if change else "household.read")
        return pairing

    def _household_view(self, household: Household) -> dict[str, Any]:
        code = community_code_of(household.contact_point_id)
        reveal = self.principal.reads_household_data_of(code, household.member_id) and not household.erased
        return {
            "id": household.id, "community": code, "contact_point_id": household.contact_point_id,
            "member_id": household.member_id, "contact": household.contact, "registered_at": household.registered_at,
            "erased": household.erased, "person": dict(household.person) if reveal else None,
            "version": household.version,
        }

    def _pairing_view(self, pairing: Pairing) -> dict[str, Any]:
        household = self.log.repository.get(pairing.household_id)
        names = queries.member_names(self.engine)
        return {
            "id": pairing.id, "member_id": pairing.member_id, "member": names.get(pairing.member_id, ""),
            "household": self._household_view(household), "kind": pairing.kind, "status": pairing.status,
            "started_on": pairing.started_on, "targets": list(pairing.targets),
            "actions": [dict(a) for a in pairing.actions], "help": [dict(h) for h in pairing.help],
            "progress": pairing.progress, "outcome": pairing.outcome, "allowed_steps": pairing.allowed_steps,
            "version": pairing.version,
        }
