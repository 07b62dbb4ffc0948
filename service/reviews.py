"""The year-end review (述职评议) of each member: the facts of the year gathered from the visits,
households, petitions, commitments and questionnaires; the member's report; residents' evaluation;
the committee's rating. The score is shown beside the facts it is computed from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.community import Community, community_id
from domain.errors import DomainError
from domain.reviews import DEFAULT_WEIGHTS, ReviewWeights, YearEndReview, review_id, score, weights_id
from service import errors
from service.clock import Clock
from service.store.eventstore import EventLog, translate_domain_error
from service.aggregate_steps import AggregateSteps
from service.requests import idempotent
from service.permissions import PermissionDeniedError
from service.reads import GuessThrottle
from service.resident_codes import guarded_guess, hash_code, new_codes



class Reviews(AggregateSteps):
    AGGREGATE = YearEndReview
    NOUN = "review"
    PERMISSIONS = {
        "list": "review.read", "get": "review.read",
        "gather": "review.manage", "issue_evaluation_codes": "review.manage", "rate": "review.manage",
        "weights": "review.read", "set_weights": "review.manage",
        "report": "review.report", "record_evaluation": "review.evaluate",
    }
    COMMANDS = {name for name, action in PERMISSIONS.items() if action != "review.read"}

    def __init__(self, log: EventLog, clock: Clock, sources: dict[str, Any],
                 throttle: GuessThrottle | None = None) -> None:
        self.log = log
        self.clock = clock
        self.sources = sources  # the use cases the facts come from, as the service itself sees them
        self.throttle = throttle

    # ---- reading ----

    def list(self, *, year: int | None = None, community: str | None = None) -> list[dict[str, Any]]:
        code = self._listed_community(community)
        wanted = community_id(code) if code else None
        found = [self.log.repository.get(i) for i in self.log.aggregate_ids_created_by(YearEndReview.Gathered)]
        found = [r for r in found if (wanted is None or r.community_id == wanted) and (year is None or r.year == year)]
        return [self._view(r) for r in sorted(found, key=lambda r: (r.year, r.member_id))]

    def get(self, review: UUID) -> dict[str, Any]:
        return self._view(self._load(review))

    def weights(self, *, community: str | None = None) -> dict[str, int]:
        """What the community's score weighs (adds up to 100)."""
        code = self._listed_community(community)
        if code is None:
            raise errors.InvalidInputError({"community": ["name the community"]})
        return self._weights_of(community_id(code))

    def set_weights(self, *, weights: dict[str, int], actor: str, community: str | None = None) -> dict[str, int]:
        code = self._listed_community(community)
        if code is None:
            raise errors.InvalidInputError({"community": ["name the community"]})
        try:
            found: ReviewWeights = self.log.repository.get(weights_id(code))
        except AggregateNotFoundError:
            found = ReviewWeights(community_code=code)
        try:
            found.set(weights=weights, actor=actor, at=self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        self.log.save_or_conflict(found)
        return dict(found.weights)

    def public(self, code: str, year: int) -> list[dict[str, Any]]:
        """The board's year-end results: each rated member's rating and residents' satisfaction, nothing else."""
        members = _community_or_404(self.log, code).members
        found = [self.log.repository.get(i) for i in self.log.aggregate_ids_created_by(YearEndReview.Gathered)]
        return [{"member": members.get(r.member_id, {}).get("name", ""), "year": r.year, "rating": r.rating,
                 "evaluation_summary": r.evaluation_summary()}
                for r in sorted(found, key=lambda r: r.member_id)
                if r.community_id == community_id(code) and r.year == year and r.stage == "rated"]

    def public_one(self, review: UUID) -> dict[str, Any]:
        """One reported review, for residents' evaluation page (its QR code's target): the member's
        public name, the year, their report and whether it is open for evaluation; nothing else."""
        found = self._load(review, anyone=True)
        if found.stage == "gathered":
            raise errors.NotFoundError(f"review {review} not found")
        members = self.log.repository.get(found.community_id).members
        return {"id": found.id, "member": members.get(found.member_id, {}).get("name", ""), "year": found.year,
                "report": found.report, "stage": found.stage, "open": "evaluate" in found.allowed_steps}

    # ---- the secretary's steps ----

    @idempotent(lambda self, review: self._view(review))
    def gather(self, *, member_id: str, year: int, actor: str) -> dict[str, Any]:
        """Gathers (or gathers again, until rated) the facts of one member's year."""
        community = self._community_of_member(member_id)
        now = self.clock.now()
        try:
            YearEndReview.check_gathering_day(year, now)
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        facts = self._facts(community.code, member_id, year)
        try:
            review: YearEndReview = self.log.repository.get(review_id(member_id, year))
        except AggregateNotFoundError:
            try:
                review = YearEndReview.gather(community_id=community.id, member_id=member_id, year=year, facts=facts,
                                              actor=actor, at=now)
            except DomainError as error:
                raise translate_domain_error(error, None) from None
            try:
                self.log.save(review, *self.recorded_request(review, now))
            except IntegrityError:
                raise errors.VersionConflictError("the review was gathered at the same time; reload it") from None
            return self._view(review)
        return self._change(review.id, None, lambda r, at: r.regather(facts=facts, actor=actor, at=at))

    def issue_evaluation_codes(self, review: UUID, *, count: int, actor: str) -> list[str]:
        codes = new_codes(count)
        self._change(review, None, lambda r, at: r.issue_evaluation_codes(
            code_hashes=[hash_code(c) for c in codes], actor=actor, at=at))
        return codes

    def rate(self, review: UUID, *, rating: str, reasons: str, actor: str,
             expected_version: int | None = None) -> dict[str, Any]:
        return self._change(review, expected_version, lambda r, at: r.rate(rating=rating, reasons=reasons,
                                                                             actor=actor, at=at))

    # ---- the member and residents ----

    def report(self, review: UUID, *, report: str, actor: str, expected_version: int | None = None) -> dict[str, Any]:
        """述职: the member's own report on their year."""
        found = self._load(review)
        if found.member_id != self.principal.member_id and not self.principal.is_the_service:
            raise PermissionDeniedError("review.report", self.principal.username,
                                        f"{self.principal.username} reports only on their own year")
        return self._change(review, expected_version, lambda r, at: r.report_on(report=report, actor=actor, at=at))

    @idempotent(lambda self, review: self._view(review))
    def record_evaluation(self, review: UUID, *, satisfaction: str, source: str, actor: str) -> dict[str, Any]:
        """Residents' evaluation given at a meeting or on a paper form, recorded by staff."""
        if source == "resident":
            raise errors.InvalidInputError({"source": ["residents evaluate for themselves, with their code"]})
        return self._change(review, None, lambda r, at: r.evaluate(satisfaction=satisfaction, source=source,
                                                                     code_hash=None, actor=actor, at=at))

    def evaluate_as_resident(self, review: UUID, *, code: str, satisfaction: str, client: str = "") -> dict[str, int]:
        """A resident evaluates a member's year with a one-time code (a repeat counts once)."""
        view = guarded_guess(self.throttle, client, lambda: self._change(
            review, None, lambda r, at: r.evaluate(satisfaction=satisfaction, source="resident",
                                                    code_hash=hash_code(code), actor="resident", at=at),
            anyone=True))
        return view["evaluation_summary"]

    # ---- the facts ----

    def _facts(self, code: str, member_id: str, year: int) -> dict[str, Any]:
        """The year's facts, read through the other use cases as this user sees them."""
        sources = {name: use_case.seen_by(self.principal) for name, use_case in self.sources.items()}
        heat_map = sources["visit_supervision"].heat_map(community=code, year=year)
        [row] = [r for r in heat_map["members"] if r["member_id"] == member_id] or [None]
        months = row["months"] if row else []
        checked = [m for m in months if m["state"] not in ("future", "running", "not_checked")]
        households = sources["households"].list(member_id=member_id)
        pairings = sources["households"].pairings(member_id=member_id)
        actions = [a for p in pairings for a in p["actions"]]
        ledger = sources["ledger"].ledger(by="member", period="year", year=year, community=code, member_id=member_id)
        petitions = ledger["items"][0] if ledger["items"] else ledger["total"]
        commitments = sources["commitments"].list(year=year, community=code, member_id=member_id)
        outcomes = [c["outcome"] for c in commitments if c["outcome"]]
        questionnaires = sources["questionnaires"].list(community=code)
        return {
            "visits": {"made": row["total"] if row else 0, "rule_per_month": heat_map["rule"]["per_month"],
                       "months_checked": len(checked),
                       "months_met": sum(1 for m in checked if m["state"] in ("met", "made_up")),
                       "months_made_up": sum(1 for m in checked if m["state"] == "made_up"),
                       "months_excused": sum(1 for m in checked if m["state"] == "excused"),
                       "months_short": sum(1 for m in checked if m["state"] in ("short", "unchecked_short"))},
            "households": {"contact": sum(1 for h in households if h["contact"]),
                           "paired": len(pairings)},
            "pairing": {"help_actions_planned": len(actions),
                        "help_actions_done": sum(1 for a in actions if a.get("done_on"))},
            "petitions": {key: petitions[key] for key in (
                "received", "resolved_on_spot", "resolved_on_time", "followed_up", "reopened", "on_the_spot_rate",
                "on_time_rate", "satisfaction_rate")},
            "commitments": {
                "made": len(commitments), "fulfilled": outcomes.count("fulfilled"),
                "partly_fulfilled": outcomes.count("partly_fulfilled"), "not_fulfilled": outcomes.count("not_fulfilled"),
                "fulfilled_share": (outcomes.count("fulfilled") + 0.5 * outcomes.count("partly_fulfilled"))
                / len(outcomes) if outcomes else None,
                "evaluations": sum(c["evaluation_summary"]["total"] for c in commitments)},
            "questionnaires": {"run": len(questionnaires),
                               "answers": sum(q["answers"] for q in questionnaires)},
        }

    # ---- helpers ----

    def _change(self, review: UUID, expected_version: int | None, command: Callable[[YearEndReview, Any], Any], *,
                anyone: bool = False) -> dict[str, Any]:
        return self._view(self._step(review, expected_version, command, anyone=anyone))

    def _weights_of(self, community_uuid: UUID) -> dict[str, int]:
        community: Community = self.log.repository.get(community_uuid)
        try:
            return dict(self.log.repository.get(weights_id(community.code)).weights)
        except AggregateNotFoundError:
            return dict(DEFAULT_WEIGHTS)

    def _view(self, review: YearEndReview) -> dict[str, Any]:
        return review_view(review, self._weights_of(review.community_id))


def _community_or_404(log: EventLog, code: str) -> Community:
    try:
        return log.repository.get(community_id(code))
    except AggregateNotFoundError:
        raise errors.NotFoundError(f"community {code} not found") from None


def review_view(review: YearEndReview, weights: dict[str, int]) -> dict[str, Any]:
    residents = review.evaluation_summary()
    return {
        "id": review.id, "version": review.version, "member_id": review.member_id, "year": review.year,
        "stage": review.stage, "allowed_steps": review.allowed_steps, "facts": review.facts,
        "gathered_at": review.gathered_at, "report": review.report, "evaluation_summary": residents,
        "score": score(review.facts, residents, weights), "rating": review.rating, "reasons": review.reasons,
        "rated_at": review.rated_at,
    }
