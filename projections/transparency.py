"""The transparency log: every disclosure of the public board appended to a Merkle tree.

A follower of the event log like the read models (the runner writes each batch's
entries, the tree's new head and the tracking position in one transaction, so every
entry is appended exactly once and in log order). Leaves are hashed as RFC 9162 says
(leaf = H(0x00 || entry), node = H(0x01 || left || right), SHA-256, pymerkle's hasher);
the tree's right edge (the roots of its perfect subtrees) is kept with the log's size,
so a new head costs a few hashes however long the log is. Each new head (size, root,
time) is signed by ``signer``, a key kept outside the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pymerkle.hasher import MerkleHasher
from sqlalchemy import (
    Boolean, Column, Connection, Date, DateTime, Index, Integer, String, Table, Text, func, select, update,
)
from sqlalchemy.dialects import postgresql, sqlite

from domain import transparency as tl
from domain.commitments import Commitment
from domain.community import Community
from domain.matter import CommitteeMatter
from domain.petition import Petition
from domain.questionnaires import Questionnaire
from domain.reviews import YearEndReview
from projections.runner import metadata

entries = Table(
    "tl_entries",
    metadata,
    Column("index", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 … (RFC 9162 leaf index + 1)
    Column("position", Integer, nullable=False),  # the event log position it was derived from
    Column("kind", String(32), nullable=False),
    Column("community", String(40), nullable=False),
    Column("subject", String(40), nullable=False),  # a petition's reference, a matter's id, or a month
    Column("step", String(32), nullable=False),
    Column("month", String(7), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("body", Text, nullable=False),  # the canonical JSON, exactly the bytes hashed
    Column("leaf_hash", String(64), nullable=False),
    Index("ix_tl_entries_figure", "community", "month", "step"),
    Index("ix_tl_entries_subject", "subject", "index"),
)

heads = Table(
    "tl_heads",
    metadata,
    Column("tree_size", Integer, primary_key=True, autoincrement=False),
    Column("root_hash", String(64), nullable=False),
    Column("timestamp", String(32), nullable=False),  # as signed
    Column("at", DateTime(timezone=True), index=True, nullable=False),
    Column("signature", String(128), nullable=False),
)

subjects = Table(
    "tl_subjects",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("community", String(40), nullable=False),
    Column("reference", String(200), nullable=False),  # a petition's reference, a matter's title, a community's code
    Column("category", String(40)),
    Column("status", String(20)),
    Column("due_date", Date),
    Column("missed", Boolean),
    Column("round", Integer),
    Column("notice_ends", Date),
    Column("notice_open", Boolean),
    Column("objections", Integer),
)

state = Table(
    "tl_state",
    metadata,
    Column("log", String(16), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("frontier", Text, nullable=False),  # [[width, hex root], …] of the perfect subtrees, left to right
    Column("month", String(7)),  # the latest month the log's time has reached
)

days = Table(
    "tl_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("last_position", Integer, nullable=False),  # the last event of the board's kinds recorded that day
)

nodes = Table(
    "tl_nodes",
    metadata,
    Column("offset", Integer, primary_key=True, autoincrement=False),  # leaves before it
    Column("width", Integer, primary_key=True, autoincrement=False),  # a power of two, NODE_WIDTH or more
    Column("hash", String(64), nullable=False),
)

HASHER = MerkleHasher("sha256")
NODE_WIDTH = 32  # perfect subtrees this wide and wider keep their root: a proof reads a few of them

SUBJECT_DEFAULTS = {c.name: None for c in subjects.columns}


def leaf_hash(body: bytes) -> bytes:
    return HASHER.hash_buff(body)


def head_bytes(*, log_id: str, tree_size: int, root_hash: str, timestamp: str) -> bytes:
    """What is signed for a tree head (canonical JSON, like the entries)."""
    return tl.canonical({"log": log_id, "root_hash": root_hash, "timestamp": timestamp, "tree_size": tree_size})


def append(frontier: list[list[Any]], digest: bytes, nodes: list[dict[str, Any]] | None = None,
           size: int = 0) -> None:
    """Adds a leaf to the right edge (``size`` leaves before it): equal-width neighbours merge into their
    parent. Each new perfect subtree of NODE_WIDTH leaves or more is added to ``nodes`` (offset, width, root)."""
    frontier.append([1, digest])
    end = size + 1
    while len(frontier) > 1 and frontier[-1][0] == frontier[-2][0]:
        right = frontier.pop()
        left = frontier.pop()
        width = left[0] * 2
        merged = HASHER.hash_pair(left[1], right[1])
        frontier.append([width, merged])
        if nodes is not None and width >= NODE_WIDTH:
            nodes.append({"offset": end - width, "width": width, "hash": merged.hex()})


def root_of(frontier: list[list[Any]]) -> bytes:
    """The tree's root from the roots of its perfect subtrees (RFC 9162 MTH)."""
    if not frontier:
        return HASHER.hash_empty()
    return HASHER.hash_fold([digest for _, digest in reversed(frontier)])


class Signer:
    """What the projection needs of the signing key: its log id and a ``sign(bytes) -> bytes``."""

    log_id: str

    def sign(self, data: bytes) -> bytes: ...


class TransparencyProjection:
    name = "transparency"
    tables = (entries, heads, subjects, state, days, nodes)
    # The members' work is disclosed by these events alone; their handlers are named with their owner
    # (``_on_Commitment_Approved``), since their names repeat those of petitions and matters.
    MEMBERS_WORK = {Commitment: ("Made", "Approved", "Concluded"), Questionnaire: ("Drafted", "FeedbackPublished"),
                    YearEndReview: ("Gathered", "Rated")}
    event_classes = tuple(
        cls for owner, base in ((Petition, Petition.Event), (CommitteeMatter, CommitteeMatter.Event),
                                (Community, Community.Event))
        for cls in vars(owner).values() if isinstance(cls, type) and issubclass(cls, base)
    ) + tuple(getattr(owner, name) for owner, names in MEMBERS_WORK.items() for name in names)

    def __init__(self, signer: Signer, now: Callable[[], datetime]) -> None:
        self.signer = signer
        self.now = now
        self._batch: _Batch | None = None

    # ---- the runner's interface -------------------------------------------------------------

    def apply(self, connection: Connection, event: Any, position: int) -> None:
        batch = self._batch_for(connection)
        batch.position = position
        day = _day(event.at)
        batch.days[day] = max(batch.days.get(day, 0), position)  # where the board stood at that day's end
        handler = getattr(self, "_on_" + type(event).__qualname__.replace(".", "_"), None) \
            or getattr(self, f"_on_{type(event).__name__}", None)
        if handler is None:
            return
        batch.pass_time(event.at)
        handler(batch, event)

    def idle(self, connection: Connection) -> None:
        """The log has no more events for now: what the clock has passed (a month's end, a notice
        period's end) is disclosed up to now."""
        batch = self._batch_for(connection)
        batch.pass_time(self.now())

    def flush(self, connection: Connection) -> None:
        """Writes the batch's entries and subjects, moves the log's size and signs the new head."""
        batch, self._batch = self._batch, None
        if batch is None or batch.connection is not connection:
            return
        batch.write(self.signer, self.now())

    def discard(self) -> None:
        self._batch = None

    def _batch_for(self, connection: Connection) -> _Batch:
        if self._batch is None or self._batch.connection is not connection:
            self._batch = _Batch(connection)
        return self._batch

    # ---- communities ---------------------------------------------------------------------------

    def _on_Registered(self, b: _Batch, e: Community.Registered) -> None:
        b.subjects[str(e.originator_id)] = {**SUBJECT_DEFAULTS, "id": str(e.originator_id), "kind": "community",
                                            "community": e.code, "reference": e.code}
        b.dirty.add(str(e.originator_id))
        b.add(tl.community_entry(at=e.at, community=e.code, name=e.name, kind=e.kind), e.code, "registered")

    # ---- petitions: their public steps --------------------------------------------------------

    def _step(self, b: _Batch, e: Any, row: dict[str, Any], step: str, status: str, **details: Any) -> None:
        row["status"] = status
        b.dirty.add(row["id"])
        entry = tl.petition_step(step=step, status=status, at=e.at, reference=row["reference"],
                                 community=row["community"], category=row["category"], **details)
        b.add(entry, row["reference"], step)

    def _on_Received(self, b: _Batch, e: Petition.Received) -> None:
        row = {**SUBJECT_DEFAULTS, "id": str(e.originator_id), "kind": "petition",
               "community": b.community_code(str(e.community_id)), "reference": e.reference,
               "category": e.category, "missed": False}
        b.subjects[row["id"]] = row
        self._step(b, e, row, "received", "received", summary=e.summary, channel=e.channel)

    def _on_ResolvedOnSpot(self, b: _Batch, e: Petition.ResolvedOnSpot) -> None:
        self._step(b, e, b.subject(e), "resolved_on_spot", "resolved_on_spot", on_time=True)

    def _on_DeadlineSet(self, b: _Batch, e: Petition.DeadlineSet) -> None:
        row = b.subject(e)
        row.update(due_date=e.due_date, missed=False)
        self._step(b, e, row, "deadlined", "deadlined", due_date=e.due_date, working_days=e.working_days)

    def _on_DeadlineExtended(self, b: _Batch, e: Petition.DeadlineExtended) -> None:
        row = b.subject(e)
        row["due_date"] = e.due_date
        self._step(b, e, row, "deadline_extended", row["status"], due_date=e.due_date,
                   previous_due_date=e.previous_due_date, working_days=e.working_days)

    def _on_MarkedOverdue(self, b: _Batch, e: Petition.MarkedOverdue) -> None:
        row = b.subject(e)
        row["missed"] = True
        self._step(b, e, row, "marked_overdue", row["status"], due_date=e.due_date)

    def _on_Resolved(self, b: _Batch, e: Petition.Resolved) -> None:
        row = b.subject(e)
        on_time = not row["missed"] and (e.matter_id is not None or _on_time(row["due_date"], _day(e.at)))
        self._step(b, e, row, "resolved", "resolved", on_time=on_time, by_committee=e.matter_id is not None)

    def _on_Escalated(self, b: _Batch, e: Petition.Escalated) -> None:
        self._step(b, e, b.subject(e), "escalated", "escalated")

    def _on_Explained(self, b: _Batch, e: Petition.Explained) -> None:
        row = b.subject(e)
        on_time = not row["missed"] and (e.matter_id is not None or _on_time(row["due_date"], e.explained_on))
        self._step(b, e, row, "explained", "explained", on_time=on_time, reason_category=e.reason_category,
                   by_committee=e.matter_id is not None)

    def _on_FollowedUp(self, b: _Batch, e: Petition.FollowedUp) -> None:
        row = b.subject(e)
        if e.satisfaction == "dissatisfied":
            row.update(due_date=None, missed=False)
        self._step(b, e, row, "followed_up", "reopened" if e.satisfaction == "dissatisfied" else "closed",
                   satisfaction=e.satisfaction)

    def _on_Withdrawn(self, b: _Batch, e: Petition.Withdrawn) -> None:
        self._step(b, e, b.subject(e), "withdrawn", "withdrawn")

    def _on_Merged(self, b: _Batch, e: Petition.Merged) -> None:
        self._step(b, e, b.subject(e), "merged", "merged", into=e.into_reference)

    # ---- committee matters: the two disclosures and the closing --------------------------------

    def _on_Opened(self, b: _Batch, e: CommitteeMatter.Opened) -> None:
        b.subjects[str(e.originator_id)] = {
            **SUBJECT_DEFAULTS, "id": str(e.originator_id), "kind": "matter",
            "community": b.community_code(str(e.community_id)), "reference": e.title, "round": 0, "objections": 0,
            "notice_open": False,
        }
        b.dirty.add(str(e.originator_id))

    def _matter(self, b: _Batch, e: Any, row: dict[str, Any], kind: str, **details: Any) -> None:
        b.dirty.add(row["id"])
        b.add(tl.matter_entry(kind, at=e.at, community=row["community"], matter=row["id"], **details), row["id"], kind)

    def _on_ResolutionDisclosed(self, b: _Batch, e: CommitteeMatter.ResolutionDisclosed) -> None:
        row = b.subject(e)
        row.update(round=(row["round"] or 0) + 1, notice_ends=e.notice_ends, notice_open=True, objections=0)
        b.notices[row["id"]] = row
        self._matter(b, e, row, "resolution_disclosed", title=e.title, text=e.text, round=row["round"],
                     disclosed_on=e.disclosed_on, notice_days=e.notice_days, notice_ends=e.notice_ends,
                     tally={"eligible": e.eligible, "present": e.present, "votes_for": e.votes_for,
                            "votes_against": e.votes_against, "abstentions": e.abstentions})

    def _on_ObjectionRecorded(self, b: _Batch, e: CommitteeMatter.ObjectionRecorded) -> None:
        row = b.subject(e)
        row["objections"] = (row["objections"] or 0) + 1  # who objected and what they said stay off the log
        b.dirty.add(row["id"])

    def _on_ReturnedToConsultation(self, b: _Batch, e: CommitteeMatter.ReturnedToConsultation) -> None:
        row = b.subject(e)
        if row["notice_open"]:
            row["notice_open"] = False
            b.notices.pop(row["id"], None)
            self._matter(b, e, row, "resolution_withdrawn", round=row["round"], objections=row["objections"] or 0)

    def _on_ImplementationProgressRecorded(self, b: _Batch, e: CommitteeMatter.ImplementationProgressRecorded) -> None:
        self._matter(b, e, b.subject(e), "implementation_progress", percent=e.percent, note=e.note)

    def _on_ImplementationCompleted(self, b: _Batch, e: CommitteeMatter.ImplementationCompleted) -> None:
        self._matter(b, e, b.subject(e), "implementation_completed", completed_on=e.completed_on, note=e.note)

    def _on_ResultDisclosed(self, b: _Batch, e: CommitteeMatter.ResultDisclosed) -> None:
        self._matter(b, e, b.subject(e), "result_disclosed", title=e.title, result=e.result,
                     disclosed_on=e.disclosed_on, petitions=list(e.petition_references))

    def _on_Ended(self, b: _Batch, e: CommitteeMatter.Ended) -> None:
        self._matter(b, e, b.subject(e), "matter_ended", title=e.title, reason=e.reason,
                     petitions=list(e.petition_references))


    # ---- members' work: commitments (亮诺, 评诺), questionnaire results, year-end ratings ----------

    def _member_work_subject(self, b: _Batch, e: Any, kind: str) -> None:
        b.subjects[str(e.originator_id)] = {**SUBJECT_DEFAULTS, "id": str(e.originator_id), "kind": kind,
                                            "community": b.community_code(str(e.community_id)),
                                            "reference": str(e.originator_id)}
        b.dirty.add(str(e.originator_id))

    def _member_work(self, b: _Batch, e: Any, kind: str, **details: Any) -> None:
        row = b.subject(e)
        b.add(tl.member_work_entry(kind, at=e.at, community=row["community"], subject=row["id"], **details),
              row["id"], kind)

    def _on_Commitment_Made(self, b: _Batch, e: Commitment.Made) -> None:
        self._member_work_subject(b, e, "commitment")

    def _on_Commitment_Approved(self, b: _Batch, e: Commitment.Approved) -> None:
        self._member_work(b, e, "commitment_shown", member=e.member_id, year=e.year, text=e.text,
                          visible_result=e.visible_result, target_date=e.target_date)

    def _on_Commitment_Concluded(self, b: _Batch, e: Commitment.Concluded) -> None:
        self._member_work(b, e, "commitment_concluded", outcome=e.outcome, reason=e.reason, evaluation=e.evaluation)

    def _on_Questionnaire_Drafted(self, b: _Batch, e: Questionnaire.Drafted) -> None:
        self._member_work_subject(b, e, "questionnaire")

    def _on_Questionnaire_FeedbackPublished(self, b: _Batch, e: Questionnaire.FeedbackPublished) -> None:
        self._member_work(b, e, "questionnaire_results", title=e.title, answer_sheets=e.answer_sheets,
                          results=e.results, feedback=e.feedback)

    def _on_YearEndReview_Gathered(self, b: _Batch, e: YearEndReview.Gathered) -> None:
        self._member_work_subject(b, e, "review")

    def _on_YearEndReview_Rated(self, b: _Batch, e: YearEndReview.Rated) -> None:
        self._member_work(b, e, "review_rated", member=e.member_id, year=e.year, rating=e.rating,
                          evaluation=e.evaluation)


class _Batch:
    """What one batch appends, held until ``write`` (in the batch's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        row = connection.execute(select(state).where(state.c.log == "main")).first()
        if row is None:
            self.size, self.frontier, self.month, self.new_state = 0, [], None, True
        else:
            self.size, self.month, self.new_state = row.size, row.month, False
            self.frontier = [[w, bytes.fromhex(h)] for w, h in json.loads(row.frontier)]
        self.started_size = self.size
        self.position = 0
        self.days: dict[date, int] = {}
        self.nodes: list[dict[str, Any]] = []
        self.added: list[dict[str, Any]] = []
        self.subjects: dict[str, dict[str, Any]] = {}
        self.dirty: set[str] = set()
        self._communities: dict[str, str] | None = None
        self._notices: dict[str, dict[str, Any]] | None = None

    # ---- subjects ---------------------------------------------------------------------------------

    def subject(self, event: Any) -> dict[str, Any]:
        key = str(event.originator_id)
        row = self.subjects.get(key)
        if row is None:
            found = self.connection.execute(select(subjects).where(subjects.c.id == key)).first()
            row = self.subjects[key] = dict(found._mapping)
        return row

    def community_code(self, community_id: str) -> str:
        if community_id in self.subjects:
            return self.subjects[community_id]["community"]
        if self._communities is None:
            query = select(subjects.c.id, subjects.c.community).where(subjects.c.kind == "community")
            self._communities = dict(self.connection.execute(query).all())
        return self._communities[community_id]

    def communities(self) -> list[str]:
        if self._communities is None:
            query = select(subjects.c.id, subjects.c.community).where(subjects.c.kind == "community")
            self._communities = dict(self.connection.execute(query).all())
        known = dict(self._communities)
        known.update({k: r["community"] for k, r in self.subjects.items() if r["kind"] == "community"})
        return sorted(set(known.values()))

    @property
    def notices(self) -> dict[str, dict[str, Any]]:
        """Resolutions whose notice period is running: their objections are counted when it ends."""
        if self._notices is None:
            query = select(subjects).where(subjects.c.notice_open.is_(True))
            self._notices = {r.id: self.subjects.setdefault(r.id, dict(r._mapping))
                             for r in self.connection.execute(query)}
        return self._notices

    # ---- time ----------------------------------------------------------------------------------------

    def pass_time(self, moment: datetime) -> None:
        """Discloses, in order, what ends before ``moment``: notice periods (objections counted) and
        months (each community's statistics)."""
        current = tl.month_of(moment)
        if self.month is None:
            self.month = current
        due: list[tuple[datetime, int, str]] = []
        for matter_id, row in self.notices.items():
            if tl.end_of_day(row["notice_ends"]) <= moment:
                due.append((tl.end_of_day(row["notice_ends"]), 0, matter_id))
        month = self.month
        while month < current:
            due.append((tl.month_start(tl.next_month(month)), 1, month))
            month = tl.next_month(month)
        for at, kind, key in sorted(due):
            if kind == 0:
                row = self.notices.pop(key)
                row["notice_open"] = False
                self.dirty.add(key)
                self.add(tl.matter_entry("objections_counted", at=at, community=row["community"], matter=key,
                                         round=row["round"], notice_ends=row["notice_ends"],
                                         objections=row["objections"] or 0), key, "objections_counted")
            else:
                for community in self.communities():
                    counts = tl.month_statistics(self._steps(community, key), community, key)
                    self.add(tl.statistics_entry(community=community, month=key, counts=counts), key,
                             "month_statistics")
        if current > self.month:
            self.month = current

    def _steps(self, community: str, month: str) -> list[dict[str, Any]]:
        query = select(entries.c.body).where(
            entries.c.community == community, entries.c.month == month, entries.c.kind == "petition_step")
        stored = [json.loads(body) for body in self.connection.execute(query).scalars()]
        return stored + [e["entry"] for e in self.added]  # month_statistics keeps the community's month

    # ---- appending -------------------------------------------------------------------------------------

    def add(self, entry: dict[str, Any], subject: str, step: str) -> None:
        body = tl.canonical(entry)
        digest = leaf_hash(body)
        append(self.frontier, digest, self.nodes, self.size)
        self.size += 1
        self.added.append({
            "index": self.size, "position": self.position, "kind": entry["kind"], "community": entry["community"],
            "subject": subject, "step": step, "month": entry["month"], "at": datetime.fromisoformat(entry["at"]),
            "body": body.decode(), "leaf_hash": digest.hex(), "entry": entry,
        })

    def write(self, signer: Signer, now: datetime) -> None:
        connection = self.connection
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        if self.dirty:  # one statement for the batch's subjects, one for its days
            upsert = dialect.insert(subjects)
            connection.execute(upsert.on_conflict_do_update(
                index_elements=["id"], set_={c.name: upsert.excluded[c.name] for c in subjects.columns if c.name != "id"}),
                [self.subjects[key] for key in sorted(self.dirty)])
        if self.days:
            upsert = dialect.insert(days)
            latest = func.max if connection.dialect.name == "sqlite" else func.greatest
            connection.execute(upsert.on_conflict_do_update(
                index_elements=["day"], set_={"last_position": latest(days.c.last_position, upsert.excluded.last_position)}),
                [{"day": day, "last_position": position} for day, position in sorted(self.days.items())])
        frontier = json.dumps([[w, h.hex()] for w, h in self.frontier])
        if self.new_state:
            connection.execute(state.insert().values(log="main", size=self.size, frontier=frontier, month=self.month))
        else:
            moved = connection.execute(
                update(state).where(state.c.log == "main", state.c.size == self.started_size)
                .values(size=self.size, frontier=frontier, month=self.month)
            ).rowcount
            if moved != 1:
                raise RuntimeError("another follower appended to the transparency log meanwhile")
        if not self.added:
            return
        connection.execute(entries.insert(), [{k: v for k, v in e.items() if k != "entry"} for e in self.added])
        if self.nodes:
            connection.execute(nodes.insert(), self.nodes)
        root = root_of(self.frontier).hex()
        timestamp = tl.moment(now)
        signed = head_bytes(log_id=signer.log_id, tree_size=self.size, root_hash=root, timestamp=timestamp)
        connection.execute(heads.insert().values(
            tree_size=self.size, root_hash=root, timestamp=timestamp, at=now, signature=signer.sign(signed).hex()))


def _day(at: datetime) -> date:
    return at.astimezone(tl.CHINA).date()


def _on_time(due: date | None, done: date) -> bool:
    return due is None or done <= due
