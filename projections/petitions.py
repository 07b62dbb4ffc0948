"""One row per petition: what the desk worklist, the board and the ledgers read."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, DateTime, Integer, String, Table, Text, select, update

from domain.petition import Petition
from projections.runner import metadata

petitions = Table(
    "rm_petitions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("reference", String(20), unique=True, nullable=False),
    Column("community_id", String(36), index=True, nullable=False),
    Column("contact_point_id", String(60), index=True, nullable=False),
    Column("received_by", String(60), index=True, nullable=False),
    Column("responsible_member_id", String(60), index=True),
    Column("category", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("summary", String(200), nullable=False),
    Column("status", String(20), index=True, nullable=False),
    Column("received_at", DateTime(timezone=True), index=True, nullable=False),
    Column("due_date", Date, index=True),
    Column("overdue", Boolean, nullable=False, default=False),
    Column("was_overdue", Boolean, nullable=False, default=False),
    Column("extensions", Integer, nullable=False, default=0),
    Column("escalated", Boolean, nullable=False, default=False),
    Column("outcome_kind", String(20)),
    Column("outcome_at", DateTime(timezone=True)),
    Column("on_time", Boolean),
    Column("satisfaction", String(24)),
    Column("reopened_count", Integer, nullable=False, default=0),
    Column("matter_id", String(36)),
    Column("petitioner_masked", String(40)),
    Column("petitioner_name", String(100)),
    Column("petitioner_phone", String(40), index=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

petition_steps = Table(
    "rm_petition_steps",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("petition_id", String(36), index=True, nullable=False),
    Column("event", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("public_note", Text, nullable=False, default=""),
)

PUBLIC_NOTES = {
    Petition.Received: lambda e: "",
    Petition.ResolvedOnSpot: lambda e: e.action,
    Petition.DeadlineSet: lambda e: f"{e.due_date.isoformat()}",
    Petition.DeadlineExtended: lambda e: f"{e.previous_due_date.isoformat()} → {e.due_date.isoformat()}: {e.reason}",
    Petition.Resolved: lambda e: e.outcome,
    Petition.Escalated: lambda e: "",
    Petition.Explained: lambda e: e.explanation,
    Petition.FollowedUp: lambda e: e.satisfaction,
    Petition.Withdrawn: lambda e: "",
    Petition.Merged: lambda e: e.into_reference,
    Petition.MarkedOverdue: lambda e: e.due_date.isoformat(),
}


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**: the family name and a star for each other character."""
    if not name:
        return None
    return name[0] + "*" * max(len(name) - 1, 1)


class PetitionsProjection:
    name = "petitions"
    tables = (petitions, petition_steps)

    def apply(self, connection: Connection, event: Any, position: int) -> None:
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is None or not isinstance(event, Petition.Event):
            return
        row_id = str(event.originator_id)
        values = handler(connection, event, row_id) or {}
        values.update(version=event.originator_version, updated_at=event.at)
        if isinstance(event, Petition.Received):
            connection.execute(petitions.insert().values(id=row_id, **values))
        else:
            connection.execute(update(petitions).where(petitions.c.id == row_id).values(**values))
        note = PUBLIC_NOTES.get(type(event))
        if note is not None:
            connection.execute(
                petition_steps.insert().values(
                    position=position, petition_id=row_id, event=type(event).__name__, at=event.at,
                    public_note=note(event),
                )
            )

    def _on_Received(self, c: Connection, e: Petition.Received, row_id: str) -> dict[str, Any]:
        petitioner = e.petitioner or {}
        return {
            "reference": e.reference,
            "community_id": str(e.community_id),
            "contact_point_id": e.contact_point_id,
            "received_by": e.received_by,
            "category": e.category,
            "channel": e.channel,
            "summary": e.summary,
            "status": "received",
            "received_at": e.at,
            "overdue": False,
            "was_overdue": False,
            "extensions": 0,
            "escalated": False,
            "reopened_count": 0,
            "petitioner_masked": mask_name(petitioner.get("name")),
            "petitioner_name": petitioner.get("name"),
            "petitioner_phone": petitioner.get("phone"),
        }

    def _on_ResolvedOnSpot(self, c: Connection, e: Petition.ResolvedOnSpot, row_id: str) -> dict[str, Any]:
        return {"status": "resolved_on_spot", "outcome_kind": "resolved_on_spot", "outcome_at": e.at, "on_time": True}

    def _on_DeadlineSet(self, c: Connection, e: Petition.DeadlineSet, row_id: str) -> dict[str, Any]:
        return {
            "status": "deadlined", "due_date": e.due_date, "responsible_member_id": e.responsible_member_id,
            "overdue": False,
        }

    def _on_ProgressRecorded(self, c: Connection, e: Petition.ProgressRecorded, row_id: str) -> None:
        return None

    def _on_DeadlineExtended(self, c: Connection, e: Petition.DeadlineExtended, row_id: str) -> dict[str, Any]:
        return {"due_date": e.due_date, "extensions": petitions.c.extensions + 1, "overdue": False}

    def _on_MarkedOverdue(self, c: Connection, e: Petition.MarkedOverdue, row_id: str) -> dict[str, Any]:
        return {"overdue": True, "was_overdue": True}

    def _on_Resolved(self, c: Connection, e: Petition.Resolved, row_id: str) -> dict[str, Any]:
        due = c.execute(select(petitions.c.due_date).where(petitions.c.id == row_id)).scalar()
        return {
            "status": "resolved", "outcome_kind": "resolved", "outcome_at": e.at, "overdue": False,
            "on_time": _on_time(due, e.at.date()),
            "matter_id": str(e.matter_id) if e.matter_id else None,
        }

    def _on_Escalated(self, c: Connection, e: Petition.Escalated, row_id: str) -> dict[str, Any]:
        return {"status": "escalated", "escalated": True, "overdue": False}

    def _on_Explained(self, c: Connection, e: Petition.Explained, row_id: str) -> dict[str, Any]:
        return {
            "status": "explained", "outcome_kind": "explained", "outcome_at": e.at, "overdue": False,
            "matter_id": str(e.matter_id) if e.matter_id else None,
        }

    def _on_FollowedUp(self, c: Connection, e: Petition.FollowedUp, row_id: str) -> dict[str, Any]:
        if e.satisfaction == "dissatisfied":
            return {
                "status": "reopened", "satisfaction": e.satisfaction, "reopened_count": petitions.c.reopened_count + 1,
                "due_date": None, "outcome_kind": None, "outcome_at": None, "on_time": False,
            }
        return {"status": "closed", "satisfaction": e.satisfaction}

    def _on_Withdrawn(self, c: Connection, e: Petition.Withdrawn, row_id: str) -> dict[str, Any]:
        return {"status": "withdrawn", "overdue": False}

    def _on_Merged(self, c: Connection, e: Petition.Merged, row_id: str) -> dict[str, Any]:
        return {"status": "merged", "overdue": False}

    def _on_DuplicateAbsorbed(self, c: Connection, e: Petition.DuplicateAbsorbed, row_id: str) -> None:
        return None


def _on_time(due: date | None, done: date) -> bool:
    return due is None or done <= due
