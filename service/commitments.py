"""Members' public commitments (承诺、亮诺、践诺、述诺、评诺): made by a member, approved by the
secretary, shown on the board, kept, reported on and evaluated by residents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.commitments import SLOTS, Commitment, commitment_id
from domain.community import community_code_of, community_id
from domain.errors import DomainError
from service import errors
from service.clock import Clock
from service.store.eventstore import EventLog, translate_domain_error
from service.aggregate_steps import AggregateSteps
from service.requests import idempotent
from service.permissions import PermissionDeniedError
from service.reads import GuessThrottle
from service.resident_codes import guarded_guess, hash_code, new_codes

MEMBER_STEPS = frozenset({"revise", "record_progress", "report"})


class Commitments(AggregateSteps):
    AGGREGATE = Commitment
    NOUN = "commitment"
    PERMISSIONS = {
        "list": "commitment.read", "get": "commitment.read",
        "make": "commitment.make", "revise": "commitment.make", "record_progress": "commitment.make",
        "report": "commitment.make",
        "approve": "commitment.approve", "return_for_revision": "commitment.approve",
        "issue_evaluation_codes": "commitment.approve", "conclude": "commitment.approve",
        "record_evaluation": "commitment.evaluate",
    }
    COMMANDS = {name for name, action in PERMISSIONS.items() if action != "commitment.read"}

    def __init__(self, log: EventLog, clock: Clock, throttle: GuessThrottle | None = None) -> None:
        self.log = log
        self.clock = clock
        self.throttle = throttle  # slows a client guessing residents' codes (wired in bootstrap)

    # ---- reading ----

    def list(self, *, year: int | None = None, community: str | None = None,
             member_id: str | None = None) -> list[dict[str, Any]]:
        listed = self._listed_community(community)
        return [commitment_view(c) for c in self._all(listed, year, member_id)]

    def get(self, commitment: UUID) -> dict[str, Any]:
        return commitment_view(self._load(commitment))

    def public(self, code: str, year: int) -> list[dict[str, Any]]:
        """亮诺: a community's approved commitments of a year, as the board shows them, with the member's
        public name (members' names are public by design)."""
        try:
            members = self.log.repository.get(community_id(code)).members
        except AggregateNotFoundError:
            raise errors.NotFoundError(f"community {code} not found") from None
        shown = [c for c in self._all(code, year, None) if c.is_public]
        return [{**public_view(c), "member": members.get(c.member_id, {}).get("name", "")} for c in shown]

    def public_one(self, commitment: UUID) -> dict[str, Any]:
        """One approved commitment, for its evaluation page (its QR code's target)."""
        found = self._load(commitment, anyone=True)
        if not found.is_public:
            raise errors.NotFoundError(f"commitment {commitment} not found")
        members = self.log.repository.get(found.community_id).members
        return {**public_view(found), "member": members.get(found.member_id, {}).get("name", ""),
                "community_code": community_code_of(found.member_id), "allowed_steps": found.allowed_steps}

    # ---- the member's steps ----

    @idempotent(lambda _, commitment: commitment_view(commitment))
    def make(self, *, year: int, text: str, visible_result: str, target_date: date, actor: str,
             member_id: str | None = None) -> dict[str, Any]:
        """A member's commitment for a year (their first or second). The secretary may write it down
        for a member of their community."""
        member_id = member_id or self.principal.member_id
        if not member_id:
            raise errors.InvalidInputError({"member_id": ["name the member who makes the commitment"]})
        community = self._community_of_member(member_id)
        if member_id != self.principal.member_id and not self._may_act_for_members():
            raise PermissionDeniedError("commitment.make", self.principal.username,
                                        f"{self.principal.username} makes commitments only for themselves")
        for slot in SLOTS:
            try:
                commitment = Commitment.make(community_id=community.id, member_id=member_id, year=year, slot=slot,
                                             text=text, visible_result=visible_result, target_date=target_date,
                                             actor=actor, at=self.clock.now())
            except DomainError as error:
                raise translate_domain_error(error, None) from None
            try:
                self.log.save(commitment, *self.recorded_request(commitment, commitment.made_at))
            except IntegrityError:
                continue  # this slot is taken: the second one
            return commitment_view(commitment)
        raise errors.InvalidInputError({"year": [f"a member makes at most {len(SLOTS)} commitments a year"]})

    def revise(self, commitment: UUID, *, text: str, visible_result: str, target_date: date, actor: str,
               expected_version: int | None = None) -> dict[str, Any]:
        return self._change(commitment, expected_version, "revise", lambda c, now: c.revise(
            text=text, visible_result=visible_result, target_date=target_date, actor=actor, at=now))

    def record_progress(self, commitment: UUID, *, note: str, percent: int, actor: str,
                        expected_version: int | None = None) -> dict[str, Any]:
        return self._change(commitment, expected_version, "record_progress", lambda c, now: c.record_progress(
            note=note, percent=percent, actor=actor, at=now))

    def report(self, commitment: UUID, *, report: str, actor: str,
               expected_version: int | None = None) -> dict[str, Any]:
        return self._change(commitment, expected_version, "report",
                            lambda c, now: c.report_on(report=report, actor=actor, at=now))

    # ---- the secretary's steps ----

    def approve(self, commitment: UUID, *, actor: str, expected_version: int | None = None) -> dict[str, Any]:
        return self._change(commitment, expected_version, "approve", lambda c, now: c.approve(actor=actor, at=now))

    def return_for_revision(self, commitment: UUID, *, reason: str, actor: str,
                            expected_version: int | None = None) -> dict[str, Any]:
        return self._change(commitment, expected_version, "return_for_revision",
                            lambda c, now: c.return_for_revision(reason=reason, actor=actor, at=now))

    def conclude(self, commitment: UUID, *, outcome: str, reason: str, actor: str,
                 expected_version: int | None = None) -> dict[str, Any]:
        return self._change(commitment, expected_version, "conclude",
                            lambda c, now: c.conclude(outcome=outcome, reason=reason, actor=actor, at=now))

    def issue_evaluation_codes(self, commitment: UUID, *, count: int, actor: str) -> list[str]:
        """One-time codes for residents' own evaluations (printed once; only their hashes are kept)."""
        codes = new_codes(count)
        self._change(commitment, None, "issue_evaluation_codes", lambda c, now: c.issue_evaluation_codes(
            code_hashes=[hash_code(code) for code in codes], actor=actor, at=now))
        return codes

    # ---- 评诺 ----

    @idempotent(lambda _, commitment: commitment_view(commitment))
    def record_evaluation(self, commitment: UUID, *, satisfaction: str, comment: str, source: str,
                          actor: str) -> dict[str, Any]:
        """Staff record an evaluation given at a meeting or on a paper form."""
        if source == "resident":
            raise errors.InvalidInputError({"source": ["residents evaluate for themselves, with their code"]})
        return self._change(commitment, None, "evaluate", lambda c, now: c.evaluate(
            satisfaction=satisfaction, comment=comment, source=source, code_hash=None, actor=actor, at=now))

    def evaluate_as_resident(self, commitment: UUID, *, code: str, satisfaction: str, comment: str,
                             client: str = "") -> dict[str, Any]:
        """A resident's own evaluation from the board, with a one-time code; the same code again counts once.
        A client sending wrong codes is slowed down."""
        found = self._load(commitment, anyone=True)
        if not found.is_public:
            raise errors.NotFoundError(f"commitment {commitment} not found")
        view = guarded_guess(self.throttle, client, lambda: self._change(
            commitment, None, "evaluate", lambda c, now: c.evaluate(
                satisfaction=satisfaction, comment=comment, source="resident", code_hash=hash_code(code),
                actor="resident", at=now), anyone=True))
        return public_view_of(view)

    # ---- helpers ----

    def _all(self, code: str | None, year: int | None, member_id: str | None) -> list[Commitment]:
        wanted = community_id(code) if code else None
        if member_id and year is not None:  # a member's commitments of a year have known ids: no scan
            ids = [i for i in (commitment_id(member_id, year, slot) for slot in SLOTS) if self.log.exists(i)]
        else:
            ids = self.log.aggregate_ids_created_by(Commitment.Made)
        found = []
        for each in ids:
            commitment = self.log.repository.get(each)
            if wanted is not None and commitment.community_id != wanted:
                continue
            if (year is not None and commitment.year != year) or (member_id and commitment.member_id != member_id):
                continue
            found.append(commitment)
        found.sort(key=lambda c: (c.year, c.member_id, c.slot))
        return found

    def _may_act_for_members(self) -> bool:
        return self.principal.can("commitment.approve") or self.principal.is_the_service

    def _change(self, commitment_id: UUID, expected_version: int | None, step: str,
                command: Callable[[Commitment, Any], Any], *, anyone: bool = False) -> dict[str, Any]:
        def only_the_member(commitment: Commitment) -> None:
            if step in MEMBER_STEPS and commitment.member_id != self.principal.member_id \
                    and not self._may_act_for_members():
                raise PermissionDeniedError("commitment.make", self.principal.username,
                                            f"{self.principal.username} is not the member who made this commitment")

        return commitment_view(self._step(commitment_id, expected_version, command, anyone=anyone,
                                          check=only_the_member))

def commitment_view(commitment: Commitment) -> dict[str, Any]:
    return {
        "id": commitment.id, "version": commitment.version, "member_id": commitment.member_id,
        "community_code": community_code_of(commitment.member_id), "year": commitment.year, "slot": commitment.slot,
        "text": commitment.text, "visible_result": commitment.visible_result, "target_date": commitment.target_date,
        "stage": commitment.stage, "allowed_steps": commitment.allowed_steps, "approved_at": commitment.approved_at,
        "returns": [dict(r) for r in commitment.returns], "progress": [dict(p) for p in commitment.progress],
        "percent": commitment.percent, "report": commitment.report,
        "evaluations": [dict(e) for e in commitment.evaluations],
        "evaluation_summary": commitment.evaluation_summary(), "outcome": commitment.outcome,
        "outcome_reason": commitment.outcome_reason, "concluded_at": commitment.concluded_at,
    }


PUBLIC_FIELDS = ("id", "member_id", "year", "text", "visible_result", "target_date", "stage", "percent", "report",
                 "evaluation_summary", "outcome", "outcome_reason")


def public_view_of(view: dict[str, Any]) -> dict[str, Any]:
    """What the board shows of a commitment: no comments, no names of who evaluated."""
    return {key: view[key] for key in PUBLIC_FIELDS} | {
        "progress": [{"note": p["note"], "percent": p["percent"], "on": p["at"].date()} for p in view["progress"]]}


def public_view(commitment: Commitment) -> dict[str, Any]:
    return public_view_of(commitment_view(commitment))
