"""Erasures as the log records them, applied again to the key store.

The log keeps every erasure (``PersonalDataErased`` of a petition or a household,
``ResidentDataErased`` of a matter's opinions and objections). A key store restored from a backup older than some of them
holds those people's keys again: ``reapply`` deletes them (and their index rows) once more, so an
erased person stays erased. ``petitions keys reapply-erasures`` runs it; run it after every restore
of the key store (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from domain.households import Household
from domain.matter import CommitteeMatter
from domain.petition import Petition
from domain.questionnaires import Questionnaire
from service.store.personal_data import KeyStore, resident_subject

# an erasure of a whole subject (its aggregate's id), and one of residents' records in a matter
WHOLE = (Petition.PersonalDataErased, Household.PersonalDataErased)
ERASURES = (*WHOLE, CommitteeMatter.ResidentDataErased, Questionnaire.RespondentDataErased)


def erased_in_log(recorder: Any, mapper: Any, batch: int = 500) -> list[str]:
    """Every subject the log says was erased, oldest erasure first."""
    topics = [get_topic(cls) for cls in ERASURES]
    subjects: list[str] = []
    start = 1
    while True:
        notifications = recorder.select_notifications(start, batch, topics=topics)
        for notification in notifications:
            event = mapper.to_domain_event(notification)
            if isinstance(event, WHOLE):
                subjects.append(str(notification.originator_id))
            elif isinstance(event, Questionnaire.RespondentDataErased):
                subjects += [resident_subject(notification.originator_id, "answer", n) for n in event.answers]
            else:
                subjects += [resident_subject(notification.originator_id, "opinion", n) for n in event.opinions]
                subjects += [resident_subject(notification.originator_id, "objection", n) for n in event.objections]
        if len(notifications) < batch:
            return subjects
        start = notifications[-1].id + 1


def reapply(keys: KeyStore, recorder: Any, mapper: Any) -> list[str]:
    """Erases again every subject the log says was erased and the key store does not; answers them."""
    already = keys.erased_subjects()
    missing = [s for s in dict.fromkeys(erased_in_log(recorder, mapper)) if s not in already]
    keys.erase(*missing)
    return missing
