"""The whole store after `petitions demo` (the SQLite files with their -wal and -shm, or a pg_dump of
both databases) holds no petitioner's or resident's name, phone or address in plain text; after an
erasure it holds neither that person's key nor anything that finds them."""

from __future__ import annotations

from typing import Any

from domain.matter import CommitteeMatter
from domain.petition import Petition
from projections import queries
from service import errors
from service.bootstrap import bootstrap
from service.clock import ManualClock
from service.demo import load_demo
from service.store.personal_data import resident_subject
from tests.conftest import START, fresh_settings
from tests.store_helpers import forms_of, found_in, key_forms, store_bytes

ADMIN = "admin"


def personal_data_in_log(services) -> dict[str, Any]:
    """Every petitioner and every named resident, as the log holds them (opened with their keys)."""
    petitioners, residents = {}, {}
    for notification in services.log.recorder.select_notifications(1, 10_000_000):
        event = services.log.mapper.to_domain_event(notification)
        if isinstance(event, Petition.Received) and event.petitioner:
            petitioners[event.reference] = (str(event.originator_id), event.petitioner)
        elif isinstance(event, CommitteeMatter.OpinionRecorded) and event.resident:
            residents[resident_subject(event.originator_id, "opinion", event.number)] = event.resident
        elif isinstance(event, CommitteeMatter.ObjectionRecorded) and event.objector:
            residents[resident_subject(event.originator_id, "objection", event.number)] = event.objector
    return {"petitioners": petitioners, "residents": residents}


def staff_names(services) -> set[str]:
    """Members' names are not personal data of petitioners or residents (Faker may give a resident the same)."""
    return set(queries.member_names(services.projections.engine).values())


def plain_values(found: dict[str, Any], staff: set[str]) -> set[str]:
    values = {v for _, petitioner in found["petitioners"].values() for v in petitioner.values()}
    values |= set(found["residents"].values())
    return {v for v in values if v not in staff}


def test_no_personal_data_in_plain_text_after_the_demo_and_nothing_of_an_erased_person_after_erasure(tmp_path):
    with fresh_settings(tmp_path) as settings:
        services = bootstrap(settings, ManualClock(START))
        try:
            load_demo(services)
            services.projections.catch_up()
            found = personal_data_in_log(services)
            assert len(found["petitioners"]) > 250 and len(found["residents"]) > 10
            values = plain_values(found, staff_names(services))
            store = store_bytes(settings)
            assert {v: found_in(store, forms_of(v)) for v in values if found_in(store, forms_of(v))} == {}

            # erase one petitioner (with name, phone and address) and one resident named in opinions or objections
            reference, (subject, petitioner) = next(
                (ref, item) for ref, item in found["petitioners"].items() if len(item[1]) == 3)
            resident_subject_, resident = next(iter(found["residents"].items()))
            keys = services.log.keys
            erased_subjects = [subject, *keys.subjects_for("name", resident)]
            secrets = [k for k in keys.keys(erased_subjects).values()]
            digests = [keys.blind(kind, petitioner[kind]) for kind in ("name", "phone")] + [keys.blind("name", resident)]
            assert len(secrets) >= 2 and resident_subject_ in erased_subjects

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
            services.projections.catch_up()

            store = store_bytes(settings)
            assert [found_in(store, key_forms(secret)) for secret in secrets] == [[]] * len(secrets)
            assert [found_in(store, [d.encode()]) for d in digests] == [[]] * len(digests)
            for value in [*petitioner.values(), resident]:
                assert found_in(store, forms_of(value)) == [], value
            assert keys.keys(erased_subjects) == {}
            assert services.worklist.search(petitioner["phone"]).total == 0
        finally:
            services.close()
