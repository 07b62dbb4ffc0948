"""Supervision (督办): passed deadlines are recorded as overdue, once, when they are noticed."""

from __future__ import annotations

from projections import queries
from projections.runner import ProjectionRunner
from service.clock import Clock
from service.matter_outcomes import MatterOutcomes
from service.permissions import UseCase
from service.petitions import PetitionDesk


class Supervision(UseCase):
    PERMISSIONS = {"tick": "supervision.tick"}
    COMMANDS: set[str] = set()

    def __init__(
        self, petitions: PetitionDesk, projections: ProjectionRunner, matter_outcomes: MatterOutcomes, clock: Clock
    ) -> None:
        self.petitions = petitions
        self.projections = projections
        self.matter_outcomes = matter_outcomes
        self.clock = clock

    def tick(self) -> list[str]:
        """Marks overdue every deadlined petition of the user's community (or of every community) whose
        due date has passed, after carrying closed committee matters' outcomes to their petitions;
        answers their references."""
        self.matter_outcomes.catch_up()
        self.projections.catch_up()
        today = self.clock.now().date()
        community = self._listed_community(None)
        found = queries.community_by_code(self.projections.engine, community) if community else None
        if community and found is None:
            return []
        past = queries.past_deadline(self.projections.engine, today, found["id"] if found else None)
        marked = self.petitions.mark_overdue(past)
        self.projections.catch_up()
        return marked
