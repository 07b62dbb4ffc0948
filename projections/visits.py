"""The members' contact-point work as read models: posts and cards, visits (the diary), petitions
raised at visits, households and pairings (no personal data: ids, kinds and counts only), help
given, supervision items, the visit rule and reception days."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, DateTime, Integer, String, Table, Text, update

from domain.contact_points import MemberPost, ReceptionDay
from domain.households import Household, Pairing
from domain.visits import SupervisionItem, Visit, VisitRuleSetting, month_of
from projections.runner import metadata

member_posts = Table(
    "rm_member_posts", metadata,
    Column("id", String(36), primary_key=True),
    Column("member_id", String(60), unique=True, nullable=False),
    Column("community_id", String(36), index=True, nullable=False),
    Column("contact_point_id", String(60), nullable=False),
    Column("compounds", Text, nullable=False),
    Column("assigned_on", Date, nullable=False),
    Column("post", String(60), nullable=False, default=""),
    Column("duties", Text, nullable=False, default=""),
    Column("work_phone", String(30), nullable=False, default=""),
    Column("phone_shown", Boolean, nullable=False, default=False),
)

visits = Table(
    "rm_visits", metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("contact_point_id", String(60), nullable=False),
    Column("member_id", String(60), index=True, nullable=False),
    Column("visited_on", Date, nullable=False),
    Column("month", String(7), index=True, nullable=False),
    Column("form", String(20), nullable=False),
    Column("households", Integer, nullable=False),
    Column("people_met", Integer, nullable=False),
    Column("learned", Text, nullable=False),
    Column("guidance", Text, nullable=False),
    Column("opinions", Text, nullable=False),
    Column("help_given", Text, nullable=False),
    Column("makes_up", String(7)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("petitions", Integer, nullable=False, default=0),
)

visit_petitions = Table(
    "rm_visit_petitions", metadata,
    Column("reference", String(20), primary_key=True),
    Column("visit_id", String(36), index=True, nullable=False),
    Column("community_id", String(36), nullable=False),
    Column("member_id", String(60), nullable=False),
    Column("summary", String(200), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
)

households = Table(
    "rm_households", metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("contact_point_id", String(60), nullable=False),
    Column("member_id", String(60), index=True, nullable=False),
    Column("contact", Boolean, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("erased", Boolean, nullable=False, default=False),
)

pairings = Table(
    "rm_pairings", metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("member_id", String(60), index=True, nullable=False),
    Column("household_id", String(36), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("status", String(10), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("targets", Integer, nullable=False, default=0),
    Column("actions", Integer, nullable=False, default=0),
    Column("actions_done", Integer, nullable=False, default=0),
    Column("outcome", String(30), nullable=False, default=""),
)

help_given = Table(
    "rm_help_given", metadata,
    Column("id", String(50), primary_key=True),
    Column("pairing_id", String(36), index=True, nullable=False),
    Column("community_id", String(36), index=True, nullable=False),
    Column("member_id", String(60), nullable=False),
    Column("given_on", Date, nullable=False),
    Column("month", String(7), nullable=False),
)

supervision_items = Table(
    "rm_visit_supervision", metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("member_id", String(60), nullable=False),
    Column("month", String(7), nullable=False),
    Column("required", Integer, nullable=False),
    Column("counted", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
)

visit_rules = Table(
    "rm_visit_rules", metadata,
    Column("id", String(36), primary_key=True),
    Column("community_code", String(40), unique=True, nullable=False),
    Column("per_month", Integer, nullable=False),
    Column("phone_counts", Boolean, nullable=False),
)

reception_days = Table(
    "rm_reception_days", metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("starts_at", String(5), nullable=False),
    Column("ends_at", String(5), nullable=False),
    Column("place", String(100), nullable=False),
    Column("members", Text, nullable=False),
    Column("topic", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("petitions", Integer, nullable=False, default=0),
)


class VisitsProjection:
    name = "visits"
    tables = (member_posts, visits, visit_petitions, households, pairings, help_given, supervision_items,
              visit_rules, reception_days)
    event_classes = (
        MemberPost.Assigned, MemberPost.Reassigned, MemberPost.CardSet,
        Visit.Recorded, Visit.PetitionRaised,
        Household.Registered, Household.PersonalDataErased,
        Pairing.Paired, Pairing.HelpPlanSet, Pairing.HelpRecorded, Pairing.Ended,
        SupervisionItem.Raised, SupervisionItem.MadeUp, SupervisionItem.Excused,
        VisitRuleSetting.Set, VisitRuleSetting.Changed,
        ReceptionDay.Scheduled, ReceptionDay.Cancelled, ReceptionDay.PetitionLinked,
    )

    def apply(self, connection: Connection, event: Any, position: int) -> None:
        handler = getattr(self, "_" + type(event).__qualname__.replace(".", "_"))
        handler(connection, event, str(event.originator_id))

    # ---- posts and cards ----

    def _MemberPost_Assigned(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(member_posts.insert().values(
            id=id_, member_id=e.member_id, community_id=str(e.community_id), contact_point_id=e.contact_point_id,
            compounds=json.dumps(e.compounds, ensure_ascii=False), assigned_on=e.assigned_on,
            post="", duties="", work_phone="", phone_shown=False))

    def _MemberPost_Reassigned(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(member_posts).where(member_posts.c.id == id_).values(
            contact_point_id=e.contact_point_id, compounds=json.dumps(e.compounds, ensure_ascii=False)))

    def _MemberPost_CardSet(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(member_posts).where(member_posts.c.id == id_).values(
            post=e.post, duties=e.duties, work_phone=e.work_phone, phone_shown=e.phone_shown))

    # ---- visits ----

    def _Visit_Recorded(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(visits.insert().values(
            id=id_, community_id=str(e.community_id), contact_point_id=e.contact_point_id, member_id=e.member_id,
            visited_on=e.visited_on, month=month_of(e.visited_on), form=e.form, households=len(e.households),
            people_met=e.people_met, learned=e.learned, guidance=e.guidance, opinions=e.opinions,
            help_given=e.help_given, makes_up=e.makes_up, recorded_at=e.at, petitions=0))

    def _Visit_PetitionRaised(self, c: Connection, e: Any, id_: str) -> None:
        visit = c.execute(visits.select().where(visits.c.id == id_)).mappings().one()
        c.execute(visit_petitions.insert().values(
            reference=e.reference, visit_id=id_, community_id=visit["community_id"], member_id=visit["member_id"],
            summary=e.summary, raised_at=e.at))
        c.execute(update(visits).where(visits.c.id == id_).values(petitions=visits.c.petitions + 1))

    # ---- households and pairings ----

    def _Household_Registered(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(households.insert().values(
            id=id_, community_id=str(e.community_id), contact_point_id=e.contact_point_id, member_id=e.member_id,
            contact=e.contact, registered_at=e.at, erased=False))

    def _Household_PersonalDataErased(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(households).where(households.c.id == id_).values(erased=True))

    def _Pairing_Paired(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(pairings.insert().values(
            id=id_, community_id=str(e.community_id), member_id=e.member_id, household_id=str(e.household_id),
            kind=e.kind, status="active", started_on=e.started_on, targets=0, actions=0, actions_done=0, outcome=""))

    def _Pairing_HelpPlanSet(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(pairings).where(pairings.c.id == id_).values(
            targets=len(e.targets), actions=len(e.actions), actions_done=0))

    def _Pairing_HelpRecorded(self, c: Connection, e: Any, id_: str) -> None:
        pairing = c.execute(pairings.select().where(pairings.c.id == id_)).mappings().one()
        c.execute(help_given.insert().values(
            id=f"{id_}:{e.originator_version}", pairing_id=id_, community_id=pairing["community_id"],
            member_id=pairing["member_id"], given_on=e.given_on, month=month_of(e.given_on)))
        if e.action is not None:
            c.execute(update(pairings).where(pairings.c.id == id_).values(actions_done=pairings.c.actions_done + 1))

    def _Pairing_Ended(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(pairings).where(pairings.c.id == id_).values(status="ended", outcome=e.outcome))

    # ---- supervision and the rule ----

    def _SupervisionItem_Raised(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(supervision_items.insert().values(
            id=id_, community_id=str(e.community_id), member_id=e.member_id, month=e.month, required=e.required,
            counted=e.counted, status="open", reason="", raised_at=e.at, closed_at=None))

    def _SupervisionItem_MadeUp(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(supervision_items).where(supervision_items.c.id == id_).values(
            status="made_up", counted=e.counted, closed_at=e.at))

    def _SupervisionItem_Excused(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(supervision_items).where(supervision_items.c.id == id_).values(
            status="excused", reason=e.reason, closed_at=e.at))

    def _VisitRuleSetting_Set(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(visit_rules.insert().values(id=id_, community_code=e.community_code, per_month=e.per_month,
                                              phone_counts=e.phone_counts))

    def _VisitRuleSetting_Changed(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(visit_rules).where(visit_rules.c.id == id_).values(
            per_month=e.per_month, phone_counts=e.phone_counts))

    # ---- reception days ----

    def _ReceptionDay_Scheduled(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(reception_days.insert().values(
            id=id_, community_id=str(e.community_id), held_on=e.held_on, starts_at=e.starts_at, ends_at=e.ends_at,
            place=e.place, members=json.dumps(e.members), topic=e.topic, status="scheduled", petitions=0))

    def _ReceptionDay_Cancelled(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(reception_days).where(reception_days.c.id == id_).values(status="cancelled"))

    def _ReceptionDay_PetitionLinked(self, c: Connection, e: Any, id_: str) -> None:
        c.execute(update(reception_days).where(reception_days.c.id == id_).values(
            petitions=reception_days.c.petitions + 1))

