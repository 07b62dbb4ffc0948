"""Backups of the two databases: the events alone open nothing, and a key store restored from before
an erasure is brought back in line with the log as the service starts (and by
`petitions keys reapply-erasures`, which checks the whole log again)."""

from __future__ import annotations

from click.testing import CliRunner

from api.cli import main
from domain.petition import petition_id
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
    with _engine(settings.key_store_url) as engine:
        assert _key_of(engine, erased) is not None  # as the backup has it, before any start

    restored = bootstrap(settings, clock)  # starting the service re-applies the erasures in the log
    try:
        assert restored.petitions.history(erased)[0]["details"]["petitioner"] == {"erased": True}
        assert restored.petitions.get(erased)["petitioner"] == {"erased": True}
        assert restored.worklist.search(PHONE).total == 0 and restored.worklist.search(NAME).total == 0
        assert restored.log.keys.subjects_for("phone", PHONE) == []
        assert restored.petitions.get(kept)["petitioner"]["name"] == f"{NAME}1"
        assert _key_of(restored.log.keys.engine, erased) is None
    finally:
        restored.close()

    # the command checks the whole log again (and finds nothing left to do)
    args = ["--database-url", settings.database_url, "--keys-database-url", settings.key_store_url]
    result = CliRunner().invoke(main, [*args, "keys", "reapply-erasures"])
    assert result.exit_code == 0, result.output
    assert "Every erasure in the log holds" in result.output


def test_a_start_checks_only_the_log_past_the_position_the_key_store_remembers(services, community, settings, clock):
    from service.erasures import check_since_last_start
    from service.store.personal_data import ERASURES_CHECKED

    erased, _ = set_up(services, community)
    erase(services, erased)
    keys, recorder = services.log.keys, services.log.recorder
    assert keys.mark(ERASURES_CHECKED) == "0"  # the start found an empty log
    seen = []
    counting = type("Counting", (), {"select_notifications": lambda self, start, limit, topics=(): seen.append(start)
                                     or recorder.select_notifications(start, limit, topics=topics),
                                     "max_notification_id": lambda self: recorder.max_notification_id()})()
    assert check_since_last_start(keys, counting, services.log.mapper) == []  # erased at once, nothing to re-apply
    assert seen == [1] and keys.mark(ERASURES_CHECKED) == str(services.log.last_position())
    # the next start reads only past that position
    assert check_since_last_start(keys, counting, services.log.mapper) == []
    assert seen[-1] == services.log.last_position() + 1

    # a key store that lost the erasure (restored, say) and remembers a position before it: erased again
    keys.set_mark(ERASURES_CHECKED, "1")
    with keys.engine.begin() as connection:
        from service.store.personal_data import subject_keys
        connection.execute(subject_keys.delete().where(subject_keys.c.subject_id == str(petition_id(erased))))
    assert check_since_last_start(keys, counting, services.log.mapper) == [str(petition_id(erased))]
    assert keys.is_erased(str(petition_id(erased)))


def _engine(url: str):
    import contextlib

    from projections.database import make_engine
    from service.settings import Settings

    @contextlib.contextmanager
    def opened():
        engine = make_engine(Settings(database_url=url).sqlalchemy_url(), Settings(database_url=url).postgres_schema)
        try:
            yield engine
        finally:
            engine.dispose()
    return opened()


def _key_of(engine, reference: str):
    from sqlalchemy import select

    from service.store.personal_data import subject_keys

    with engine.connect() as connection:
        return connection.execute(select(subject_keys.c.key)
                                  .where(subject_keys.c.subject_id == str(petition_id(reference)))).scalar()


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
