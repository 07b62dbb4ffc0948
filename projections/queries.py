"""Queries over the read models. Answers are plain dicts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, and_, select

from projections.petitions import petitions


def past_deadline(engine: Engine, today: date) -> list[str]:
    """References of deadlined petitions whose due date has passed and are not yet marked overdue."""
    query = (
        select(petitions.c.reference)
        .where(and_(petitions.c.status == "deadlined", petitions.c.due_date < today, petitions.c.overdue.is_(False)))
        .order_by(petitions.c.due_date)
    )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())
