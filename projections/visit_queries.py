"""Queries of the contact-point read models (projections/visits.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, case, func, select

from projections.visits import (
    help_given, households, member_posts, pairings, reception_days, supervision_items, visit_petitions, visit_rules,
    visits,
)


def _all(engine: Engine, query: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(query).mappings().all()]


def _post(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "compounds": json.loads(row["compounds"])}


def posts(engine: Engine, community_id: str | None) -> list[dict[str, Any]]:
    query = select(member_posts).order_by(member_posts.c.contact_point_id, member_posts.c.member_id)
    if community_id is not None:
        query = query.where(member_posts.c.community_id == community_id)
    return [_post(r) for r in _all(engine, query)]


def post(engine: Engine, member_id: str) -> dict[str, Any] | None:
    rows = _all(engine, select(member_posts).where(member_posts.c.member_id == member_id))
    return _post(rows[0]) if rows else None


def visit_rule(engine: Engine, community_code: str) -> dict[str, Any] | None:
    rows = _all(engine, select(visit_rules).where(visit_rules.c.community_code == community_code))
    return rows[0] if rows else None


def visit_list(
    engine: Engine, *, community_id: str | None, member_id: str | None = None, month_from: str | None = None,
    month_to: str | None = None, limit: int = 500, offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if community_id is not None:
        conditions.append(visits.c.community_id == community_id)
    if member_id is not None:
        conditions.append(visits.c.member_id == member_id)
    if month_from is not None:
        conditions.append(visits.c.month >= month_from)
    if month_to is not None:
        conditions.append(visits.c.month <= month_to)
    where = and_(*conditions) if conditions else True
    query = (select(visits).where(where).order_by(visits.c.visited_on.desc(), visits.c.recorded_at.desc())
             .limit(limit).offset(offset))
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(visits).where(where)).scalar_one()
    return _all(engine, query), total


def month_counts(
    engine: Engine, *, community_id: str | None, month_from: str, month_to: str, phone_counts: bool,
    member_id: str | None = None,
) -> dict[tuple[str, str], int]:
    """Visits that count under the rule, per (member, month they count for): a make-up visit counts
    for the month it makes up."""
    counted_month = func.coalesce(visits.c.makes_up, visits.c.month)
    conditions = [counted_month >= month_from, counted_month <= month_to]
    if community_id is not None:
        conditions.append(visits.c.community_id == community_id)
    if member_id is not None:
        conditions.append(visits.c.member_id == member_id)
    if not phone_counts:
        conditions.append(visits.c.form != "phone_contact")
    query = (select(visits.c.member_id, counted_month.label("month"), func.count().label("n"))
             .where(*conditions).group_by(visits.c.member_id, counted_month))
    return {(r["member_id"], r["month"]): r["n"] for r in _all(engine, query)}


def made_up_months(engine: Engine, *, community_id: str | None, month_from: str, month_to: str) -> set[tuple[str, str]]:
    conditions = [visits.c.makes_up.is_not(None), visits.c.makes_up >= month_from, visits.c.makes_up <= month_to]
    if community_id is not None:
        conditions.append(visits.c.community_id == community_id)
    query = select(visits.c.member_id, visits.c.makes_up).where(*conditions).distinct()
    return {(r["member_id"], r["makes_up"]) for r in _all(engine, query)}


def supervision(
    engine: Engine, *, community_id: str | None, status: str | None = None, month_from: str | None = None,
    month_to: str | None = None, member_id: str | None = None,
) -> list[dict[str, Any]]:
    conditions = []
    if community_id is not None:
        conditions.append(supervision_items.c.community_id == community_id)
    if status is not None:
        conditions.append(supervision_items.c.status == status)
    if month_from is not None:
        conditions.append(supervision_items.c.month >= month_from)
    if month_to is not None:
        conditions.append(supervision_items.c.month <= month_to)
    if member_id is not None:
        conditions.append(supervision_items.c.member_id == member_id)
    query = select(supervision_items).where(*conditions).order_by(supervision_items.c.month, supervision_items.c.member_id)
    return _all(engine, query)


def petitions_of_visits(engine: Engine, visit_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in _all(engine, select(visit_petitions).where(visit_petitions.c.visit_id.in_(visit_ids or [""]))):
        found.setdefault(row["visit_id"], []).append(row)
    return found


def visits_of_petitions(engine: Engine, references: list[str]) -> dict[str, str]:
    """The visit each of these petitions was raised at (those raised at one)."""
    rows = _all(engine, select(visit_petitions.c.reference, visit_petitions.c.visit_id)
                .where(visit_petitions.c.reference.in_(references or [""])))
    return {r["reference"]: r["visit_id"] for r in rows}


def households_of(engine: Engine, *, community_id: str | None, member_id: str | None = None) -> list[dict[str, Any]]:
    conditions = []
    if community_id is not None:
        conditions.append(households.c.community_id == community_id)
    if member_id is not None:
        conditions.append(households.c.member_id == member_id)
    return _all(engine, select(households).where(*conditions).order_by(households.c.registered_at))


def pairings_of(engine: Engine, *, community_id: str | None, member_id: str | None = None) -> list[dict[str, Any]]:
    conditions = []
    if community_id is not None:
        conditions.append(pairings.c.community_id == community_id)
    if member_id is not None:
        conditions.append(pairings.c.member_id == member_id)
    return _all(engine, select(pairings).where(*conditions).order_by(pairings.c.started_on))


def active_pairings(engine: Engine, member_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(pairings)
                                  .where(pairings.c.member_id == member_id, pairings.c.status == "active")).scalar_one()


def reception_days_of(
    engine: Engine, *, community_id: str | None, held_from: date | None = None, scheduled_only: bool = False,
    limit: int = 50,
) -> list[dict[str, Any]]:
    conditions = []
    if community_id is not None:
        conditions.append(reception_days.c.community_id == community_id)
    if held_from is not None:
        conditions.append(reception_days.c.held_on >= held_from)
    if scheduled_only:
        conditions.append(reception_days.c.status == "scheduled")
    query = (select(reception_days).where(*conditions)
             .order_by(reception_days.c.held_on, reception_days.c.starts_at).limit(limit))
    return [{**r, "members": json.loads(r["members"])} for r in _all(engine, query)]


def ledger_columns(
    engine: Engine, *, by: str, community_id: str | None, month_from: str, month_to: str, phone_counts: bool,
) -> dict[tuple[str, str], dict[str, int]]:
    """Per (member or contact point, month): visits made (those counting under the rule), contact
    households, paired households (pairings active at some time), help actions given."""
    key = visits.c.member_id if by == "member" else visits.c.contact_point_id
    counted_month = func.coalesce(visits.c.makes_up, visits.c.month)
    conditions = [counted_month >= month_from, counted_month <= month_to]
    if community_id is not None:
        conditions.append(visits.c.community_id == community_id)
    counting = 1 if phone_counts else case((visits.c.form != "phone_contact", 1), else_=0)
    found: dict[tuple[str, str], dict[str, int]] = {}

    def cell(id_: str, month: str) -> dict[str, int]:
        return found.setdefault((id_, month), {"visits": 0, "help_actions": 0})

    for r in _all(engine, select(key.label("id"), counted_month.label("month"), (func.count() if phone_counts else func.sum(counting)).label("n"))
                  .where(*conditions).group_by(key, counted_month)):
        cell(r["id"], r["month"])["visits"] = int(r["n"] or 0)
    help_key = help_given.c.member_id
    help_conditions = [help_given.c.month >= month_from, help_given.c.month <= month_to]
    if community_id is not None:
        help_conditions.append(help_given.c.community_id == community_id)
    query = select(help_key.label("id"), help_given.c.month, func.count().label("n")).where(*help_conditions)
    if by == "contact_point":
        query = (select(member_posts.c.contact_point_id.label("id"), help_given.c.month, func.count().label("n"))
                 .select_from(help_given.join(member_posts, member_posts.c.member_id == help_given.c.member_id))
                 .where(*help_conditions).group_by(member_posts.c.contact_point_id, help_given.c.month))
    else:
        query = query.group_by(help_key, help_given.c.month)
    for r in _all(engine, query):
        cell(r["id"], r["month"])["help_actions"] = r["n"]
    return found


def household_counts(engine: Engine, *, by: str, community_id: str | None) -> dict[str, dict[str, int]]:
    """Contact households and households paired now, per member or contact point."""
    counts: dict[str, dict[str, int]] = {}
    key = households.c.member_id if by == "member" else households.c.contact_point_id
    conditions = [households.c.contact.is_(True)]
    if community_id is not None:
        conditions.append(households.c.community_id == community_id)
    for r in _all(engine, select(key.label("id"), func.count().label("n")).where(*conditions).group_by(key)):
        counts.setdefault(r["id"], {"contact_households": 0, "paired_households": 0})["contact_households"] = r["n"]
    pair_conditions = [pairings.c.status == "active"]
    if community_id is not None:
        pair_conditions.append(pairings.c.community_id == community_id)
    if by == "member":
        query = select(pairings.c.member_id.label("id"), func.count().label("n")).where(*pair_conditions).group_by(
            pairings.c.member_id)
    else:
        query = (select(member_posts.c.contact_point_id.label("id"), func.count().label("n"))
                 .select_from(pairings.join(member_posts, member_posts.c.member_id == pairings.c.member_id))
                 .where(*pair_conditions).group_by(member_posts.c.contact_point_id))
    for r in _all(engine, query):
        counts.setdefault(r["id"], {"contact_households": 0, "paired_households": 0})["paired_households"] = r["n"]
    return counts
