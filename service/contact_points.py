"""Members' posts at contact points (联系点), their public cards (公示牌), the community's visit rule
(a setting) and reception days (接待日); the public board's member cards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.community import Community, community_code_of, community_id
from domain.contact_points import MemberPost, ReceptionDay, member_post_id
from domain.errors import DomainError
from domain.petition import petition_id
from domain.visits import VisitRule, VisitRuleSetting, visit_rule_id
from projections import queries, visit_queries
from projections.runner import ProjectionRunner
from service import errors
from service.clock import Clock
from service.store.eventstore import EventLog, translate_domain_error
from service.permissions import PermissionDeniedError, UseCase
from service.requests import Idempotent, idempotent


class ContactPointWork(Idempotent, UseCase):
    """What the contact-point use cases share: the log, the clock, the read models, and the checks
    of whose work a user may see and change."""

    def __init__(self, log: EventLog, clock: Clock, projections: ProjectionRunner) -> None:
        self.log = log
        self.clock = clock
        self.projections = projections
        self.engine = projections.engine

    def _community(self, code: str, field: str = "community") -> Community:
        """A community the user may see; another one is answered as unknown (a 422 naming ``field``)."""
        try:
            if not self.principal.sees(code):
                raise AggregateNotFoundError
            return self.log.repository.get(community_id(code))
        except AggregateNotFoundError:
            raise errors.InvalidInputError({field: ["no such community"]}) from None

    def _member(self, member_id: str, field: str = "member_id") -> tuple[Community, dict[str, Any]]:
        code = community_code_of(member_id or "")
        try:
            community = self._community(code, field)
        except errors.InvalidInputError:
            raise errors.InvalidInputError({field: ["no such member"]}) from None
        if member_id not in community.members:
            raise errors.InvalidInputError({field: ["no such member"]})
        return community, community.members[member_id]

    def _named_member(self, member_id: str) -> tuple[Community, dict[str, Any]]:
        """The member an address names (``/members/<member_id>/...``): one of another community, or none,
        is not found, as every other resource an address names."""
        try:
            return self._member(member_id)
        except errors.InvalidInputError:
            raise errors.NotFoundError(f"member {member_id} not found") from None

    def _own_member_id(self, wanted: str | None, action: str) -> str:
        """The member whose work this is: the user's own, or (for the desk and the secretary) one they name."""
        own = self.principal.member_id
        if wanted and wanted != own:
            if not self.principal.oversees_members_of(community_code_of(wanted)):
                if not self.principal.sees(community_code_of(wanted)):
                    raise errors.InvalidInputError({"member_id": ["no such member"]})
                raise PermissionDeniedError(action, self.principal.username,
                                            f"{self.principal.username} may not act for another member")
            return wanted
        if not own:
            raise errors.InvalidInputError({"member_id": ["your account names no member: ask an administrator"]})
        return own

    def _check_reads_work_of(self, member_id: str, action: str) -> None:
        """A member reads their own work; the desk and the secretary every member's of their community."""
        code = community_code_of(member_id)
        if not self.principal.sees(code):
            raise errors.NotFoundError(f"member {member_id} not found")
        if member_id != self.principal.member_id and not self.principal.oversees_members_of(code):
            raise PermissionDeniedError(action, self.principal.username,
                                        f"{self.principal.username} may read only their own visits and households")

    def _load(self, aggregate_id: UUID, cls: type, what: str) -> Any:
        try:
            found = self.log.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise errors.NotFoundError(f"{what} not found") from None
        if not isinstance(found, cls):
            raise errors.NotFoundError(f"{what} not found")
        self._check_sees_id(found.community_id, f"{what} not found")
        return found

    def _command(self, aggregate: Any, command: Callable[[Any], Any], state: str = "") -> tuple[Any, int]:
        try:
            result = command(self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, aggregate) from None
        return result, self.log.save_or_conflict(aggregate, *self.recorded_request(aggregate, self.clock.now()))

    def rule_of(self, code: str) -> VisitRule:
        try:
            return self.log.repository.get(visit_rule_id(code)).rule
        except AggregateNotFoundError:
            return VisitRule()

    def post_of(self, member_id: str) -> MemberPost | None:
        try:
            return self.log.repository.get(member_post_id(member_id))
        except AggregateNotFoundError:
            return None


class ContactPoints(ContactPointWork):
    PERMISSIONS = {
        "assign": "contact_point.assign", "set_card": "member_card.manage", "posts": "community.read",
        "post": "community.read", "visit_rule": "community.read", "set_visit_rule": "visit_rule.set",
    }
    COMMANDS = {"assign", "set_card", "set_visit_rule"}

    def assign(self, member_id: str, *, contact_point_id: str, compounds: list[str], actor: str) -> dict[str, Any]:
        """Makes a member responsible for a contact point and the 1–2 compounds in it they contact."""
        community, _ = self._named_member(member_id)
        if contact_point_id not in community.contact_points:
            raise errors.InvalidInputError({"contact_point_id": ["no such contact point"]})
        now = self.clock.now()
        post = self.post_of(member_id)
        try:
            if post is None:
                post = MemberPost.assign(community_id=community.id, member_id=member_id,
                                         contact_point_id=contact_point_id, compounds=compounds, actor=actor, at=now)
            else:
                post.reassign(contact_point_id=contact_point_id, compounds=compounds, actor=actor, at=now)
        except DomainError as error:
            raise translate_domain_error(error, post) from None
        position = self.log.save_or_conflict(post)
        return {**post_view(post, community), "position": position}

    def set_card(
        self, member_id: str, *, post: str, duties: str, work_phone: str, phone_shown: bool, actor: str,
    ) -> dict[str, Any]:
        """What the member's public card shows; the member chooses whether the work phone is shown."""
        if member_id:
            self._named_member(member_id)
        member_id = self._own_member_id(member_id, "member_card.manage")
        community, _ = self._member(member_id)
        found = self.post_of(member_id)
        if found is None:
            raise errors.InvalidInputError({"member_id": ["the member has no contact point yet"]})
        _, position = self._command(found, lambda now: found.set_card(
            post=post, duties=duties, work_phone=work_phone, phone_shown=phone_shown, actor=actor, at=now))
        return {**post_view(found, community), "position": position}

    def post(self, member_id: str) -> dict[str, Any]:
        community, _ = self._named_member(member_id)
        found = self.post_of(member_id)
        if found is None:
            raise errors.NotFoundError(f"member {member_id} has no contact point")
        return post_view(found, community)

    def posts(self, community: str | None = None) -> list[dict[str, Any]]:
        code = self._listed_community(community)
        community_uuid = str(community_id(code)) if code else None
        names = queries.member_names(self.engine, community_uuid)
        points = queries.contact_point_names(self.engine, community_uuid)
        return [{**p, "name": names.get(p["member_id"], ""), "contact_point": points.get(p["contact_point_id"], "")}
                for p in visit_queries.posts(self.engine, community_uuid)]

    def visit_rule(self, community: str) -> dict[str, Any]:
        self._check_sees(community, f"community {community} not found")
        return {"community": community, **self.rule_of(community).as_dict()}

    def set_visit_rule(self, community: str, *, per_month: int, phone_counts: bool, actor: str) -> dict[str, Any]:
        self._check_sees(community, f"community {community} not found")
        self._community(community)
        now = self.clock.now()
        try:
            setting = self.log.repository.get(visit_rule_id(community))
        except AggregateNotFoundError:
            setting = None
        try:
            if setting is None:
                setting = VisitRuleSetting.set(community_code=community, per_month=per_month, phone_counts=phone_counts,
                                               actor=actor, at=now)
            else:
                setting.change(per_month=per_month, phone_counts=phone_counts, actor=actor, at=now)
        except DomainError as error:
            raise translate_domain_error(error, setting) from None
        position = self.log.save_or_conflict(setting)
        return {"community": community, **setting.rule.as_dict(), "position": position}


def post_view(post: MemberPost, community: Community) -> dict[str, Any]:
    member = community.members.get(post.member_id, {})
    point = community.contact_points.get(post.contact_point_id, {})
    return {
        "member_id": post.member_id, "name": member.get("name", ""), "community": community.code,
        "contact_point_id": post.contact_point_id, "contact_point": point.get("name", ""),
        "compounds": list(post.compounds), "assigned_on": post.assigned_on, "post": post.post, "duties": post.duties,
        "work_phone": post.work_phone, "phone_shown": post.phone_shown, "version": post.version,
    }


class ReceptionDays(ContactPointWork):
    PERMISSIONS = {"schedule": "reception_day.manage", "cancel": "reception_day.manage",
                   "link_petition": "reception_day.manage", "list": "community.read", "get": "community.read"}
    COMMANDS = {"schedule", "cancel", "link_petition"}

    @idempotent(lambda self, day: {**reception_day_view(day, self.log.repository.get(day.community_id)),
                                   "position": self.log.last_position()})
    def schedule(
        self, *, community: str, held_on: date, starts_at: str, ends_at: str, place: str, members: list[str],
        topic: str = "", actor: str,
    ) -> dict[str, Any]:
        found = self._community(community)
        unknown = [m for m in members or [] if m not in found.members]
        if unknown:
            raise errors.InvalidInputError({"members": [f"not members of this community: {', '.join(unknown)}"]})
        try:
            day = ReceptionDay.schedule(community_id=found.id, held_on=held_on, starts_at=starts_at, ends_at=ends_at,
                                        place=place, members=members, topic=topic, actor=actor, at=self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        position = self.log.save_or_conflict(day, *self.recorded_request(day, self.clock.now()))
        return {**reception_day_view(day, found), "position": position}

    def get(self, day_id: UUID) -> dict[str, Any]:
        day = self._load(day_id, ReceptionDay, f"reception day {day_id}")
        return reception_day_view(day, self.log.repository.get(day.community_id))

    @idempotent(lambda self, day: {**reception_day_view(day, self.log.repository.get(day.community_id)),
                                   "position": self.log.last_position()})
    def cancel(self, day_id: UUID, *, reason: str, actor: str) -> dict[str, Any]:
        day = self._load(day_id, ReceptionDay, f"reception day {day_id}")
        _, position = self._command(day, lambda now: day.cancel(reason=reason, actor=actor, at=now))
        return {**reception_day_view(day, self.log.repository.get(day.community_id)), "position": position}

    def link_petition(self, day_id: UUID, *, reference: str, actor: str) -> dict[str, Any]:
        """Links a petition received at the reception day (received that day, in the same community)."""
        day = self._load(day_id, ReceptionDay, f"reception day {day_id}")
        try:
            petition = self.log.repository.get(petition_id(reference))
        except AggregateNotFoundError:
            petition = None
        if petition is None or petition.community_id != day.community_id:
            raise errors.InvalidInputError({"reference": [f"no petition has the reference number {reference}"]})
        received_on = petition.received_at.astimezone(self.clock.now().tzinfo).date()
        _, position = self._command(day, lambda now: day.link_petition(
            reference=reference, received_on=received_on, actor=actor, at=now))
        return {**reception_day_view(day, self.log.repository.get(day.community_id)), "position": position}

    def list(self, *, community: str | None = None, coming: bool = True) -> list[dict[str, Any]]:
        code = self._listed_community(community)
        community_uuid = str(community_id(code)) if code else None
        rows = visit_queries.reception_days_of(self.engine, community_id=community_uuid,
                                               held_from=self.clock.now().date() if coming else None)
        names = queries.member_names(self.engine, community_uuid)
        return [reception_day_row(r, names) for r in rows]


def reception_day_view(day: ReceptionDay, community: Community) -> dict[str, Any]:
    return {
        "id": day.id, "community": community.code, "held_on": day.held_on, "starts_at": day.starts_at,
        "ends_at": day.ends_at, "place": day.place, "topic": day.topic, "status": day.status,
        "members": [{"id": m, "name": community.members.get(m, {}).get("name", "")} for m in day.members],
        "petitions": list(day.petitions), "version": day.version,
    }


def reception_day_row(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": row["id"], "held_on": row["held_on"], "starts_at": row["starts_at"], "ends_at": row["ends_at"],
        "place": row["place"], "topic": row["topic"], "status": row["status"], "petitions": row["petitions"],
        "members": [{"id": m, "name": names.get(m, "")} for m in row["members"]],
    }


class MemberBoard:
    """The public board's member cards (公示牌) and coming reception days: members' names, posts,
    contact points, duties, work phones they chose to show. Nothing about households."""

    def __init__(self, projections: ProjectionRunner, clock: Clock) -> None:
        self.engine = projections.engine
        self.clock = clock

    def cards(self, code: str) -> dict[str, Any]:
        community = queries.community_by_code(self.engine, code)
        if community is None:
            raise errors.NotFoundError(f"community {code} not found")
        names = queries.member_names(self.engine, community["id"])
        points = queries.contact_point_names(self.engine, community["id"])
        cards = [{
            "member_id": p["member_id"], "name": names.get(p["member_id"], ""), "post": p["post"],
            "contact_point": points.get(p["contact_point_id"], ""), "compounds": p["compounds"], "duties": p["duties"],
            "work_phone": p["work_phone"] if p["phone_shown"] else None,
        } for p in visit_queries.posts(self.engine, community["id"])]
        days = visit_queries.reception_days_of(self.engine, community_id=community["id"],
                                               held_from=self.clock.now().date(), scheduled_only=True, limit=20)
        coming = [{k: v for k, v in reception_day_row(r, names).items() if k != "petitions"} for r in days]
        for card in cards:
            card["reception_days"] = [
                {"held_on": d["held_on"], "starts_at": d["starts_at"], "ends_at": d["ends_at"], "place": d["place"]}
                for d in coming if any(m["id"] == card["member_id"] for m in d["members"])]
        return {"community": {"code": community["code"], "name": community["name"]}, "cards": cards,
                "reception_days": coming}
