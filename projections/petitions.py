"""One row per petition, its public steps, and monthly counts: what the desk worklist,
the petitioner's lookup, the board and the ledgers read.

The counts (``rm_petition_counts``) are kept per community, contact point,
member and month, as the events happen: overdue is counted once, in the month
it was recorded; a dissatisfied follow-up counts as reopened in its month and
takes its outcome out of the on-time figures of the month it was counted in.
Outcomes are attributed to the member handling the petition: the responsible
member once a deadline is set, else the member who received it."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean, Column, Connection, Date, DateTime, Index, Integer, PrimaryKeyConstraint, String, Table, Text, bindparam, select, text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from domain.petition import OPEN_STATUSES, Petition
from projections.runner import metadata

OPEN_CONDITION = "status IN (" + ", ".join(f"'{status}'" for status in OPEN_STATUSES) + ")"

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
    # the petitioner's name, phone and address exactly as sealed in the log (their own key opens it,
    # in the service); searched through the key store's blind index, never here
    Column("petitioner_sealed", Text),
    Column("tracking_code_hash", String(64), nullable=False),
    Column("handler_member_id", String(60), index=True, nullable=False),
    Column("missed_deadline", Boolean, nullable=False, default=False),
    Column("outcome_month", String(7)),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_rm_petitions_board", "community_id", "status", "due_date"),
    Index("ix_rm_petitions_open", "status", "community_id", "overdue"),
    # the board's petitions in progress, nearest deadline first, without walking past the closed ones
    Index("ix_rm_petitions_in_progress", "community_id", "due_date", "received_at", "reference",
          postgresql_where=text(OPEN_CONDITION), sqlite_where=text(OPEN_CONDITION)),
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

COUNTS = (
    "received", "resolved_on_spot", "resolved", "resolved_on_time", "resolved_late", "escalated", "explained",
    "withdrawn", "merged", "overdue", "outcomes", "outcomes_on_time", "followed_up", "satisfied",
    "basically_satisfied", "dissatisfied", "reopened",
)

petition_counts = Table(
    "rm_petition_counts",
    metadata,
    Column("community_id", String(36), nullable=False),
    Column("contact_point_id", String(60), nullable=False),
    Column("member_id", String(60), nullable=False),
    Column("month", String(7), nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in COUNTS),
    PrimaryKeyConstraint("community_id", "month", "contact_point_id", "member_id"),
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


def sealed(value: Any) -> str | None:
    """A sealed personal value as the log holds it (never a plain one: a plain value is not copied)."""
    return value.get("sealed") if isinstance(value, dict) else None


class PetitionsProjection:
    name = "petitions"
    tables = (petitions, petition_steps, petition_counts)
    event_classes = tuple(
        cls for cls in vars(Petition).values() if isinstance(cls, type) and issubclass(cls, Petition.Event)
    )

    def __init__(self) -> None:
        self._batch: _Batch | None = None

    def apply(self, connection: Connection, event: Any, position: int) -> None:
        """Applies one event to the batch's rows, held in memory until ``flush`` writes them."""
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is None or not isinstance(event, Petition.Event):
            return
        batch = self._batch_for(connection)
        row_id = str(event.originator_id)
        if isinstance(event, Petition.Received):
            row: dict[str, Any] | None = None
        else:
            row = batch.rows.get(row_id) or batch.load(row_id)
        values, counts = handler(event, row)
        values.update(version=event.originator_version, updated_at=event.at)
        if row is None:
            row = batch.rows[row_id] = {**ROW_DEFAULTS, "id": row_id, **values}
            batch.new.add(row_id)
        else:
            row.update(values)
        for month, deltas in counts:
            key = (row["community_id"], month or _month(event.at), row["contact_point_id"], row["handler_member_id"])
            batch.counts[key].update(deltas)
        note = PUBLIC_NOTES.get(type(event))
        if note is not None:
            batch.steps.append({
                "position": position, "petition_id": row_id, "event": type(event).__name__, "at": event.at,
                "public_note": note(event),
            })

    def flush(self, connection: Connection) -> None:
        """Writes the batch's rows, steps and counts: a few statements per batch, not per event."""
        batch, self._batch = self._batch, None
        if batch is None or batch.connection is not connection:
            return
        new = [batch.rows[i] for i in batch.new]
        changed = [{**row, "_id": row["id"]} for i, row in batch.rows.items() if i not in batch.new]
        if new:
            connection.execute(petitions.insert(), new)
        if changed:
            columns = {c.name: bindparam(c.name) for c in petitions.columns if c.name != "id"}
            connection.execute(update(petitions).where(petitions.c.id == bindparam("_id")).values(columns), changed)
        if batch.steps:
            connection.execute(petition_steps.insert(), batch.steps)
        counts = [
            {"community_id": k[0], "month": k[1], "contact_point_id": k[2], "member_id": k[3],
             **{name: deltas.get(name, 0) for name in COUNTS}}
            for k, deltas in batch.counts.items()
        ]
        if counts:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            upsert = dialect.insert(petition_counts)
            connection.execute(
                upsert.on_conflict_do_update(
                    index_elements=["community_id", "month", "contact_point_id", "member_id"],
                    set_={name: petition_counts.c[name] + upsert.excluded[name] for name in COUNTS},
                ),
                counts,
            )

    def discard(self) -> None:
        """Forgets a batch that was not written (its transaction rolled back)."""
        self._batch = None

    def _batch_for(self, connection: Connection) -> _Batch:
        if self._batch is None or self._batch.connection is not connection:
            self._batch = _Batch(connection)
        return self._batch

    # Each handler answers the row's new values and the counts to add: (month or None for the event's, deltas).

    def _on_Received(self, e: Petition.Received, row: None) -> tuple[dict[str, Any], list]:
        return {
            "reference": e.reference,
            "community_id": str(e.community_id),
            "contact_point_id": e.contact_point_id,
            "received_by": e.received_by,
            "handler_member_id": e.received_by,
            "category": e.category,
            "channel": e.channel,
            "summary": e.summary,
            "status": "received",
            "received_at": e.at,
            "overdue": False,
            "was_overdue": False,
            "missed_deadline": False,
            "extensions": 0,
            "escalated": False,
            "reopened_count": 0,
            "petitioner_sealed": sealed(e.petitioner),
            "tracking_code_hash": e.tracking_code_hash,
        }, [(None, {"received": 1})]

    def _on_ResolvedOnSpot(self, e: Petition.ResolvedOnSpot, row: Any) -> tuple[dict[str, Any], list]:
        return {
            "status": "resolved_on_spot", "outcome_kind": "resolved_on_spot", "outcome_at": e.at,
            "outcome_month": _month(e.at), "on_time": True,
        }, [(None, {"resolved_on_spot": 1, "outcomes": 1, "outcomes_on_time": 1})]

    def _on_DeadlineSet(self, e: Petition.DeadlineSet, row: Any) -> tuple[dict[str, Any], list]:
        return {
            "status": "deadlined", "due_date": e.due_date, "responsible_member_id": e.responsible_member_id,
            "handler_member_id": e.responsible_member_id, "overdue": False, "missed_deadline": False,
        }, []

    def _on_ProgressRecorded(self, e: Petition.ProgressRecorded, row: Any) -> tuple[dict[str, Any], list]:
        return {}, []

    def _on_DeadlineExtended(self, e: Petition.DeadlineExtended, row: Any) -> tuple[dict[str, Any], list]:
        return {"due_date": e.due_date, "extensions": row["extensions"] + 1, "overdue": False}, []

    def _on_MarkedOverdue(self, e: Petition.MarkedOverdue, row: Any) -> tuple[dict[str, Any], list]:
        return {"overdue": True, "was_overdue": True, "missed_deadline": True}, [(None, {"overdue": 1})]

    def _on_Resolved(self, e: Petition.Resolved, row: Any) -> tuple[dict[str, Any], list]:
        on_time = not row["missed_deadline"] and (e.matter_id is not None or _on_time(row["due_date"], e.at.date()))
        return {
            "status": "resolved", "outcome_kind": "resolved", "outcome_at": e.at, "outcome_month": _month(e.at),
            "overdue": False, "on_time": on_time, "matter_id": str(e.matter_id) if e.matter_id else row["matter_id"],
        }, [(None, {
            "resolved": 1, "outcomes": 1, "resolved_on_time" if on_time else "resolved_late": 1,
            "outcomes_on_time": int(on_time),
        })]

    def _on_Escalated(self, e: Petition.Escalated, row: Any) -> tuple[dict[str, Any], list]:
        return {"status": "escalated", "escalated": True, "overdue": False, "matter_id": None}, [(None, {"escalated": 1})]

    def _on_LinkedToMatter(self, e: Any, row: Any) -> tuple[dict[str, Any], list]:
        return {"matter_id": str(e.matter_id)}, []

    def _on_Explained(self, e: Petition.Explained, row: Any) -> tuple[dict[str, Any], list]:
        on_time = not row["missed_deadline"] and (e.matter_id is not None or _on_time(row["due_date"], e.explained_on))
        return {
            "status": "explained", "outcome_kind": "explained", "outcome_at": e.at, "outcome_month": _month(e.at),
            "overdue": False, "on_time": on_time, "matter_id": str(e.matter_id) if e.matter_id else row["matter_id"],
        }, [(None, {"explained": 1, "outcomes": 1, "outcomes_on_time": int(on_time)})]

    def _on_FollowedUp(self, e: Petition.FollowedUp, row: Any) -> tuple[dict[str, Any], list]:
        counts: list = [(None, {"followed_up": 1, e.satisfaction: 1})]
        if e.satisfaction != "dissatisfied":
            return {"status": "closed", "satisfaction": e.satisfaction}, counts
        counts[0][1]["reopened"] = 1
        if row["on_time"]:
            # Dissatisfied: the outcome no longer counts as on time, in the month it was counted in.
            taken_back = {"outcomes_on_time": -1}
            if row["outcome_kind"] == "resolved":
                taken_back.update(resolved_on_time=-1, resolved_late=1)
            counts.append((row["outcome_month"], taken_back))
        return {
            "status": "reopened", "satisfaction": e.satisfaction, "reopened_count": row["reopened_count"] + 1,
            "due_date": None, "outcome_kind": None, "outcome_at": None, "outcome_month": None, "on_time": False,
            "missed_deadline": False,
        }, counts

    def _on_Withdrawn(self, e: Petition.Withdrawn, row: Any) -> tuple[dict[str, Any], list]:
        return {"status": "withdrawn", "overdue": False}, [(None, {"withdrawn": 1})]

    def _on_Merged(self, e: Petition.Merged, row: Any) -> tuple[dict[str, Any], list]:
        return {"status": "merged", "overdue": False}, [(None, {"merged": 1})]

    def _on_DuplicateAbsorbed(self, e: Petition.DuplicateAbsorbed, row: Any) -> tuple[dict[str, Any], list]:
        return {}, []

    def _on_PersonalDataErased(self, e: Petition.PersonalDataErased, row: Any) -> tuple[dict[str, Any], list]:
        return {"petitioner_sealed": None}, []

    def _on_TrackingCodeReissued(self, e: Petition.TrackingCodeReissued, row: Any) -> tuple[dict[str, Any], list]:
        return {"tracking_code_hash": e.tracking_code_hash}, []


class _Batch:
    """The rows, steps and counts one batch has touched, written at its end in the same transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.rows: dict[str, dict[str, Any]] = {}
        self.new: set[str] = set()
        self.steps: list[dict[str, Any]] = []
        self.counts: dict[tuple[str, str, str, str], Counter[str]] = defaultdict(Counter)

    def load(self, row_id: str) -> dict[str, Any]:
        row = dict(self.connection.execute(select(petitions).where(petitions.c.id == row_id)).one()._mapping)
        self.rows[row_id] = row
        return row


ROW_DEFAULTS: dict[str, Any] = {
    c.name: None for c in petitions.columns
}


def _month(moment: Any) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def _on_time(due: date | None, done: date) -> bool:
    return due is None or done <= due
