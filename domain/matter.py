"""The committee matter (议题): decided in the open by 一征三议两公开.

opened → 一征 solicitation → 一议 proposal → 二议 consultation → 三议 resolution vote
→ 一公开 resolution disclosure (notice period, objections) → 二公开 implementation and
result disclosure → closed; or, after a rejected vote, ended with the committee's reason.

Public command methods check the rule and raise a named error; private ``@event``
methods only change state. Every event carries the matter's community, its actor and
its time, so read models need nothing but the events.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.community import DEFAULT_NOTICE_DAYS, MAX_NOTICE_DAYS, CommitteeRules
from domain.errors import IllegalStepError, InvalidValueError
from domain.rules import require_choice, require_no_personal_data, require_text
from domain.petition import CHANNELS, Petition

STANCES = ("support", "oppose", "suggestion")
CONSULTATION_OUTCOMES = ("agreed", "returned")
MAX_SOLICITATION_DAYS = 90

STEPS_BY_STAGE: dict[str, list[str]] = {
    "opened": ["open_solicitation", "link_petitions"],
    "soliciting": ["record_opinion", "close_solicitation", "link_petitions"],
    "proposing": ["draft_proposal", "link_petitions"],
    "consulting": ["draft_proposal", "record_consultation", "link_petitions"],
    "voting": ["record_vote", "link_petitions"],
    "passed": ["disclose_resolution", "link_petitions"],
    "rejected": ["end", "draft_proposal", "link_petitions"],
    "in_notice": ["record_objection", "return_to_consultation", "record_implementation_progress", "link_petitions"],
    "implementing": ["record_implementation_progress", "complete_implementation", "link_petitions"],
    "implemented": ["disclose_result", "link_petitions"],
    "closed": [],
    "ended": [],
}
STAGES = tuple(STEPS_BY_STAGE)
FINAL_STAGES = ("closed", "ended")


def _optional_name(field: str, value: str | None) -> str | None:
    name = (value or "").strip()
    if len(name) > 50:
        raise InvalidValueError(field, "must be at most 50 characters")
    return name or None


def _require_count(field: str, value: int, minimum: int = 0) -> int:
    if not isinstance(value, int) or value < minimum or value > 100_000:
        raise InvalidValueError(field, f"must be a whole number from {minimum} to 100000")
    return value


class CommitteeMatter(Aggregate):
    """A matter the committee handles by 一征三议两公开, and the petitions waiting on it."""

    class Opened(Aggregate.Created):
        community_id: uuid.UUID
        title: str
        description: str
        origin: str
        actor: str
        at: datetime

    class PetitionLinked(Aggregate.Event):
        community_id: uuid.UUID
        petition_id: uuid.UUID
        reference: str
        actor: str
        at: datetime

    class SolicitationOpened(Aggregate.Event):
        community_id: uuid.UUID
        question: str
        opens_on: date
        closes_on: date
        actor: str
        at: datetime

    class OpinionRecorded(Aggregate.Event):
        community_id: uuid.UUID
        number: int
        resident: str | None
        stance: str
        text: str
        channel: str
        actor: str
        at: datetime

    class SolicitationClosed(Aggregate.Event):
        community_id: uuid.UUID
        opinions: dict[str, int]
        actor: str
        at: datetime
        reason: str = ""  # why it closed before the announced last day (required then)

    class ProposalDrafted(Aggregate.Event):
        community_id: uuid.UUID
        revision: int
        text: str
        cited_opinions: list[int]
        actor: str
        at: datetime

    class ConsultationRecorded(Aggregate.Event):
        community_id: uuid.UUID
        held_on: date
        attendees: list[str]
        minutes: str
        outcome: str
        proposal_revision: int
        actor: str
        at: datetime

    class ResolutionVoted(Aggregate.Event):
        community_id: uuid.UUID
        held_on: date
        eligible: int
        present: int
        votes_for: int
        votes_against: int
        abstentions: int
        quorum: str
        majority: str
        quorum_met: bool
        passed: bool
        proposal_revision: int
        text: str
        actor: str
        at: datetime

    class ResolutionDisclosed(Aggregate.Event):
        community_id: uuid.UUID
        title: str
        text: str
        disclosed_on: date
        notice_days: int
        notice_ends: date
        eligible: int
        present: int
        votes_for: int
        votes_against: int
        abstentions: int
        actor: str
        at: datetime

    class ObjectionRecorded(Aggregate.Event):
        community_id: uuid.UUID
        number: int
        objector: str | None
        text: str
        channel: str
        actor: str
        at: datetime

    class ReturnedToConsultation(Aggregate.Event):
        community_id: uuid.UUID
        reason: str
        objections: list[int]
        actor: str
        at: datetime

    class ImplementationProgressRecorded(Aggregate.Event):
        community_id: uuid.UUID
        note: str
        percent: int
        actor: str
        at: datetime

    class ImplementationCompleted(Aggregate.Event):
        community_id: uuid.UUID
        note: str
        completed_on: date
        actor: str
        at: datetime

    class ResultDisclosed(Aggregate.Event):
        community_id: uuid.UUID
        title: str
        result: str
        disclosed_on: date
        petition_references: list[str]
        actor: str
        at: datetime

    class Ended(Aggregate.Event):
        community_id: uuid.UUID
        title: str
        reason: str
        petition_references: list[str]
        actor: str
        at: datetime

    class ResidentDataErased(Aggregate.Event):
        community_id: uuid.UUID
        opinions: list[int]
        objections: list[int]
        requested_by: str
        reason: str
        actor: str
        at: datetime

    # ---- opening ------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        community_id: uuid.UUID,
        title: str,
        description: str,
        petitions: list[Petition],
        actor: str,
        at: datetime,
    ) -> CommitteeMatter:
        """Opens a matter from escalated petitions, or (with none) on the committee's own initiative."""
        title = require_text("title", title, 200)
        description = require_text("description", description)
        ids = [p.id for p in petitions]
        if len(set(ids)) != len(ids):
            raise InvalidValueError("petitions", "a petition is named more than once")
        for petition in petitions:
            _check_linkable(petition, community_id)
        matter = cls(
            community_id=community_id,
            title=title,
            description=description,
            origin="petitions" if petitions else "committee",
            actor=actor,
            at=at,
        )
        for petition in petitions:
            matter._link(petition, actor=actor, at=at)
        return matter

    @event(Opened)
    def __init__(
        self, community_id: uuid.UUID, title: str, description: str, origin: str, actor: str, at: datetime
    ) -> None:
        self.community_id = community_id
        self.title = title
        self.description = description
        self.origin = origin
        self.opened_at = at
        self.opened_by = actor
        self.stage = "opened"
        self.stage_since = at.date()
        self.petitions: list[dict[str, Any]] = []
        self.solicitation: dict[str, Any] | None = None
        self.opinions: list[dict[str, Any]] = []
        self.proposals: list[dict[str, Any]] = []
        self.consultations: list[dict[str, Any]] = []
        self.votes: list[dict[str, Any]] = []
        self.disclosures: list[dict[str, Any]] = []
        self.objections: list[dict[str, Any]] = []
        self.returns: list[dict[str, Any]] = []
        self.progress: list[dict[str, Any]] = []
        self.percent = 0
        self.completed: dict[str, Any] | None = None
        self.result: dict[str, Any] | None = None
        self.end_reason: str | None = None
        self.closed_at: datetime | None = None
        self.erasures: list[dict[str, Any]] = []

    # ---- what can happen next ------------------------------------------------------

    @property
    def allowed_steps(self) -> list[str]:
        steps = list(STEPS_BY_STAGE[self.stage])
        if self.stage == "rejected" and not self.votes[-1]["quorum_met"]:
            steps.insert(0, "record_vote")  # a meeting without quorum may simply be held again
        return steps

    @property
    def is_final(self) -> bool:
        return self.stage in FINAL_STAGES

    @property
    def petition_references(self) -> list[str]:
        return [p["reference"] for p in self.petitions]

    @property
    def current_proposal(self) -> dict[str, Any] | None:
        return self.proposals[-1] if self.proposals else None

    @property
    def current_disclosure(self) -> dict[str, Any] | None:
        return self.disclosures[-1] if self.disclosures else None

    def opinion_summary(self) -> dict[str, int]:
        summary = {stance: 0 for stance in STANCES}
        for opinion in self.opinions:
            summary[opinion["stance"]] += 1
        summary["total"] = len(self.opinions)
        return summary

    def _check_step(self, step: str) -> None:
        if step not in self.allowed_steps:
            raise IllegalStepError(
                f"cannot {step.replace('_', ' ')} on a matter that is {self.stage.replace('_', ' ')}",
                self.stage,
                self.allowed_steps,
            )

    def _refuse(self, message: str) -> None:
        raise IllegalStepError(message, self.stage, self.allowed_steps)

    def _check_meeting_date(self, field: str, held_on: date, at: datetime) -> None:
        if held_on > at.date():
            raise InvalidValueError(field, "must not be in the future")
        if held_on < self.stage_since:
            raise InvalidValueError(
                field, f"must not be before {self.stage_since.isoformat()}, when the step it follows was taken"
            )

    # ---- linking petitions ----------------------------------------------------------

    def link_petitions(self, petitions: list[Petition], *, actor: str, at: datetime) -> None:
        """Attaches later escalated petitions; each records that it waits on this matter."""
        self._check_step("link_petitions")
        if not petitions:
            raise InvalidValueError("petitions", "name at least one petition")
        linked = {p["id"] for p in self.petitions}
        ids = [p.id for p in petitions]
        if len(set(ids)) != len(ids):
            raise InvalidValueError("petitions", "a petition is named more than once")
        for petition in petitions:
            if petition.id in linked:
                raise InvalidValueError("petitions", f"petition {petition.reference} is linked to this matter already")
            _check_linkable(petition, self.community_id)
        for petition in petitions:
            self._link(petition, actor=actor, at=at)

    def _link(self, petition: Petition, *, actor: str, at: datetime) -> None:
        petition.link_to_matter(matter_id=self.id, actor=actor, at=at)
        self._petition_linked(
            community_id=self.community_id, petition_id=petition.id, reference=petition.reference, actor=actor, at=at
        )

    @event(PetitionLinked)
    def _petition_linked(
        self, community_id: uuid.UUID, petition_id: uuid.UUID, reference: str, actor: str, at: datetime
    ) -> None:
        self.petitions.append({"id": petition_id, "reference": reference, "linked_at": at})

    # ---- 一征 solicitation -------------------------------------------------------------

    def open_solicitation(
        self, *, question: str, opens_on: date, closes_on: date, actor: str, at: datetime
    ) -> None:
        self._check_step("open_solicitation")
        question = require_text("question", question, 2000)
        if opens_on < self.opened_at.date():
            raise InvalidValueError("opens_on", "must not be before the matter was opened")
        if closes_on < opens_on:
            raise InvalidValueError("closes_on", "must not be before the window opens")
        if (closes_on - opens_on).days >= MAX_SOLICITATION_DAYS:
            raise InvalidValueError("closes_on", f"the window may last at most {MAX_SOLICITATION_DAYS} days")
        self._solicitation_opened(
            community_id=self.community_id, question=question, opens_on=opens_on, closes_on=closes_on,
            actor=actor, at=at,
        )

    @event(SolicitationOpened)
    def _solicitation_opened(
        self, community_id: uuid.UUID, question: str, opens_on: date, closes_on: date, actor: str, at: datetime
    ) -> None:
        self.stage = "soliciting"
        self.stage_since = at.date()
        self.solicitation = {
            "question": question, "opens_on": opens_on, "closes_on": closes_on, "opened_by": actor,
            "closed_at": None,
        }

    def record_opinion(
        self, *, resident: str | None, stance: str, text: str, channel: str, actor: str, at: datetime
    ) -> int:
        """Records a resident's opinion (anonymous when no name is given); answers its number."""
        self._check_step("record_opinion")
        assert self.solicitation is not None
        opens_on, closes_on = self.solicitation["opens_on"], self.solicitation["closes_on"]
        if not opens_on <= at.date() <= closes_on:
            self._refuse(
                f"opinions are taken from {opens_on.isoformat()} to {closes_on.isoformat()}, "
                f"not on {at.date().isoformat()}"
            )
        number = len(self.opinions) + 1
        self._opinion_recorded(
            community_id=self.community_id,
            number=number,
            resident=_optional_name("resident", resident),
            stance=require_choice("stance", stance, STANCES),
            text=require_text("text", text, 2000),
            channel=require_choice("channel", channel, CHANNELS),
            actor=actor,
            at=at,
        )
        return number

    @event(OpinionRecorded)
    def _opinion_recorded(
        self,
        community_id: uuid.UUID,
        number: int,
        resident: str | None,
        stance: str,
        text: str,
        channel: str,
        actor: str,
        at: datetime,
    ) -> None:
        self.opinions.append(
            {"number": number, "resident": resident, "stance": stance, "text": text, "channel": channel,
             "recorded_by": actor, "recorded_at": at}
        )

    def close_solicitation(self, *, actor: str, at: datetime, reason: str = "") -> None:
        """Closes the solicitation. Residents were told opinions are taken until the last day: closing
        before that day has passed needs a reason, recorded with the closing."""
        self._check_step("close_solicitation")
        assert self.solicitation is not None
        if at.date() < self.solicitation["opens_on"]:
            self._refuse(
                f"the solicitation opens on {self.solicitation['opens_on'].isoformat()}; "
                "it cannot close before it opens"
            )
        reason = (reason or "").strip()
        if at.date() <= self.solicitation["closes_on"] and not reason:
            self._refuse(
                f"the solicitation is open until {self.solicitation['closes_on'].isoformat()}; "
                "closing it early needs a reason"
            )
        self._solicitation_closed(community_id=self.community_id, opinions=self.opinion_summary(), actor=actor, at=at,
                                  reason=require_text("reason", reason, 2000) if reason else "")

    @event(SolicitationClosed)
    def _solicitation_closed(
        self, community_id: uuid.UUID, opinions: dict[str, int], actor: str, at: datetime, reason: str = ""
    ) -> None:
        assert self.solicitation is not None
        self.solicitation["closed_at"] = at
        self.solicitation["closed_early_because"] = reason or None
        self.stage = "proposing"
        self.stage_since = at.date()

    def time_gates(self, today: date) -> dict[str, dict[str, Any]]:
        """The allowed steps that today's date holds back: ``{"opens_on": date}`` for one that becomes
        possible on that day, ``{"closed_on": date}`` for one whose time has passed, ``{"early_until":
        date}`` for one possible now only with a reason. Pages show them disabled, with the date."""
        gates: dict[str, dict[str, Any]] = {}
        if self.stage == "soliciting" and self.solicitation is not None:
            opens_on, closes_on = self.solicitation["opens_on"], self.solicitation["closes_on"]
            if today < opens_on:
                gates["record_opinion"] = {"opens_on": opens_on}
                gates["close_solicitation"] = {"opens_on": opens_on}
            elif today > closes_on:
                gates["record_opinion"] = {"closed_on": closes_on}
            else:
                gates["close_solicitation"] = {"early_until": closes_on}
        if self.stage == "in_notice" and self.current_disclosure is not None:
            notice_ends = self.current_disclosure["notice_ends"]
            if today <= notice_ends:
                gates["record_implementation_progress"] = {"opens_on": notice_ends + timedelta(days=1)}
            else:
                gates["record_objection"] = {"closed_on": notice_ends}
        return gates

    # ---- 一议 proposal ------------------------------------------------------------------

    def draft_proposal(self, *, text: str, cited_opinions: list[int], actor: str, at: datetime) -> int:
        """The branch drafts a proposal, or a new revision of it; every revision is kept. Answers the revision."""
        self._check_step("draft_proposal")
        text = require_text("text", text, 10000)
        numbers = {o["number"] for o in self.opinions}
        cited = list(dict.fromkeys(cited_opinions or []))
        unknown = [n for n in cited if n not in numbers]
        if unknown:
            raise InvalidValueError("cited_opinions", f"no opinion is numbered {', '.join(map(str, unknown))}")
        revision = len(self.proposals) + 1
        self._proposal_drafted(
            community_id=self.community_id, revision=revision, text=text, cited_opinions=cited, actor=actor, at=at
        )
        return revision

    @event(ProposalDrafted)
    def _proposal_drafted(
        self, community_id: uuid.UUID, revision: int, text: str, cited_opinions: list[int], actor: str, at: datetime
    ) -> None:
        self.proposals.append(
            {"revision": revision, "text": text, "cited_opinions": list(cited_opinions), "drafted_by": actor,
             "drafted_at": at}
        )
        self.stage = "consulting"
        self.stage_since = at.date()

    # ---- 二议 consultation ----------------------------------------------------------------

    def record_consultation(
        self, *, held_on: date, attendees: list[str], minutes: str, outcome: str, actor: str, at: datetime
    ) -> None:
        """The two committees' joint meeting: agreed goes on to the vote, returned goes back to drafting."""
        self._check_step("record_consultation")
        self._check_meeting_date("held_on", held_on, at)
        names = [(name or "").strip() for name in attendees or []]
        if not names or not all(names):
            raise InvalidValueError("attendees", "name everyone who attended; no blank names")
        if len(set(names)) != len(names):
            raise InvalidValueError("attendees", "a name is listed more than once")
        assert self.current_proposal is not None
        self._consultation_recorded(
            community_id=self.community_id,
            held_on=held_on,
            attendees=names,
            minutes=require_text("minutes", minutes, 20000),
            outcome=require_choice("outcome", outcome, CONSULTATION_OUTCOMES),
            proposal_revision=self.current_proposal["revision"],
            actor=actor,
            at=at,
        )

    @event(ConsultationRecorded)
    def _consultation_recorded(
        self,
        community_id: uuid.UUID,
        held_on: date,
        attendees: list[str],
        minutes: str,
        outcome: str,
        proposal_revision: int,
        actor: str,
        at: datetime,
    ) -> None:
        self.consultations.append(
            {"held_on": held_on, "attendees": list(attendees), "minutes": minutes, "outcome": outcome,
             "proposal_revision": proposal_revision, "recorded_by": actor, "recorded_at": at}
        )
        self.stage = "voting" if outcome == "agreed" else "proposing"
        self.stage_since = held_on

    # ---- 三议 resolution vote ------------------------------------------------------------

    def record_vote(
        self,
        *,
        held_on: date,
        eligible: int,
        present: int,
        votes_for: int,
        votes_against: int,
        abstentions: int,
        rules: CommitteeRules,
        actor: str,
        at: datetime,
    ) -> bool:
        """The resolution meeting. Whether it passed follows from the tally and the committee's rules; answers it."""
        self._check_step("record_vote")
        self._check_meeting_date("held_on", held_on, at)
        _require_count("eligible", eligible, minimum=1)
        _require_count("present", present)
        for field, value in (("votes_for", votes_for), ("votes_against", votes_against), ("abstentions", abstentions)):
            _require_count(field, value)
        if present > eligible:
            raise InvalidValueError("present", f"must not exceed the {eligible} eligible members")
        cast = votes_for + votes_against + abstentions
        if cast != present:
            raise InvalidValueError(
                "votes", f"for, against and abstaining add up to {cast}, but {present} were present"
            )
        quorum_met = rules.has_quorum(eligible, present)
        passed = quorum_met and rules.passes(present, votes_for)
        assert self.current_proposal is not None
        self._resolution_voted(
            community_id=self.community_id,
            held_on=held_on,
            eligible=eligible,
            present=present,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            quorum=str(rules.quorum),
            majority=str(rules.majority),
            quorum_met=quorum_met,
            passed=passed,
            proposal_revision=self.current_proposal["revision"],
            text=self.current_proposal["text"],
            actor=actor,
            at=at,
        )
        return passed

    @event(ResolutionVoted)
    def _resolution_voted(
        self,
        community_id: uuid.UUID,
        held_on: date,
        eligible: int,
        present: int,
        votes_for: int,
        votes_against: int,
        abstentions: int,
        quorum: str,
        majority: str,
        quorum_met: bool,
        passed: bool,
        proposal_revision: int,
        text: str,
        actor: str,
        at: datetime,
    ) -> None:
        self.votes.append(
            {"held_on": held_on, "eligible": eligible, "present": present, "votes_for": votes_for,
             "votes_against": votes_against, "abstentions": abstentions, "quorum": quorum, "majority": majority,
             "quorum_met": quorum_met, "passed": passed, "proposal_revision": proposal_revision, "text": text,
             "recorded_by": actor, "recorded_at": at}
        )
        self.stage = "passed" if passed else "rejected"
        self.stage_since = held_on

    # ---- 一公开 resolution disclosure --------------------------------------------------------

    def disclose_resolution(
        self, *, notice_days: int = DEFAULT_NOTICE_DAYS, text: str | None = None, actor: str, at: datetime
    ) -> date:
        """Puts the passed resolution on the board for its notice period; answers the period's last day."""
        self._check_step("disclose_resolution")
        if not isinstance(notice_days, int) or not 1 <= notice_days <= MAX_NOTICE_DAYS:
            raise InvalidValueError("notice_days", f"must be from 1 to {MAX_NOTICE_DAYS} days")
        vote = self.votes[-1]
        wording = vote["text"] if text is None else require_text("text", text, 10000)
        disclosed_on = at.date()
        notice_ends = disclosed_on + timedelta(days=notice_days - 1)
        self._resolution_disclosed(
            community_id=self.community_id,
            title=self.title,
            text=wording,
            disclosed_on=disclosed_on,
            notice_days=notice_days,
            notice_ends=notice_ends,
            eligible=vote["eligible"],
            present=vote["present"],
            votes_for=vote["votes_for"],
            votes_against=vote["votes_against"],
            abstentions=vote["abstentions"],
            actor=actor,
            at=at,
        )
        return notice_ends

    @event(ResolutionDisclosed)
    def _resolution_disclosed(
        self,
        community_id: uuid.UUID,
        title: str,
        text: str,
        disclosed_on: date,
        notice_days: int,
        notice_ends: date,
        eligible: int,
        present: int,
        votes_for: int,
        votes_against: int,
        abstentions: int,
        actor: str,
        at: datetime,
    ) -> None:
        self.disclosures.append(
            {"round": len(self.disclosures) + 1, "text": text, "disclosed_on": disclosed_on,
             "notice_days": notice_days, "notice_ends": notice_ends, "disclosed_by": actor}
        )
        self.stage = "in_notice"
        self.stage_since = disclosed_on

    def record_objection(
        self, *, objector: str | None, text: str, channel: str, actor: str, at: datetime
    ) -> int:
        """An objection to the disclosed resolution, during its notice period; answers its number."""
        self._check_step("record_objection")
        disclosure = self.current_disclosure
        assert disclosure is not None
        if at.date() > disclosure["notice_ends"]:
            self._refuse(f"the notice period ended on {disclosure['notice_ends'].isoformat()}; objections are closed")
        number = len(self.objections) + 1
        self._objection_recorded(
            community_id=self.community_id,
            number=number,
            objector=_optional_name("objector", objector),
            text=require_text("text", text, 2000),
            channel=require_choice("channel", channel, CHANNELS),
            actor=actor,
            at=at,
        )
        return number

    @event(ObjectionRecorded)
    def _objection_recorded(
        self,
        community_id: uuid.UUID,
        number: int,
        objector: str | None,
        text: str,
        channel: str,
        actor: str,
        at: datetime,
    ) -> None:
        assert self.current_disclosure is not None
        self.objections.append(
            {"number": number, "disclosure_round": self.current_disclosure["round"], "objector": objector,
             "text": text, "channel": channel, "recorded_by": actor, "recorded_at": at}
        )

    def return_to_consultation(self, *, reason: str, objections: list[int], actor: str, at: datetime) -> None:
        """On an objection, the committee sends the matter back to 二议."""
        self._check_step("return_to_consultation")
        reason = require_text("reason", reason, 5000)
        assert self.current_disclosure is not None
        this_round = {o["number"] for o in self.objections if o["disclosure_round"] == self.current_disclosure["round"]}
        if not this_round:
            self._refuse("no objection was recorded against this disclosure; a return needs one")
        cited = list(dict.fromkeys(objections or []))
        if not cited:
            raise InvalidValueError("objections", "name the objection(s) the matter is returned on")
        unknown = [n for n in cited if n not in this_round]
        if unknown:
            raise InvalidValueError(
                "objections", f"no objection to this disclosure is numbered {', '.join(map(str, unknown))}"
            )
        self._returned_to_consultation(
            community_id=self.community_id, reason=reason, objections=cited, actor=actor, at=at
        )

    @event(ReturnedToConsultation)
    def _returned_to_consultation(
        self, community_id: uuid.UUID, reason: str, objections: list[int], actor: str, at: datetime
    ) -> None:
        self.returns.append({"reason": reason, "objections": list(objections), "returned_by": actor, "returned_at": at})
        self.stage = "consulting"
        self.stage_since = at.date()

    # ---- 二公开 implementation and result ----------------------------------------------------

    def record_implementation_progress(self, *, note: str, percent: int, actor: str, at: datetime) -> None:
        """Implementation progress; the first record starts implementation, after the notice period."""
        self._check_step("record_implementation_progress")
        if self.stage == "in_notice":
            disclosure = self.current_disclosure
            assert disclosure is not None
            if at.date() <= disclosure["notice_ends"]:
                self._refuse(
                    f"implementation may start only after the notice period ends on "
                    f"{disclosure['notice_ends'].isoformat()}"
                )
        if not isinstance(percent, int) or not 0 <= percent <= 100:
            raise InvalidValueError("percent", "must be from 0 to 100")
        if percent < self.percent:
            raise InvalidValueError("percent", f"must not be below the {self.percent}% recorded before")
        self._implementation_progress_recorded(
            community_id=self.community_id, note=require_text("note", note), percent=percent, actor=actor, at=at
        )

    @event(ImplementationProgressRecorded)
    def _implementation_progress_recorded(
        self, community_id: uuid.UUID, note: str, percent: int, actor: str, at: datetime
    ) -> None:
        self.progress.append({"note": note, "percent": percent, "recorded_by": actor, "recorded_at": at})
        self.percent = percent
        if self.stage != "implementing":
            self.stage = "implementing"
            self.stage_since = at.date()

    def complete_implementation(self, *, note: str, actor: str, at: datetime) -> None:
        self._check_step("complete_implementation")
        self._implementation_completed(
            community_id=self.community_id, note=require_text("note", note), completed_on=at.date(),
            actor=actor, at=at,
        )

    @event(ImplementationCompleted)
    def _implementation_completed(
        self, community_id: uuid.UUID, note: str, completed_on: date, actor: str, at: datetime
    ) -> None:
        self.completed = {"note": note, "completed_on": completed_on, "recorded_by": actor}
        self.percent = 100
        self.stage = "implemented"
        self.stage_since = completed_on

    def disclose_result(self, *, result: str, actor: str, at: datetime) -> None:
        """Puts the implementation result on the board; closes the matter. Its petitions are resolved with it."""
        self._check_step("disclose_result")
        self._result_disclosed(
            community_id=self.community_id,
            title=self.title,
            result=require_text("result", result),
            disclosed_on=at.date(),
            petition_references=self.petition_references,
            actor=actor,
            at=at,
        )

    @event(ResultDisclosed)
    def _result_disclosed(
        self,
        community_id: uuid.UUID,
        title: str,
        result: str,
        disclosed_on: date,
        petition_references: list[str],
        actor: str,
        at: datetime,
    ) -> None:
        self.result = {"text": result, "disclosed_on": disclosed_on, "disclosed_by": actor}
        self.stage = "closed"
        self.stage_since = disclosed_on
        self.closed_at = at

    # ---- ending after a rejected vote -------------------------------------------------------

    def end(self, *, reason: str, actor: str, at: datetime) -> None:
        """Ends a rejected matter; its petitions are explained with this reason."""
        self._check_step("end")
        self._ended(
            community_id=self.community_id,
            title=self.title,
            reason=require_text("reason", reason),
            petition_references=self.petition_references,
            actor=actor,
            at=at,
        )

    @event(Ended)
    def _ended(
        self,
        community_id: uuid.UUID,
        title: str,
        reason: str,
        petition_references: list[str],
        actor: str,
        at: datetime,
    ) -> None:
        self.end_reason = reason
        self.stage = "ended"
        self.stage_since = at.date()
        self.closed_at = at


    # ---- residents' personal data --------------------------------------------------------------

    def erase_resident_data(
        self, *, opinions: list[int], objections: list[int], requested_by: str, reason: str, actor: str,
        at: datetime,
    ) -> None:
        """On a lawful request: a resident's name is erased from these opinions and objections (at any
        stage); who asked and why is kept."""
        opinions, objections = sorted(set(opinions or [])), sorted(set(objections or []))
        if not opinions and not objections:
            raise InvalidValueError("name", "name at least one opinion or objection")
        for field, numbers, records in (("opinions", opinions, self.opinions),
                                        ("objections", objections, self.objections)):
            known = {r["number"] for r in records}
            unknown = [n for n in numbers if n not in known]
            if unknown:
                raise InvalidValueError(field, f"no {field[:-1]} is numbered {', '.join(map(str, unknown))}")
        names = [o["resident"] for o in self.opinions if o["number"] in opinions]
        names += [o["objector"] for o in self.objections if o["number"] in objections]
        require_no_personal_data("requested_by", requested_by, names)
        require_no_personal_data("reason", reason, names)
        self._resident_data_erased(
            community_id=self.community_id, opinions=opinions, objections=objections,
            requested_by=require_text("requested_by", requested_by, 200),
            reason=require_text("reason", reason, 2000), actor=actor, at=at,
        )

    @event(ResidentDataErased)
    def _resident_data_erased(
        self, community_id: uuid.UUID, opinions: list[int], objections: list[int], requested_by: str, reason: str,
        actor: str, at: datetime,
    ) -> None:
        for record in self.opinions:
            if record["number"] in opinions:
                record["resident"] = None
        for record in self.objections:
            if record["number"] in objections:
                record["objector"] = None
        self.erasures.append({"opinions": list(opinions), "objections": list(objections),
                              "requested_by": requested_by, "reason": reason, "erased_by": actor, "erased_at": at})


def _check_linkable(petition: Petition, community_id: uuid.UUID) -> None:
    if petition.community_id != community_id:
        raise InvalidValueError("petitions", f"petition {petition.reference} belongs to another community")
    if petition.status != "escalated":
        raise InvalidValueError("petitions", f"petition {petition.reference} is {petition.status}, not escalated")
    if petition.matter_id is not None:
        raise InvalidValueError("petitions", f"petition {petition.reference} waits on another matter already")
