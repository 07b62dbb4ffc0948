"""Erasures as the log records them, applied again to the key store.

The log keeps every erasure (``PersonalDataErased`` of a petition or a household,
``ResidentDataErased`` of a matter's opinions and objections). A key store restored from a backup older than some of them
holds those people's keys again: ``reapply`` deletes them (and their index rows) once more, so an
erased person stays erased. Every start of the service does it (``check_since_last_start``: only the part of the log past
the position the key store remembers having checked, so a restored key store is re-checked from its
own, older, position); ``petitions keys reapply-erasures`` checks the whole log again
(docs/operations.md)."""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from domain.households import Household
from domain.matter import CommitteeMatter
from domain.petition import Petition
from domain.questionnaires import Questionnaire
import logging

from service.store.personal_data import ERASURES_CHECKED, KeyStore, resident_subject

log = logging.getLogger(__name__)

# an erasure of a whole subject (its aggregate's id), and one of residents' records in a matter
WHOLE = (Petition.PersonalDataErased, Household.PersonalDataErased)
ERASURES = (*WHOLE, CommitteeMatter.ResidentDataErased, Questionnaire.RespondentDataErased)


def erased_in_log(recorder: Any, mapper: Any, batch: int = 500, start: int = 1) -> list[str]:
    """Every subject the log says was erased (from position ``start`` on), oldest erasure first. Reads
    only the erasure events (by topic)."""
    topics = [get_topic(cls) for cls in ERASURES]
    subjects: list[str] = []
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


def reapply(keys: KeyStore, recorder: Any, mapper: Any, start: int = 1) -> list[str]:
    """Erases again every subject the log says was erased (from ``start`` on) and the key store does
    not; answers them."""
    last = recorder.max_notification_id() or 0
    erased = list(dict.fromkeys(erased_in_log(recorder, mapper, start=start)))
    missing = keys.not_erased(erased)
    keys.erase(*missing)
    keys.set_mark(ERASURES_CHECKED, str(last))
    return missing


def check_since_last_start(keys: KeyStore, recorder: Any, mapper: Any) -> list[str]:
    """At the start of the service: the erasures recorded in the log since the position the key store
    remembers having checked, applied again where the key store does not hold them (a key store
    restored from a backup remembers the backup's position). A log behind that position (the events
    restored from an older backup) is checked whole."""
    checked = keys.mark(ERASURES_CHECKED)
    start = int(checked) + 1 if checked and checked.isdigit() else 1
    if start > (recorder.max_notification_id() or 0) + 1:
        start = 1
    again = reapply(keys, recorder, mapper, start=start)
    if again:
        log.warning("%d erasure(s) recorded in the log were applied again to the key store "
                    "(restored from an older backup?)", len(again))
    return again
