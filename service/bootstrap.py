"""Wiring: the one place where the service's parts are built (called by the app factory and the CLI)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from projections.database import make_engine
from projections.communities import CommunitiesProjection
from projections.matters import MattersProjection
from projections.petitions import PetitionsProjection
from projections.visits import VisitsProjection
from projections.runner import ProjectionRunner
from projections.transparency import TransparencyProjection
from service.accounts import Accounts
from service.board_history import BoardHistory
from service.calendars import YearCalendars
from service.clock import Clock, SystemClock
from service.commitments import Commitments
from service.committee import Committee
from service.communities import Communities
from service.contact_points import ContactPoints, MemberBoard, ReceptionDays
from service.store.eventstore import EventLog
from service.households import Households
from service.matter_outcomes import MatterOutcomes
from service.operations import counted
from service.permissions import Principal, UseCase, require
from service.store.personal_data import KeyStore
from service.petitions import PetitionDesk
from service.lookup import PetitionerLookup
from service.questionnaires import Questionnaires
from service.reports import Reports
from service.reviews import Reviews
from service.reads import Agenda, Ledger, PublicBoard, Worklist
from service.throttle import GuessThrottle
from service.settings import Settings
from service.signin import SignIn
from service.supervision import Supervision
from service.transparency import SigningKey, TransparencyLog
from service.visits import VisitDiary, VisitSupervision


@dataclass
class Services:
    settings: Settings
    clock: Clock
    log: EventLog
    projections: ProjectionRunner
    signing_key: SigningKey
    petitions: PetitionDesk = field(init=False)
    communities: Communities = field(init=False)
    accounts: Accounts = field(init=False)
    supervision: Supervision = field(init=False)
    committee: Committee = field(init=False)
    commitments: Commitments = field(init=False)
    questionnaires: Questionnaires = field(init=False)
    reviews: Reviews = field(init=False)
    reports: Reports = field(init=False)
    matter_outcomes: MatterOutcomes = field(init=False)
    board: PublicBoard = field(init=False)
    lookup: PetitionerLookup = field(init=False)
    worklist: Worklist = field(init=False)
    agenda: Agenda = field(init=False)
    ledger: Ledger = field(init=False)
    transparency: TransparencyLog = field(init=False)
    history: BoardHistory = field(init=False)
    contact_points: ContactPoints = field(init=False)
    visits: VisitDiary = field(init=False)
    households: Households = field(init=False)
    visit_supervision: VisitSupervision = field(init=False)
    reception_days: ReceptionDays = field(init=False)
    member_board: MemberBoard = field(init=False)
    signin: SignIn = field(init=False)
    calendars: YearCalendars = field(init=False)

    def __post_init__(self) -> None:
        self.calendars = YearCalendars(self.log, self.clock)
        self.petitions = PetitionDesk(self.log, self.clock, self.settings.secret_key)
        self.petitions.working_calendar = self.calendars.working_calendar
        self.communities = Communities(self.log, self.clock)
        self.accounts = Accounts(self.log, self.clock)
        self.committee = Committee(self.log, self.clock)
        resident_codes = GuessThrottle(self.projections.engine, self.clock.now)
        self.commitments = Commitments(self.log, self.clock, resident_codes)
        self.questionnaires = Questionnaires(self.log, self.clock, resident_codes)
        self.matter_outcomes = MatterOutcomes(self.log, self.petitions)
        self.supervision = Supervision(self.petitions, self.projections, self.matter_outcomes, self.clock)
        self.transparency = TransparencyLog(self.projections.engine, self.signing_key)
        self.board = PublicBoard(self.projections, self.clock, transparency=self.transparency)
        self.board.working_calendar = self.calendars.working_calendar
        self.history = BoardHistory(self.projections, self.clock, self.transparency)
        self.lookup = PetitionerLookup(self.projections, self.clock)
        self.lookup.history = self.history
        self.lookup.working_calendar = self.calendars.working_calendar
        self.worklist = Worklist(self.projections, self.clock, self.log.keys)
        self.worklist.working_calendar = self.calendars.working_calendar
        self.agenda = Agenda(self.projections, self.clock)
        self.ledger = Ledger(self.projections, self.clock)
        self.contact_points = ContactPoints(self.log, self.clock, self.projections)
        self.visits = VisitDiary(self.log, self.clock, self.projections, self.petitions)
        self.households = Households(self.log, self.clock, self.projections)
        self.visit_supervision = VisitSupervision(self.log, self.clock, self.projections)
        self.reception_days = ReceptionDays(self.log, self.clock, self.projections)
        self.member_board = MemberBoard(self.projections, self.clock)
        self.reviews = Reviews(self.log, self.clock, {
            "visit_supervision": self.visit_supervision, "households": self.households, "ledger": self.ledger,
            "commitments": self.commitments, "questionnaires": self.questionnaires}, resident_codes)
        self.reports = Reports(self.log, {
            "reviews": self.reviews, "commitments": self.commitments, "ledger": self.ledger,
            "visit_supervision": self.visit_supervision})
        self.signin = SignIn(self.accounts, self.projections.engine, self.clock,
                             idle=timedelta(minutes=self.settings.session_idle_minutes),
                             token_lifetime=timedelta(days=self.settings.token_days))
        self.accounts.end_sessions = self.signin.end_sessions  # a disabled or reset account's sessions end

    def as_user(self, principal: Principal) -> UserServices:
        """The use cases as one signed-in user may use them: checked against the permission matrix."""
        return UserServices(self, principal)

    def tick(self) -> list[str]:
        """The daily run: marks overdue, once, every deadlined petition whose due date has passed, and
        checks the visit rule (a member's month short of it raises a supervision item, once); answers
        the petitions marked overdue."""
        return self.daily()["overdue"]

    def daily(self) -> dict[str, list[Any]]:
        """As ``tick``, answering both: the petitions marked overdue and the supervision items raised."""
        overdue = self.supervision.tick()
        return {"overdue": overdue, "supervision_items": self.visit_supervision.check()}

    def follower_positions(self) -> dict[str, int]:
        """How far each follower of the log has come: the read models and the matter-outcomes process."""
        positions = dict(self.projections.positions())
        positions[self.matter_outcomes.name] = self.matter_outcomes.position()
        return positions

    def close(self) -> None:
        self.matter_outcomes.stop()
        self.projections.stop()
        self.projections.engine.dispose()
        self.log.keys.engine.dispose()
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
        if not isinstance(target, UseCase):
            raise AttributeError(f"{name} is not a use case")
        return Guarded(target.seen_by(self.principal), self.principal)


class Guarded:
    """A use case seen by one user: every call is checked against the matrix (a method missing from
    its class's PERMISSIONS is refused), the use case scopes what it shows and changes to the user's
    community, and commands get the user as their actor — never a value typed into a form."""

    def __init__(self, target: UseCase, principal: Principal) -> None:
        self._target = target
        self._principal = principal

    def __getattr__(self, name: str) -> Any:
        use_case = type(self._target)
        if name not in use_case.PERMISSIONS:
            raise AttributeError(f"{use_case.__name__}.{name} is not open to users")
        require(self._principal, use_case.PERMISSIONS[name])
        method = getattr(self._target, name)
        if name in use_case.COMMANDS:
            return counted(use_case.__name__, name, functools.partial(method, actor=self._principal.username))
        return method


def read_models() -> list:
    """Every read model, in the order they are caught up."""
    return [CommunitiesProjection(), PetitionsProjection(), MattersProjection(), VisitsProjection()]


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.sqlalchemy_url(), settings.postgres_schema)
    key_settings = settings.key_store()
    keys = KeyStore(make_engine(key_settings.sqlalchemy_url(), key_settings.postgres_schema, create_database=True))
    keys.create_table()
    if settings.key_store_url != settings.database_url:
        keys.adopt_keys_kept_with_events(engine)
    log = EventLog(env=settings.event_store_env(), keys=keys)
    clock = clock or SystemClock()
    key = SigningKey.load_or_create(settings.signing_key_path())
    # the read models copy personal data sealed, as the log holds it: catching up opens nothing
    runner = ProjectionRunner(engine, log.recorder, log.mapper.sealed_view(),
                              [*read_models(), TransparencyProjection(key, clock.now)])
    runner.create_tables()
    return Services(settings=settings, clock=clock, log=log, projections=runner, signing_key=key)
