"""Wiring: the one place where the service's parts are built (called by the app factory and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field

from projections.database import make_engine
from projections.communities import CommunitiesProjection
from projections.matters import MattersProjection
from projections.petitions import PetitionsProjection
from projections.runner import ProjectionRunner
from service.accounts import Accounts
from service.clock import Clock, SystemClock
from service.committee import Committee
from service.communities import Communities
from service.eventstore import EventLog
from service.matter_outcomes import MatterOutcomes
from service.permissions import Guarded, Principal
from service.personal_data import KeyStore
from service.petitions import PetitionDesk
from service.reads import Agenda, Ledger, PetitionerLookup, PublicBoard, Worklist
from service.settings import Settings
from service.supervision import Supervision


@dataclass
class Services:
    settings: Settings
    clock: Clock
    log: EventLog
    projections: ProjectionRunner
    petitions: PetitionDesk = field(init=False)
    communities: Communities = field(init=False)
    accounts: Accounts = field(init=False)
    supervision: Supervision = field(init=False)
    committee: Committee = field(init=False)
    matter_outcomes: MatterOutcomes = field(init=False)
    board: PublicBoard = field(init=False)
    lookup: PetitionerLookup = field(init=False)
    worklist: Worklist = field(init=False)
    agenda: Agenda = field(init=False)
    ledger: Ledger = field(init=False)

    def __post_init__(self) -> None:
        self.petitions = PetitionDesk(self.log, self.clock, self.settings.secret_key)
        self.communities = Communities(self.log, self.clock)
        self.accounts = Accounts(self.log, self.clock)
        self.committee = Committee(self.log, self.clock)
        self.matter_outcomes = MatterOutcomes(self.log, self.petitions)
        self.supervision = Supervision(self.petitions, self.projections, self.matter_outcomes, self.clock)
        self.board = PublicBoard(self.projections, self.clock)
        self.lookup = PetitionerLookup(self.projections, self.clock)
        self.worklist = Worklist(self.projections, self.clock)
        self.agenda = Agenda(self.projections, self.clock)
        self.ledger = Ledger(self.projections, self.clock)

    def as_user(self, principal: Principal) -> UserServices:
        """The use cases as one signed-in user may use them: checked against the permission matrix."""
        return UserServices(self, principal)

    def tick(self) -> list[str]:
        """Marks overdue, once, every deadlined petition whose due date has passed."""
        return self.supervision.tick()

    def close(self) -> None:
        self.matter_outcomes.stop()
        self.projections.stop()
        self.projections.engine.dispose()
        self.log.close()


class UserServices:
    def __init__(self, services: Services, principal: Principal) -> None:
        self._services = services
        self.principal = principal

    def may(self, use_case: str, method: str) -> bool:
        """Whether this user may call ``use_case.method`` (to offer only the steps they may take)."""
        return self.principal.can(type(getattr(self._services, use_case)).PERMISSIONS[method])

    def __getattr__(self, name: str) -> Guarded:
        target = getattr(self._services, name)
        if not hasattr(type(target), "PERMISSIONS"):
            raise AttributeError(f"{name} is not a use case")
        return Guarded(target, self.principal)


def read_models() -> list:
    """Every read model, in the order they are caught up."""
    return [CommunitiesProjection(), PetitionsProjection(), MattersProjection()]


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.sqlalchemy_url(), settings.postgres_schema)
    keys = KeyStore(engine)
    keys.create_table()
    log = EventLog(env=settings.event_store_env(), keys=keys)
    runner = ProjectionRunner(engine, log.recorder, log.mapper, read_models())
    runner.create_tables()
    return Services(settings=settings, clock=clock or SystemClock(), log=log, projections=runner)
