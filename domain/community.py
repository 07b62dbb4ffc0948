"""Communities (社区 / 村), their contact points (联系点 / 网格) and members."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValueError

NAMESPACE = uuid.UUID("b7d2e5b8-5a0c-4e57-8a3e-2f7e8e5f0c11")
KINDS = ("community", "village")
MEMBER_ROLES = ("secretary", "committee_member", "desk_staff", "grid_member")
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")
DEFAULT_NOTICE_DAYS = 7  # a resolution's notice period (公示期), unless the committee set its own
MAX_NOTICE_DAYS = 60


def community_code_of(local_id: str) -> str:
    """Contact point and member ids start with their community's code: ``code.cp3``."""
    return local_id.split(".", 1)[0]


@dataclass(frozen=True)
class CommitteeRules:
    """Quorum: more than ``quorum`` of eligible members present.
    Majority: more than ``majority`` of those present voting for.
    Notice period: the days a disclosed resolution stays on the board before implementation."""

    quorum: Fraction = Fraction(2, 3)
    majority: Fraction = Fraction(1, 2)
    notice_days: int = DEFAULT_NOTICE_DAYS

    def has_quorum(self, eligible: int, present: int) -> bool:
        return eligible > 0 and Fraction(present, eligible) > self.quorum

    def passes(self, present: int, votes_for: int) -> bool:
        return present > 0 and Fraction(votes_for, present) > self.majority

    def as_dict(self) -> dict[str, str]:
        return {"quorum": str(self.quorum), "majority": str(self.majority), "notice_days": self.notice_days}


def community_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"community/{code}")


class Community(Aggregate):
    """One community: its contact points, its members and its committee's rules."""

    class Registered(Aggregate.Created):
        code: str
        name: str
        kind: str
        actor: str
        at: datetime

    class ContactPointAdded(Aggregate.Event):
        contact_point_id: str
        name: str
        area: str
        actor: str
        at: datetime

    class MemberAdded(Aggregate.Event):
        member_id: str
        name: str
        role: str
        contact_point_id: str | None
        actor: str
        at: datetime

    class CommitteeRulesSet(Aggregate.Event):
        quorum: str
        majority: str
        actor: str
        at: datetime
        notice_days: int = DEFAULT_NOTICE_DAYS  # recorded since the notice period became a rule

    @staticmethod
    def create_id(code: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return community_id(code)

    @classmethod
    def register(cls, *, code: str, name: str, kind: str, actor: str, at: datetime) -> Community:
        code = (code or "").strip()
        if not CODE_PATTERN.fullmatch(code):
            raise InvalidValueError("code", "must be 1 to 40 letters, digits, '-' or '_'")
        if not (name or "").strip():
            raise InvalidValueError("name", "must not be blank")
        if kind not in KINDS:
            raise InvalidValueError("kind", f"must be one of: {', '.join(KINDS)}")
        return cls(code=code, name=name.strip(), kind=kind, actor=actor, at=at)

    @event(Registered)
    def __init__(self, code: str, name: str, kind: str, actor: str, at: datetime) -> None:
        self.code = code
        self.name = name
        self.kind = kind
        self.contact_points: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.rules = CommitteeRules()

    def add_contact_point(self, *, name: str, area: str, actor: str, at: datetime) -> str:
        name = (name or "").strip()
        if not name:
            raise InvalidValueError("name", "must not be blank")
        if any(point["name"] == name for point in self.contact_points.values()):
            raise InvalidValueError("name", "this community already has a contact point of that name")
        new_id = f"{self.code}.cp{len(self.contact_points) + 1}"
        self._contact_point_added(
            contact_point_id=new_id, name=name, area=(area or "").strip(), actor=actor, at=at
        )
        return new_id

    @event(ContactPointAdded)
    def _contact_point_added(
        self, contact_point_id: str, name: str, area: str, actor: str, at: datetime
    ) -> None:
        self.contact_points[contact_point_id] = {"id": contact_point_id, "name": name, "area": area}

    def add_member(
        self,
        *,
        name: str,
        role: str,
        contact_point_id: str | None,
        actor: str,
        at: datetime,
    ) -> str:
        name = (name or "").strip()
        if not name:
            raise InvalidValueError("name", "must not be blank")
        if role not in MEMBER_ROLES:
            raise InvalidValueError("role", f"must be one of: {', '.join(MEMBER_ROLES)}")
        if contact_point_id is not None and contact_point_id not in self.contact_points:
            raise InvalidValueError("contact_point_id", "is not a contact point of this community")
        new_id = f"{self.code}.m{len(self.members) + 1}"
        self._member_added(
            member_id=new_id, name=name, role=role, contact_point_id=contact_point_id, actor=actor, at=at
        )
        return new_id

    @event(MemberAdded)
    def _member_added(
        self,
        member_id: str,
        name: str,
        role: str,
        contact_point_id: str | None,
        actor: str,
        at: datetime,
    ) -> None:
        self.members[member_id] = {
            "id": member_id, "name": name, "role": role, "contact_point_id": contact_point_id,
        }

    def set_committee_rules(
        self, *, quorum: Fraction, majority: Fraction, actor: str, at: datetime, notice_days: int | None = None,
    ) -> None:
        for field, value in (("quorum", quorum), ("majority", majority)):
            if not 0 <= value < 1:
                raise InvalidValueError(field, "must be a fraction from 0 up to (not including) 1")
        notice_days = self.rules.notice_days if notice_days is None else notice_days
        if isinstance(notice_days, bool) or not isinstance(notice_days, int) or not 1 <= notice_days <= MAX_NOTICE_DAYS:
            raise InvalidValueError("notice_days", f"must be from 1 to {MAX_NOTICE_DAYS} days")
        self._committee_rules_set(quorum=str(quorum), majority=str(majority), notice_days=notice_days, actor=actor,
                                  at=at)

    @event(CommitteeRulesSet)
    def _committee_rules_set(
        self, quorum: str, majority: str, actor: str, at: datetime, notice_days: int = DEFAULT_NOTICE_DAYS,
    ) -> None:
        self.rules = CommitteeRules(Fraction(quorum), Fraction(majority), notice_days)

    def member(self, member_id: str) -> dict[str, Any]:
        if member_id not in self.members:
            raise InvalidValueError("member_id", "is not a member of this community")
        return self.members[member_id]
