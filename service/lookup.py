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

from domain.petition import Petition, petition_id
from projections import queries
from projections.runner import ProjectionRunner
from service import errors
from service.clock import Clock
from service.deadlines import explain as explain_deadline
from service.petitions import hash_tracking_code
from service.reads import _Reads, local, notice_days_left
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
            "plan": plan_of(events), "matter": self._matter(row["matter_id"]),
        }

    def _matter(self, matter_id: str | None) -> dict[str, Any] | None:
        """The public progress of the committee matter that took the petition up: what the board shows
        of it (solicitation window, disclosed resolution and its notice period, implementation, result);
        never a resident's name, an opinion's text or the minutes."""
        if not matter_id:
            return None
        m = queries.public_matter(self.engine, matter_id)
        if m is None:
            return None
        today = self.today()
        opens, closes = m["solicitation_opens_on"], m["solicitation_closes_on"]
        notes = queries.progress_notes(self.engine, [matter_id])[matter_id]
        return {
            "title": m["title"], "stage": m["stage"], "opened_on": local(m["opened_at"]).date(),
            "solicitation": {"opens_on": opens, "closes_on": closes, "opinions": m["opinions"],
                             "open": opens <= today <= closes and m["stage"] == "soliciting"}
            if opens and closes else None,
            "vote_held_on": m["vote_held_on"],
            "resolution": {
                "text": m["resolution_text"], "disclosed_on": m["disclosed_on"], "notice_days": m["notice_days"],
                "notice_ends": m["notice_ends"], "days_left": notice_days_left(m["notice_ends"], today),
                "objections": m["objections"],
                "tally": {k: m[k] for k in ("eligible", "present", "votes_for", "votes_against", "abstentions")},
            } if m["disclosed_on"] else None,
            "percent": m["percent"],
            "progress": [{"on": local(n["at"]).date(), "note": n["note"], "percent": n["percent"]} for n in notes],
            "completed_on": m["completed_on"],
            "result": {"text": m["result_text"], "disclosed_on": m["result_disclosed_on"]}
            if m["result_disclosed_on"] else None,
            "end_reason": m["end_reason"] if m["stage"] == "ended" else None,
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


def plan_of(events: list[Any]) -> dict[str, Any] | None:
    """The current deadline's plan, its dated steps (done or not) and the progress notes recorded since it
    was set, as the petitioner may read them; None if the petition never had a deadline (a dissatisfied
    follow-up starts a new triage, and a new plan)."""
    plan: dict[str, Any] | None = None
    for e in events:
        if isinstance(e, Petition.DeadlineSet):
            plan = {"plan": e.plan, "due_date": e.due_date, "progress": [],
                    "steps": [{"due_date": step["due_date"], "description": step["description"], "done": False}
                              for step in e.steps or []]}
        elif isinstance(e, Petition.ProgressRecorded) and plan is not None:
            done = e.completed_step is not None and 0 <= e.completed_step < len(plan["steps"])
            step = plan["steps"][e.completed_step] if done else None
            if step is not None:
                step["done"] = True
            plan["progress"].append({"on": local(e.at).date(), "note": e.note,
                                     "step": step["description"] if step else None})
        elif isinstance(e, Petition.DeadlineExtended) and plan is not None:
            plan["due_date"] = e.due_date
        elif isinstance(e, Petition.FollowedUp) and e.satisfaction == "dissatisfied":
            plan = None
    return plan
