"""The members' contact-point work, without a database: visits, the visit rule's months,
supervision items, households, pairing, posts and cards, reception days."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest

from domain.contact_points import MemberPost, ReceptionDay
from domain.errors import IllegalStepError, InvalidValueError
from domain.households import Household, Pairing
from domain.visits import (
    SupervisionItem, Visit, VisitRule, VisitRuleSetting, month_of, months_checked, months_from, next_month,
    parse_month,
)
from service.clock import CHINA

NOW = datetime(2026, 9, 21, 9, 30, tzinfo=CHINA)
COMMUNITY = uuid.uuid4()


def visit(**overrides):
    fields = dict(community_id=COMMUNITY, contact_point_id="jinhua.cp1", member_id="jinhua.m1",
                  visited_on=date(2026, 9, 20), form="home_visit", households=[], people_met=3,
                  learned="3号楼老人反映楼道灯不亮", actor="desk", at=NOW)
    fields.update(overrides)
    return Visit.record(**fields)


class TestMonths:
    def test_month_of_and_next_month_cross_the_year(self):
        assert month_of(date(2026, 12, 31)) == "2026-12"
        assert next_month("2026-12") == "2027-01"
        assert months_from("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
        assert months_from("2027-01", "2026-12") == []

    def test_a_malformed_month_is_refused_by_name(self):
        for bad in ("2026-13", "2026-1", "26-01", "abc", "2026-00"):
            with pytest.raises(InvalidValueError) as refused:
                parse_month(bad, "makes_up")
            assert refused.value.field == "makes_up"

    def test_the_month_of_taking_the_post_and_the_running_month_are_not_checked(self):
        assert months_checked(date(2026, 5, 1), date(2026, 9, 21)) == ["2026-06", "2026-07", "2026-08"]
        assert months_checked(date(2026, 9, 1), date(2026, 9, 30)) == []
        assert months_checked(date(2025, 11, 15), date(2026, 2, 1)) == ["2025-12", "2026-01"]


class TestVisitRule:
    visits = [
        {"form": "home_visit", "visited_on": date(2026, 8, 3)},
        {"form": "phone_contact", "visited_on": date(2026, 8, 20)},
        {"form": "forum", "visited_on": date(2026, 9, 2), "makes_up": "2026-08"},
        {"form": "home_visit", "visited_on": date(2026, 9, 5)},
    ]

    def test_twice_a_month_by_default_and_phone_contact_does_not_count(self):
        rule = VisitRule()
        assert rule.counted(self.visits[:2], "2026-08") == 1
        assert rule.shortfall(self.visits[:2], "2026-08") == 1

    def test_phone_contact_counts_when_the_community_says_so(self):
        assert VisitRule(2, phone_counts=True).counted(self.visits[:2], "2026-08") == 2

    def test_a_make_up_visit_counts_for_the_month_it_makes_up_not_its_own(self):
        rule = VisitRule()
        assert rule.counted(self.visits, "2026-08") == 2
        assert rule.counted(self.visits, "2026-09") == 1

    def test_the_setting_is_checked(self):
        with pytest.raises(InvalidValueError) as refused:
            VisitRuleSetting.set(community_code="jinhua", per_month=0, phone_counts=False, actor="s", at=NOW)
        assert refused.value.field == "per_month"
        setting = VisitRuleSetting.set(community_code="jinhua", per_month=3, phone_counts=True, actor="s", at=NOW)
        setting.change(per_month=2, phone_counts=False, actor="s", at=NOW)
        assert setting.rule == VisitRule(2, False)


class TestVisit:
    def test_a_visit_is_recorded_with_its_diary_text(self):
        recorded = visit(guidance="讲解了报修流程", help_given="帮忙联系物业")
        assert recorded.month == "2026-09"
        assert recorded.learned == "3号楼老人反映楼道灯不亮"
        assert [type(e).__name__ for e in recorded.collect_events()] == ["Recorded"]

    @pytest.mark.parametrize(("overrides", "field"), [
        ({"form": "chat"}, "form"),
        ({"visited_on": date(2026, 9, 22)}, "visited_on"),
        ({"people_met": 0}, "people_met"),
        ({"people_met": -1}, "people_met"),
        ({"learned": "  "}, "learned"),
        ({"makes_up": "2026-09"}, "makes_up"),
        ({"makes_up": "2026-9"}, "makes_up"),
    ])
    def test_a_visit_breaking_a_rule_names_the_field(self, overrides, field):
        with pytest.raises(InvalidValueError) as refused:
            visit(**overrides)
        assert refused.value.field == field

    def test_households_met_stand_for_the_number_of_people(self):
        assert visit(people_met=0, households=["h1", "h1", "h2"]).households == ["h1", "h2"]

    def test_a_petition_raised_at_a_visit_is_linked_once(self):
        recorded = visit()
        petition = uuid.uuid4()
        assert recorded.raise_petition(reference="2026-000001", petition_id=petition, summary="路灯", actor="d", at=NOW)
        assert not recorded.raise_petition(reference="2026-000001", petition_id=petition, summary="路灯", actor="d", at=NOW)
        assert [p["reference"] for p in recorded.petitions] == ["2026-000001"]


class TestSupervisionItem:
    def raised(self, counted=1):
        return SupervisionItem.raise_for(community_id=COMMUNITY, member_id="jinhua.m1", month="2026-08",
                                         rule=VisitRule(), counted=counted, today=NOW.date(), actor="s", at=NOW)

    def test_only_an_ended_month_short_of_the_rule_raises_an_item(self):
        with pytest.raises(InvalidValueError):
            self.raised(counted=2)
        with pytest.raises(InvalidValueError):
            SupervisionItem.raise_for(community_id=COMMUNITY, member_id="jinhua.m1", month="2026-09",
                                      rule=VisitRule(), counted=0, today=NOW.date(), actor="s", at=NOW)
        item = self.raised()
        assert item.id == SupervisionItem.create_id("jinhua.m1", "2026-08")
        assert (item.status, item.required, item.counted) == ("open", 2, 1)

    def test_a_make_up_visit_closes_it_once_the_month_meets_the_rule(self):
        item = self.raised(counted=0)
        assert not item.make_up(visit_id=uuid.uuid4(), counted=1, actor="m", at=NOW)
        assert item.status == "open"
        assert item.make_up(visit_id=uuid.uuid4(), counted=2, actor="m", at=NOW)
        assert item.status == "made_up"
        assert not item.make_up(visit_id=uuid.uuid4(), counted=3, actor="m", at=NOW)

    def test_a_recorded_reason_closes_it_and_only_once(self):
        item = self.raised()
        with pytest.raises(InvalidValueError):
            item.excuse(reason=" ", actor="s", at=NOW)
        item.excuse(reason="住院治疗一个月", actor="s", at=NOW)
        assert (item.status, item.reason) == ("excused", "住院治疗一个月")
        with pytest.raises(IllegalStepError):
            item.excuse(reason="again", actor="s", at=NOW)


class TestHouseholdsAndPairing:
    def household(self):
        return Household.register(community_id=COMMUNITY, contact_point_id="jinhua.cp1", member_id="jinhua.m1",
                                  contact=True, person={"name": " 张大爷 ", "phone": "13800001111"}, actor="d", at=NOW)

    def test_a_household_needs_a_name_and_can_be_erased_once(self):
        with pytest.raises(InvalidValueError) as refused:
            Household.register(community_id=COMMUNITY, contact_point_id="c", member_id="m", contact=True,
                               person={"phone": "1"}, actor="d", at=NOW)
        assert refused.value.field == "person.name"
        household = self.household()
        assert household.person["name"] == "张大爷"
        household.erase_personal_data(requested_by="本人", reason="申请删除", actor="admin", at=NOW)
        assert household.person == {"erased": True}
        with pytest.raises(IllegalStepError):
            household.erase_personal_data(requested_by="本人", reason="again", actor="admin", at=NOW)

    def pairing(self, active=0):
        return Pairing.pair(community_id=COMMUNITY, member_id="jinhua.m1", household_id=uuid.uuid4(),
                            kind="empty_nest_elderly", active_pairings=active, actor="d", at=NOW)

    def test_a_member_pairs_with_at_most_two_households(self):
        self.pairing(active=1)
        with pytest.raises(InvalidValueError) as refused:
            self.pairing(active=2)
        assert refused.value.field == "member_id"
        with pytest.raises(InvalidValueError):
            Pairing.pair(community_id=COMMUNITY, member_id="m", household_id=uuid.uuid4(), kind="rich",
                         active_pairings=0, actor="d", at=NOW)

    def test_a_help_plan_with_dated_actions_and_its_progress(self):
        pairing = self.pairing()
        with pytest.raises(InvalidValueError) as refused:
            pairing.set_plan(targets=["就医"], actions=[{"description": "陪同体检"}], actor="d", at=NOW)
        assert refused.value.field == "actions"
        pairing.set_plan(targets=["按时就医", "生活有人照应"],
                         actions=[{"due_date": date(2026, 11, 1), "description": "申请护理补贴"},
                                  {"due_date": date(2026, 10, 1), "description": "陪同体检"}], actor="d", at=NOW)
        assert [a["description"] for a in pairing.actions] == ["陪同体检", "申请护理补贴"]
        pairing.record_help(given_on=NOW.date(), note="陪同去社区医院体检", action=0, actor="d", at=NOW)
        assert pairing.progress == 50
        with pytest.raises(InvalidValueError) as refused:
            pairing.record_help(given_on=NOW.date(), note="again", action=0, actor="d", at=NOW)
        assert refused.value.field == "action"
        with pytest.raises(InvalidValueError):
            pairing.record_help(given_on=date(2026, 9, 30), note="future", action=None, actor="d", at=NOW)
        pairing.end(outcome="improved", note="", actor="d", at=NOW)
        with pytest.raises(IllegalStepError) as illegal:
            pairing.record_help(given_on=NOW.date(), note="late", action=None, actor="d", at=NOW)
        assert illegal.value.state == "ended"


class TestPostsAndReceptionDays:
    def test_a_member_contacts_one_or_two_compounds(self):
        for compounds in ([], ["A", "B", "C"]):
            with pytest.raises(InvalidValueError) as refused:
                MemberPost.assign(community_id=COMMUNITY, member_id="m", contact_point_id="c", compounds=compounds,
                                  actor="s", at=NOW)
            assert refused.value.field == "compounds"
        post = MemberPost.assign(community_id=COMMUNITY, member_id="m", contact_point_id="c",
                                 compounds=["金华苑", "金华苑"], actor="s", at=NOW)
        assert post.compounds == ["金华苑"]

    def test_the_phone_is_shown_only_when_given_and_chosen(self):
        post = MemberPost.assign(community_id=COMMUNITY, member_id="m", contact_point_id="c", compounds=["A"],
                                 actor="s", at=NOW)
        with pytest.raises(InvalidValueError) as refused:
            post.set_card(post="网格员", duties="联系1-5栋", work_phone="", phone_shown=True, actor="m", at=NOW)
        assert refused.value.field == "work_phone"
        post.set_card(post="网格员", duties="联系1-5栋", work_phone="0571-8888 1234", phone_shown=False, actor="m", at=NOW)
        assert (post.post, post.phone_shown) == ("网格员", False)

    def test_a_reception_day_is_scheduled_ahead_and_links_petitions_of_its_day(self):
        with pytest.raises(InvalidValueError) as refused:
            ReceptionDay.schedule(community_id=COMMUNITY, held_on=date(2026, 9, 25), starts_at="11:00",
                                  ends_at="09:00", place="党群服务中心", members=["m"], topic="", actor="s", at=NOW)
        assert refused.value.field == "ends_at"
        day = ReceptionDay.schedule(community_id=COMMUNITY, held_on=date(2026, 9, 25), starts_at="09:00",
                                    ends_at="11:00", place="党群服务中心", members=["m"], topic="", actor="s", at=NOW)
        with pytest.raises(InvalidValueError):
            day.link_petition(reference="2026-000001", received_on=date(2026, 9, 24), actor="d", at=NOW)
        assert day.link_petition(reference="2026-000001", received_on=date(2026, 9, 25), actor="d", at=NOW)
        assert not day.link_petition(reference="2026-000001", received_on=date(2026, 9, 25), actor="d", at=NOW)
        day.cancel(reason="暴雨", actor="s", at=NOW)
        with pytest.raises(IllegalStepError):
            day.link_petition(reference="2026-000002", received_on=date(2026, 9, 25), actor="d", at=NOW)
