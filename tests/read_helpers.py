"""Helpers for read-model tests: a store of their own (SQLite or PostgreSQL, as for every test),
snapshots of the read models' tables, and the petitioners' personal data found in the log."""

from __future__ import annotations


from sqlalchemy import select

from service.bootstrap import Services


def snapshot(services: Services, name: str | None = None) -> dict[str, list[tuple]]:
    """Every row of every read model's tables (or one read model's), in primary-key order."""
    runner = services.projections
    tables = [t for p in runner.projections if name in (None, p.name) for t in p.tables]
    with runner.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in tables
        }


def personal_data(services: Services) -> set[str]:
    """Every petitioner's name, phone and address in the event log, and the names of residents
    who gave an opinion or an objection to a committee matter."""
    found: set[str] = set()
    for notification in services.log.recorder.select_notifications(1, 10_000_000, topics=[
        "domain.petition:Petition.Received", "domain.matter:CommitteeMatter.OpinionRecorded",
        "domain.matter:CommitteeMatter.ObjectionRecorded",
    ]):
        event = services.log.mapper.to_domain_event(notification)
        petitioner = getattr(event, "petitioner", None) or {}
        values = [petitioner.get(key) for key in ("name", "phone", "address")]
        values += [getattr(event, "resident", None), getattr(event, "objector", None)]
        found.update(value for value in values if value)
    return found
