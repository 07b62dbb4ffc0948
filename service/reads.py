"""The read side's use cases: the public board, the petitioner's lookup, the desk's
worklist, the committee's agenda and the leadership's ledgers.

Everything here reads the projections' tables (never replays aggregates); what
depends on today (days left, due in N working days) is worked out at read time
from the service's clock. Staff reads take ``after``, a log position, and wait
until the read models have applied it (read-your-writes)."""

from __future__ import annotations

import csv
import functools
import io
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.matter import FINAL_STAGES, STAGES, STEPS_BY_STAGE
from domain.petition import OPEN_STATUSES
from projections import guesses, queries
from projections.petitions import COUNTS
from projections.runner import ProjectionRunner
from service import errors
from service.clock import CHINA, Clock
from service.petitions import hash_tracking_code
from service.working_days import add_working_days, working_days_between

if TYPE_CHECKING:
    from sqlalchemy import Engine

MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # far past any real list; keeps the row offset a number every database takes
NOT_FOUND = "no petition has this reference number and tracking code"


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    position: int

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "page": self.page, "per_page": self.per_page, "total": self.total,
                "position": self.position}


def local(moment: datetime | None) -> datetime | None:
    """A stored time in China time (SQLite gives it back naive, PostgreSQL in the session's zone)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=CHINA) if moment.tzinfo is None else moment.astimezone(CHINA)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_months(today: date, count: int) -> list[str]:
    year, month, months = today.year, today.month, []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def with_rates(counts: dict[str, Any]) -> dict[str, Any]:
    """The counts and the rates that follow from them (None where nothing was counted):
    on the spot = solved on the spot / received; on time = outcomes on time / outcomes
    (a dissatisfied follow-up takes its outcome out); satisfaction = satisfied or basically
    satisfied / followed up."""
    return {
        **counts,
        "on_the_spot_rate": _ratio(counts["resolved_on_spot"], counts["received"]),
        "on_time_rate": _ratio(counts["outcomes_on_time"], counts["outcomes"]),
        "satisfaction_rate": _ratio(counts["satisfied"] + counts["basically_satisfied"], counts["followed_up"]),
    }


ZERO = {name: 0 for name in COUNTS}


class _Reads:
    def __init__(self, projections: ProjectionRunner, clock: Clock) -> None:
        self.projections = projections
        self.engine = projections.engine
        self.clock = clock

    def today(self) -> date:
        return self.clock.now().date()

    def fresh(self, after: int | None) -> int:
        """Waits until the read models have applied log position ``after``; answers their position."""
        if after and after > self.projections.last_position():  # no change there to wait for: never hold a worker
            raise errors.InvalidInputError({"after": ["is past the last change in the log"]})
        if after and not self.projections.wait_for(after):
            raise errors.NotYetReadableError(f"the read models have not reached position {after} yet; try again shortly")
        return self.projections.lowest_position()

    def community(self, code: str) -> dict[str, Any]:
        community = queries.community_by_code(self.engine, code)
        if community is None:
            raise errors.NotFoundError(f"community {code} not found")
        return community

    def community_id(self, code: str | None) -> str | None:
        return self.community(code)["id"] if code else None

    @staticmethod
    def check_page(page: int, per_page: int) -> None:
        if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
            raise errors.InvalidInputError({"per_page": [f"page from 1 to {MAX_PAGE}, per_page from 1 to {MAX_PER_PAGE}"]})


# ---- the public board -------------------------------------------------------------------------

def _remembered(method: Callable[..., Any]) -> Callable[..., Any]:
    """The same public answer from memory for ``cache_seconds`` (a busy wall screen or a crowd
    refreshing the board costs one set of queries per worker per interval; 0 turns it off)."""

    @functools.wraps(method)
    def remembered(self: PublicBoard, *args: Any, **kwargs: Any) -> Any:
        if not self.cache_seconds:
            return method(self, *args, **kwargs)
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        now = time.monotonic()
        hit = self._remembered.get(key)
        if hit is not None and now - hit[0] < self.cache_seconds:
            return hit[1]
        answer = method(self, *args, **kwargs)
        if len(self._remembered) > 1000:
            self._remembered.clear()
        self._remembered[key] = (now, answer)
        return answer

    return remembered


class PublicBoard(_Reads):
    """What residents see (公开栏): no sign-in, no personal data. With PETITIONS_BOARD_CACHE_SECONDS
    (set by the production run), the summary and each community's board are answered from memory
    for that long."""

    def __init__(self, projections: ProjectionRunner, clock: Clock, cache_seconds: float | None = None) -> None:
        super().__init__(projections, clock)
        self.cache_seconds = float(os.environ.get("PETITIONS_BOARD_CACHE_SECONDS") or 0) if cache_seconds is None \
            else cache_seconds
        self._remembered: dict[tuple, tuple[float, Any]] = {}

    @_remembered
    def summary(self) -> dict[str, Any]:
        """Every community this month and this year, and the totals."""
        today = self.today()
        this_month, year = month_of(today), f"{today.year:04d}"
        communities = queries.list_communities(self.engine)
        monthly = {r["community"]: r for r in queries.count_totals(
            self.engine, by=["community"], month_from=this_month, month_to=this_month)}
        yearly = {r["community"]: r for r in queries.count_totals(
            self.engine, by=["community"], month_from=f"{year}-01", month_to=f"{year}-12")}
        open_rows = queries.open_counts(self.engine)
        in_notice = {r["community_id"]: r["count"] for r in queries.matters_in_notice(self.engine, today)}
        rows = []
        for community in communities:
            cid = community["id"]
            open_here = [r for r in open_rows if r["community_id"] == cid]
            rows.append({
                "code": community["code"], "name": community["name"], "kind": community["kind"],
                "this_month": with_rates(_counts(monthly.get(cid))),
                "this_year": with_rates(_counts(yearly.get(cid))),
                "open": sum(r["count"] for r in open_here),
                "open_overdue": sum(r["overdue"] for r in open_here),
                "resolutions_in_notice": in_notice.get(cid, 0),
            })
        totals = {
            "this_month": with_rates(_sum(r["this_month"] for r in rows)),
            "this_year": with_rates(_sum(r["this_year"] for r in rows)),
            "open": sum(r["open"] for r in rows),
            "open_overdue": sum(r["open_overdue"] for r in rows),
            "resolutions_in_notice": sum(r["resolutions_in_notice"] for r in rows),
        }
        return {"today": today, "month": this_month, "year": year, "communities": rows, "totals": totals,
                "position": self.projections.lowest_position()}

    @_remembered
    def board(self, code: str, *, months: int = 12, per_page: int = 10) -> dict[str, Any]:
        """One community's board: its statistics, resolutions, results and the petitions in progress."""
        community = self.community(code)
        return {
            "community": {k: community[k] for k in ("code", "name", "kind")},
            "today": self.today(),
            "statistics": self.statistics(code, months=months),
            "resolutions": self.resolutions(code, page=1, per_page=per_page).items,
            "implementation": self.implementation(code, page=1, per_page=per_page).items,
            "in_progress": self.in_progress(code, page=1, per_page=per_page).as_dict(),
            "position": self.projections.lowest_position(),
        }

    def statistics(self, code: str | None, *, months: int = 12) -> dict[str, Any]:
        """Monthly figures for the last ``months`` months (this one included), and their totals."""
        if not 1 <= months <= 60:
            raise errors.InvalidInputError({"months": ["from 1 to 60"]})
        span = last_months(self.today(), months)
        rows = {r["month"]: r for r in queries.count_totals(
            self.engine, by=["month"], community_id=self.community_id(code), month_from=span[0], month_to=span[-1])}
        monthly = [{"month": m, **with_rates(_counts(rows.get(m)))} for m in span]
        return {"months": monthly, "total": with_rates(_sum(monthly))}

    def in_progress(
        self, code: str | None, *, page: int = 1, per_page: int = 20, category: str | None = None,
        contact_point_id: str | None = None, status: str | None = None,
    ) -> Page:
        self.check_page(page, per_page)
        if status is not None and status not in OPEN_STATUSES:
            raise errors.InvalidInputError({"status": [f"must be one of: {', '.join(OPEN_STATUSES)}"]})
        community_id = self.community_id(code)
        rows, total = queries.in_progress(
            self.engine, community_id=community_id, page=page, per_page=per_page, category=category,
            contact_point_id=contact_point_id, status=status,
        )
        points = queries.contact_point_names(self.engine, community_id)
        today = self.today()
        items = [{
            "reference": r["reference"], "category": r["category"], "summary": r["summary"], "status": r["status"],
            "contact_point_id": r["contact_point_id"], "contact_point": points.get(r["contact_point_id"], ""),
            "received_on": local(r["received_at"]).date(), "due_date": r["due_date"], "overdue": r["overdue"],
            "days_to_deadline": (r["due_date"] - today).days if r["due_date"] else None,
            "petitioner": r["petitioner_masked"],
        } for r in rows]
        return Page(items, page, per_page, total, self.projections.lowest_position())

    def resolutions(self, code: str | None, *, page: int = 1, per_page: int = 20, in_notice: bool = False) -> Page:
        """Disclosed resolutions: text, tally, date, days left of the notice period, objections."""
        self.check_page(page, per_page)
        today = self.today()
        rows, total = queries.disclosed_resolutions(
            self.engine, community_id=self.community_id(code), page=page, per_page=per_page,
            in_notice_on=today if in_notice else None,
        )
        items = [{
            "matter_id": r["id"], "title": r["title"], "text": r["resolution_text"], "stage": r["stage"],
            "round": r["disclosure_round"], "disclosed_on": r["disclosed_on"], "notice_days": r["notice_days"],
            "notice_ends": r["notice_ends"], "days_left": notice_days_left(r["notice_ends"], today),
            "tally": {k: r[k] for k in ("eligible", "present", "votes_for", "votes_against", "abstentions")},
            "objections": r["objections"],
        } for r in rows]
        return Page(items, page, per_page, total, self.projections.lowest_position())

    def implementation(self, code: str | None, *, page: int = 1, per_page: int = 20) -> Page:
        """Implementation progress and disclosed results."""
        self.check_page(page, per_page)
        rows, total = queries.implementation(
            self.engine, community_id=self.community_id(code), page=page, per_page=per_page)
        notes = queries.progress_notes(self.engine, [r["id"] for r in rows])
        items = [{
            "matter_id": r["id"], "title": r["title"], "stage": r["stage"], "percent": r["percent"],
            "progress": [{"note": n["note"], "percent": n["percent"], "on": local(n["at"]).date()}
                         for n in notes[r["id"]]],
            "completed_on": r["completed_on"], "result": r["result_text"],
            "result_disclosed_on": r["result_disclosed_on"], "petitions": r["petitions"],
        } for r in rows]
        return Page(items, page, per_page, total, self.projections.lowest_position())


def notice_days_left(notice_ends: date | None, today: date) -> int:
    """Days of the notice period still to run, today included (0 once it has ended)."""
    if notice_ends is None:
        return 0
    return max((notice_ends - today).days + 1, 0)


def _counts(row: dict[str, Any] | None) -> dict[str, int]:
    return {name: int(row[name]) for name in COUNTS} if row else dict(ZERO)


def _sum(rows: Any) -> dict[str, int]:
    total = dict(ZERO)
    for row in rows:
        for name in COUNTS:
            total[name] += row[name]
    return total


# ---- the petitioner's lookup ---------------------------------------------------------------------

class GuessThrottle:
    """Slows down wrong guesses of tracking codes, per reference number and per client: after
    ``free`` wrong guesses in a ``window``, each further attempt must wait twice as long as the
    one before (from ``delay`` up to ``max_delay``). A right guess clears its reference's count,
    not its client's (so one's own code cannot be used to reset a client's count). The counts
    are kept in the database, so every worker process slows the same guesser."""

    def __init__(
        self, engine: Engine, now: Callable[[], datetime], *, free: int = 5, window: timedelta = timedelta(minutes=15),
        delay: timedelta = timedelta(seconds=2), max_delay: timedelta = timedelta(minutes=15),
    ) -> None:
        self.engine, self.now = engine, now
        self.free, self.window, self.delay, self.max_delay = free, window, delay, max_delay
        guesses.create_table(engine)

    def check(self, keys: tuple[str, ...]) -> None:
        now = self.now().timestamp()
        wait = max((self._wait(count, last, now) for count, last in guesses.wrong_guesses(self.engine, keys)),
                   default=0.0)
        if wait > 0:
            seconds = int(wait) + 1
            raise errors.TooManyAttemptsError(
                f"too many wrong tracking codes; try again in {seconds} seconds", retry_after=seconds)

    def failed(self, keys: tuple[str, ...]) -> None:
        guesses.record_wrong_guess(self.engine, keys, self.now().timestamp(), self.window.total_seconds())

    def succeeded(self, key: str) -> None:
        guesses.forget(self.engine, key)

    def _wait(self, count: int, last: float, now: float) -> float:
        if count < self.free or now - last > self.window.total_seconds():
            return 0.0
        delay = min(self.delay * 2 ** (count - self.free), self.max_delay)
        return last + delay.total_seconds() - now


class PetitionerLookup(_Reads):
    """A petitioner looks up their own petition: reference number and tracking code."""

    def __init__(self, projections: ProjectionRunner, clock: Clock, throttle: GuessThrottle | None = None) -> None:
        super().__init__(projections, clock)
        self.throttle = throttle or GuessThrottle(self.engine, clock.now)

    def lookup(self, reference: str, tracking_code: str, *, client: str) -> dict[str, Any]:
        """Status, dates, public steps and outcome. A wrong code is answered exactly as an unknown number."""
        reference = (reference or "").strip()
        keys = (f"reference:{reference}", f"client:{client}")
        self.throttle.check(keys)
        row = queries.lookup_row(self.engine, reference)
        given = hash_tracking_code(tracking_code or "")
        if row is None or not secrets.compare_digest(row["tracking_code_hash"], given):
            self.throttle.failed(keys)
            raise errors.NotFoundError(NOT_FOUND)
        self.throttle.succeeded(keys[0])
        steps = [{"event": s["event"], "at": local(s["at"]), "note": s["public_note"]}
                 for s in queries.public_steps(self.engine, row["id"])]
        outcome_steps = [s for s in steps if s["event"] in ("ResolvedOnSpot", "Resolved", "Explained")]
        points = queries.contact_point_names(self.engine, row["community_id"])
        return {
            "reference": row["reference"], "status": row["status"], "category": row["category"],
            "summary": row["summary"], "contact_point": points.get(row["contact_point_id"], ""),
            "received_at": local(row["received_at"]), "due_date": row["due_date"], "overdue": row["overdue"],
            "extensions": row["extensions"], "outcome_kind": row["outcome_kind"],
            "outcome": outcome_steps[-1]["note"] if row["outcome_kind"] and outcome_steps else None,
            "outcome_at": local(row["outcome_at"]), "satisfaction": row["satisfaction"],
            "reopened_count": row["reopened_count"], "steps": steps,
        }


# ---- the desk's worklist (staff) ------------------------------------------------------------------

class Worklist(_Reads):
    PERMISSIONS = {"worklist": "worklist.read", "workload": "worklist.read", "search": "worklist.read"}
    COMMANDS: set[str] = set()

    def worklist(
        self, *, page: int = 1, per_page: int = 20, community: str | None = None, contact_point_id: str | None = None,
        member_id: str | None = None, status: str | None = None, overdue: bool | None = None,
        due_within: int | None = None, soon: int = 2, after: int | None = None,
    ) -> Page:
        """Open petitions, the nearest deadline first, each with its due-in-N-working-days and flags.
        ``due_within`` keeps those due within that many working days (overdue ones included)."""
        self.check_page(page, per_page)
        if status is not None and status not in OPEN_STATUSES:
            raise errors.InvalidInputError({"status": [f"must be one of: {', '.join(OPEN_STATUSES)}"]})
        position = self.fresh(after)
        community_id = self.community_id(community)
        today = self.today()
        rows, total = queries.worklist(
            self.engine, page=page, per_page=per_page, community_id=community_id, contact_point_id=contact_point_id,
            member_id=member_id, status=status, overdue=overdue,
            due_by=self._working_day(today, due_within) if due_within is not None else None,
        )
        return Page(self._items(rows, today, soon), page, per_page, total, position)

    def workload(self, *, by: str, community: str | None = None, soon: int = 2, after: int | None = None) -> dict[str, Any]:
        """Open petitions per contact point or per member: open, recorded overdue, due within ``soon`` working days."""
        if by not in ("contact_point", "member"):
            raise errors.InvalidInputError({"by": ["must be contact_point or member"]})
        position = self.fresh(after)
        community_id = self.community_id(community)
        today = self.today()
        rows = queries.workload(
            self.engine, by=by, community_id=community_id, today=today, due_by=self._working_day(today, soon))
        names = (queries.contact_point_names if by == "contact_point" else queries.member_names)(self.engine, community_id)
        items = [{**r, "name": names.get(r["id"], "")} for r in rows]
        return {"by": by, "today": today, "items": items, "position": position}

    def search(
        self, text: str, *, page: int = 1, per_page: int = 20, community: str | None = None, soon: int = 2,
        after: int | None = None,
    ) -> Page:
        """Petitions in any state by reference number, petitioner's name or phone."""
        self.check_page(page, per_page)
        text = (text or "").strip()
        if not text:
            raise errors.InvalidInputError({"q": ["say what to look for: a reference number, a name or a phone"]})
        position = self.fresh(after)
        rows, total = queries.search(
            self.engine, text=text, page=page, per_page=per_page, community_id=self.community_id(community))
        return Page(self._items(rows, self.today(), soon), page, per_page, total, position)

    def _items(self, rows: list[dict[str, Any]], today: date, soon: int) -> list[dict[str, Any]]:
        points = queries.contact_point_names(self.engine)
        names = queries.member_names(self.engine)
        items = []
        for r in rows:
            due = r["due_date"]
            due_in = working_days_between(today, due) if due and r["status"] in OPEN_STATUSES else None
            items.append({
                "reference": r["reference"], "status": r["status"], "category": r["category"], "channel": r["channel"],
                "summary": r["summary"], "contact_point_id": r["contact_point_id"],
                "contact_point": points.get(r["contact_point_id"], ""), "member_id": r["handler_member_id"],
                "member": names.get(r["handler_member_id"], ""), "received_at": local(r["received_at"]),
                "due_date": due, "due_in_working_days": due_in, "overdue": r["overdue"],
                "past_due": due_in is not None and due < today,
                "due_soon": due_in is not None and 0 <= due_in <= soon and due >= today,
                "extensions": r["extensions"], "reopened_count": r["reopened_count"], "version": r["version"],
                "petitioner_name": r["petitioner_name"], "petitioner_phone": r["petitioner_phone"],
            })
        return items

    @staticmethod
    def _working_day(today: date, working_days: int) -> date:
        """The day ``working_days`` working days from today (today itself for 0)."""
        if working_days < 0:
            raise errors.InvalidInputError({"due_within": ["must not be negative"]})
        return add_working_days(today, working_days).due_date if working_days else today


# ---- the committee's agenda (staff) ---------------------------------------------------------------

AGENDA_STAGES = tuple(s for s in STAGES if s not in FINAL_STAGES)
NEXT_STEP_DATES: dict[str, Callable[[dict[str, Any]], tuple[date | None, str]]] = {
    "soliciting": lambda m: (m["solicitation_closes_on"], "solicitation closes 征求意见截止"),
    "in_notice": lambda m: (m["notice_ends"] + timedelta(days=1) if m["notice_ends"] else None,
                            "notice period over, implementation may start 公示期满，可以实施"),
}


class Agenda(_Reads):
    PERMISSIONS = {"agenda": "matter.read"}
    COMMANDS: set[str] = set()

    def agenda(
        self, *, community: str | None = None, stage: str | None = None, page: int = 1, per_page: int = 50,
        after: int | None = None,
    ) -> dict[str, Any]:
        """Matters by stage, each with its allowed next steps and the date the next one comes due."""
        self.check_page(page, per_page)
        if stage is not None and stage not in STAGES:
            raise errors.InvalidInputError({"stage": [f"must be one of: {', '.join(STAGES)}"]})
        position = self.fresh(after)
        today = self.today()
        rows, total = queries.agenda(
            self.engine, community_id=self.community_id(community), stages=[stage] if stage else AGENDA_STAGES,
            page=page, per_page=per_page,
        )
        items = [self._item(r, today) for r in rows]
        by_stage: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            by_stage.setdefault(item["stage"], []).append(item)
        stages = [{"stage": s, "matters": by_stage[s]} for s in STAGES if s in by_stage]
        return {"today": today, "stages": stages, "page": page, "per_page": per_page, "total": total,
                "position": position}

    @staticmethod
    def _item(m: dict[str, Any], today: date) -> dict[str, Any]:
        steps = [s for s in STEPS_BY_STAGE[m["stage"]] if s != "link_petitions"]
        if m["stage"] == "rejected" and m["quorum_met"] is False:
            steps.insert(0, "record_vote")
        next_on, meaning = NEXT_STEP_DATES.get(m["stage"], lambda _: (None, ""))(m)
        return {
            "matter_id": m["id"], "title": m["title"], "stage": m["stage"], "stage_since": m["stage_since"],
            "days_in_stage": (today - m["stage_since"]).days, "petitions": m["petitions"],
            "opinions": m["opinions"], "objections": m["objections"], "next_steps": steps,
            "next_step_on": next_on, "next_step_meaning": meaning,
            "solicitation_closes_on": m["solicitation_closes_on"], "notice_ends": m["notice_ends"],
            "notice_days_left": notice_days_left(m["notice_ends"], today) if m["stage"] == "in_notice" else None,
            "percent": m["percent"],
        }


# ---- the ledger (民情台帐, staff) ---------------------------------------------------------------------

LEDGER_COLUMNS = [
    ("period", "期间 Period"), ("id", "编号 ID"), ("name", "名称 Name"), ("received", "受理 Received"),
    ("resolved_on_spot", "当场解决 On the spot"), ("resolved", "限期办结 Resolved"),
    ("resolved_on_time", "按期办结 On time"), ("resolved_late", "超期或重办 Late or reopened"),
    ("escalated", "报党委 Escalated"), ("explained", "讲明原因 Explained"), ("withdrawn", "撤回 Withdrawn"),
    ("merged", "合并 Merged"), ("overdue", "超期 Overdue"), ("followed_up", "回访 Followed up"),
    ("satisfied", "满意 Satisfied"), ("basically_satisfied", "基本满意 Basically satisfied"),
    ("dissatisfied", "不满意 Dissatisfied"), ("reopened", "重办 Reopened"),
    ("on_the_spot_rate", "当场解决率 On-the-spot rate"), ("on_time_rate", "按期办结率 On-time rate"),
    ("satisfaction_rate", "满意率 Satisfaction rate"),
]
RATES = {"on_the_spot_rate", "on_time_rate", "satisfaction_rate"}


class Ledger(_Reads):
    PERMISSIONS = {"ledger": "ledger.read", "csv": "ledger.read", "xlsx": "ledger.read"}
    COMMANDS: set[str] = set()

    def ledger(
        self, *, by: str = "member", period: str = "month", year: int | None = None, month: int | None = None,
        community: str | None = None, contact_point_id: str | None = None, member_id: str | None = None,
        after: int | None = None,
    ) -> dict[str, Any]:
        """Counts by outcome and the rates, per member or contact point, per month or for the year."""
        if by not in ("member", "contact_point"):
            raise errors.InvalidInputError({"by": ["must be member or contact_point"]})
        if period not in ("month", "year"):
            raise errors.InvalidInputError({"period": ["must be month or year"]})
        if month is not None and not 1 <= month <= 12:
            raise errors.InvalidInputError({"month": ["from 1 to 12"]})
        position = self.fresh(after)
        year = year or self.today().year
        months = (f"{year:04d}-{month:02d}",) * 2 if month else (f"{year:04d}-01", f"{year:04d}-12")
        community_id = self.community_id(community)
        rows = queries.count_totals(
            self.engine, by=[by, period], community_id=community_id, contact_point_id=contact_point_id,
            member_id=member_id, month_from=months[0], month_to=months[1],
        )
        names = (queries.member_names if by == "member" else queries.contact_point_names)(self.engine, community_id)
        items = [{"period": r[period], "id": r[by], "name": names.get(r[by], ""), **with_rates(_counts(r))}
                 for r in rows]
        items.sort(key=lambda item: (item["period"], item["id"]))
        return {"by": by, "period": period, "year": year, "month": month, "items": items,
                "total": with_rates(_sum(items)), "position": position}

    def csv(self, **filters: Any) -> str:
        ledger = self.ledger(**filters)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([header for _, header in LEDGER_COLUMNS])
        for item in [*ledger["items"], {**ledger["total"], "period": "合计 Total", "id": "", "name": ""}]:
            writer.writerow([_cell(item[key], key) for key, _ in LEDGER_COLUMNS])
        return "\ufeff" + out.getvalue()  # a BOM, so spreadsheet programs read the Chinese as UTF-8

    def xlsx(self, **filters: Any) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        ledger = self.ledger(**filters)
        book = Workbook()
        sheet = book.active
        sheet.title = "民情台帐 Ledger"
        sheet.append([header for _, header in LEDGER_COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for item in [*ledger["items"], {**ledger["total"], "period": "合计 Total", "id": "", "name": ""}]:
            sheet.append([item[key] for key, _ in LEDGER_COLUMNS])
        for index, (key, header) in enumerate(LEDGER_COLUMNS, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, len(header) + 2)
            if key in RATES:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "0.0%"
        sheet.freeze_panes = "D2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _cell(value: Any, key: str) -> Any:
    if key in RATES:
        return "" if value is None else f"{value * 100:.1f}%"
    return value
