"""Visits (走访) and the visit diary (民情日记); the visit rule's supervision (监督检查) and the
secretary's year at a glance (a heat map of every member's months)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.community import community_code_of, community_id
from domain.errors import DomainError
from domain.households import Household
from domain.request import IdempotentRequest, request_id
from domain.visits import (
    SupervisionItem, Visit, VisitRule, month_of, months_checked, months_from, next_month, previous_month,
    supervision_item_id,
)
from projections import queries, visit_queries
from projections.runner import ProjectionRunner
from service import errors
from service.clock import Clock
from service.contact_points import ContactPointWork
from service.store.eventstore import EventLog, translate_domain_error
from service.petitions import PetitionDesk
from service.requests import idempotent


class VisitDiary(ContactPointWork):
    PERMISSIONS = {"record": "visit.record", "raise_petition": "visit.record", "get": "visit.read",
                   "diary": "visit.read", "list": "visit.read", "visits_of_petitions": "worklist.read"}
    COMMANDS = {"record", "raise_petition"}

    def __init__(self, log: EventLog, clock: Clock, projections: ProjectionRunner, petitions: PetitionDesk) -> None:
        super().__init__(log, clock, projections)
        self.petitions = petitions

    # ---- recording ----

    def record(
        self, *, visited_on: date, form: str, learned: str, households: list[str] | None = None, people_met: int = 0,
        guidance: str = "", opinions: str = "", help_given: str = "", makes_up: str | None = None, actor: str,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """The signed-in member records a visit they made. With an ``idempotency_key`` (a phone sending
        a visit saved while offline), a retry records nothing and answers the visit recorded first."""
        member_id = self._own_member_id(None, "visit.record")
        fields = {"visited_on": visited_on.isoformat() if isinstance(visited_on, date) else visited_on, "form": form,
                  "learned": learned, "households": households or [], "people_met": people_met, "guidance": guidance,
                  "opinions": opinions, "help_given": help_given, "makes_up": makes_up}
        request_hash = hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        if idempotency_key:
            earlier = self._earlier(actor, idempotency_key, request_hash)
            if earlier is not None:
                return earlier
        community, member = self._member(member_id)
        post = self.post_of(member_id)
        contact_point = post.contact_point_id if post else member.get("contact_point_id")
        if not contact_point:
            raise errors.InvalidInputError({"member_id": ["you have no contact point yet: ask the secretary"]})
        met = [str(h) for h in households or []]
        self._check_households(met, member_id)
        now = self.clock.now()
        try:
            visit = Visit.record(community_id=community.id, contact_point_id=contact_point, member_id=member_id,
                                 visited_on=visited_on, form=form, households=met, people_met=people_met,
                                 learned=learned, guidance=guidance, opinions=opinions, help_given=help_given,
                                 makes_up=makes_up, actor=actor, at=now)
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        also = self._made_up_item(visit, community.code)
        request = (IdempotentRequest(principal=actor, key=idempotency_key, request_hash=request_hash,
                                     created_id=visit.id, at=now) if idempotency_key else None)
        try:
            recordings = self.log.save(visit, *also, request)
        except IntegrityError:
            if idempotency_key:
                earlier = self._earlier(actor, idempotency_key, request_hash)
                if earlier is not None:
                    return earlier
            raise errors.VersionConflictError("someone else changed this at the same time; try again") from None
        return {**self._view(visit), "position": recordings[-1].notification.id, "recorded_now": True}

    def _earlier(self, actor: str, key: str, request_hash: str) -> dict[str, Any] | None:
        try:
            earlier: IdempotentRequest = self.log.repository.get(request_id(actor, key))
        except AggregateNotFoundError:
            return None
        if not earlier.is_same_request(request_hash):
            raise errors.InvalidInputError({"Idempotency-Key": ["was already used for a different request"]})
        return {**self._view(self.log.repository.get(earlier.created_id)), "position": self.log.last_position(),
                "recorded_now": False}

    def _check_households(self, ids: list[str], member_id: str) -> None:
        for household_id in ids:
            try:
                household = self.log.repository.get(UUID(household_id))
                if not isinstance(household, Household) or household.member_id != member_id:
                    raise AggregateNotFoundError
            except (AggregateNotFoundError, ValueError):
                raise errors.InvalidInputError({"households": [f"not one of your households: {household_id}"]}) from None

    def _made_up_item(self, visit: Visit, code: str) -> list[SupervisionItem]:
        """A make-up visit closes the month's supervision item once the month meets the rule."""
        if visit.makes_up is None:
            return []
        try:
            item: SupervisionItem = self.log.repository.get(supervision_item_id(visit.member_id, visit.makes_up))
        except AggregateNotFoundError:
            return []
        rule = self.rule_of(code)
        self.projections.catch_up()
        counted = visit_queries.month_counts(
            self.engine, community_id=str(visit.community_id), member_id=visit.member_id, month_from=visit.makes_up,
            month_to=visit.makes_up, phone_counts=rule.phone_counts).get((visit.member_id, visit.makes_up), 0)
        counted += 1 if rule.counts(visit.form) else 0
        closed = item.make_up(visit_id=visit.id, counted=counted, actor=visit.recorded_by, at=visit.recorded_at)
        return [item] if closed else []

    def raise_petition(
        self, visit_id: UUID, *, category: str, summary: str, details: str, petitioner: dict[str, Any] | None = None,
        actor: str, idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """A problem raised at the visit becomes a petition in one step: received on the channel
        ``home_visit`` by the member who made the visit, numbered and tracked like any other, and
        linked to the visit. Sending the same problem again, or the same form again (``idempotency_key``),
        answers the same petition."""
        visit = self._visit(visit_id)
        if visit.member_id != self.principal.member_id and not self.principal.oversees_members_of(
                community_code_of(visit.member_id)):
            raise errors.NotFoundError(f"visit {visit_id} not found")
        key = "visit-" + hashlib.sha256(f"{visit.id}\x00{summary}\x00{details}".encode()).hexdigest()[:32]
        if idempotency_key:  # the form's key: the same form sent again answers the first petition
            key = "visit-form-" + hashlib.sha256(f"{visit.id}\x00{idempotency_key}".encode()).hexdigest()[:32]
        outcome, tracking_code = self.petitions.seen_by(self.principal).receive(
            contact_point_id=visit.contact_point_id, category=category, channel="home_visit", summary=summary,
            details=details, petitioner=petitioner, received_by=visit.member_id, actor=actor, idempotency_key=key)
        reference = outcome.petition["reference"]
        position = outcome.position
        for _ in range(5):
            try:
                if visit.raise_petition(reference=reference, petition_id=outcome.petition["id"],
                                        summary=outcome.petition["summary"], actor=actor, at=self.clock.now()):
                    position = self.log.save_or_conflict(visit)
                break
            except DomainError as error:
                raise translate_domain_error(error, visit) from None
            except errors.VersionConflictError:
                visit = self._visit(visit_id)
        return {"visit": self._view(visit), "petition": outcome.petition, "tracking_code": tracking_code,
                "position": position}

    # ---- reading ----

    def get(self, visit_id: UUID) -> dict[str, Any]:
        return self._view(self._visit(visit_id))

    def diary(self, member_id: str | None = None, *, year: int | None = None, after: int | None = None) -> dict[str, Any]:
        """A member's visit diary for a year, by month (newest first), with the rule's count per month."""
        member_id = member_id or self._own_member_id(None, "visit.read")
        self._check_reads_work_of(member_id, "visit.read")
        community, member = self._member(member_id)
        position = self._fresh(after)
        year = year or self.clock.now().year
        rows, _ = visit_queries.visit_list(self.engine, community_id=str(community.id), member_id=member_id,
                                           month_from=f"{year:04d}-01", month_to=f"{year:04d}-12", limit=1000)
        raised = visit_queries.petitions_of_visits(self.engine, [r["id"] for r in rows])
        rule = self.rule_of(community.code)
        counts = visit_queries.month_counts(self.engine, community_id=str(community.id), member_id=member_id,
                                            month_from=f"{year:04d}-01", month_to=f"{year:04d}-12",
                                            phone_counts=rule.phone_counts)
        months: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            months.setdefault(row["month"], []).append(_row(row, raised.get(row["id"], [])))
        return {
            "member_id": member_id, "name": member["name"], "year": year, "rule": rule.as_dict(),
            "months": [{"month": m, "counted": counts.get((member_id, m), 0), "visits": months[m]}
                       for m in sorted(months, reverse=True)],
            "position": position,
        }

    def list(
        self, *, community: str | None = None, member_id: str | None = None, month: str | None = None,
        page: int = 1, per_page: int = 50, after: int | None = None,
    ) -> dict[str, Any]:
        """Every visit of the community (the desk and the secretary), or the user's own."""
        code = self._listed_community(community)
        if member_id:
            self._check_reads_work_of(member_id, "visit.read")
        elif not self.principal.oversees_members_of(code):  # (None: the service's own processes only)
            member_id = self._own_member_id(None, "visit.read")
        if not 1 <= page <= 100_000 or not 1 <= per_page <= 100:
            raise errors.InvalidInputError({"per_page": ["page from 1 to 100000, per_page from 1 to 100"]})
        position = self._fresh(after)
        rows, total = visit_queries.visit_list(
            self.engine, community_id=str(community_id(code)) if code else None, member_id=member_id,
            month_from=month, month_to=month, limit=per_page, offset=(page - 1) * per_page)
        raised = visit_queries.petitions_of_visits(self.engine, [r["id"] for r in rows])
        names = queries.member_names(self.engine)
        items = [{**_row(r, raised.get(r["id"], [])), "member": names.get(r["member_id"], "")} for r in rows]
        return {"items": items, "page": page, "per_page": per_page, "total": total, "position": position}

    def visits_of_petitions(self, references: list[str]) -> dict[str, str]:
        """The visit each petition was raised at (for the worklist's link)."""
        return visit_queries.visits_of_petitions(self.engine, references)

    # ---- helpers ----

    def _visit(self, visit_id: UUID) -> Visit:
        visit = self._load(visit_id, Visit, f"visit {visit_id}")
        self._check_reads_work_of(visit.member_id, "visit.read")
        return visit

    def _fresh(self, after: int | None) -> int:
        if after and after > self.projections.last_position():
            raise errors.InvalidInputError({"after": ["is past the last change in the log"]})
        if after and not self.projections.wait_for(after):
            raise errors.NotYetReadableError(f"the read models have not reached position {after} yet; try again shortly")
        return self.projections.lowest_position()

    def _view(self, visit: Visit) -> dict[str, Any]:
        code = community_code_of(visit.member_id)
        reveal = self.principal.reads_household_data_of(code, visit.member_id)
        met = []
        for household_id in visit.households:
            household = self.log.repository.get(UUID(household_id))
            shown = reveal and not household.erased
            met.append({"id": household_id, "name": household.person.get("name") if shown else None})
        names = queries.member_names(self.engine)
        return {
            "id": visit.id, "community": code, "contact_point_id": visit.contact_point_id,
            "member_id": visit.member_id, "member": names.get(visit.member_id, ""), "visited_on": visit.visited_on,
            "month": visit.month, "form": visit.form, "households": met, "people_met": visit.people_met,
            "learned": visit.learned, "guidance": visit.guidance, "opinions": visit.opinions,
            "help_given": visit.help_given, "makes_up": visit.makes_up, "recorded_at": visit.recorded_at,
            "petitions": [{"reference": p["reference"], "summary": p["summary"]} for p in visit.petitions],
            "version": visit.version,
        }


def _row(row: dict[str, Any], raised: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"], "member_id": row["member_id"], "contact_point_id": row["contact_point_id"],
        "visited_on": row["visited_on"], "form": row["form"], "households": row["households"],
        "people_met": row["people_met"], "learned": row["learned"], "guidance": row["guidance"],
        "opinions": row["opinions"], "help_given": row["help_given"], "makes_up": row["makes_up"],
        "petitions": [{"reference": p["reference"], "summary": p["summary"]} for p in raised],
    }


class VisitSupervision(ContactPointWork):
    PERMISSIONS = {"check": "visit_rule.supervise", "excuse": "visit_rule.supervise", "items": "visit_rule.read",
                   "heat_map": "visit_rule.read"}
    COMMANDS = {"excuse"}

    def check(self) -> list[dict[str, Any]]:
        """Raises, once, a supervision item for every ended month a member made fewer visits than the
        rule (of the user's community, or of every community); answers the items raised now."""
        self.projections.catch_up()
        code = self._listed_community(None)
        codes = [code] if code else [c["code"] for c in queries.list_communities(self.engine)]
        today = self.clock.now().date()
        raised = []
        for code_ in codes:
            raised.extend(self._check_community(code_, today))
        if raised:
            self.projections.catch_up()
        return raised

    def _check_community(self, code: str, today: date) -> list[dict[str, Any]]:
        community_uuid = community_id(code)
        rule = self.rule_of(code)
        posts = visit_queries.posts(self.engine, str(community_uuid))
        if not posts:
            return []
        first = next_month(month_of(min(p["assigned_on"] for p in posts)))
        last = previous_month(month_of(today))
        counts = visit_queries.month_counts(self.engine, community_id=str(community_uuid), month_from=first,
                                            month_to=last, phone_counts=rule.phone_counts)
        existing = {(i["member_id"], i["month"]) for i in visit_queries.supervision(
            self.engine, community_id=str(community_uuid), month_from=first, month_to=last)}
        raised = []
        now = self.clock.now()
        for post in posts:
            for month in months_checked(post["assigned_on"], today):
                counted = counts.get((post["member_id"], month), 0)
                if counted >= rule.per_month or (post["member_id"], month) in existing:
                    continue
                item = SupervisionItem.raise_for(community_id=community_uuid, member_id=post["member_id"], month=month,
                                                 rule=rule, counted=counted, today=today, actor=self.principal.username,
                                                 at=now)
                try:
                    self.log.save(item)
                except IntegrityError:
                    continue  # raised meanwhile by another check
                raised.append(_item_view(item))
        return raised

    def items(self, *, community: str | None = None, status: str | None = "open") -> list[dict[str, Any]]:
        if status is not None and status not in ("open", "made_up", "excused"):
            raise errors.InvalidInputError({"status": ["must be one of: open, made_up, excused"]})
        code = self._listed_community(community)
        community_uuid = str(community_id(code)) if code else None
        names = queries.member_names(self.engine, community_uuid)
        return [{**r, "member": names.get(r["member_id"], "")}
                for r in visit_queries.supervision(self.engine, community_id=community_uuid, status=status)]

    @idempotent(lambda self, item: {**_item_view(item), "position": self.log.last_position()})
    def excuse(self, item_id: UUID, *, reason: str, actor: str) -> dict[str, Any]:
        item = self._load(item_id, SupervisionItem, f"supervision item {item_id}")
        _, position = self._command(item, lambda now: item.excuse(reason=reason, actor=actor, at=now))
        return {**_item_view(item), "position": position}

    def heat_map(self, *, community: str | None = None, year: int | None = None) -> dict[str, Any]:
        """Every member's months of a year at a glance: visits counted against the rule, and whether the
        month met it, fell short (an open item), was made up or excused, or is not checked."""
        code = self._listed_community(community)
        if code is None:
            raise errors.InvalidInputError({"community": ["name the community"]})
        community_uuid = str(community_id(code))
        today = self.clock.now().date()
        year = year or today.year
        months = months_from(f"{year:04d}-01", f"{year:04d}-12")
        rule = self.rule_of(code)
        counts = visit_queries.month_counts(self.engine, community_id=community_uuid, month_from=months[0],
                                            month_to=months[-1], phone_counts=rule.phone_counts)
        items = {(i["member_id"], i["month"]): i for i in visit_queries.supervision(
            self.engine, community_id=community_uuid, month_from=months[0], month_to=months[-1])}
        names = queries.member_names(self.engine, community_uuid)
        points = queries.contact_point_names(self.engine, community_uuid)
        rows = []
        for post in visit_queries.posts(self.engine, community_uuid):
            checked = set(months_checked(post["assigned_on"], today))
            cells = []
            for month in months:
                counted = counts.get((post["member_id"], month), 0)
                item = items.get((post["member_id"], month))
                cells.append({"month": month, "counted": counted,
                              "state": _state(month, counted, rule, checked, item, month_of(today))})
            rows.append({"member_id": post["member_id"], "name": names.get(post["member_id"], ""),
                         "contact_point": points.get(post["contact_point_id"], ""), "months": cells,
                         "total": sum(c["counted"] for c in cells)})
        return {"community": code, "year": year, "rule": rule.as_dict(), "months": months, "members": rows}


def _state(month: str, counted: int, rule: VisitRule, checked: set[str], item: dict[str, Any] | None, now: str) -> str:
    if item is not None:
        return {"open": "short", "made_up": "made_up", "excused": "excused"}[item["status"]]
    if month > now:
        return "future"
    if month == now:
        return "running"
    if month not in checked:
        return "not_checked"
    return "met" if counted >= rule.per_month else "unchecked_short"


def _item_view(item: SupervisionItem) -> dict[str, Any]:
    return {"id": item.id, "member_id": item.member_id, "month": item.month, "required": item.required,
            "counted": item.counted, "status": item.status, "reason": item.reason, "raised_at": item.raised_at,
            "closed_at": item.closed_at, "version": item.version}


# ---- the ledger's contact-point columns --------------------------------------------------------

LEDGER_VISIT_COLUMNS = ("visits", "visits_required", "contact_households", "paired_households", "help_actions")


def ledger_columns(
    engine: Any, *, by: str, period: str, community_code: str | None, community_id: str | None, month_from: str,
    month_to: str, today: date, rule_of: Any,
) -> dict[tuple[str, str], dict[str, int]]:
    """Per (period, member or contact point): visits counted against the rule and the visits the rule
    asks (per month a member holds the post, up to the running month), contact and paired households
    (as now), help actions given. ``rule_of(code)`` is a community's visit rule."""
    posts = visit_queries.posts(engine, community_id)
    rules: dict[str, VisitRule] = {}
    found: dict[tuple[str, str], dict[str, int]] = {}

    def cell(key: str, id_: str) -> dict[str, int]:
        return found.setdefault((key, id_), dict.fromkeys(LEDGER_VISIT_COLUMNS, 0))

    def period_of(month: str) -> str:
        return month[:4] if period == "year" else month

    running = month_of(today)
    for post in posts:
        code = community_code_of(post["member_id"])
        rule = rules.setdefault(code, rule_of(code))
        owner = post["member_id"] if by == "member" else post["contact_point_id"]
        first = next_month(month_of(post["assigned_on"]))
        for month in months_from(max(first, month_from), min(month_to, running)):
            cell(period_of(month), owner)["visits_required"] += rule.per_month
    phone_counts = {code: rule.phone_counts for code, rule in rules.items()}
    counted = visit_queries.ledger_columns(
        engine, by=by, community_id=community_id, month_from=month_from, month_to=month_to,
        phone_counts=all(phone_counts.values()) if phone_counts else False)
    for (id_, month), values in counted.items():
        target = cell(period_of(month), id_)
        target["visits"] += values["visits"]
        target["help_actions"] += values["help_actions"]
    households = visit_queries.household_counts(engine, by=by, community_id=community_id)
    for (_, id_), values in found.items():
        values.update(households.get(id_, {"contact_households": 0, "paired_households": 0}))
    return found


def rule_in_read_model(engine: Any, community_code: str) -> VisitRule:
    """A community's visit rule as the read models have it (the default until one is set)."""
    row = visit_queries.visit_rule(engine, community_code)
    return VisitRule(row["per_month"], bool(row["phone_counts"])) if row else VisitRule()
