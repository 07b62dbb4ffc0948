"""Residents' names in opinions and objections: sealed with a key per record, found through the blind
index, erased on a lawful request naming the resident."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service import errors
from tests.committee_helpers import SECRETARY, Secretary

RESIDENT, OTHER = "赵大妈", "钱大爷"


def stored_text(services) -> str:
    return "\n".join(n.state.decode("utf-8", "replace") for n in services.log.recorder.select_notifications(1, 1000))


@pytest.fixture
def matter(services, clock, community):
    """A matter in its notice period: two opinions of RESIDENT (one typed with a space), one of OTHER,
    one anonymous, and an objection of RESIDENT."""
    committee = services.committee
    secretary = Secretary(services, clock, community)
    matter_id = secretary.open([], title="小广场增设健身器材")
    today = clock.now().date()
    committee.open_solicitation(matter_id, question="是否同意？", opens_on=today, closes_on=today + timedelta(days=6),
                                actor=SECRETARY)
    for resident in (RESIDENT, OTHER, None, "赵 大妈"):
        committee.record_opinion(matter_id, resident=resident, stance="support", text="同意", channel="desk",
                                 actor="wangfang")
    clock.advance(days=7)
    committee.close_solicitation(matter_id, actor=SECRETARY)
    committee.draft_proposal(matter_id, text="增设健身器材", cited_opinions=[1], actor=SECRETARY)
    clock.advance(days=1)
    committee.record_consultation(matter_id, held_on=None, attendees=["李书记"], minutes="同意", outcome="agreed",
                                  actor=SECRETARY)
    secretary.vote(matter_id, passed=True)
    committee.disclose_resolution(matter_id, actor=SECRETARY)
    committee.record_objection(matter_id, objector=RESIDENT, text="位置太吵", channel="desk", actor="wangfang")
    return matter_id


def test_residents_names_are_sealed_in_the_log_and_read_back_for_staff(services, matter):
    assert RESIDENT not in stored_text(services) and OTHER not in stored_text(services)
    view = services.committee.get(matter)
    assert [o["resident"] for o in view["opinions"]] == [RESIDENT, OTHER, None, "赵 大妈"]
    assert view["objections"][0]["objector"] == RESIDENT


def test_an_erasure_naming_a_resident_reaches_every_opinion_and_objection_of_theirs(services, matter):
    keys_before = services.log.keys.keys(services.log.keys.subjects_for("name", RESIDENT))
    assert len(keys_before) == 3

    erased = services.committee.erase_resident_data(
        community="jinhua", name=" 赵大妈", requested_by="本人（书面申请第7号）", reason="个人信息保护法第四十七条",
        actor="admin")
    assert erased["matters"] == [{"matter_id": matter, "opinions": [1, 4], "objections": [1]}]

    view = services.committee.get(matter)
    assert [o["resident"] for o in view["opinions"]] == [None, OTHER, None, None]
    assert view["objections"][0]["objector"] is None
    history = services.committee.history(matter)
    assert all(RESIDENT not in str(h["details"]) for h in history)
    assert history[-1]["event"] == "ResidentDataErased"
    assert history[-1]["details"]["opinions"] == [1, 4] and history[-1]["details"]["objections"] == [1]
    assert services.log.keys.keys(keys_before) == {} and services.log.keys.subjects_for("name", RESIDENT) == []
    assert services.log.keys.subjects_for("name", OTHER)  # the other resident is untouched


def test_the_record_of_an_erasure_must_not_repeat_the_name(services, matter):
    with pytest.raises(errors.InvalidInputError) as refused:
        services.committee.erase_resident_data(community="jinhua", name=RESIDENT, requested_by="赵大妈本人",
                                               reason="依法", actor="admin")
    assert list(refused.value.fields) == ["requested_by"]
    assert services.committee.get(matter)["opinions"][0]["resident"] == RESIDENT


def test_erasing_a_resident_nobody_named_is_refused_and_only_administrators_may(services, matter):
    with pytest.raises(errors.InvalidInputError) as refused:
        services.committee.erase_resident_data(community="jinhua", name="孙悟空", requested_by="本人", reason="依法",
                                               actor="admin")
    assert refused.value.fields == {"name": ["no opinion or objection in this community names this resident"]}
    from service.permissions import MATRIX

    assert MATRIX["matter.erase_resident_data"] == ("administrator",)
