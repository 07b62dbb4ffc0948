"""Queries over the read models. Answers are plain dicts (and totals, for pages)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine, Select, and_, case, func, or_, select

from domain.petition import OPEN_STATUSES
from projections.matters import matter_progress, matters
from projections.communities import communities, contact_points, members
from projections.petitions import COUNTS, petition_counts, petition_steps, petitions


def past_deadline(engine: Engine, today: date, community_id: str | None = None) -> list[str]:
    """References of deadlined petitions whose due date has passed and are not yet marked overdue."""
    query = (
        select(petitions.c.reference)
        .where(and_(petitions.c.status == "deadlined", petitions.c.due_date < today, petitions.c.overdue.is_(False)))
        .order_by(petitions.c.due_date)
    )
    if community_id:
        query = query.where(petitions.c.community_id == community_id)
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def _all(engine: Engine, query: Select) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def _page(engine: Engine, query: Select, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
        rows = connection.execute(query.limit(per_page).offset((page - 1) * per_page))
        return [dict(row._mapping) for row in rows], total


# ---- communities -------------------------------------------------------------------

def list_communities(engine: Engine) -> list[dict[str, Any]]:
    return _all(engine, select(communities).order_by(communities.c.code))


def community_by_code(engine: Engine, code: str) -> dict[str, Any] | None:
    rows = _all(engine, select(communities).where(communities.c.code == code))
    return rows[0] if rows else None


def contact_point_names(engine: Engine, community_id: str | None = None) -> dict[str, str]:
    query = select(contact_points.c.id, contact_points.c.name)
    if community_id:
        query = query.where(contact_points.c.community_id == community_id)
    return {row["id"]: row["name"] for row in _all(engine, query)}


def member_names(engine: Engine, community_id: str | None = None) -> dict[str, str]:
    query = select(members.c.id, members.c.name)
    if community_id:
        query = query.where(members.c.community_id == community_id)
    return {row["id"]: row["name"] for row in _all(engine, query)}


# ---- counts (board statistics and ledgers) --------------------------------------------

GROUPINGS = {
    "community": petition_counts.c.community_id,
    "contact_point": petition_counts.c.contact_point_id,
    "member": petition_counts.c.member_id,
    "month": petition_counts.c.month,
    "year": func.substr(petition_counts.c.month, 1, 4),
}


def count_totals(
    engine: Engine,
    *,
    by: Sequence[str],
    community_id: str | None = None,
    contact_point_id: str | None = None,
    member_id: str | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
) -> list[dict[str, Any]]:
    """Sums of the monthly counts, grouped ``by`` some of: community, contact_point, member, month, year.
    Months are ``YYYY-MM`` strings, both ends included."""
    keys = [GROUPINGS[name].label(name) for name in by]
    sums = [func.sum(petition_counts.c[name]).label(name) for name in COUNTS]
    query = select(*keys, *sums).group_by(*keys).order_by(*keys)
    conditions = []
    if community_id:
        conditions.append(petition_counts.c.community_id == community_id)
    if contact_point_id:
        conditions.append(petition_counts.c.contact_point_id == contact_point_id)
    if member_id:
        conditions.append(petition_counts.c.member_id == member_id)
    if month_from:
        conditions.append(petition_counts.c.month >= month_from)
    if month_to:
        conditions.append(petition_counts.c.month <= month_to)
    if conditions:
        query = query.where(*conditions)
    rows = _all(engine, query)
    for row in rows:
        for name in COUNTS:
            row[name] = int(row[name] or 0)
    return rows


# ---- petitions in progress (public) ---------------------------------------------------

PUBLIC_COLUMNS = (
    petitions.c.reference, petitions.c.community_id, petitions.c.contact_point_id, petitions.c.category,
    petitions.c.summary, petitions.c.status, petitions.c.received_at, petitions.c.due_date, petitions.c.overdue,
)


def in_progress(
    engine: Engine,
    *,
    community_id: str | None,
    page: int,
    per_page: int,
    category: str | None = None,
    contact_point_id: str | None = None,
    status: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Open petitions with public fields only, the nearest deadline first."""
    query = select(*PUBLIC_COLUMNS).where(petitions.c.status.in_([status] if status else OPEN_STATUSES))
    if community_id:
        query = query.where(petitions.c.community_id == community_id)
    if category:
        query = query.where(petitions.c.category == category)
    if contact_point_id:
        query = query.where(petitions.c.contact_point_id == contact_point_id)
    query = query.order_by(petitions.c.due_date.asc().nulls_last(), petitions.c.received_at, petitions.c.reference)
    return _page(engine, query, page, per_page)


def open_counts(engine: Engine, community_id: str | None = None) -> list[dict[str, Any]]:
    """Open petitions per community and status, and how many of them are recorded overdue."""
    query = (
        select(
            petitions.c.community_id, petitions.c.status, func.count().label("count"),
            func.sum(_one_if(petitions.c.overdue.is_(True))).label("overdue"),
        )
        .where(petitions.c.status.in_(OPEN_STATUSES))
        .group_by(petitions.c.community_id, petitions.c.status)
    )
    if community_id:
        query = query.where(petitions.c.community_id == community_id)
    rows = _all(engine, query)
    for row in rows:
        row["overdue"] = int(row["overdue"] or 0)
    return rows


# ---- the petitioner's lookup ------------------------------------------------------------

def lookup_row(engine: Engine, reference: str) -> dict[str, Any] | None:
    query = select(
        petitions.c.id, petitions.c.reference, petitions.c.tracking_code_hash, petitions.c.community_id,
        petitions.c.contact_point_id, petitions.c.category, petitions.c.summary, petitions.c.status,
        petitions.c.received_at, petitions.c.due_date, petitions.c.overdue, petitions.c.extensions,
        petitions.c.outcome_kind, petitions.c.outcome_at, petitions.c.satisfaction, petitions.c.reopened_count,
        petitions.c.matter_id,
    ).where(petitions.c.reference == reference)
    rows = _all(engine, query)
    return rows[0] if rows else None


def public_steps(engine: Engine, petition_id: str) -> list[dict[str, Any]]:
    query = (
        select(petition_steps.c.event, petition_steps.c.at, petition_steps.c.public_note)
        .where(petition_steps.c.petition_id == petition_id)
        .order_by(petition_steps.c.position)
    )
    return _all(engine, query)


# ---- the desk (staff) -------------------------------------------------------------------

STAFF_COLUMNS = (
    petitions.c.id, petitions.c.reference, petitions.c.community_id, petitions.c.contact_point_id,
    petitions.c.received_by, petitions.c.responsible_member_id, petitions.c.handler_member_id, petitions.c.category,
    petitions.c.channel, petitions.c.summary, petitions.c.status, petitions.c.received_at, petitions.c.due_date,
    petitions.c.overdue, petitions.c.extensions, petitions.c.reopened_count, petitions.c.petitioner_sealed,
    petitions.c.version,
)


UNDECIDED_STATUSES = ("received", "reopened")


def worklist(
    engine: Engine,
    *,
    page: int,
    per_page: int,
    community_id: str | None = None,
    contact_point_id: str | None = None,
    member_id: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    due_by: date | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Open petitions: new undecided ones first, then the nearest deadline (no deadline last). ``member_id`` matches the
    member handling it (responsible, else receiving); ``due_by`` keeps those due on or before a date."""
    query = select(*STAFF_COLUMNS).where(petitions.c.status.in_([status] if status else OPEN_STATUSES))
    if community_id:
        query = query.where(petitions.c.community_id == community_id)
    if contact_point_id:
        query = query.where(petitions.c.contact_point_id == contact_point_id)
    if member_id:
        query = query.where(petitions.c.handler_member_id == member_id)
    if overdue is not None:
        query = query.where(petitions.c.overdue.is_(overdue))
    if due_by is not None:
        query = query.where(petitions.c.due_date <= due_by)
    # new petitions not yet decided (received, or reopened for triage) first, then the nearest deadline
    undecided = case((petitions.c.status.in_(UNDECIDED_STATUSES), 0), else_=1)
    query = query.order_by(undecided, petitions.c.due_date.asc().nulls_last(), petitions.c.received_at,
                           petitions.c.reference)
    return _page(engine, query, page, per_page)


def workload(
    engine: Engine, *, by: str, community_id: str | None, today: date, due_by: date,
) -> list[dict[str, Any]]:
    """Open petitions per contact point or per handling member: how many, how many recorded overdue,
    how many due from ``today`` to ``due_by``."""
    key = {"contact_point": petitions.c.contact_point_id, "member": petitions.c.handler_member_id}[by]
    query = (
        select(
            key.label("id"), petitions.c.community_id, func.count().label("open"),
            func.sum(_one_if(petitions.c.overdue.is_(True))).label("overdue"),
            func.sum(_one_if(and_(petitions.c.due_date >= today, petitions.c.due_date <= due_by)))
            .label("due_soon"),
            func.min(petitions.c.due_date).label("next_due_date"),
        )
        .where(petitions.c.status.in_(OPEN_STATUSES))
        .group_by(key, petitions.c.community_id)
        .order_by(key)
    )
    if community_id:
        query = query.where(petitions.c.community_id == community_id)
    rows = _all(engine, query)
    for row in rows:
        row["overdue"] = int(row["overdue"] or 0)
        row["due_soon"] = int(row["due_soon"] or 0)
    return rows


def search(
    engine: Engine, *, text: str, page: int, per_page: int, community_id: str | None = None,
    petition_ids: Sequence[str] = (), by_reference: bool = True, by_summary: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Petitions in any state whose reference number contains ``text`` (if ``by_reference``), whose
    public summary contains it (if ``by_summary``), or among ``petition_ids`` (those the blind index
    found by the petitioner's phone or name)."""
    pattern = f"%{_escape_like(text)}%"
    conditions = [petitions.c.reference.like(pattern, escape="\\")] if by_reference else []
    if by_summary:
        conditions.append(petitions.c.summary.like(pattern, escape="\\"))
    if not conditions and not petition_ids:
        return [], 0
    if petition_ids:
        conditions.append(petitions.c.id.in_(list(petition_ids)))
    query = select(*STAFF_COLUMNS).where(or_(*conditions))
    if community_id:
        query = query.where(petitions.c.community_id == community_id)
    query = query.order_by(petitions.c.received_at.desc(), petitions.c.reference.desc())
    return _page(engine, query, page, per_page)


def sealed_petitioners(engine: Engine, petition_ids: Sequence[str]) -> dict[str, str]:
    """The sealed petitioner of each of these petitions that has one."""
    if not petition_ids:
        return {}
    query = select(petitions.c.id, petitions.c.petitioner_sealed).where(
        petitions.c.id.in_(list(petition_ids)), petitions.c.petitioner_sealed.is_not(None))
    return {row["id"]: row["petitioner_sealed"] for row in _all(engine, query)}


def _one_if(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")



# ---- committee matters (board and agenda) ------------------------------------------------

def disclosed_resolutions(
    engine: Engine, *, community_id: str | None, page: int, per_page: int, in_notice_on: date | None = None,
    ended_before: date | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Resolutions on the board, the latest disclosure first; ``in_notice_on`` keeps those whose
    notice period has not ended on that day, ``ended_before`` those whose notice period ended before it
    (the board's archive)."""
    query = select(
        matters.c.id, matters.c.community_id, matters.c.title, matters.c.stage, matters.c.resolution_text,
        matters.c.disclosure_round, matters.c.disclosed_on, matters.c.notice_days, matters.c.notice_ends,
        matters.c.eligible, matters.c.present, matters.c.votes_for, matters.c.votes_against, matters.c.abstentions,
        matters.c.objections,
    ).where(matters.c.disclosed_on.is_not(None))
    if community_id:
        query = query.where(matters.c.community_id == community_id)
    if in_notice_on is not None:
        query = query.where(matters.c.notice_ends >= in_notice_on)
    if ended_before is not None:
        query = query.where(matters.c.notice_ends < ended_before)
    query = query.order_by(matters.c.disclosed_on.desc(), matters.c.id)
    return _page(engine, query, page, per_page)


def implementation(
    engine: Engine, *, community_id: str | None, page: int, per_page: int,
) -> tuple[list[dict[str, Any]], int]:
    """Matters being implemented or with a disclosed result, the latest news first."""
    latest = func.coalesce(matters.c.result_disclosed_on, matters.c.completed_on, matters.c.stage_since)
    query = select(
        matters.c.id, matters.c.community_id, matters.c.title, matters.c.stage, matters.c.percent,
        matters.c.progress_note, matters.c.progress_at, matters.c.completed_on, matters.c.result_text,
        matters.c.result_disclosed_on, matters.c.petitions,
    ).where(matters.c.stage.in_(("implementing", "implemented", "closed")))
    if community_id:
        query = query.where(matters.c.community_id == community_id)
    query = query.order_by(latest.desc(), matters.c.id)
    return _page(engine, query, page, per_page)


def progress_notes(engine: Engine, matter_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    notes: dict[str, list[dict[str, Any]]] = {matter_id: [] for matter_id in matter_ids}
    if not matter_ids:
        return notes
    query = (
        select(matter_progress.c.matter_id, matter_progress.c.note, matter_progress.c.percent, matter_progress.c.at)
        .where(matter_progress.c.matter_id.in_(list(matter_ids)))
        .order_by(matter_progress.c.position)
    )
    for row in _all(engine, query):
        notes[row.pop("matter_id")].append(row)
    return notes


def public_matter(engine: Engine, matter_id: str) -> dict[str, Any] | None:
    """What the board may show of one matter (a petitioner's lookup follows their petition's matter):
    no resident's name, opinion text or minutes are in this table."""
    query = select(
        matters.c.id, matters.c.title, matters.c.stage, matters.c.stage_since, matters.c.opened_at,
        matters.c.solicitation_opens_on, matters.c.solicitation_closes_on, matters.c.opinions,
        matters.c.vote_held_on, matters.c.resolution_text, matters.c.disclosed_on, matters.c.notice_days,
        matters.c.notice_ends, matters.c.eligible, matters.c.present, matters.c.votes_for, matters.c.votes_against,
        matters.c.abstentions, matters.c.objections, matters.c.percent, matters.c.completed_on,
        matters.c.result_text, matters.c.result_disclosed_on, matters.c.end_reason, matters.c.closed_at,
    ).where(matters.c.id == matter_id)
    rows = _all(engine, query)
    return rows[0] if rows else None


def agenda(
    engine: Engine, *, community_id: str | None, stages: Sequence[str], page: int, per_page: int,
) -> tuple[list[dict[str, Any]], int]:
    """Matters in the given stages, the longest waiting first."""
    query = select(matters).where(matters.c.stage.in_(list(stages)))
    if community_id:
        query = query.where(matters.c.community_id == community_id)
    query = query.order_by(matters.c.stage_since, matters.c.opened_at, matters.c.id)
    return _page(engine, query, page, per_page)


def finished_matters(engine: Engine, *, community_id: str | None, stages: Sequence[str], year: int) -> list[dict[str, Any]]:
    """Matters that reached one of ``stages`` (closed, ended) in ``year``, the latest first."""
    query = select(matters).where(matters.c.stage.in_(list(stages)), matters.c.stage_since >= date(year, 1, 1),
                                  matters.c.stage_since <= date(year, 12, 31))
    if community_id:
        query = query.where(matters.c.community_id == community_id)
    return _all(engine, query.order_by(matters.c.stage_since.desc(), matters.c.opened_at.desc(), matters.c.id))


def finished_matter_years(engine: Engine, *, community_id: str | None, stages: Sequence[str]) -> list[int]:
    """The years in which some matter was closed or ended, the latest first."""
    query = select(matters.c.stage_since).where(matters.c.stage.in_(list(stages)))
    if community_id:
        query = query.where(matters.c.community_id == community_id)
    return sorted({row["stage_since"].year for row in _all(engine, query)}, reverse=True)


def matters_in_notice(engine: Engine, today: date) -> list[dict[str, Any]]:
    """Per community, how many resolutions are in their notice period today."""
    query = (
        select(matters.c.community_id, func.count().label("count"))
        .where(matters.c.notice_ends >= today, matters.c.stage == "in_notice")
        .group_by(matters.c.community_id)
    )
    return _all(engine, query)
