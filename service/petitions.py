"""The reception desk's use cases: receive a petition and take it along its life."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.community import community_code_of, community_id
from domain.errors import DomainError
from domain.petition import Petition, petition_id
from domain.request import IdempotentRequest
from service import errors
from service.clock import Clock
from service.community_cache import CommunityCache
from service.numbering import PATIENCE as NUMBERING_PATIENCE, Numbering
from service.store.eventstore import EventLog, check_version, history_entry, translate_domain_error
from service.permissions import PermissionDeniedError, UseCase
from service.deadlines import explain as explain_deadline
from service.requests import Idempotent, earlier_request, idempotent, request_hash as hash_of_request
from service.phones import NOT_A_PHONE, clean_phone, is_phone
from service.working_days import DueDate, WorkingCalendar, add_working_days, library_calendar

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed safely
SYSTEM_ACTOR = "system"
HIDDEN_EVENT_FIELDS = frozenset({"tracking_code_hash"})
PERSONAL_EVENT_FIELDS = frozenset({"petitioner"})
ONLY_THE_RESPONSIBLE_MEMBER = frozenset({"record_progress", "extend_deadline", "resolve", "follow_up"})


def new_tracking_code() -> str:
    return _format_code("".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12)))


def derived_tracking_code(secret: str, principal: str, idempotency_key: str) -> str:
    """The same code for every retry of one request (so a retry answers the same), unguessable without the secret."""
    digest = hmac.new(secret.encode(), f"{principal}\x00{idempotency_key}".encode(), hashlib.sha256).digest()
    return _format_code("".join(TRACKING_ALPHABET[b % len(TRACKING_ALPHABET)] for b in digest[:12]))


def _format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def hash_tracking_code(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What a command answers: the petition as it now is, and the log position of the change."""

    petition: dict[str, Any]
    position: int


def _as_answered(desk: PetitionDesk, petition: Petition) -> Outcome:
    """What a repeated command answers: the petition as the first request left it."""
    return Outcome(desk._view(petition), desk.log.last_position())


class PetitionDesk(Idempotent, UseCase):
    PERMISSIONS = {
        "get": "petition.read", "history": "petition.read", "due_date": "petition.read", "deadline": "petition.read",
        "receive": "petition.receive",
        "resolve_on_spot": "petition.triage", "set_deadline": "petition.triage", "escalate": "petition.triage",
        "explain": "petition.triage",
        "record_progress": "petition.handle", "extend_deadline": "petition.handle", "resolve": "petition.handle",
        "follow_up": "petition.follow_up", "withdraw": "petition.withdraw", "merge": "petition.merge",
        "erase_personal_data": "petition.erase_personal_data", "erase_person": "petition.erase_personal_data",
        "reissue_tracking_code": "petition.receive",
        "count_due_date": "petition.read",
    }
    COMMANDS = {
        "receive", "resolve_on_spot", "set_deadline", "escalate", "explain", "record_progress", "extend_deadline",
        "resolve", "follow_up", "withdraw", "merge", "erase_personal_data", "erase_person", "reissue_tracking_code",
    }
    # the calendar deadlines are counted on (wired to the years an administrator entered)
    working_calendar: Callable[[], WorkingCalendar] = staticmethod(library_calendar)

    def __init__(self, log: EventLog, clock: Clock, secret: str = "") -> None:
        self.log = log
        self.clock = clock
        self.secret = secret

    # ---- reading ---------------------------------------------------------------

    def get(self, reference: str) -> dict[str, Any]:
        return self._view(self._load(reference))

    def deadline(self, reference: str) -> dict[str, Any] | None:
        """The current deadline with its reasoning: days counted, holidays and make-up days, extensions."""
        petition = self._load(reference)
        return explain_deadline(list(self.log.events.get(petition.id)), self.clock.now().date(), self.working_calendar())

    def history(self, reference: str) -> list[dict[str, Any]]:
        petition = self._load(reference)
        hidden = HIDDEN_EVENT_FIELDS if self._reveals(petition) else HIDDEN_EVENT_FIELDS | PERSONAL_EVENT_FIELDS
        return [history_entry(e, hidden) for e in self.log.events.get(petition.id)]

    def check_tracking_code(self, reference: str, code: str) -> bool:
        try:
            petition = self._load(reference, anyone=True)
        except errors.NotFoundError:
            return False
        return secrets.compare_digest(petition.tracking_code_hash, hash_tracking_code(code))

    # ---- receiving ----------------------------------------------------------------

    def receive(
        self,
        *,
        contact_point_id: str,
        category: str,
        channel: str,
        summary: str,
        details: str,
        petitioner: dict[str, Any] | None,
        actor: str,
        received_by: str | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Outcome, str]:
        """Records a petition; answers it with its reference number and the petitioner's tracking code.
        ``received_by`` defaults to the signed-in user's member id. With an ``idempotency_key``, a retry
        of the same request records nothing and answers the same."""
        received_by = received_by or self.principal.member_id or ""
        fields = {"contact_point_id": contact_point_id, "category": category, "channel": channel, "summary": summary,
                  "details": details, "petitioner": petitioner, "received_by": received_by}
        request_hash = hash_of_request(fields)
        if idempotency_key:
            earlier = self._earlier_request(actor, idempotency_key, request_hash)
            if earlier is not None:
                return earlier
        petitioner = _clean_petitioner(petitioner)
        community = self._community_of(contact_point_id, "contact_point_id",
                                       passes=lambda c: contact_point_id in c.contact_points and received_by in c.members)
        if contact_point_id not in community.contact_points or not self.principal.sees(community.code):
            raise errors.InvalidInputError({"contact_point_id": ["no such contact point"]})
        if not received_by:
            raise errors.InvalidInputError({"received_by": ["name the member who received the petition"]})
        if received_by not in community.members:
            raise errors.InvalidInputError({"received_by": ["is not a member of this community"]})
        tracking_code = (
            derived_tracking_code(self.secret, actor, idempotency_key) if idempotency_key else new_tracking_code()
        )
        now = self.clock.now()
        tracking_code_hash = hash_tracking_code(tracking_code)
        numbering = self.log.kept("numbering", Numbering)
        give_up_at = time.monotonic() + NUMBERING_PATIENCE
        # The desks of one community take turns on its counter in this process (see service.numbering);
        # one in another process may still take a number first, and then this one takes the next.
        with numbering.lock(now.year, community.code):
            while True:
                counter = numbering.counter(now.year, community.code)
                reference = counter.issue(now)
                try:
                    petition = Petition.receive(
                        reference=reference,
                        tracking_code_hash=tracking_code_hash,
                        community_id=community.id,
                        contact_point_id=contact_point_id,
                        category=category,
                        channel=channel,
                        summary=summary,
                        details=details,
                        petitioner=petitioner,
                        received_by=received_by,
                        actor=actor,
                        at=now,
                    )
                except DomainError as error:
                    raise translate_domain_error(error, None) from None
                request = (
                    IdempotentRequest(principal=actor, key=idempotency_key, request_hash=request_hash,
                                      created_id=petition.id, at=now)
                    if idempotency_key else None
                )
                try:
                    recordings = self.log.save(counter, petition, request)
                except IntegrityError:
                    if idempotency_key:  # perhaps the same request, sent twice at once, won the race
                        earlier = self._earlier_request(actor, idempotency_key, request_hash)
                        if earlier is not None:
                            return earlier
                    if time.monotonic() >= give_up_at:
                        raise errors.VersionConflictError("too many petitions received at once; try again") from None
                    continue  # a desk in another process took this number first: take the next one
                numbering.saved(counter)
                if self.log.repository.cache is not None:
                    # The next command on it reads only newer events (none), not the whole petition and its key.
                    self.log.repository.cache.put(petition.id, petition)
                return Outcome(self._view(petition), recordings[-1].notification.id), tracking_code

    def _earlier_request(self, actor: str, key: str, request_hash: str) -> tuple[Outcome, str] | None:
        earlier = earlier_request(self.log, actor, key, request_hash)
        if earlier is None:
            return None
        as_created = self.log.repository.get(earlier.created_id, version=1)
        return Outcome(self._view(as_created), self.log.last_position()), derived_tracking_code(self.secret, actor, key)

    # ---- the steps of a petition's life --------------------------------------------

    @idempotent(_as_answered)
    def resolve_on_spot(self, reference: str, *, action: str, actor: str, expected_version: int | None = None) -> Outcome:
        return self._change(reference, expected_version, lambda p, now: p.resolve_on_spot(action=action, actor=actor, at=now))

    @idempotent(_as_answered)
    def set_deadline(
        self,
        reference: str,
        *,
        working_days: int,
        responsible_member_id: str,
        plan: str,
        steps: list[dict[str, Any]] | None,
        actor: str,
        expected_version: int | None = None,
    ) -> Outcome:
        def command(petition: Petition, now: Any) -> None:
            self._check_member(petition, responsible_member_id, "responsible_member_id")
            petition.set_deadline(
                working_days=working_days,
                due_date=self.due_date(now.date(), working_days),
                responsible_member_id=responsible_member_id,
                plan=plan,
                steps=steps or [],
                actor=actor,
                at=now,
            )

        return self._change(reference, expected_version, command)

    def due_date(self, start: date, working_days: int) -> date:
        return self.count_due_date(start, working_days).due_date

    def count_due_date(self, start: date, working_days: int) -> DueDate:
        """The due date and whether it is provisional (it reaches a year with no official calendar)."""
        if not 1 <= working_days <= 365:
            raise errors.InvalidInputError({"working_days": ["must be between 1 and 365"]})
        return add_working_days(start, working_days, self.working_calendar())

    @idempotent(_as_answered)
    def record_progress(
        self, reference: str, *, note: str, completed_step: int | None, actor: str, expected_version: int | None = None
    ) -> Outcome:
        return self._change(
            reference, expected_version,
            lambda p, now: p.record_progress(note=note, completed_step=completed_step, actor=actor, at=now),
            step="record_progress",
        )

    @idempotent(_as_answered)
    def extend_deadline(
        self, reference: str, *, working_days: int, reason: str, actor: str, expected_version: int | None = None
    ) -> Outcome:
        def command(petition: Petition, now: Any) -> None:
            current_due = petition.due_date or now.date()
            due = self.due_date(current_due, working_days) if 1 <= working_days <= 365 else current_due
            petition.extend_deadline(working_days=working_days, due_date=due, reason=reason, actor=actor, at=now)

        return self._change(reference, expected_version, command, step="extend_deadline")

    @idempotent(_as_answered)
    def resolve(self, reference: str, *, outcome: str, actor: str, expected_version: int | None = None) -> Outcome:
        return self._change(reference, expected_version, lambda p, now: p.resolve(outcome=outcome, actor=actor, at=now),
                            step="resolve")

    @idempotent(_as_answered)
    def escalate(self, reference: str, *, reason: str, actor: str, expected_version: int | None = None) -> Outcome:
        return self._change(reference, expected_version, lambda p, now: p.escalate(reason=reason, actor=actor, at=now))

    @idempotent(_as_answered)
    def explain(
        self,
        reference: str,
        *,
        reason_category: str,
        explanation: str,
        method: str,
        explained_on: date | None,
        actor: str,
        expected_version: int | None = None,
    ) -> Outcome:
        return self._change(
            reference, expected_version,
            lambda p, now: p.explain(
                reason_category=reason_category, explanation=explanation, method=method,
                explained_on=explained_on or now.date(), actor=actor, at=now,
            ),
        )

    @idempotent(_as_answered)
    def follow_up(
        self, reference: str, *, satisfaction: str, comment: str, actor: str, expected_version: int | None = None
    ) -> Outcome:
        return self._change(
            reference, expected_version,
            lambda p, now: p.follow_up(satisfaction=satisfaction, comment=comment, actor=actor, at=now),
            step="follow_up",
        )

    @idempotent(_as_answered)
    def withdraw(self, reference: str, *, reason: str, actor: str, expected_version: int | None = None) -> Outcome:
        return self._change(reference, expected_version, lambda p, now: p.withdraw(reason=reason, actor=actor, at=now))

    @idempotent(_as_answered)
    def merge(self, reference: str, *, into_reference: str, actor: str, expected_version: int | None = None) -> Outcome:
        try:
            target = self._load(into_reference)
        except errors.NotFoundError:
            raise errors.InvalidInputError({"into": ["no petition has this reference number"]}) from None
        return self._change(
            reference, expected_version,
            lambda p, now: p.merge_into(target, actor=actor, at=now),
            also_save=(target,),
        )

    @idempotent(_as_answered)
    def erase_personal_data(
        self, reference: str, *, requested_by: str, reason: str, actor: str, expected_version: int | None = None
    ) -> Outcome:
        """Erases the petitioner's personal data on a lawful request: the request is recorded, then the
        petitioner's key is deleted, so the data is unreadable in every event and read model."""
        return self._erase(reference, requested_by=requested_by, reason=reason, actor=actor,
                           expected_version=expected_version)[0]

    def erase_person(
        self, *, requested_by: str, reason: str, actor: str, phone: str | None = None, name: str | None = None,
    ) -> dict[str, Any]:
        """On a lawful request naming a person by phone or full name: erases the petitioner's personal
        data in every petition of theirs that the user may see (found through the blind index, so
        written differently — full-width digits, spaces, +86 — it is the same person). Answers the
        petitions erased, and whether the key store cleared what it keeps of the deleted keys."""
        if bool(phone) == bool(name):
            field = "name" if name else "phone"
            raise errors.InvalidInputError({field: ["give either the petitioner's phone or their full name"]})
        kind, value = ("phone", phone) if phone else ("name", name)
        found = []
        for subject in self.log.keys.subjects_for(kind, value or ""):
            try:
                petition = self.log.repository.get(UUID(subject))
            except (AggregateNotFoundError, ValueError):
                continue  # a resident's record or a household, not a petition
            if isinstance(petition, Petition) and self.principal.sees(community_code_of(petition.contact_point_id)):
                found.append(petition)
        if not found:
            raise errors.InvalidInputError({kind: [f"no petition you may see has a petitioner with this {kind}"]})
        erased, cleared = [], True
        for petition in sorted(found, key=lambda p: p.reference):
            outcome, done = self._erase(petition.reference, requested_by=requested_by, reason=reason, actor=actor)
            erased.append({"reference": petition.reference, "position": outcome.position})
            cleared = cleared and done
        return {"petitions": erased, "position": max(e["position"] for e in erased), "key_store_cleared": cleared}

    def _erase(self, reference: str, *, requested_by: str, reason: str, actor: str,
               expected_version: int | None = None) -> tuple[Outcome, bool]:
        petition = self._load(reference)
        if petition.personal_data_erased:
            self.log.keys.erase(str(petition.id))  # completes an erasure interrupted before its key was deleted
        outcome = self._change(
            reference, expected_version,
            lambda p, now: p.erase_personal_data(requested_by=requested_by, reason=reason, actor=actor, at=now),
        )
        return outcome, self.log.keys.erase(str(petition.id))

    def reissue_tracking_code(
        self, reference: str, *, reason: str, actor: str, expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Outcome, str]:
        """A new tracking code for a petitioner who lost theirs; the old one stops working. Answers the
        new code (shown once). A repeat with the same key answers the same code."""
        code = (derived_tracking_code(self.secret, actor, f"reissue\x00{reference}\x00{idempotency_key}")
                if idempotency_key else new_tracking_code())
        outcome = self._reissue(reference, code_hash=hash_tracking_code(code), reason=reason, actor=actor,
                                expected_version=expected_version, idempotency_key=idempotency_key)
        return outcome, code

    @idempotent(_as_answered)
    def _reissue(self, reference: str, *, code_hash: str, reason: str, actor: str,
                 expected_version: int | None = None) -> Outcome:
        return self._change(reference, expected_version, lambda p, now: p.reissue_tracking_code(
            tracking_code_hash=code_hash, reason=reason, actor=actor, at=now))

    # ---- committee outcomes (called by the committee's outcome process) ---------------

    def resolve_by_committee(self, reference: str, *, matter_id: UUID, outcome: str, actor: str) -> Petition:
        petition = self._load(reference)
        self._apply(petition, lambda p, now: p.resolve_by_committee(matter_id=matter_id, outcome=outcome, actor=actor, at=now))
        return petition

    def explain_by_committee(self, reference: str, *, matter_id: UUID, explanation: str, actor: str) -> Petition:
        petition = self._load(reference)
        self._apply(
            petition,
            lambda p, now: p.explain(
                reason_category="other", explanation=explanation, method="online",
                explained_on=now.date(), matter_id=matter_id, actor=actor, at=now,
            ),
        )
        return petition

    # ---- supervision ------------------------------------------------------------------

    def mark_overdue(self, references: list[str]) -> list[str]:
        """Records overdue, once, for each of these petitions whose deadline has passed."""
        marked = []
        for reference in references:
            petition = self._load(reference)
            now = self.clock.now()
            if not petition.is_past_deadline(now.date()) or petition.overdue:
                continue
            petition.mark_overdue(actor=SYSTEM_ACTOR, at=now)
            try:
                self.log.save(petition)
            except IntegrityError:
                continue  # changed meanwhile; the next tick looks again
            marked.append(reference)
        return marked

    # ---- helpers ----------------------------------------------------------------------

    def _load(self, reference: str, *, anyone: bool = False) -> Petition:
        """The petition, if it exists and (unless ``anyone``) the user may see its community."""
        not_found = f"petition {reference} not found"
        try:
            petition = self.log.repository.get(petition_id(reference))
        except AggregateNotFoundError:
            raise errors.NotFoundError(not_found) from None
        if not anyone:
            self._check_sees(community_code_of(petition.contact_point_id), not_found)
        return petition

    def _reveals(self, petition: Petition) -> bool:
        return self.principal.reads_personal_data_of(community_code_of(petition.contact_point_id))

    def _check_responsible(self, petition: Petition, step: str) -> None:
        """A handling member acts on the petitions they are responsible for; desk staff on all of their community's."""
        if step in ONLY_THE_RESPONSIBLE_MEMBER and self.principal.handles_only_own \
                and petition.responsible_member_id != self.principal.member_id:
            raise PermissionDeniedError(
                "petition.handle", self.principal.username,
                f"{self.principal.username} is not the member responsible for petition {petition.reference}")

    def _community_of(self, local_id: str, field: str, passes: Callable[[Any], bool] = lambda _: True) -> Any:
        """The community, as read a few seconds ago if that copy ``passes`` the caller's checks (service.community_cache)."""
        try:
            return self.log.kept("communities", CommunityCache).get(community_id(community_code_of(local_id)), passes)
        except AggregateNotFoundError:
            raise errors.InvalidInputError({field: ["no such contact point"]}) from None

    def _check_member(self, petition: Petition, member_id: str, field: str) -> None:
        community = self.log.kept("communities", CommunityCache).get(petition.community_id, lambda c: member_id in c.members)
        if member_id not in community.members:
            raise errors.InvalidInputError({field: ["is not a member of this community"]})

    def _apply(self, petition: Petition, command: Callable[[Petition, Any], None]) -> None:
        try:
            command(petition, self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, petition) from None

    def _change(
        self,
        reference: str,
        expected_version: int | None,
        command: Callable[[Petition, Any], None],
        also_save: tuple[Petition, ...] = (),
        step: str = "",
    ) -> Outcome:
        petition = self._load(reference)
        self._check_responsible(petition, step)
        check_version(petition, expected_version, petition.status)
        self._apply(petition, command)
        try:
            position = self.log.save_or_conflict(petition, *also_save,
                                                 *self.recorded_request(petition, self.clock.now()))
        except errors.VersionConflictError as conflict:
            current = self._load(reference)
            conflict.current = {"state": current.status, "version": current.version}
            raise
        return Outcome(self._view(petition), position)

    def _view(self, petition: Petition) -> dict[str, Any]:
        view = petition_view(petition)
        if not self._reveals(petition):
            view["petitioner"] = None
        view["due_date_provisional"] = bool(petition.due_date and self.working_calendar().missing_years(
            petition.received_at.date(), petition.due_date))
        return view


def petition_view(petition: Petition) -> dict[str, Any]:
    return {
        "id": petition.id,
        "reference": petition.reference,
        "version": petition.version,
        "status": petition.status,
        "allowed_steps": petition.allowed_steps,
        "community_id": petition.community_id,
        "community_code": community_code_of(petition.contact_point_id),
        "contact_point_id": petition.contact_point_id,
        "category": petition.category,
        "channel": petition.channel,
        "summary": petition.summary,
        "details": petition.details,
        "petitioner": petition.petitioner,
        "received_by": petition.received_by,
        "received_at": petition.received_at,
        "due_date": petition.due_date,
        "responsible_member_id": petition.responsible_member_id,
        "plan": petition.plan,
        "steps": petition.steps,
        "overdue": petition.overdue,
        "extensions": petition.extensions,
        "outcome": petition.outcome,
        "outcome_at": petition.outcome_at,
        "matter_id": petition.matter_id,
        "satisfaction": petition.satisfaction,
        "reopened_count": petition.reopened_count,
        "merged_into": petition.merged_into,
        "duplicates": list(petition.duplicates),
    }



def _clean_petitioner(petitioner: dict[str, Any] | None) -> dict[str, Any] | None:
    """Blank fields out, the phone normalised (full-width digits, spaces, dashes); not a phone number is refused."""
    if not petitioner:
        return None
    cleaned = {k: v.strip() for k, v in petitioner.items() if isinstance(v, str) and v.strip()}
    if "phone" in cleaned:
        cleaned["phone"] = clean_phone(cleaned["phone"])
        if not is_phone(cleaned["phone"]):
            raise errors.InvalidInputError({"petitioner.phone": [NOT_A_PHONE]})
    return cleaned or None
