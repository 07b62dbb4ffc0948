"""The committee's use cases: a matter decided by 一征三议两公开, step by step.

Each method loads the matter, checks the version the caller acted on, takes one
step, saves, and answers the matter as plain values with the log position. The
outcome for the linked petitions is not written here: the matter-outcomes process
(``service/matter_outcomes.py``) reacts to the closing event, exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.community import Community, community_code_of, community_id
from domain.errors import DomainError
from domain.matter import CommitteeMatter
from domain.petition import Petition, petition_id
from service import errors
from service.clock import Clock
from service.store.personal_data import normalise_name, resident_subject
from service.store.eventstore import EventLog, check_version, history_entry, translate_domain_error
from service.permissions import UseCase
from service.requests import Idempotent, idempotent

HIDDEN_EVENT_FIELDS = frozenset({"community_id"})


@dataclass(frozen=True)
class MatterOutcome:
    """What a command answers: the matter as it now is, and the log position of the change."""

    matter: dict[str, Any]
    position: int


def _as_answered(committee: Committee, matter: CommitteeMatter) -> MatterOutcome:
    """What a repeated command answers: the matter as the first request left it."""
    return MatterOutcome(matter_view(matter), committee.log.last_position())


class Committee(Idempotent, UseCase):
    PERMISSIONS = {
        "get": "matter.read", "history": "matter.read", "opinion_summary": "matter.read", "list": "matter.read",
        "open": "matter.manage", "link_petitions": "matter.manage", "open_solicitation": "matter.manage",
        "record_opinion": "matter.record_opinion", "close_solicitation": "matter.manage",
        "draft_proposal": "matter.manage", "record_consultation": "matter.manage", "record_vote": "matter.manage",
        "disclose_resolution": "matter.manage", "record_objection": "matter.record_objection",
        "return_to_consultation": "matter.manage", "record_implementation_progress": "matter.manage",
        "complete_implementation": "matter.manage", "disclose_result": "matter.manage", "end": "matter.manage",
        "erase_resident_data": "matter.erase_resident_data",
    }
    COMMANDS = {name for name, action in PERMISSIONS.items() if action != "matter.read"}

    def __init__(self, log: EventLog, clock: Clock) -> None:
        self.log = log
        self.clock = clock

    # ---- reading ------------------------------------------------------------------

    def get(self, matter_id: UUID) -> dict[str, Any]:
        matter = self._load(matter_id)
        return {**matter_view(matter), "time_gates": matter.time_gates(self.clock.now().date())}

    def history(self, matter_id: UUID) -> list[dict[str, Any]]:
        matter = self._load(matter_id)
        return [history_entry(e, HIDDEN_EVENT_FIELDS) for e in self.log.events.get(matter.id)]

    def opinion_summary(self, matter_id: UUID) -> dict[str, int]:
        return self._load(matter_id).opinion_summary()

    def list(self, *, stage: str | None = None, community: str | None = None) -> list[dict[str, Any]]:
        """Matters, newest first, optionally of one stage and one community."""
        listed = self._listed_community(community)
        wanted_community = community_id(listed) if listed else None
        found = []
        for matter_id in self.log.aggregate_ids_created_by(CommitteeMatter.Opened):
            matter = self.log.repository.get(matter_id)
            if stage is not None and matter.stage != stage:
                continue
            if wanted_community is not None and matter.community_id != wanted_community:
                continue
            found.append(matter)
        found.reverse()  # newest first, also among matters opened at the same moment
        found.sort(key=lambda m: m.opened_at, reverse=True)
        return [matter_summary(m) for m in found]

    # ---- opening and linking ----------------------------------------------------------

    @idempotent(_as_answered)
    def open(
        self, *, community: str, title: str, description: str, petitions: list[str], actor: str
    ) -> MatterOutcome:
        """Opens a matter from escalated petitions (saved with them, at once), or on the committee's initiative."""
        community_ = self._community(community)
        linked = self._petitions(petitions)
        try:
            matter = CommitteeMatter.open(
                community_id=community_.id, title=title, description=description, petitions=linked,
                actor=actor, at=self.clock.now(),
            )
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        position = self.log.save_or_conflict(matter, *linked, *self.recorded_request(matter, self.clock.now()))
        return MatterOutcome(matter_view(matter), position)

    @idempotent(_as_answered)
    def link_petitions(
        self, matter_id: UUID, *, petitions: list[str], actor: str, expected_version: int | None = None
    ) -> MatterOutcome:
        linked = self._petitions(petitions)
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.link_petitions(linked, actor=actor, at=now),
            also_save=linked,
        )

    # ---- 一征 solicitation -------------------------------------------------------------

    @idempotent(_as_answered)
    def open_solicitation(
        self, matter_id: UUID, *, question: str, opens_on: date | None, closes_on: date, actor: str,
        expected_version: int | None = None,
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.open_solicitation(
                question=question, opens_on=opens_on or now.date(), closes_on=closes_on, actor=actor, at=now
            ),
        )

    @idempotent(_as_answered)
    def record_opinion(
        self, matter_id: UUID, *, resident: str | None, stance: str, text: str, channel: str, actor: str,
        expected_version: int | None = None,
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.record_opinion(
                resident=resident, stance=stance, text=text, channel=channel, actor=actor, at=now
            ),
        )

    @idempotent(_as_answered)
    def close_solicitation(
        self, matter_id: UUID, *, reason: str = "", actor: str, expected_version: int | None = None
    ) -> MatterOutcome:
        """Closes the solicitation; before its announced last day has passed, only with a reason (recorded)."""
        return self._change(matter_id, expected_version,
                            lambda m, now: m.close_solicitation(reason=reason, actor=actor, at=now))

    # ---- 一议 proposal ---------------------------------------------------------------------

    @idempotent(_as_answered)
    def draft_proposal(
        self, matter_id: UUID, *, text: str, cited_opinions: list[int], actor: str,
        expected_version: int | None = None,
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.draft_proposal(text=text, cited_opinions=cited_opinions, actor=actor, at=now),
        )

    # ---- 二议 consultation -------------------------------------------------------------------

    @idempotent(_as_answered)
    def record_consultation(
        self, matter_id: UUID, *, held_on: date | None, attendees: list[str], minutes: str, outcome: str,
        actor: str, expected_version: int | None = None,
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.record_consultation(
                held_on=held_on or now.date(), attendees=attendees, minutes=minutes, outcome=outcome,
                actor=actor, at=now,
            ),
        )

    # ---- 三议 resolution vote ----------------------------------------------------------------

    @idempotent(_as_answered)
    def record_vote(
        self, matter_id: UUID, *, held_on: date | None, eligible: int, present: int, votes_for: int,
        votes_against: int, abstentions: int, actor: str, expected_version: int | None = None,
    ) -> MatterOutcome:
        def command(matter: CommitteeMatter, now: Any) -> None:
            community: Community = self.log.repository.get(matter.community_id)
            matter.record_vote(
                held_on=held_on or now.date(), eligible=eligible, present=present, votes_for=votes_for,
                votes_against=votes_against, abstentions=abstentions, rules=community.rules, actor=actor, at=now,
            )

        return self._change(matter_id, expected_version, command)

    # ---- 一公开 resolution disclosure --------------------------------------------------------

    @idempotent(_as_answered)
    def disclose_resolution(
        self, matter_id: UUID, *, notice_days: int | None = None, text: str | None = None, actor: str,
        expected_version: int | None = None,
    ) -> MatterOutcome:
        """Disclosed for ``notice_days``, or for the notice period the committee set (7 days by default)."""

        def command(matter: CommitteeMatter, now: Any) -> None:
            days = notice_days
            if days is None:
                community: Community = self.log.repository.get(matter.community_id)
                days = community.rules.notice_days
            matter.disclose_resolution(notice_days=days, text=text, actor=actor, at=now)

        return self._change(matter_id, expected_version, command)

    @idempotent(_as_answered)
    def record_objection(
        self, matter_id: UUID, *, objector: str | None, text: str, channel: str, actor: str,
        expected_version: int | None = None,
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.record_objection(objector=objector, text=text, channel=channel, actor=actor, at=now),
        )

    @idempotent(_as_answered)
    def return_to_consultation(
        self, matter_id: UUID, *, reason: str, objections: list[int], actor: str,
        expected_version: int | None = None,
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.return_to_consultation(reason=reason, objections=objections, actor=actor, at=now),
        )

    # ---- 二公开 implementation and result ----------------------------------------------------

    @idempotent(_as_answered)
    def record_implementation_progress(
        self, matter_id: UUID, *, note: str, percent: int, actor: str, expected_version: int | None = None
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version,
            lambda m, now: m.record_implementation_progress(note=note, percent=percent, actor=actor, at=now),
        )

    @idempotent(_as_answered)
    def complete_implementation(
        self, matter_id: UUID, *, note: str, actor: str, expected_version: int | None = None
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version, lambda m, now: m.complete_implementation(note=note, actor=actor, at=now)
        )

    @idempotent(_as_answered)
    def disclose_result(
        self, matter_id: UUID, *, result: str, actor: str, expected_version: int | None = None
    ) -> MatterOutcome:
        return self._change(
            matter_id, expected_version, lambda m, now: m.disclose_result(result=result, actor=actor, at=now)
        )

    @idempotent(_as_answered)
    def end(self, matter_id: UUID, *, reason: str, actor: str, expected_version: int | None = None) -> MatterOutcome:
        return self._change(matter_id, expected_version, lambda m, now: m.end(reason=reason, actor=actor, at=now))

    # ---- helpers ----------------------------------------------------------------------------

    def _load(self, matter_id: UUID) -> CommitteeMatter:
        try:
            matter = self.log.repository.get(matter_id)
        except AggregateNotFoundError:
            raise errors.NotFoundError(f"matter {matter_id} not found") from None
        if not isinstance(matter, CommitteeMatter):
            raise errors.NotFoundError(f"matter {matter_id} not found")
        self._check_sees_id(matter.community_id, f"matter {matter_id} not found")
        return matter

    def _community(self, code: str) -> Community:
        """The community a matter is opened in: one the user may see, else as if it did not exist."""
        try:
            if not self.principal.sees(code):
                raise AggregateNotFoundError
            return self.log.repository.get(community_id(code))
        except AggregateNotFoundError:
            raise errors.InvalidInputError({"community": ["no such community"]}) from None

    def _petitions(self, references: list[str]) -> list[Petition]:
        found = []
        for reference in references or []:
            try:
                petition = self.log.repository.get(petition_id(reference))
                if not self.principal.sees(community_code_of(petition.contact_point_id)):
                    raise AggregateNotFoundError
                found.append(petition)
            except AggregateNotFoundError:
                raise errors.InvalidInputError(
                    {"petitions": [f"no petition has the reference number {reference}"]}
                ) from None
        return found

    def _change(
        self,
        matter_id: UUID,
        expected_version: int | None,
        command: Callable[[CommitteeMatter, Any], None],
        also_save: list[Petition] | tuple[Petition, ...] = (),
    ) -> MatterOutcome:
        matter = self._load(matter_id)
        check_version(matter, expected_version, matter.stage)
        try:
            command(matter, self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, matter) from None
        try:
            position = self.log.save_or_conflict(matter, *also_save, *self.recorded_request(matter, self.clock.now()))
        except errors.VersionConflictError as conflict:
            current = self._load(matter_id)
            conflict.current = {"state": current.stage, "version": current.version}
            raise
        return MatterOutcome(matter_view(matter), position)


    # ---- residents' personal data --------------------------------------------------------

    def erase_resident_data(
        self, *, community: str, name: str, requested_by: str, reason: str, actor: str,
    ) -> dict[str, Any]:
        """On a lawful request naming a resident: their name is erased from every opinion and objection
        in the community's matters. Each matter records who asked and why (never the name), then the
        keys of those records are deleted: the name is unreadable and unfindable in every copy."""
        community_ = self._community(community)
        wanted = normalise_name(name)
        if not wanted:
            raise errors.InvalidInputError({"name": ["name the resident whose data is to be erased"]})
        subjects = set(self.log.keys.subjects_for("name", name))
        erased, position = [], self.log.last_position()
        for matter_id in self.log.aggregate_ids_created_by(CommitteeMatter.Opened) if subjects else []:
            matter = self.log.repository.get(matter_id)
            if matter.community_id != community_.id:
                continue
            found = {kind: [r for r in records if resident_subject(matter.id, kind, r["number"]) in subjects
                            and (r[field] is None or normalise_name(r[field]) == wanted)]
                     for kind, field, records in (("opinion", "resident", matter.opinions),
                                                  ("objection", "objector", matter.objections))}
            if not found["opinion"] and not found["objection"]:
                continue
            named = {kind: [r["number"] for r in records if r["resident" if kind == "opinion" else "objector"]]
                     for kind, records in found.items()}
            if named["opinion"] or named["objection"]:  # else erased before, up to its keys: finish that
                try:
                    matter.erase_resident_data(opinions=named["opinion"], objections=named["objection"],
                                               requested_by=requested_by, reason=reason, actor=actor,
                                               at=self.clock.now())
                except DomainError as error:
                    raise translate_domain_error(error, matter) from None
                position = self.log.save_or_conflict(matter)
            self.log.keys.erase(*(resident_subject(matter.id, kind, r["number"])
                                  for kind, records in found.items() for r in records))
            erased.append({"matter_id": matter.id, "opinions": [r["number"] for r in found["opinion"]],
                           "objections": [r["number"] for r in found["objection"]]})
        if not erased:
            raise errors.InvalidInputError({"name": ["no opinion or objection in this community names this resident"]})
        return {"matters": erased, "position": position}


def matter_summary(matter: CommitteeMatter) -> dict[str, Any]:
    return {
        "id": matter.id,
        "version": matter.version,
        "community_id": matter.community_id,
        "title": matter.title,
        "origin": matter.origin,
        "stage": matter.stage,
        "allowed_steps": matter.allowed_steps,
        "opened_at": matter.opened_at,
        "petitions": matter.petition_references,
    }


def matter_view(matter: CommitteeMatter) -> dict[str, Any]:
    return {
        **matter_summary(matter),
        "description": matter.description,
        "opened_by": matter.opened_by,
        "petitions": [{"id": p["id"], "reference": p["reference"], "linked_at": p["linked_at"]} for p in matter.petitions],
        "solicitation": _copy(matter.solicitation),
        "opinions": [dict(o) for o in matter.opinions],
        "opinion_summary": matter.opinion_summary(),
        "proposals": [dict(p) for p in matter.proposals],
        "consultations": [dict(c) for c in matter.consultations],
        "votes": [dict(v) for v in matter.votes],
        "disclosures": [dict(d) for d in matter.disclosures],
        "objections": [dict(o) for o in matter.objections],
        "returns": [dict(r) for r in matter.returns],
        "implementation": {
            "percent": matter.percent,
            "progress": [dict(p) for p in matter.progress],
            "completed": _copy(matter.completed),
        },
        "result": _copy(matter.result),
        "end_reason": matter.end_reason,
        "closed_at": matter.closed_at,
    }


def _copy(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return dict(value) if value is not None else None

