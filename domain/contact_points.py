"""A member's post at a contact point (联系点): the compounds they contact, and their public card
(公示牌); reception days (接待日) when members receive residents at a published time and place."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError
from domain.rules import require_text

NAMESPACE = uuid.UUID("5e0b9c3d-7a21-4f8e-b6d4-0c2e9a8f1d57")
MAX_COMPOUNDS = 2
PHONE_PATTERN = re.compile(r"[0-9+\- ()]{5,30}")
TIME_PATTERN = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def member_post_id(member_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"member-post/{member_id}")


class MemberPost(Aggregate):
    """A member's responsibility for one contact point and the 1–2 residential compounds (小区) in it
    they contact; and what their public card shows."""

    class Assigned(Aggregate.Created):
        community_id: uuid.UUID
        member_id: str
        contact_point_id: str
        compounds: list[str]
        assigned_on: date
        actor: str
        at: datetime

    class Reassigned(Aggregate.Event):
        contact_point_id: str
        compounds: list[str]
        assigned_on: date
        actor: str
        at: datetime

    class CardSet(Aggregate.Event):
        post: str
        duties: str
        work_phone: str
        phone_shown: bool
        actor: str
        at: datetime

    @staticmethod
    def create_id(member_id: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return member_post_id(member_id)

    @classmethod
    def assign(
        cls, *, community_id: uuid.UUID, member_id: str, contact_point_id: str, compounds: list[str], actor: str,
        at: datetime,
    ) -> MemberPost:
        return cls(community_id=community_id, member_id=member_id, contact_point_id=contact_point_id,
                   compounds=_compounds(compounds), assigned_on=at.date(), actor=actor, at=at)

    @event(Assigned)
    def __init__(
        self, community_id: uuid.UUID, member_id: str, contact_point_id: str, compounds: list[str], assigned_on: date,
        actor: str, at: datetime,
    ) -> None:
        self.community_id = community_id
        self.member_id = member_id
        self.contact_point_id = contact_point_id
        self.compounds = compounds
        self.assigned_on = assigned_on
        self.post = ""
        self.duties = ""
        self.work_phone = ""
        self.phone_shown = False

    def reassign(self, *, contact_point_id: str, compounds: list[str], actor: str, at: datetime) -> None:
        self._reassigned(contact_point_id=contact_point_id, compounds=_compounds(compounds), assigned_on=at.date(),
                         actor=actor, at=at)

    @event(Reassigned)
    def _reassigned(self, contact_point_id: str, compounds: list[str], assigned_on: date, actor: str, at: datetime) -> None:
        if contact_point_id != self.contact_point_id:
            self.assigned_on = assigned_on
        self.contact_point_id = contact_point_id
        self.compounds = compounds

    def set_card(self, *, post: str, duties: str, work_phone: str, phone_shown: bool, actor: str, at: datetime) -> None:
        phone = (work_phone or "").strip()
        if phone and not PHONE_PATTERN.fullmatch(phone):
            raise InvalidValueError("work_phone", "must be a phone number")
        if phone_shown and not phone:
            raise InvalidValueError("work_phone", "give the work phone to show it on the card")
        self._card_set(post=require_text("post", post, 60), duties=require_text("duties", duties, 500),
                       work_phone=phone, phone_shown=bool(phone_shown), actor=actor, at=at)

    @event(CardSet)
    def _card_set(self, post: str, duties: str, work_phone: str, phone_shown: bool, actor: str, at: datetime) -> None:
        self.post = post
        self.duties = duties
        self.work_phone = work_phone
        self.phone_shown = phone_shown


def _compounds(compounds: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(require_text("compounds", c, 60) for c in compounds or []))
    if not 1 <= len(cleaned) <= MAX_COMPOUNDS:
        raise InvalidValueError("compounds", f"name 1 to {MAX_COMPOUNDS} residential compounds")
    return cleaned


class ReceptionDay(Aggregate):
    """Members receive residents at a published time and place (接待日); petitions received there are linked."""

    class Scheduled(Aggregate.Created):
        community_id: uuid.UUID
        held_on: date
        starts_at: str
        ends_at: str
        place: str
        members: list[str]
        topic: str
        actor: str
        at: datetime

    class Cancelled(Aggregate.Event):
        reason: str
        actor: str
        at: datetime

    class PetitionLinked(Aggregate.Event):
        reference: str
        actor: str
        at: datetime

    @classmethod
    def schedule(
        cls, *, community_id: uuid.UUID, held_on: date, starts_at: str, ends_at: str, place: str, members: list[str],
        topic: str, actor: str, at: datetime,
    ) -> ReceptionDay:
        if held_on < at.date():
            raise InvalidValueError("held_on", "must not be in the past")
        for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
            if not isinstance(value, str) or not TIME_PATTERN.fullmatch(value):
                raise InvalidValueError(field, "must be a time written HH:MM")
        if ends_at <= starts_at:
            raise InvalidValueError("ends_at", "must be after the start")
        if not members:
            raise InvalidValueError("members", "name at least one member who receives residents")
        return cls(community_id=community_id, held_on=held_on, starts_at=starts_at, ends_at=ends_at,
                   place=require_text("place", place, 100), members=list(dict.fromkeys(members)),
                   topic=(topic or "").strip()[:200], actor=actor, at=at)

    @event(Scheduled)
    def __init__(
        self, community_id: uuid.UUID, held_on: date, starts_at: str, ends_at: str, place: str, members: list[str],
        topic: str, actor: str, at: datetime,
    ) -> None:
        self.community_id = community_id
        self.held_on = held_on
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.place = place
        self.members = members
        self.topic = topic
        self.status = "scheduled"
        self.petitions: list[str] = []

    def cancel(self, *, reason: str, actor: str, at: datetime) -> None:
        if self.status != "scheduled":
            raise IllegalStepError("the reception day is cancelled already", self.status, [])
        self._cancelled(reason=require_text("reason", reason, 300), actor=actor, at=at)

    @event(Cancelled)
    def _cancelled(self, reason: str, actor: str, at: datetime) -> None:
        self.status = "cancelled"

    def link_petition(self, *, reference: str, received_on: date, actor: str, at: datetime) -> bool:
        if self.status != "scheduled":
            raise IllegalStepError("a cancelled reception day receives no petitions", self.status, [])
        if received_on != self.held_on:
            raise InvalidValueError("reference", "the petition was not received on the reception day")
        if reference in self.petitions:
            return False
        self._petition_linked(reference=reference, actor=actor, at=at)
        return True

    @event(PetitionLinked)
    def _petition_linked(self, reference: str, actor: str, at: datetime) -> None:
        self.petitions.append(reference)
