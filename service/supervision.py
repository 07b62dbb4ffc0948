"""Supervision (督办): passed deadlines are recorded as overdue, once, when they are noticed."""

from __future__ import annotations

from projections import queries
from projections.runner import ProjectionRunner
from service.clock import Clock
from service.matter_outcomes import MatterOutcomes
from service.petitions import PetitionDesk


class Supervision:
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
        """Marks overdue every deadlined petition whose due date has passed (after carrying closed
        committee matters' outcomes to their petitions); answers their references."""
        self.matter_outcomes.catch_up()
        self.projections.catch_up()
        today = self.clock.now().date()
        marked = self.petitions.mark_overdue(queries.past_deadline(self.projections.engine, today))
        self.projections.catch_up()
        return marked
