"""The members' contact-point work through the scoped use cases, on the real stores."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from projections.visits import VisitsProjection
from service import errors
from service.clock import CHINA
from service.permissions import PermissionDeniedError, Principal

NAME, PHONE, ADDRESS = "赵桂兰", "13912345678", "金华苑5栋302"


def as_user(services, username, roles, member_id=None, community="jinhua"):
    return services.as_user(Principal(username, username, tuple(roles), community, member_id))


@pytest.fixture
def people(services, community):
    """The secretary assigns both members to their contact points; each gets their account."""
    secretary = as_user(services, "chen", ["committee_secretary"])
    secretary.contact_points.assign(community["desk"], contact_point_id=community["contact_point"],
                                    compounds=["金华苑"])
    secretary.contact_points.assign(community["handler"], contact_point_id=community["other_contact_point"],
                                    compounds=["和风小区", "丽景小区"])
    return {
        "secretary": secretary,
        "member": as_user(services, "wang", ["desk_staff"], community["desk"]),
        "other": as_user(services, "li", ["handling_member"], community["handler"]),
        "committee": as_user(services, "liu", ["committee_member"]),
        "stranger": as_user(services, "zhou", ["desk_staff"], "hepingli.m1", community="hepingli"),
    }


def record(user, **overrides):
    fields = dict(visited_on=date(2026, 9, 20), form="home_visit", people_met=2,
                  learned="老人反映楼道灯不亮，晚上出行不便", guidance="讲解报修渠道", help_given="帮忙联系物业")
    fields.update(overrides)
    return user.visits.record(**fields)


class TestVisits:
    def test_a_member_records_a_visit_and_it_is_in_their_diary(self, services, people, community):
        visit = record(people["other"])
        assert visit["member_id"] == community["handler"] and visit["contact_point_id"] == community["other_contact_point"]
        diary = people["other"].visits.diary(after=visit["position"])
        assert [m["month"] for m in diary["months"]] == ["2026-09"]
        assert diary["months"][0]["visits"][0]["learned"] == "老人反映楼道灯不亮，晚上出行不便"
        assert diary["months"][0]["counted"] == 1

    def test_a_retry_with_the_same_key_records_the_visit_once(self, services, people):
        first = record(people["other"], idempotency_key="phone-1")
        again = record(people["other"], idempotency_key="phone-1")
        assert again["id"] == first["id"] and first["recorded_now"] and not again["recorded_now"]
        assert people["other"].visits.list(after=again["position"])["total"] == 1
        with pytest.raises(errors.InvalidInputError) as refused:
            record(people["other"], idempotency_key="phone-1", learned="另一件事")
        assert "Idempotency-Key" in refused.value.fields

    def test_members_read_their_own_diary_and_the_desk_and_secretary_every_one(self, services, people, community):
        record(people["other"])
        services.projections.catch_up()
        with pytest.raises(PermissionDeniedError):
            people["committee"].visits.diary(community["handler"])
        with pytest.raises(PermissionDeniedError):
            as_user(services, "qian", ["handling_member"], community["desk"]).visits.diary(community["handler"])
        assert people["secretary"].visits.diary(community["handler"])["months"]
        assert people["member"].visits.list(community="jinhua")["total"] == 1  # the desk sees every visit
        assert people["other"].visits.list()["total"] == 1

    def test_another_communitys_visit_is_not_found_and_its_list_is_refused(self, services, people):
        visit = record(people["other"])
        services.projections.catch_up()
        with pytest.raises(errors.NotFoundError):
            people["stranger"].visits.get(visit["id"])
        with pytest.raises(PermissionDeniedError):
            people["stranger"].visits.list(community="jinhua")
        with pytest.raises(errors.NotFoundError):
            people["stranger"].visits.diary("jinhua.m2")

    def test_a_problem_raised_at_a_visit_becomes_a_linked_petition_once(self, services, people, community):
        visit = record(people["other"])
        raised = people["other"].visits.raise_petition(
            visit["id"], category="infrastructure", summary="楼道灯不亮", details="金华苑5栋楼道灯坏了一周")
        petition = raised["petition"]
        assert petition["channel"] == "home_visit" and petition["received_by"] == community["handler"]
        assert raised["visit"]["petitions"] == [{"reference": petition["reference"], "summary": "楼道灯不亮"}]
        again = people["other"].visits.raise_petition(
            visit["id"], category="infrastructure", summary="楼道灯不亮", details="金华苑5栋楼道灯坏了一周")
        assert again["petition"]["reference"] == petition["reference"]
        assert len(again["visit"]["petitions"]) == 1
        services.projections.catch_up()
        assert services.visits.visits_of_petitions([petition["reference"]]) == {petition["reference"]: str(visit["id"])}
        worklist = people["member"].worklist.worklist()
        assert petition["reference"] in [i["reference"] for i in worklist.items]

    def test_a_visit_breaking_a_rule_is_refused_by_field(self, people):
        with pytest.raises(errors.InvalidInputError) as refused:
            record(people["other"], form="chat")
        assert list(refused.value.fields) == ["form"]
        with pytest.raises(errors.InvalidInputError) as refused:
            record(people["committee"])
        assert list(refused.value.fields) == ["member_id"]
        with pytest.raises(errors.InvalidInputError) as refused:
            record(people["other"], households=["not-a-household"])
        assert list(refused.value.fields) == ["households"]


class TestHouseholds:
    def register(self, user):
        return user.households.register(person={"name": NAME, "phone": PHONE, "address": ADDRESS,
                                                "difficulties": "独居，腿脚不便"})

    def test_personal_data_is_sealed_and_shown_only_to_who_needs_it(self, services, people, community):
        household = self.register(people["other"])
        text = "\n".join(n.state.decode("utf-8", "replace") for n in services.log.recorder.select_notifications(1, 1000))
        assert NAME not in text and PHONE not in text and ADDRESS not in text
        assert people["other"].households.get(household["id"])["person"]["name"] == NAME
        assert people["secretary"].households.get(household["id"])["person"]["phone"] == PHONE
        services.projections.catch_up()
        assert people["member"].households.list(community="jinhua")[0]["person"]["address"] == ADDRESS
        with pytest.raises(PermissionDeniedError):
            as_user(services, "qian", ["handling_member"], community["desk"]).households.get(household["id"])
        with pytest.raises(errors.NotFoundError):
            people["stranger"].households.get(household["id"])
        services.projections.catch_up()
        with services.projections.engine.connect() as connection:
            for table in VisitsProjection.tables:
                dump = str(connection.execute(select(table)).all())
                assert NAME not in dump and PHONE not in dump and ADDRESS not in dump

    def test_erasure_makes_the_household_unreadable_and_keeps_the_log(self, services, people):
        household = self.register(people["other"])
        before = [(n.id, n.state) for n in services.log.recorder.select_notifications(1, 1000)]
        admin = services.as_user(Principal("admin", "admin", ("administrator",), "jinhua"))
        erased = admin.households.erase_personal_data(household["id"], requested_by="本人", reason="依法申请")
        assert erased["erased"] and erased["person"] is None
        after = [(n.id, n.state) for n in services.log.recorder.select_notifications(1, 1000)]
        assert after[: len(before)] == before
        assert services.households.get(household["id"])["person"] is None
        assert services.log.repository.get(household["id"]).person == {"erased": True}

    def test_a_pairing_with_a_plan_help_and_an_outcome_and_at_most_two_at_a_time(self, services, people):
        user = people["other"]
        first, second, third = (self.register(user) for _ in range(3))
        pairing = user.households.pair(first["id"], kind="empty_nest_elderly")
        pairing = user.households.set_plan(pairing["id"], targets=["按时就医"], actions=[
            {"due_date": date(2026, 10, 1), "description": "陪同体检"}])
        pairing = user.households.record_help(pairing["id"], note="陪同体检", action=0)
        assert pairing["progress"] == 100 and pairing["household"]["person"]["name"] == NAME
        user.households.pair(second["id"], kind="illness")
        with pytest.raises(errors.InvalidInputError) as refused:
            user.households.pair(third["id"], kind="illness")
        assert list(refused.value.fields) == ["member_id"]
        user.households.end_pairing(pairing["id"], outcome="improved")
        assert user.households.pair(third["id"], kind="in_difficulty")["status"] == "active"
        services.projections.catch_up()
        assert len(user.households.pairings()) == 3


class TestSupervision:
    def test_a_short_month_raises_one_item_closed_by_a_make_up_visit(self, services, clock, people, community):
        clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=CHINA))  # assigned in September: October and November checked
        user = people["other"]
        for day in (date(2026, 10, 5), date(2026, 10, 20), date(2026, 11, 9)):
            record(user, visited_on=day)
        record(user, visited_on=date(2026, 11, 12), form="phone_contact")  # phone contact does not count
        raised = people["secretary"].visit_supervision.check()
        mine = [(i["member_id"], i["month"], i["counted"]) for i in raised]
        assert (community["handler"], "2026-11", 1) in mine and (community["handler"], "2026-10", 2) not in mine
        assert people["secretary"].visit_supervision.check() == []  # once
        record(user, visited_on=date(2026, 12, 2), makes_up="2026-11")
        services.projections.catch_up()
        items = {(i["member_id"], i["month"]): i["status"]
                 for i in people["secretary"].visit_supervision.items(status=None)}
        assert items[(community["handler"], "2026-11")] == "made_up"
        heat = people["secretary"].visit_supervision.heat_map(year=2026)
        row = next(r for r in heat["members"] if r["member_id"] == community["handler"])
        states = {c["month"]: c["state"] for c in row["months"]}
        assert states["2026-09"] == "not_checked" and states["2026-10"] == "met"
        assert states["2026-11"] == "made_up" and states["2026-12"] == "running"
        desk_row = next(r for r in heat["members"] if r["member_id"] == community["desk"])
        assert {c["month"]: c["state"] for c in desk_row["months"]}["2026-10"] == "short"

    def test_a_recorded_reason_closes_an_item(self, services, clock, people, community):
        clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CHINA))
        item = next(i for i in people["secretary"].visit_supervision.check() if i["member_id"] == community["desk"])
        excused = people["secretary"].visit_supervision.excuse(item["id"], reason="十月住院治疗")
        assert excused["status"] == "excused"
        with pytest.raises(errors.IllegalStepError):
            people["secretary"].visit_supervision.excuse(item["id"], reason="again")
        with pytest.raises(errors.NotFoundError):
            as_user(services, "s2", ["committee_secretary"], community="hepingli").visit_supervision.excuse(
                item["id"], reason="x")

    def test_the_daily_tick_checks_the_visit_rule_too(self, services, clock, people, community):
        clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CHINA))  # October ended: nobody visited
        record(people["other"], visited_on=date(2026, 10, 8))
        assert services.tick() == []  # no petition past its deadline
        items = {(i["member_id"], i["month"], i["counted"])
                 for i in people["secretary"].visit_supervision.items(status="open")}
        assert items == {(community["desk"], "2026-10", 0), (community["handler"], "2026-10", 1)}
        assert services.daily() == {"overdue": [], "supervision_items": []}  # raised once
        assert people["secretary"].visit_supervision.check() == []

    def test_the_rule_is_a_community_setting(self, services, clock, people, community):
        people["secretary"].contact_points.set_visit_rule("jinhua", per_month=1, phone_counts=True)
        clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CHINA))
        record(people["other"], visited_on=date(2026, 10, 8), form="phone_contact")
        raised = people["secretary"].visit_supervision.check()
        assert [i["member_id"] for i in raised] == [community["desk"]]
        with pytest.raises(PermissionDeniedError):
            people["other"].contact_points.set_visit_rule("jinhua", per_month=3, phone_counts=False)


class TestCardsAndReceptionDays:
    def test_the_public_card_shows_the_phone_only_when_the_member_chooses(self, services, people, community):
        people["other"].contact_points.set_card(None, post="网格员", duties="联系和风、丽景小区", work_phone="0571-86001234",
                                                phone_shown=False)
        people["member"].contact_points.set_card(None, post="接待员", duties="接待来访", work_phone="0571-86005678",
                                                 phone_shown=True)
        people["secretary"].reception_days.schedule(
            community="jinhua", held_on=date(2026, 9, 25), starts_at="09:00", ends_at="11:30", place="党群服务中心",
            members=[community["desk"]], topic="物业服务")
        TestHouseholds().register(people["other"])
        services.projections.catch_up()
        board = services.member_board.cards("jinhua")
        cards = {c["member_id"]: c for c in board["cards"]}
        assert cards[community["handler"]]["work_phone"] is None
        assert cards[community["desk"]]["work_phone"] == "0571-86005678"
        assert cards[community["desk"]]["reception_days"][0]["place"] == "党群服务中心"
        assert NAME not in str(board) and PHONE not in str(board)
        with pytest.raises(PermissionDeniedError):
            people["other"].contact_points.set_card(community["desk"], post="x", duties="y", work_phone="",
                                                    phone_shown=False)

    def test_a_petition_received_on_the_day_is_linked_to_the_reception_day(self, services, clock, people, community):
        day = people["secretary"].reception_days.schedule(
            community="jinhua", held_on=date(2026, 9, 22), starts_at="09:00", ends_at="11:00", place="党群服务中心",
            members=[community["desk"]])
        clock.set(datetime(2026, 9, 22, 9, 30, tzinfo=CHINA))
        from tests.helpers import petition_fields

        outcome, _ = people["member"].petitions.receive(**petition_fields(community))
        linked = people["member"].reception_days.link_petition(day["id"], reference=outcome.petition["reference"])
        assert linked["petitions"] == [outcome.petition["reference"]]
        with pytest.raises(errors.NotFoundError):
            people["stranger"].reception_days.get(day["id"])
        clock.set(clock.now() + timedelta(days=5))
        assert people["secretary"].reception_days.list() == []


def test_the_read_model_rebuilt_equals_the_one_built_as_events_came(services, clock, people, community):
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=CHINA))
    visit = record(people["other"], visited_on=date(2026, 10, 5))
    people["other"].visits.raise_petition(visit["id"], category="other", summary="增设座椅", details="小广场缺少休息座椅")
    household = TestHouseholds().register(people["other"])
    pairing = people["other"].households.pair(household["id"], kind="illness")
    people["other"].households.set_plan(pairing["id"], targets=["康复"], actions=[
        {"due_date": date(2026, 12, 20), "description": "联系家庭医生"}])
    people["other"].households.record_help(pairing["id"], note="联系家庭医生上门", action=0)
    people["secretary"].visit_supervision.check()
    people["secretary"].contact_points.set_visit_rule("jinhua", per_month=3, phone_counts=False)
    services.projections.catch_up()

    def dump():
        with services.projections.engine.connect() as connection:
            return {t.name: sorted(map(str, connection.execute(select(t)).all())) for t in VisitsProjection.tables}

    incremental = dump()
    services.projections.rebuild("visits")
    assert dump() == incremental
    assert incremental["rm_visits"] and incremental["rm_visit_supervision"] and incremental["rm_help_given"]


def test_the_ledger_gains_the_contact_point_work(services, clock, people, community):
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=CHINA))  # assigned in September: October and November count
    for day in (date(2026, 10, 5), date(2026, 10, 20), date(2026, 11, 3)):
        record(people["other"], visited_on=day)
    record(people["other"], visited_on=date(2026, 11, 4), form="phone_contact")  # does not count
    household = TestHouseholds().register(people["other"])
    pairing = people["other"].households.pair(household["id"], kind="illness")
    people["other"].households.record_help(pairing["id"], note="送药上门")
    services.projections.catch_up()
    leader = as_user(services, "zhao", ["leadership"])
    by_member = {(i["period"], i["id"]): i for i in leader.ledger.ledger(by="member", period="year")["items"]}
    mine = by_member[("2026", community["handler"])]
    assert (mine["visits"], mine["visits_required"]) == (3, 4)
    assert (mine["contact_households"], mine["paired_households"], mine["help_actions"]) == (1, 1, 1)
    assert mine["received"] == 0  # a row for the member's work although they received no petition
    by_point = {(i["period"], i["id"]): i for i in leader.ledger.ledger(by="contact_point")["items"]}
    assert by_point[("2026-11", community["other_contact_point"])]["visits"] == 1
    assert "走访 Visits" in leader.ledger.csv(by="member", period="year").splitlines()[0]
