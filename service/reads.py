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
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.community import community_id as community_uuid
from domain.matter import FINAL_STAGES, STAGES, STEPS_BY_STAGE
from domain.petition import OPEN_STATUSES
from projections import queries
from projections.petitions import COUNTS
from projections.runner import ProjectionRunner
from service import errors
from service.clock import CHINA, Clock
from service.permissions import SYSTEM, Principal, UseCase
from service.store.personal_data import ERASED, KeyStore, normalise_name, normalise_phone
from service.transparency import TransparencyLog
from service.visits import LEDGER_VISIT_COLUMNS, ledger_columns, rule_in_read_model
from service.throttle import GuessThrottle  # noqa: F401 - imported from here by residents' code use cases
from service.working_days import WorkingCalendar, add_working_days, library_calendar, working_days_between

# jinhua-2026-000123, 2026-000123, 000123, 2026- (and a log's older 2026-000123): a phone or a name is not
PART_OF_A_REFERENCE = re.compile(r"(?:[A-Za-z0-9_-]*[A-Za-z_][A-Za-z0-9_-]*-)?\d{0,4}-?\d{0,6}")
MAX_PER_PAGE = 100
MAX_SEARCH = 50  # characters of a search: a reference number, a name or a phone
MAX_PAGE = 100_000  # far past any real list; keeps the row offset a number every database takes


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
    principal: Principal = SYSTEM
    # the calendar deadlines are counted on (wired to the years an administrator entered)
    working_calendar: Callable[[], WorkingCalendar] = staticmethod(library_calendar)

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
        if not code:
            return None
        if code == self.principal.community_code:  # the user's own: their account names it, no need to look
            return str(community_uuid(code))
        return self.community(code)["id"]

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

    def __init__(
        self, projections: ProjectionRunner, clock: Clock, cache_seconds: float | None = None,
        transparency: TransparencyLog | None = None, as_of: datetime | None = None,
    ) -> None:
        super().__init__(projections, clock)
        self.cache_seconds = float(os.environ.get("PETITIONS_BOARD_CACHE_SECONDS") or 0) if cache_seconds is None \
            else cache_seconds
        self._remembered: dict[tuple, tuple[float, Any]] = {}
        self.transparency = transparency
        self.as_of = as_of  # a board rebuilt as it stood before this moment (see service.board_history)

    def head(self) -> dict[str, Any] | None:
        """The signed tree head the board shows the fingerprint of: the latest, or the last one signed
        before ``as_of``."""
        if self.transparency is None:
            return None
        head = self.transparency.head_as_of(self.as_of) if self.as_of else self.transparency.latest_head()
        if head is None:
            return None
        return {k: head[k] for k in ("tree_size", "root_hash", "timestamp", "fingerprint")}

    def _with_entries(self, items: list[dict[str, Any]], key: str, kinds: tuple[str, ...] | None = None) -> None:
        """Each item's latest entry in the transparency log (under the head the board shows)."""
        if self.transparency is None:
            return
        head = self.head() if self.as_of else None
        found = self.transparency.latest_entries([str(i[key]) for i in items], kinds,
                                                 head["tree_size"] if head else (0 if self.as_of else None))
        for item in items:
            item["entry"] = found.get(str(item[key]))

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
            "head": self.head(),
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
        calendar = self.working_calendar()
        items = [{
            "reference": r["reference"], "category": r["category"], "summary": r["summary"], "status": r["status"],
            "contact_point_id": r["contact_point_id"], "contact_point": points.get(r["contact_point_id"], ""),
            "received_on": local(r["received_at"]).date(), "due_date": r["due_date"], "overdue": r["overdue"],
            "days_to_deadline": (r["due_date"] - today).days if r["due_date"] else None,
            "due_date_provisional": bool(r["due_date"] and calendar.missing_years(local(r["received_at"]).date(),
                                                                                 r["due_date"])),
        } for r in rows]
        self._with_entries(items, "reference")
        return Page(items, page, per_page, total, self.projections.lowest_position())

    def resolutions(
        self, code: str | None, *, page: int = 1, per_page: int = 20, in_notice: bool = False, archived: bool = False,
    ) -> Page:
        """Disclosed resolutions: text, tally, date, days left of the notice period, objections; ``in_notice``
        only those still in their notice period, ``archived`` only those whose notice period has ended."""
        self.check_page(page, per_page)
        today = self.today()
        rows, total = queries.disclosed_resolutions(
            self.engine, community_id=self.community_id(code), page=page, per_page=per_page,
            in_notice_on=today if in_notice else None, ended_before=today if archived else None,
        )
        items = [{
            "matter_id": r["id"], "title": r["title"], "text": r["resolution_text"], "stage": r["stage"],
            "round": r["disclosure_round"], "disclosed_on": r["disclosed_on"], "notice_days": r["notice_days"],
            "notice_ends": r["notice_ends"], "days_left": notice_days_left(r["notice_ends"], today),
            "tally": {k: r[k] for k in ("eligible", "present", "votes_for", "votes_against", "abstentions")},
            "objections": r["objections"],
        } for r in rows]
        self._with_entries(items, "matter_id", ("resolution_disclosed",))
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
        self._with_entries(items, "matter_id")
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


# ---- the desk's worklist (staff) ------------------------------------------------------------------

class Worklist(_Reads, UseCase):
    PERMISSIONS = {"worklist": "worklist.read", "workload": "worklist.read", "search": "worklist.read"}
    COMMANDS: set[str] = set()

    def __init__(self, projections: ProjectionRunner, clock: Clock, keys: KeyStore) -> None:
        super().__init__(projections, clock)
        self.keys = keys

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
        community = self._listed_community(community)
        position = self.fresh(after)
        community_id = self.community_id(community)
        today = self.today()
        rows, total = queries.worklist(
            self.engine, page=page, per_page=per_page, community_id=community_id, contact_point_id=contact_point_id,
            member_id=member_id, status=status, overdue=overdue,
            due_by=self._working_day(today, due_within) if due_within is not None else None,
        )
        return Page(self._items(rows, today, soon, self.principal.reads_personal_data_of(community)),
                    page, per_page, total, position)

    def workload(self, *, by: str, community: str | None = None, soon: int = 2, after: int | None = None) -> dict[str, Any]:
        """Open petitions per contact point or per member: open, recorded overdue, due within ``soon`` working days."""
        if by not in ("contact_point", "member"):
            raise errors.InvalidInputError({"by": ["must be contact_point or member"]})
        community = self._listed_community(community)
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
        """Petitions in any state by reference number, public summary, petitioner's name or phone."""
        self.check_page(page, per_page)
        text = (text or "").strip()
        if not text:
            raise errors.InvalidInputError({"q": ["say what to look for: a reference number, words of the summary, a name or a phone"]})
        if len(text) > MAX_SEARCH:  # the API's schema says the same; the pages come here directly
            raise errors.InvalidInputError({"q": [f"must be at most {MAX_SEARCH} characters"]})
        community = self._listed_community(community)
        position = self.fresh(after)
        rows, total = queries.search(
            self.engine, text=text, page=page, per_page=per_page, community_id=self.community_id(community),
            petition_ids=self._found_by_petitioner(text) if self.principal.reads_personal_data_of(community) else (),
            by_reference=PART_OF_A_REFERENCE.fullmatch(text) is not None,
            by_summary=len(text) >= 2 and not text.isdigit() and PART_OF_A_REFERENCE.fullmatch(text) is None)
        return Page(self._items(rows, self.today(), soon, self.principal.reads_personal_data_of(community)),
                    page, per_page, total, position)

    def _found_by_petitioner(self, text: str) -> list[str]:
        """Petitions whose petitioner's phone or full name is ``text`` (normalised), through the blind
        index; each candidate is confirmed by opening its sealed petitioner (an index row written for a
        save that then failed names no one)."""
        candidates = set(self.keys.subjects_for("name", text))
        if len(normalise_phone(text)) >= 5:
            candidates.update(self.keys.subjects_for("phone", text))
        sealed = queries.sealed_petitioners(self.engine, sorted(candidates))
        wanted_name, wanted_phone = normalise_name(text), normalise_phone(text)
        found = []
        for petition_id, petitioner in zip(sealed, self.keys.open_many(list(sealed.items())), strict=True):
            if petitioner and (normalise_name(petitioner.get("name")) == wanted_name
                               or (wanted_phone and normalise_phone(petitioner.get("phone")) == wanted_phone)):
                found.append(petition_id)
        return found

    def _items(
        self, rows: list[dict[str, Any]], today: date, soon: int, reveal_personal_data: bool,
    ) -> list[dict[str, Any]]:
        """The rows as the worklist shows them. The petitioner's name and phone are opened (with their
        own key, here and nowhere else) only when ``reveal_personal_data``: the reader may see them."""
        points = queries.contact_point_names(self.engine)
        names = queries.member_names(self.engine)
        petitioners = self._petitioners(rows) if reveal_personal_data else [None] * len(rows)
        items = []
        calendar = self.working_calendar()
        for r, petitioner in zip(rows, petitioners, strict=True):
            due = r["due_date"]
            due_in = working_days_between(today, due, calendar) if due and r["status"] in OPEN_STATUSES else None
            items.append({
                "reference": r["reference"], "status": r["status"], "category": r["category"], "channel": r["channel"],
                "summary": r["summary"], "contact_point_id": r["contact_point_id"],
                "contact_point": points.get(r["contact_point_id"], ""), "member_id": r["handler_member_id"],
                "member": names.get(r["handler_member_id"], ""), "received_at": local(r["received_at"]),
                "due_date": due, "due_in_working_days": due_in, "overdue": r["overdue"],
                "due_date_provisional": bool(due and calendar.missing_years(local(r["received_at"]).date(), due)),
                "past_due": due_in is not None and due < today,
                "due_soon": due_in is not None and 0 <= due_in <= soon and due >= today,
                "extensions": r["extensions"], "reopened_count": r["reopened_count"], "version": r["version"],
                "petitioner_name": (petitioner or {}).get("name"), "petitioner_phone": (petitioner or {}).get("phone"),
            })
        return items

    def _petitioners(self, rows: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
        """The rows' petitioners opened, one key-store query for the page; an erased one reads as erased."""
        return self.keys.open_many([(r["id"], r["petitioner_sealed"]) for r in rows], erased=dict(ERASED))

    def _working_day(self, today: date, working_days: int) -> date:
        """The day ``working_days`` working days from today (today itself for 0)."""
        if working_days < 0:
            raise errors.InvalidInputError({"due_within": ["must not be negative"]})
        return add_working_days(today, working_days, self.working_calendar()).due_date if working_days else today


# ---- the committee's agenda (staff) ---------------------------------------------------------------

AGENDA_STAGES = tuple(s for s in STAGES if s not in FINAL_STAGES)
NEXT_STEP_DATES: dict[str, Callable[[dict[str, Any]], tuple[date | None, str]]] = {
    "soliciting": lambda m: (m["solicitation_closes_on"], "solicitation closes 征求意见截止"),
    "in_notice": lambda m: (m["notice_ends"] + timedelta(days=1) if m["notice_ends"] else None,
                            "notice period over, implementation may start 公示期满，可以实施"),
}


class Agenda(_Reads, UseCase):
    PERMISSIONS = {"agenda": "matter.read", "archive": "matter.read"}
    COMMANDS: set[str] = set()

    def archive(self, *, year: int | None = None, community: str | None = None) -> dict[str, Any]:
        """Closed and ended matters of one year (this year unless named), and the years that have any."""
        community = self._listed_community(community)
        year = year or self.today().year
        if not 2000 <= year <= 2100:
            raise errors.InvalidInputError({"year": ["must be a year from 2000 to 2100"]})
        community_id = self.community_id(community)
        rows = queries.finished_matters(self.engine, community_id=community_id, stages=FINAL_STAGES, year=year)
        years = queries.finished_matter_years(self.engine, community_id=community_id, stages=FINAL_STAGES)
        items = [{
            "matter_id": m["id"], "title": m["title"], "stage": m["stage"], "finished_on": m["stage_since"],
            "petitions": m["petitions"], "opened_on": local(m["opened_at"]).date(), "result": m["result_text"],
            "end_reason": m["end_reason"],
        } for m in rows]
        return {"year": year, "years": sorted(set(years) | {year}, reverse=True), "matters": items}

    def agenda(
        self, *, community: str | None = None, stage: str | None = None, page: int = 1, per_page: int = 50,
        after: int | None = None,
    ) -> dict[str, Any]:
        """Matters by stage, each with its allowed next steps and the date the next one comes due."""
        self.check_page(page, per_page)
        if stage is not None and stage not in STAGES:
            raise errors.InvalidInputError({"stage": [f"must be one of: {', '.join(STAGES)}"]})
        community = self._listed_community(community)
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
    ("visits", "走访 Visits"), ("visits_required", "应走访 Visits the rule asks"),
    ("contact_households", "联系户 Contact households"), ("paired_households", "结对户 Paired households"),
    ("help_actions", "帮扶 Help actions"),
]
RATES = {"on_the_spot_rate", "on_time_rate", "satisfaction_rate"}


class Ledger(_Reads, UseCase):
    PERMISSIONS = {"ledger": "ledger.read", "csv": "ledger.read", "xlsx": "ledger.read", "monthly": "ledger.read"}
    COMMANDS: set[str] = set()

    def monthly(
        self, *, by: str = "member", year: int | None = None, community: str | None = None,
        contact_point_id: str | None = None, member_id: str | None = None, after: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        """The twelve months of one year, summed over the ledger's rows for the same filters (the chart
        beside the ledger): counts and rates per month."""
        ledger = self.ledger(by=by, period="month", year=year, community=community, contact_point_id=contact_point_id,
                             member_id=member_id, after=after)
        year = ledger["year"]
        rows: dict[str, list[dict[str, Any]]] = {f"{year:04d}-{m:02d}": [] for m in range(1, 13)}
        for item in ledger["items"]:
            rows.setdefault(item["period"], []).append(item)
        return {"year": year, "months": [{"month": m, **with_rates(_sum(rows[m]))} for m in sorted(rows)]}

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
        community = self._listed_community(community)
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
        items = self._with_contact_point_work(items, by=by, period=period, community=community,
                                              community_id=community_id, months=months, names=names,
                                              contact_point_id=contact_point_id, member_id=member_id)
        items.sort(key=lambda item: (item["period"], item["id"]))
        total = with_rates(_sum(items))
        total.update({key: sum(item[key] for item in items) for key in LEDGER_VISIT_COLUMNS})
        return {"by": by, "period": period, "year": year, "month": month, "items": items,
                "total": total, "position": position}

    def _with_contact_point_work(
        self, items: list[dict[str, Any]], *, by: str, period: str, community: str | None, community_id: str | None,
        months: tuple[str, str], names: dict[str, str], contact_point_id: str | None, member_id: str | None,
    ) -> list[dict[str, Any]]:
        """The members' contact-point work beside the petitions: visits against the rule, contact and paired
        households, help actions (a member or contact point with visits but no petitions gets a row too)."""
        work = ledger_columns(self.engine, by=by, period=period, community_code=community, community_id=community_id,
                              month_from=months[0], month_to=months[1], today=self.today(),
                              rule_of=lambda code: rule_in_read_model(self.engine, code))
        wanted = member_id if by == "member" else contact_point_id
        other = contact_point_id if by == "member" else member_id
        if other is not None:
            work = {}  # filtered by the other dimension: the work columns are not split that way
        listed = {(item["period"], item["id"]) for item in items}
        for key in sorted(work):
            if key not in listed and (wanted is None or key[1] == wanted):
                items.append({"period": key[0], "id": key[1], "name": names.get(key[1], ""),
                              **with_rates(_counts(None))})
        for item in items:
            item.update(work.get((item["period"], item["id"]), dict.fromkeys(LEDGER_VISIT_COLUMNS, 0)))
        return items

    def csv(self, **filters: Any) -> str:
        ledger = self.ledger(**filters)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([header for _, header in LEDGER_COLUMNS])
        for item in [*ledger["items"], {**ledger["total"], "period": "合计 Total", "id": "", "name": ""}]:
            writer.writerow([as_text_cell(_cell(item[key], key)) for key, _ in LEDGER_COLUMNS])
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
            keep_as_text(sheet[sheet.max_row])
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet program reads as text, never as a formula: one starting with
    =, +, -, @, tab or CR gets a leading apostrophe (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def keep_as_text(cells: Any) -> None:
    """XLSX: cells whose text starts like a formula (=, +, -, @, tab or CR) are stored as text, as
    typed: openpyxl would store a string starting with = as a formula."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"


def _cell(value: Any, key: str) -> Any:
    if key in RATES:
        return "" if value is None else f"{value * 100:.1f}%"
    return value
