"""The whole store after `petitions demo` (the SQLite files with their -wal and -shm, or a pg_dump of
both databases) holds no petitioner's, household's, questionnaire respondent's or resident's name,
phone or address in plain text; after an erasure it holds neither that person's key nor anything that
finds them. On PostgreSQL the key store's relation files are read too (after a CHECKPOINT), where a
dead row or an old index entry would be that a pg_dump never shows."""

from __future__ import annotations

from typing import Any

import contextlib
import dataclasses
import uuid
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlparse

import psycopg

from domain.households import Household
from domain.matter import CommitteeMatter
from domain.petition import Petition
from domain.questionnaires import Questionnaire
from projections import queries
from service import errors
from service.bootstrap import bootstrap
from service.clock import ManualClock
from service.demo import load_demo
from service.settings import Settings
from service.store.personal_data import resident_subject
from tests.conftest import START, fresh_settings
from tests.store_helpers import forms_of, found_in, key_forms, relation_files, store_bytes

ADMIN = "admin"


def personal_data_in_log(services) -> dict[str, Any]:
    """Every petitioner, household and named resident (in opinions, objections and answer sheets), as
    the log holds them (opened with their keys)."""
    petitioners, residents, households, respondents = {}, {}, {}, {}
    for notification in services.log.recorder.select_notifications(1, 10_000_000):
        event = services.log.mapper.to_domain_event(notification)
        if isinstance(event, Petition.Received) and event.petitioner:
            petitioners[event.reference] = (str(event.originator_id), event.petitioner)
        elif isinstance(event, CommitteeMatter.OpinionRecorded) and event.resident:
            residents[resident_subject(event.originator_id, "opinion", event.number)] = event.resident
        elif isinstance(event, CommitteeMatter.ObjectionRecorded) and event.objector:
            residents[resident_subject(event.originator_id, "objection", event.number)] = event.objector
        elif isinstance(event, Household.Registered) and event.person:
            households[str(event.originator_id)] = event.person
        elif isinstance(event, Questionnaire.Answered) and event.respondent:
            respondents[resident_subject(event.originator_id, "answer", event.number)] = event.respondent
    return {"petitioners": petitioners, "residents": residents, "households": households,
            "respondents": respondents}


def staff_names(services) -> set[str]:
    """Members' names are not personal data of petitioners or residents (Faker may give a resident the same)."""
    return set(queries.member_names(services.projections.engine).values())


def plain_values(found: dict[str, Any], staff: set[str]) -> set[str]:
    values = {v for _, petitioner in found["petitioners"].values() for v in petitioner.values()}
    values |= set(found["residents"].values()) | set(found["respondents"].values())
    # a household's difficulties are a few set phrases (独居老人…), not something that identifies anyone
    values |= {v for person in found["households"].values() for k, v in person.items() if v and k != "difficulties"}
    return {v for v in values if v not in staff}


def answer_a_named_questionnaire(services, clock) -> None:
    """The demo's questionnaires are anonymous: one that names its respondents, in the first community."""
    code = services.communities.list()[0]["code"]
    today = clock.now().date()
    drafted = services.questionnaires.draft(
        community=code, title="意见征集", anonymous=False, opens_on=today, closes_on=today + timedelta(days=3),
        questions=[{"kind": "free_text", "text": "建议", "options": []}], actor=ADMIN)
    services.questionnaires.open(drafted["id"], actor=ADMIN)
    for respondent, answer in (("欧阳修远", "路灯"), ("司马光明", "停车")):
        services.questionnaires.answer(drafted["id"], answers={"0": answer}, respondent=respondent, actor=ADMIN)
    return code


@contextlib.contextmanager
def key_store_in_a_database_of_its_own(settings: Settings) -> Iterator[Settings]:
    """PostgreSQL: the key store in a database of its own, as in production. A VACUUM FULL must keep a
    dead row that a transaction open in the same database may still see, and the tests of other
    processes share the test database."""
    if not settings.is_postgres:
        yield settings
        return
    server = urlparse(settings.database_url)._replace(query="")
    name = f"test_keys_{uuid.uuid4().hex[:12]}"
    try:
        yield dataclasses.replace(settings, keys_database_url=server._replace(path=f"/{name}").geturl())
    finally:
        with psycopg.connect(server.geturl(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_no_personal_data_in_plain_text_after_the_demo_and_nothing_of_an_erased_person_after_erasure(tmp_path):
    with fresh_settings(tmp_path) as shared, key_store_in_a_database_of_its_own(shared) as settings:
        clock = ManualClock(START)
        services = bootstrap(settings, clock)
        try:
            load_demo(services, visit_months=3)  # every household is registered at the start; three months of visits
            questionnaire_community = answer_a_named_questionnaire(services, clock)
            services.projections.catch_up()
            found = personal_data_in_log(services)
            assert len(found["petitioners"]) > 250 and len(found["residents"]) > 10
            assert len(found["households"]) > 10 and len(found["respondents"]) == 2
            values = plain_values(found, staff_names(services))
            store = store_bytes(settings)
            assert {v: found_in(store, forms_of(v)) for v in values if found_in(store, forms_of(v))} == {}

            # erase one petitioner (with name, phone and address), one resident named in opinions or objections,
            # one household and one questionnaire respondent
            reference, (subject, petitioner) = next(
                (ref, item) for ref, item in found["petitioners"].items() if len(item[1]) == 3)
            resident_subject_, resident = next(iter(found["residents"].items()))
            household_id, household = next((i, p) for i, p in found["households"].items() if p.get("phone"))
            respondent_subject, respondent = next(iter(found["respondents"].items()))
            keys = services.log.keys
            erased_subjects = [subject, *keys.subjects_for("name", resident), household_id, respondent_subject]
            secrets = [k for k in keys.keys(erased_subjects).values()]
            digests = [keys.blind(kind, petitioner[kind]) for kind in ("name", "phone")] + [
                keys.blind("name", resident), keys.blind("name", respondent)]
            assert len(secrets) >= 4 and resident_subject_ in erased_subjects
            files = relation_files(settings.key_store_url)  # PostgreSQL: the key store's files, as on disk
            assert not files or all(found_in(files, [d.encode()]) for d in digests)  # where a digest is seen

            services.petitions.erase_personal_data(reference, requested_by="本人（书面申请第1号）", reason="依法申请",
                                                   actor=ADMIN)
            erased_in = []
            for code in [c["code"] for c in services.communities.list()]:
                try:
                    services.committee.erase_resident_data(community=code, name=resident,
                                                           requested_by="本人（书面申请第2号）", reason="依法申请",
                                                           actor=ADMIN)
                    erased_in.append(code)
                except errors.InvalidInputError:  # nobody of that name gave an opinion or objection there
                    pass
            assert erased_in
            services.households.erase_personal_data(uuid.UUID(household_id), requested_by="本人（书面申请第3号）",
                                                    reason="依法申请", actor=ADMIN)
            services.questionnaires.erase_respondent_data(community=questionnaire_community, name=respondent,
                                                          requested_by="本人（书面申请第4号）", reason="依法申请",
                                                          actor=ADMIN)
            services.projections.catch_up()

            store = store_bytes(settings)
            assert [found_in(store, key_forms(secret)) for secret in secrets] == [[]] * len(secrets)
            assert [found_in(store, [d.encode()]) for d in digests] == [[]] * len(digests)
            for value in [*petitioner.values(), resident, *(v for k, v in household.items() if v and k != "difficulties"), respondent]:
                assert found_in(store, forms_of(value)) == [], value
            assert keys.keys(erased_subjects) == {}
            # PostgreSQL: no dead row or index entry of the erased keys and digests in the key store's files
            # (the erasure rewrote the partitions that held them)
            files = relation_files(settings.key_store_url)
            assert [found_in(files, key_forms(secret)) for secret in secrets] == [[]] * len(secrets)
            assert [found_in(files, [d.encode()]) for d in digests] == [[]] * len(digests)
            assert services.worklist.search(petitioner["phone"]).total == 0
        finally:
            services.close()
