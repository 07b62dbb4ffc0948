"""Committee matters (议题) as the board and the committee's agenda read them.

One row per matter with its stage and the dates that decide its next step, and
one row per implementation progress note. Residents' and objectors' names,
opinions' texts and meeting minutes are not copied here: the board shows what
the committee disclosed, and the agenda what comes next."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, DateTime, Integer, String, Table, Text, case, update

from domain.matter import CommitteeMatter
from projections.runner import metadata

matters = Table(
    "rm_matters",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("title", String(200), nullable=False),
    Column("origin", String(20), nullable=False),
    Column("stage", String(20), index=True, nullable=False),
    Column("stage_since", Date, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("petitions", Integer, nullable=False, default=0),
    Column("solicitation_opens_on", Date),
    Column("solicitation_closes_on", Date),
    Column("opinions", Integer, nullable=False, default=0),
    Column("proposal_revision", Integer, nullable=False, default=0),
    Column("vote_held_on", Date),
    Column("quorum_met", Boolean),
    Column("disclosure_round", Integer, nullable=False, default=0),
    Column("resolution_text", Text),
    Column("disclosed_on", Date, index=True),
    Column("notice_days", Integer),
    Column("notice_ends", Date),
    Column("eligible", Integer),
    Column("present", Integer),
    Column("votes_for", Integer),
    Column("votes_against", Integer),
    Column("abstentions", Integer),
    Column("objections", Integer, nullable=False, default=0),
    Column("percent", Integer, nullable=False, default=0),
    Column("progress_note", Text),
    Column("progress_at", DateTime(timezone=True)),
    Column("completed_on", Date),
    Column("result_text", Text),
    Column("result_disclosed_on", Date, index=True),
    Column("end_reason", Text),
    Column("closed_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

matter_progress = Table(
    "rm_matter_progress",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("matter_id", String(36), index=True, nullable=False),
    Column("note", Text, nullable=False),
    Column("percent", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

CLEARED_DISCLOSURE = {
    "resolution_text": None, "disclosed_on": None, "notice_days": None, "notice_ends": None, "objections": 0,
}


class MattersProjection:
    name = "matters"
    tables = (matters, matter_progress)
    event_classes = tuple(
        cls for cls in vars(CommitteeMatter).values()
        if isinstance(cls, type) and issubclass(cls, CommitteeMatter.Event)
    )

    def apply(self, connection: Connection, event: Any, position: int) -> None:
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is None or not isinstance(event, CommitteeMatter.Event):
            return
        matter_id = str(event.originator_id)
        values = handler(event)
        values.update(version=event.originator_version, updated_at=event.at)
        if isinstance(event, CommitteeMatter.Opened):
            connection.execute(matters.insert().values(id=matter_id, **values))
        else:
            connection.execute(update(matters).where(matters.c.id == matter_id).values(**values))
        if isinstance(event, CommitteeMatter.ImplementationProgressRecorded):
            connection.execute(
                matter_progress.insert().values(
                    position=position, matter_id=matter_id, note=event.note, percent=event.percent, at=event.at
                )
            )

    def _on_Opened(self, e: CommitteeMatter.Opened) -> dict[str, Any]:
        return {
            "community_id": str(e.community_id), "title": e.title, "origin": e.origin, "stage": "opened",
            "stage_since": e.at.date(), "opened_at": e.at, "petitions": 0, "opinions": 0, "proposal_revision": 0,
            "disclosure_round": 0, "objections": 0, "percent": 0,
        }

    def _on_PetitionLinked(self, e: CommitteeMatter.PetitionLinked) -> dict[str, Any]:
        return {"petitions": matters.c.petitions + 1}

    def _on_SolicitationOpened(self, e: CommitteeMatter.SolicitationOpened) -> dict[str, Any]:
        return {
            "stage": "soliciting", "stage_since": e.at.date(), "solicitation_opens_on": e.opens_on,
            "solicitation_closes_on": e.closes_on,
        }

    def _on_OpinionRecorded(self, e: CommitteeMatter.OpinionRecorded) -> dict[str, Any]:
        return {"opinions": matters.c.opinions + 1}

    def _on_SolicitationClosed(self, e: CommitteeMatter.SolicitationClosed) -> dict[str, Any]:
        return {"stage": "proposing", "stage_since": e.at.date()}

    def _on_ProposalDrafted(self, e: CommitteeMatter.ProposalDrafted) -> dict[str, Any]:
        return {"stage": "consulting", "stage_since": e.at.date(), "proposal_revision": e.revision}

    def _on_ConsultationRecorded(self, e: CommitteeMatter.ConsultationRecorded) -> dict[str, Any]:
        return {"stage": "voting" if e.outcome == "agreed" else "proposing", "stage_since": e.held_on}

    def _on_ResolutionVoted(self, e: CommitteeMatter.ResolutionVoted) -> dict[str, Any]:
        return {
            "stage": "passed" if e.passed else "rejected", "stage_since": e.held_on, "vote_held_on": e.held_on,
            "quorum_met": e.quorum_met, "eligible": e.eligible, "present": e.present, "votes_for": e.votes_for,
            "votes_against": e.votes_against, "abstentions": e.abstentions,
        }

    def _on_ResolutionDisclosed(self, e: CommitteeMatter.ResolutionDisclosed) -> dict[str, Any]:
        return {
            "stage": "in_notice", "stage_since": e.disclosed_on, "disclosure_round": matters.c.disclosure_round + 1,
            "resolution_text": e.text, "disclosed_on": e.disclosed_on, "notice_days": e.notice_days,
            "notice_ends": e.notice_ends, "eligible": e.eligible, "present": e.present, "votes_for": e.votes_for,
            "votes_against": e.votes_against, "abstentions": e.abstentions, "objections": 0,
        }

    def _on_ObjectionRecorded(self, e: CommitteeMatter.ObjectionRecorded) -> dict[str, Any]:
        return {"objections": matters.c.objections + 1}

    def _on_ReturnedToConsultation(self, e: CommitteeMatter.ReturnedToConsultation) -> dict[str, Any]:
        # The disclosed resolution is withdrawn from the board; a new vote and disclosure follow.
        return {"stage": "consulting", "stage_since": e.at.date(), **CLEARED_DISCLOSURE}

    def _on_ImplementationProgressRecorded(self, e: CommitteeMatter.ImplementationProgressRecorded) -> dict[str, Any]:
        # The first progress note starts implementation; later ones keep the date it started.
        started = case((matters.c.stage == "implementing", matters.c.stage_since), else_=e.at.date())
        return {
            "stage": "implementing", "stage_since": started, "percent": e.percent, "progress_note": e.note,
            "progress_at": e.at,
        }

    def _on_ImplementationCompleted(self, e: CommitteeMatter.ImplementationCompleted) -> dict[str, Any]:
        return {
            "stage": "implemented", "stage_since": e.completed_on, "percent": 100, "completed_on": e.completed_on,
            "progress_note": e.note, "progress_at": e.at,
        }

    def _on_ResultDisclosed(self, e: CommitteeMatter.ResultDisclosed) -> dict[str, Any]:
        return {
            "stage": "closed", "stage_since": e.disclosed_on, "result_text": e.result,
            "result_disclosed_on": e.disclosed_on, "closed_at": e.at,
        }

    def _on_Ended(self, e: CommitteeMatter.Ended) -> dict[str, Any]:
        return {"stage": "ended", "stage_since": e.at.date(), "end_reason": e.reason, "closed_at": e.at}
