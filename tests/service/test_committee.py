"""The committee's use cases: a matter and its petitions are saved at once, or not at all."""

from __future__ import annotations

import pytest

from service import errors
from tests.committee_helpers import SECRETARY, escalated_petitions


@pytest.fixture
def petitions(services, community) -> list[str]:
    return escalated_petitions(services, community, 2)


def withdrawn_meanwhile(services, reference: str) -> None:
    """Between the committee loading the petitions and saving, the desk withdraws one of them."""
    load = services.committee._petitions

    def load_then_change(references):  # type: ignore[no-untyped-def]
        loaded = load(references)
        services.petitions.withdraw(reference, reason="反映人已搬走", actor="wangfang")
        return loaded

    services.committee._petitions = load_then_change


class TestAtomicLinking:
    def test_a_matter_is_not_opened_when_one_of_its_petitions_changed_meanwhile(self, services, petitions):
        withdrawn_meanwhile(services, petitions[1])
        with pytest.raises(errors.VersionConflictError):
            services.committee.open(community="jinhua", title="3号楼加装电梯", description="d", petitions=petitions,
                                    actor=SECRETARY)
        assert services.committee.list() == []
        assert services.petitions.get(petitions[0])["matter_id"] is None
        assert [h["event"] for h in services.petitions.history(petitions[0])] == ["Received", "Escalated"]

    def test_a_petition_is_not_attached_when_it_changed_meanwhile(self, services, petitions):
        matter = services.committee.open(community="jinhua", title="3号楼加装电梯", description="d",
                                         petitions=petitions[:1], actor=SECRETARY).matter
        withdrawn_meanwhile(services, petitions[1])
        with pytest.raises(errors.VersionConflictError) as conflict:
            services.committee.link_petitions(matter["id"], petitions=petitions[1:], actor=SECRETARY)
        assert conflict.value.current == {"state": "opened", "version": 2}
        assert services.committee.get(matter["id"])["petitions"][0]["reference"] == petitions[0]
        assert len(services.committee.get(matter["id"])["petitions"]) == 1

    def test_opening_writes_the_matter_and_its_petitions_in_one_save(self, services, petitions):
        before = services.log.last_position()
        outcome = services.committee.open(community="jinhua", title="3号楼加装电梯", description="d",
                                          petitions=petitions, actor=SECRETARY)
        assert outcome.position == before + 5  # Opened, 2 × PetitionLinked, 2 × LinkedToMatter
        assert all(services.petitions.get(r)["matter_id"] == outcome.matter["id"] for r in petitions)


class TestReading:
    def test_a_petition_id_is_not_a_matter(self, services, petitions):
        petition_id = services.petitions.get(petitions[0])["id"]
        with pytest.raises(errors.NotFoundError):
            services.committee.get(petition_id)
