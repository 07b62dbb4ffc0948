"""The petitioner's lookup: their own petition, by reference number and tracking code (no sign-in).

Wrong guesses are slowed per client and watched globally, never per reference number: other
people's wrong guesses at a petition never lock out the petitioner who holds its code.

- Per client (an IPv4 address or an IPv6 /64; the real client's behind PETITIONS_TRUSTED_PROXIES):
  5 wrong codes within 15 minutes are free, then each further attempt waits twice as long as the one
  before (2 s, 4 s, … up to 15 minutes).
- Globally: when more than ``global_per_minute`` wrong codes arrive in a minute (a guesser spread over
  many addresses), every client that has made 2 wrong guesses within 15 minutes waits 15 minutes
  after its last one. A client with fewer — the petitioner typing their code from the receipt —
  is still answered.

docs/security.md gives the arithmetic (31^12 codes × the allowed rate)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from domain.petition import petition_id
from projections import queries
from projections.runner import ProjectionRunner
from service import errors
from service.clock import Clock
from service.deadlines import explain as explain_deadline
from service.petitions import hash_tracking_code
from service.reads import _Reads, local
from service.throttle import Backoff, Throttle, client_key

NOT_FOUND = "no petition has this reference number and tracking code"
TOO_MANY = "too many wrong tracking codes; try again in {seconds} seconds"
WINDOW = timedelta(minutes=15)
PER_CLIENT = Backoff(free=5, delay=timedelta(seconds=2), max_delay=WINDOW)
UNDER_ATTACK = Backoff(free=2, delay=WINDOW, max_delay=WINDOW)
GLOBAL_PER_MINUTE = 60


class PetitionerLookup(_Reads):
    """A petitioner looks up their own petition: reference number and tracking code."""

    def __init__(
        self, projections: ProjectionRunner, clock: Clock, *, global_per_minute: int = GLOBAL_PER_MINUTE,
    ) -> None:
        super().__init__(projections, clock)
        self.throttle = Throttle(self.engine, clock.now, WINDOW)
        self.global_per_minute = global_per_minute

    history: Any = None  # a BoardHistory, for ``as_of`` (set by the wiring)

    def lookup(self, reference: str, tracking_code: str, *, client: str, as_of: date | None = None) -> dict[str, Any]:
        """Status, dates, public steps, outcome and the deadline's reasoning, today or as it stood at the end
        of ``as_of``. A wrong code is answered exactly as an unknown number."""
        reference = (reference or "").strip()
        self._check(client)
        row = queries.lookup_row(self.engine, reference)
        given = hash_tracking_code(tracking_code or "")
        if row is None or not secrets.compare_digest(row["tracking_code_hash"], given):
            self.throttle.failed([self._client(client), self._minute(0)])
            raise errors.NotFoundError(NOT_FOUND)
        if as_of is not None:
            if self.history is None:
                raise errors.InvalidInputError({"as_of": ["not available here"]})
            return self.history.petition(reference, as_of)
        return self.view(reference)

    def view(self, reference: str, events: list[Any] | None = None) -> dict[str, Any]:
        """The petition as its petitioner sees it, with its deadline's reasoning (from ``events``, or the log)."""
        row = queries.lookup_row(self.engine, reference)
        if row is None:
            raise errors.NotFoundError(NOT_FOUND)
        steps = [{"event": s["event"], "at": local(s["at"]), "note": s["public_note"]}
                 for s in queries.public_steps(self.engine, row["id"])]
        outcome_steps = [s for s in steps if s["event"] in ("ResolvedOnSpot", "Resolved", "Explained")]
        points = queries.contact_point_names(self.engine, row["community_id"])
        if events is None:
            events = [self.projections.mapper.to_domain_event(stored)
                      for stored in self.projections.recorder.select_events(petition_id(reference))]
        return {
            "reference": row["reference"], "status": row["status"], "category": row["category"],
            "summary": row["summary"], "contact_point": points.get(row["contact_point_id"], ""),
            "received_at": local(row["received_at"]), "due_date": row["due_date"], "overdue": row["overdue"],
            "extensions": row["extensions"], "outcome_kind": row["outcome_kind"],
            "outcome": outcome_steps[-1]["note"] if row["outcome_kind"] and outcome_steps else None,
            "outcome_at": local(row["outcome_at"]), "satisfaction": row["satisfaction"],
            "reopened_count": row["reopened_count"], "steps": steps,
            "deadline": explain_deadline(events, self.today(), self.working_calendar()), "as_of": None,
        }

    def under_attack(self) -> bool:
        """Whether more than ``global_per_minute`` wrong codes came in this minute or the one before."""
        counts = self.throttle.counts([self._minute(0), self._minute(-1)])
        return max((count for count, _ in counts.values()), default=0) >= self.global_per_minute

    def _check(self, client: str) -> None:
        key, now = self._client(client), self.clock.now().timestamp()
        counts = self.throttle.counts([key, self._minute(0), self._minute(-1)])
        if key not in counts:
            return
        busiest = max((counts[m][0] for m in (self._minute(0), self._minute(-1)) if m in counts), default=0)
        backoff = UNDER_ATTACK if busiest >= self.global_per_minute else PER_CLIENT
        self.throttle.refuse(backoff.wait(*counts[key], now), TOO_MANY)

    @staticmethod
    def _client(client: str) -> str:
        return f"lookup-client:{client_key(client)}"

    def _minute(self, offset: int) -> str:
        return f"lookup-all:{int(self.clock.now().timestamp() // 60) + offset}"
