"""Petitioners' personal data is sealed in the log with a key per petitioner, and erasable."""

from __future__ import annotations

import pytest

from projections import queries
from service import errors
from tests.helpers import petition_fields

NAME, PHONE, ADDRESS = "张三丰", "13800001234", "金华社区3号楼2单元"


def stored_text(services) -> str:
    return "\n".join(n.state.decode("utf-8", "replace") for n in services.log.recorder.select_notifications(1, 1000))


def receive(services, community) -> str:
    outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(community))
    return outcome.petition["reference"]


def test_the_log_holds_no_personal_data_in_plain_text(services, community):
    reference = receive(services, community)
    text = stored_text(services)
    assert NAME not in text and PHONE not in text and ADDRESS not in text
    assert services.petitions.get(reference)["petitioner"] == {"name": NAME, "phone": PHONE, "address": ADDRESS}


def test_erasure_makes_it_unreadable_everywhere_and_keeps_the_log(services, community):
    reference = receive(services, community)
    services.petitions.resolve_on_spot(reference, action="现场清理", actor="wangfang")
    services.projections.catch_up()
    before = [(n.id, n.state) for n in services.log.recorder.select_notifications(1, 1000)]

    erased = services.petitions.erase_personal_data(
        reference, requested_by="本人（书面申请第12号）", reason="个人信息保护法第四十七条", actor="admin")
    assert erased.petition["petitioner"] == {"erased": True}

    after = [(n.id, n.state) for n in services.log.recorder.select_notifications(1, 1000)]
    assert after[: len(before)] == before  # nothing in the log was changed or deleted
    history = services.petitions.history(reference)
    assert history[0]["details"]["petitioner"] == {"erased": True}
    assert history[-1]["event"] == "PersonalDataErased"
    assert history[-1]["details"] == {"requested_by": "本人（书面申请第12号）", "reason": "个人信息保护法第四十七条"}

    services.projections.catch_up()
    found = services.worklist.search(NAME)
    assert found.total == 0
    services.projections.rebuild("petitions")
    assert services.worklist.search(PHONE).total == 0
    assert services.worklist.search(reference).items[0]["petitioner_name"] is None


def test_erasure_is_recorded_once_and_an_anonymous_petition_has_nothing_to_erase(services, community):
    reference = receive(services, community)
    services.petitions.erase_personal_data(reference, requested_by="本人", reason="依法申请", actor="admin")
    with pytest.raises(errors.IllegalStepError) as refused:
        services.petitions.erase_personal_data(reference, requested_by="本人", reason="依法申请", actor="admin")
    assert refused.value.message == "the personal data of this petition is already erased"
    outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(community, petitioner=None))
    with pytest.raises(errors.IllegalStepError):
        services.petitions.erase_personal_data(outcome.petition["reference"], requested_by="x", reason="y", actor="a")


# ---- sealed read models, blind indexes, the key store apart ------------------------------------------

def read_model_text(services) -> str:
    from sqlalchemy import select

    from projections.petitions import petitions

    with services.projections.engine.connect() as connection:
        return "\n".join(repr(tuple(row)) for row in connection.execute(select(petitions)))


def test_the_read_model_holds_the_petitioner_sealed_and_staff_see_it_opened(services, community):
    reference = receive(services, community)
    services.projections.catch_up()
    text = read_model_text(services)
    assert NAME not in text and PHONE not in text and ADDRESS not in text and "张*" not in text
    item = services.worklist.worklist().items[0]
    assert (item["reference"], item["petitioner_name"], item["petitioner_phone"]) == (reference, NAME, PHONE)
    rows, _ = queries.worklist(services.projections.engine, page=1, per_page=5)
    hidden = services.worklist._items(rows, services.clock.now().date(), 2, reveal_personal_data=False)
    assert (hidden[0]["petitioner_name"], hidden[0]["petitioner_phone"]) == (None, None)
    assert "petitioner" not in services.board.in_progress(None).items[0]  # nothing of it on the public board


@pytest.mark.parametrize("typed", ["13800001234", "138-0000-1234", "138 0000 1234", "+86 138 0000 1234",
                                   "１３８００００１２３４", "0086-13800001234", "张三丰", " 张 三丰 "])
def test_search_by_phone_or_full_name_through_the_blind_index(services, community, typed):
    reference = receive(services, community)
    services.projections.catch_up()
    assert [i["reference"] for i in services.worklist.search(typed).items] == [reference]


def test_a_part_of_a_name_or_phone_finds_nothing_and_the_index_holds_no_plain_value(services, community):
    receive(services, community)
    services.projections.catch_up()
    assert services.worklist.search("张三").total == 0 and services.worklist.search("1234").total == 0
    from sqlalchemy import select

    from service.store.personal_data import blind_index

    with services.log.keys.engine.connect() as connection:
        digests = list(connection.execute(select(blind_index.c.digest)).scalars())
    assert len(digests) == 2 and all(len(d) == 64 and NAME not in d and PHONE not in d for d in digests)


def test_keys_live_apart_from_the_events(services, community, settings):
    from sqlalchemy import inspect

    receive(services, community)
    assert settings.key_store_url != settings.database_url
    events_tables = set(inspect(services.projections.engine).get_table_names())
    key_tables = set(inspect(services.log.keys.engine).get_table_names())
    assert {"personal_data_keys", "personal_data_index", "key_store_secrets"} <= key_tables
    assert not events_tables & key_tables


def test_erasure_removes_the_key_and_the_index_rows_at_once(services, community):
    from sqlalchemy import func, select

    from service.store.personal_data import blind_index, subject_keys

    reference = receive(services, community)
    services.projections.catch_up()
    services.petitions.erase_personal_data(reference, requested_by="本人", reason="依法申请", actor="admin")
    # before the read models have applied the erasure: the key is gone, so nothing opens and nothing is found
    item = services.worklist.worklist().items[0]
    assert (item["petitioner_name"], item["petitioner_phone"]) == (None, None)
    assert services.worklist.search(PHONE).total == 0 and services.worklist.search(NAME).total == 0
    with services.log.keys.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(blind_index)).scalar_one() == 0
        assert connection.execute(select(subject_keys.c.key)).scalar_one() is None
    services.projections.catch_up()
    with services.projections.engine.connect() as connection:
        from projections.petitions import petitions

        assert connection.execute(select(petitions.c.petitioner_sealed)).scalar_one() is None


def test_normalising_phones_and_names():
    from service.store.personal_data import normalise_name, normalise_phone

    for typed in ("13800001234", "138-0000-1234", "+86 13800001234", "+86-138-0000-1234", "8613800001234",
                  "１３８－００００－１２３４", "(138) 0000 1234"):
        assert normalise_phone(typed) == "13800001234", typed
    assert normalise_phone("010-12345678") == "01012345678"
    assert normalise_name(" 张　三丰 ") == normalise_name("张三丰") == "张三丰"
    assert normalise_name("Zhang San") == normalise_name("zhangsan")


def test_the_record_of_an_erasure_must_not_repeat_the_personal_data(services, community):
    reference = receive(services, community)
    with pytest.raises(errors.InvalidInputError) as refused:
        services.petitions.erase_personal_data(reference, requested_by="张三丰本人", reason="依法", actor="admin")
    assert list(refused.value.fields) == ["requested_by"]
    with pytest.raises(errors.InvalidInputError):
        services.petitions.erase_personal_data(reference, requested_by="本人", reason=f"电话{PHONE}", actor="admin")


def test_keys_an_earlier_version_kept_beside_the_events_move_to_the_key_store(settings, clock):
    from datetime import datetime, timezone

    from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, inspect

    from projections.database import make_engine
    from service.bootstrap import bootstrap

    events = make_engine(settings.sqlalchemy_url(), settings.postgres_schema)
    legacy = Table("petitioner_keys", MetaData(), Column("subject_id", String(36), primary_key=True),
                   Column("key", LargeBinary), Column("created_at", DateTime(timezone=True), nullable=False),
                   Column("erased_at", DateTime(timezone=True)))
    legacy.create(events)
    with events.begin() as connection:
        connection.execute(legacy.insert().values(subject_id="s-1", key=b"k" * 32, created_at=datetime.now(timezone.utc)))
    services = bootstrap(settings, clock)
    try:
        assert services.log.keys.key("s-1") == b"k" * 32
        assert not inspect(events).has_table("petitioner_keys")
    finally:
        services.close()
        events.dispose()


def test_a_busy_wal_at_an_erasure_is_truncated_by_the_next_write_and_the_erasure_says_so(services, community, settings):
    import sqlite3
    import time
    from pathlib import Path

    from domain.petition import petition_id
    from service.store.personal_data import SCRUB_PENDING

    if not settings.key_store_url.startswith("sqlite"):
        pytest.skip("the WAL of a SQLite key store")
    keys = services.log.keys
    reference = receive(services, community)
    key = keys.key(str(petition_id(reference)))
    wal = Path(settings.key_store_url.removeprefix("sqlite:///") + "-wal")

    reader = sqlite3.connect(settings.key_store_url.removeprefix("sqlite:///"))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM personal_data_keys").fetchone()  # a reader in the middle of a transaction
    try:
        started = time.monotonic()
        assert keys.erase(str(petition_id(reference))) is False  # bounded tries, then: not cleared, and said so
        assert time.monotonic() - started < 3
        assert keys.mark(SCRUB_PENDING) == "wal"
        assert key in wal.read_bytes()  # the key is still in the -wal file
    finally:
        reader.rollback()
        reader.close()

    import uuid

    keys.key_for_writing(str(uuid.uuid4()))  # a later write of a new key to the key store truncates it
    assert keys.mark(SCRUB_PENDING) is None
    assert key not in (wal.read_bytes() if wal.exists() else b"")
    assert key not in Path(settings.key_store_url.removeprefix("sqlite:///")).read_bytes()


def test_on_postgresql_an_erasure_that_had_to_keep_a_dead_row_says_so_and_a_later_write_rewrites_it(tmp_path):
    import uuid

    import psycopg

    from service.bootstrap import bootstrap
    from service.clock import ManualClock
    from service.store.personal_data import SCRUB_PENDING
    from tests.conftest import START, fresh_settings
    from tests.service.test_store_scan import key_store_in_a_database_of_its_own
    from tests.store_helpers import found_in, key_forms, relation_files

    with fresh_settings(tmp_path) as shared, key_store_in_a_database_of_its_own(shared) as settings:
        if not settings.is_postgres:
            pytest.skip("dead rows of PostgreSQL")
        services = bootstrap(settings, ManualClock(START))
        try:
            keys = services.log.keys
            subject = str(uuid.uuid4())
            key = keys.key_for_writing(subject)
            keys.index(subject, [("phone", PHONE)])
            digest = keys.blind("phone", PHONE).encode()
            with psycopg.connect(settings.key_store_url) as holder:  # a transaction that still sees the key
                holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                assert holder.execute("SELECT count(*) FROM personal_data_keys").fetchone()[0] == 1
                assert keys.erase(subject) is False  # VACUUM FULL had to copy the dead row: not cleared, said so
                assert keys.mark(SCRUB_PENDING)
                files = relation_files(settings.key_store_url)
                assert found_in(files, key_forms(key))  # the dead row, in the rewritten partition's file
            assert keys.key(subject) is None  # erased all the same

            keys.key_for_writing(str(uuid.uuid4()))  # a later write of a new key rewrites the partitions again
            assert keys.mark(SCRUB_PENDING) is None
            files = relation_files(settings.key_store_url)
            assert found_in(files, key_forms(key)) == [] and found_in(files, [digest]) == []
        finally:
            services.close()
