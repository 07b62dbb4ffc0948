"""Petitioners' personal data is sealed in the log with a key per petitioner, and erasable."""

from __future__ import annotations

import pytest

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
        reference, requested_by="张三丰本人（书面申请）", reason="个人信息保护法第四十七条", actor="admin")
    assert erased.petition["petitioner"] == {"erased": True}

    after = [(n.id, n.state) for n in services.log.recorder.select_notifications(1, 1000)]
    assert after[: len(before)] == before  # nothing in the log was changed or deleted
    history = services.petitions.history(reference)
    assert history[0]["details"]["petitioner"] == {"erased": True}
    assert history[-1]["event"] == "PersonalDataErased"
    assert history[-1]["details"] == {"requested_by": "张三丰本人（书面申请）", "reason": "个人信息保护法第四十七条"}

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
