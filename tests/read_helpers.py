"""Helpers for read-model tests: a store of their own (SQLite or PostgreSQL, as for every test),
snapshots of the read models' tables, and the petitioners' personal data found in the log."""

from __future__ import annotations


from sqlalchemy import select

from service.bootstrap import Services


def snapshot(services: Services, name: str | None = None) -> dict[str, list[tuple]]:
    """Every row of every read model's tables (or one read model's), in primary-key order. The transparency
    log's signed heads are left out: a head is signed after each batch, so how many there are depends on
    how the log was caught up (the entries, the tree and its size do not)."""
    runner = services.projections
    tables = [t for p in runner.projections if name in (None, p.name) for t in p.tables if t.name != "tl_heads"]
    with runner.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in tables
        }


def personal_data(services: Services) -> set[str]:
    """Every petitioner's name, phone and address in the event log, the names of residents
    who gave an opinion or an objection to a committee matter, and every contact or paired
    household's name, phone and address."""
    found: set[str] = set()
    for notification in services.log.recorder.select_notifications(1, 10_000_000, topics=[
        "domain.petition:Petition.Received", "domain.matter:CommitteeMatter.OpinionRecorded",
        "domain.matter:CommitteeMatter.ObjectionRecorded", "domain.households:Household.Registered",
    ]):
        event = services.log.mapper.to_domain_event(notification)
        petitioner = getattr(event, "petitioner", None) or {}
        values = [petitioner.get(key) for key in ("name", "phone", "address")]
        values += [getattr(event, "resident", None), getattr(event, "objector", None)]
        household = getattr(event, "person", None) or {}
        values += [household.get(key) for key in ("name", "phone", "address")]
        found.update(value for value in values if value)
    members = {m["name"] for c in services.communities.list() for m in c["members"]}
    return found - members  # a member's name is public by design (their card), even if a petitioner shares it


def personal_data_of_households(services: Services) -> set[str]:
    """Every contact or paired household's name, phone and address in the event log."""
    found: set[str] = set()
    for notification in services.log.recorder.select_notifications(1, 10_000_000, topics=[
            "domain.households:Household.Registered"]):
        person = services.log.mapper.to_domain_event(notification).person or {}
        found.update(person[key] for key in ("name", "phone", "address") if person.get(key))
    return found
