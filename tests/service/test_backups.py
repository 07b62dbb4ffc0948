"""Backups of the two databases: the events alone open nothing, and a key store restored from before
an erasure is brought back in line with the log by `petitions keys reapply-erasures`."""

from __future__ import annotations

from click.testing import CliRunner

from api.cli import main
from service.bootstrap import bootstrap
from tests.helpers import petition_fields
from tests.store_helpers import backup, empty, restore

NAME, PHONE = "张三丰", "13800001234"


def set_up(services, community, count: int = 2) -> list[str]:
    references = []
    for n in range(count):
        petitioner = {"name": f"{NAME}{n}" if n else NAME, "phone": f"1380000{n:04d}" if n else PHONE, "address": "3号楼"}
        outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(community, petitioner=petitioner))
        references.append(outcome.petition["reference"])
    services.projections.catch_up()
    return references


def erase(services, reference: str) -> None:
    services.petitions.erase_personal_data(reference, requested_by="本人（书面申请第3号）", reason="依法申请", actor="admin")
    services.projections.catch_up()


def test_an_events_backup_alone_opens_nothing_and_one_taken_before_an_erasure_stays_erased(
        services, community, settings, clock, tmp_path):
    erased, kept = set_up(services, community)
    events = backup(settings.database_url, tmp_path / "backups", "events")
    erase(services, erased)
    services.close()

    # the events restored beside today's key store: the erased petitioner stays unreadable and unfindable
    restore(settings.database_url, events)
    again = bootstrap(settings, clock)
    try:
        assert [h["event"] for h in again.petitions.history(erased)] == ["Received"]  # the backup predates the erasure
        assert again.petitions.get(erased)["petitioner"] == {"erased": True}
        assert again.worklist.search(PHONE).total == 0 and again.worklist.search(NAME).total == 0
        assert again.petitions.get(kept)["petitioner"]["name"] == f"{NAME}1"
    finally:
        again.close()

    # the events alone (a stolen events backup, no key store): nobody's data can be read or found
    empty(settings.key_store_url)
    alone = bootstrap(settings, clock)
    try:
        assert alone.petitions.get(kept)["petitioner"] == {"erased": True}
        assert alone.worklist.search(f"{NAME}1").total == 0
        items = alone.worklist.worklist().items
        assert items and all(i["petitioner_name"] is None and i["petitioner_phone"] is None for i in items)
    finally:
        alone.close()


def test_an_old_key_store_backup_is_brought_in_line_with_the_erasures_in_the_log(
        services, community, settings, clock, tmp_path):
    erased, kept = set_up(services, community)
    keys = backup(settings.key_store_url, tmp_path / "backups", "keys")
    erase(services, erased)
    services.close()

    restore(settings.key_store_url, keys)  # the old key store holds the erased petitioner's key again
    restored = bootstrap(settings, clock)
    try:
        # the log says erased, but the old key opens the Received event again (the read model dropped its copy)
        assert restored.petitions.history(erased)[0]["details"]["petitioner"]["name"] == NAME
        assert restored.log.keys.subjects_for("phone", PHONE)  # and the old index rows are back
    finally:
        restored.close()

    args = ["--database-url", settings.database_url, "--keys-database-url", settings.key_store_url]
    result = CliRunner().invoke(main, [*args, "keys", "reapply-erasures"])
    assert result.exit_code == 0, result.output
    assert "1 erasure(s) applied again" in result.output
    assert "Every erasure in the log holds" in CliRunner().invoke(main, [*args, "keys", "reapply-erasures"]).output

    after = bootstrap(settings, clock)
    try:
        assert after.petitions.history(erased)[0]["details"]["petitioner"] == {"erased": True}
        assert after.worklist.search(PHONE).total == 0 and after.worklist.search(NAME).total == 0
        assert after.log.keys.subjects_for("phone", PHONE) == []
        assert after.petitions.get(kept)["petitioner"]["name"] == f"{NAME}1"
    finally:
        after.close()


def test_the_erasures_reapplied_are_those_of_petitions_households_and_residents():
    import uuid
    from types import SimpleNamespace

    from domain.households import Household
    from domain.matter import CommitteeMatter
    from domain.petition import Petition
    from service.erasures import erased_in_log
    from service.store.personal_data import resident_subject

    ids = [uuid.uuid4() for _ in range(3)]
    events = [object.__new__(cls) for cls in (Petition.PersonalDataErased, Household.PersonalDataErased,
                                              CommitteeMatter.ResidentDataErased)]
    events[2].__dict__.update(opinions=[2], objections=[1])
    stored = [SimpleNamespace(id=n + 1, originator_id=ids[n], event=e) for n, e in enumerate(events)]
    recorder = SimpleNamespace(select_notifications=lambda start, limit, topics: [s for s in stored if s.id >= start])
    mapper = SimpleNamespace(to_domain_event=lambda notification: notification.event)

    assert erased_in_log(recorder, mapper) == [
        str(ids[0]), str(ids[1]), resident_subject(ids[2], "opinion", 2), resident_subject(ids[2], "objection", 1)]
