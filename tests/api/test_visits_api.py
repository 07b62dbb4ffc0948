"""The contact-point work over HTTP: status codes and exact error bodies."""

from __future__ import annotations

import re

import pytest

from tests.conftest import token_for

NAME, PHONE, ADDRESS = "赵桂兰", "13912345678", "金华苑5栋302"


def client_for(app, services, username, roles, **account):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, username, roles, **account)
    return client


@pytest.fixture
def users(app, services, community):
    secretary = client_for(app, services, "chen", ["committee_secretary"])
    for member, point, compounds in ((community["desk"], community["contact_point"], ["金华苑"]),
                                     (community["handler"], community["other_contact_point"], ["和风小区"])):
        response = secretary.put(f"/api/members/{member}/post", json={"contact_point_id": point, "compounds": compounds})
        assert response.status_code == 200, response.json
    services.communities.register(code="hepingli", name="和平里社区", kind="community", actor="admin")
    return {
        "secretary": secretary,
        "member": client_for(app, services, "li", ["handling_member"], member_id=community["handler"]),
        "desk": client_for(app, services, "wang", ["desk_staff"], member_id=community["desk"]),
        "committee": client_for(app, services, "liu", ["committee_member"]),
        "stranger": client_for(app, services, "zhou", ["committee_secretary"], community_code="hepingli"),
    }


VISIT = {"visited_on": "2026-09-20", "form": "home_visit", "people_met": 2, "learned": "老人反映楼道灯不亮"}


class TestVisitsApi:
    def test_record_then_read_in_the_diary(self, users):
        created = users["member"].post("/api/visits", json=VISIT)
        assert created.status_code == 201
        assert created.headers["Location"] == f"/api/visits/{created.json['id']}"
        diary = users["member"].get(f"/api/diary?after={created.json['position']}")
        assert diary.status_code == 200
        assert diary.json["months"][0]["visits"][0]["learned"] == "老人反映楼道灯不亮"

    def test_an_idempotency_key_records_the_visit_once(self, users):
        headers = {"Idempotency-Key": "offline-7f3a"}
        first = users["member"].post("/api/visits", json=VISIT, headers=headers)
        again = users["member"].post("/api/visits", json=VISIT, headers=headers)
        assert (first.status_code, again.status_code) == (201, 201)
        assert first.json["id"] == again.json["id"]
        listed = users["member"].get(f"/api/visits?after={again.json['position']}")
        assert listed.json["total"] == 1
        other = users["member"].post("/api/visits", json={**VISIT, "learned": "别的事"}, headers=headers)
        assert other.status_code == 422
        assert other.json["fields"] == {"Idempotency-Key": ["was already used for a different request"]}

    def test_bad_input_is_422_naming_the_field(self, users):
        response = users["member"].post("/api/visits", json={**VISIT, "form": "chat", "makes_up": "2026-13"})
        assert response.status_code == 422
        assert set(response.json["fields"]) == {"form", "makes_up"}
        future = users["member"].post("/api/visits", json={**VISIT, "visited_on": "2026-10-01"})
        assert future.status_code == 422
        assert future.json == {"error": "invalid_input", "message": "visited_on: must not be in the future",
                               "fields": {"visited_on": ["must not be in the future"]}}

    def test_a_member_without_an_account_member_cannot_record(self, users):
        response = users["committee"].post("/api/visits", json=VISIT)
        assert response.status_code == 422
        assert response.json["fields"] == {"member_id": ["your account names no member: ask an administrator"]}

    def test_another_communitys_visit_is_404_and_a_list_naming_it_403(self, users):
        visit = users["member"].post("/api/visits", json=VISIT).json
        assert users["stranger"].get(f"/api/visits/{visit['id']}").status_code == 404
        refused = users["stranger"].get("/api/visits?community=jinhua")
        assert refused.status_code == 403
        assert refused.json == {"error": "forbidden", "message": "zhou may not read community jinhua"}
        assert users["stranger"].post(f"/api/visits/{visit['id']}/petitions", json={
            "category": "other", "summary": "x", "details": "y"}).status_code == 404

    def test_a_petition_raised_at_a_visit(self, users, community):
        visit = users["member"].post("/api/visits", json=VISIT).json
        raised = users["member"].post(f"/api/visits/{visit['id']}/petitions", json={
            "category": "infrastructure", "summary": "楼道灯不亮", "details": "5栋楼道灯坏了一周"})
        assert raised.status_code == 201
        reference = raised.json["petition"]["reference"]
        assert raised.headers["Location"] == f"/api/petitions/{reference}"
        assert raised.json["petition"]["channel"] == "home_visit"
        assert raised.json["visit"]["petitions"] == [{"reference": reference, "summary": "楼道灯不亮"}]
        assert raised.json["tracking_code"]

    def test_the_desk_reads_every_visit_a_member_only_their_own(self, users):
        users["member"].post("/api/visits", json=VISIT)
        mine = users["desk"].post("/api/visits", json=VISIT).json
        assert users["desk"].get(f"/api/visits?community=jinhua&after={mine['position']}").json["total"] == 2
        assert users["member"].get("/api/visits").json["total"] == 1
        refused = users["member"].get(f"/api/visits/{mine['id']}")
        assert refused.status_code == 403


class TestHouseholdsApi:
    def test_personal_data_for_the_member_and_the_secretary_only(self, users, community):
        created = users["member"].post("/api/households", json={"person": {"name": NAME, "phone": PHONE,
                                                                           "address": ADDRESS}})
        assert created.status_code == 201 and created.json["person"]["name"] == NAME
        household = created.json["id"]
        assert users["secretary"].get(f"/api/households/{household}").json["person"]["phone"] == PHONE
        assert users["committee"].get(f"/api/households/{household}").status_code == 403
        assert users["stranger"].get(f"/api/households/{household}").status_code == 404
        missing = users["member"].post("/api/households", json={"person": {"phone": PHONE}})
        assert missing.status_code == 422
        assert missing.json["fields"] == {"person.name": ["Missing data for required field."]}

    def test_pairing_plan_help_and_the_limit(self, users):
        households = [users["member"].post("/api/households", json={"person": {"name": f"户{n}"}}).json["id"]
                      for n in range(3)]
        pairing = users["member"].post(f"/api/households/{households[0]}/pairings", json={"kind": "illness"})
        assert pairing.status_code == 201
        plan = users["member"].post(f"/api/pairings/{pairing.json['id']}/plan", json={
            "targets": ["康复"], "actions": [{"due_date": "2026-10-10", "description": "联系家庭医生"}]})
        assert plan.status_code == 200 and plan.json["actions"][0]["done_on"] is None
        helped = users["member"].post(f"/api/pairings/{pairing.json['id']}/help", json={"note": "已联系", "action": 0})
        assert helped.json["progress"] == 100
        users["member"].post(f"/api/households/{households[1]}/pairings", json={"kind": "illness"})
        third = users["member"].post(f"/api/households/{households[2]}/pairings", json={"kind": "illness"})
        assert third.status_code == 422
        assert third.json["fields"] == {"member_id": ["a member pairs with at most 2 households at a time"]}
        ended = users["member"].post(f"/api/pairings/{pairing.json['id']}/end", json={"outcome": "improved"})
        assert ended.json["status"] == "ended"
        late = users["member"].post(f"/api/pairings/{pairing.json['id']}/help", json={"note": "again"})
        assert late.status_code == 409
        assert late.json["error"] == "illegal_step" and late.json["state"] == "ended"


class TestSupervisionApi:
    def test_check_items_excuse_and_heat_map(self, users, clock, community):
        from datetime import datetime

        from service.clock import CHINA

        clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CHINA))
        raised = users["secretary"].post("/api/visit-supervision/check")
        assert raised.status_code == 200
        assert sorted(i["member_id"] for i in raised.json) == [community["desk"], community["handler"]]
        assert users["member"].post("/api/visit-supervision/check").status_code == 403
        item = raised.json[0]["id"]
        excused = users["secretary"].post(f"/api/visit-supervision/items/{item}/excuse", json={"reason": "住院"})
        assert excused.status_code == 200 and excused.json["status"] == "excused"
        again = users["secretary"].post(f"/api/visit-supervision/items/{item}/excuse", json={"reason": "住院"})
        assert again.status_code == 409
        assert users["stranger"].post(f"/api/visit-supervision/items/{item}/excuse",
                                      json={"reason": "x"}).status_code == 404
        heat = users["secretary"].get("/api/visit-supervision/heat-map?year=2026")
        assert heat.status_code == 200 and len(heat.json["members"]) == 2
        assert users["stranger"].get("/api/visit-supervision/heat-map?community=jinhua").status_code == 403
        rule = users["secretary"].put("/api/communities/jinhua/visit-rule", json={"per_month": 0, "phone_counts": True})
        assert rule.status_code == 422 and "per_month" in rule.json["fields"]


class TestCardsApi:
    def test_public_cards_show_what_the_member_chose_and_nothing_of_households(self, users, services, community):
        users["member"].post("/api/households", json={"person": {"name": NAME, "phone": PHONE, "address": ADDRESS}})
        card = users["member"].put(f"/api/members/{community['handler']}/card", json={
            "post": "网格员", "duties": "联系和风小区", "work_phone": "0571-86001234", "phone_shown": True})
        assert card.status_code == 200
        day = users["secretary"].post("/api/reception-days", json={
            "community": "jinhua", "held_on": "2026-09-25", "starts_at": "09:00", "ends_at": "11:00",
            "place": "党群服务中心", "members": [community["handler"]]})
        assert day.status_code == 201
        services.projections.catch_up()
        public = services.projections  # noqa: F841
        anonymous = users["member"].application.test_client()
        cards = anonymous.get("/api/public/communities/jinhua/members")
        assert cards.status_code == 200
        assert cards.json["cards"][0]["work_phone"] in ("0571-86001234", None)
        assert any(c["work_phone"] == "0571-86001234" and c["reception_days"] for c in cards.json["cards"])
        assert NAME not in cards.text and PHONE not in cards.text and ADDRESS not in cards.text
        assert anonymous.get("/api/public/communities/nowhere/members").status_code == 404
        refused = users["member"].put(f"/api/members/{community['desk']}/card", json={"post": "x", "duties": "y"})
        assert refused.status_code == 403


class TestPages:
    def test_the_pages_answer_and_a_mangled_form_id_is_404(self, app, services, community, users):
        services.accounts.register(username="ma", display_name="马", password="ma-password-1", roles=["handling_member"],
                                   community_code="jinhua", member_id=community["handler"], actor="test")
        pages = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        assert pages.post("/login", data={"username": "ma", "password": "ma-password-1"}).status_code in (302, 303)
        for path in ("/visits/new", "/visits/diary", "/visits/households"):
            assert pages.get(path).status_code == 200, path
        assert pages.get("/visits/sw.js").headers["Content-Type"].startswith("text/javascript")
        refused = pages.post("/visits/households", data={"do": "pair", "household_id": "nonsense", "kind": "illness"})
        assert refused.status_code == 404
        assert pages.get("/visits/supervision").status_code == 403
        services.projections.catch_up()
        assert app.test_client().get("/board/jinhua/members").status_code == 200
        assert app.test_client().get("/board/nowhere/members").status_code == 404

    def test_member_cards_show_the_approved_commitments_with_their_status(self, app, services, community, users):
        from datetime import date
        shown = services.commitments.make(year=2026, text="为第二网格加装楼道声控灯", visible_result="每层楼道都有灯",
                                          target_date=date(2026, 12, 20), member_id=community["handler"], actor="t")
        services.commitments.approve(shown["id"], actor="t")
        services.commitments.record_progress(shown["id"], note="完成一半", percent=50, actor="t")
        services.commitments.make(year=2026, text="尚未审核的承诺", visible_result="结果", target_date=date(2026, 12, 20),
                                  member_id=community["desk"], actor="t")
        services.projections.catch_up()
        page = app.test_client().get("/board/jinhua/members").get_data(as_text=True)
        assert "为第二网格加装楼道声控灯" in page and "50%" in page
        assert "Approved (shown)" in page and "尚未审核的承诺" not in page  # 亮诺: approved ones only


class TestReceptionDayPages:
    def test_the_desk_schedules_and_cancels_a_reception_day_and_others_only_read(self, app, services, community, clock):
        from tests.api.test_member_work_pages import page_client

        desk = page_client(app, services, "wangdesk", ["desk_staff"], community["desk"])
        member = page_client(app, services, "limember", ["handling_member"], community["handler"])
        page = desk.get("/visits/reception-days")
        assert page.status_code == 200 and 'id="form-schedule"' in page.text
        refused = desk.post("/visits/reception-days", data={
            "do": "schedule", "held_on": "2026-09-01", "starts_at": "09:00", "ends_at": "08:00", "place": "",
            "members": [community["desk"]]})
        assert refused.status_code == 422 and 'id="place-error"' in refused.text
        assert desk.post("/visits/reception-days", data={
            "do": "schedule", "held_on": "2026-09-25", "starts_at": "14:30", "ends_at": "17:00", "place": "党群服务中心一楼",
            "topic": "物业服务", "members": [community["desk"], community["handler"]]}).status_code == 302
        [day] = services.reception_days.list(community="jinhua")
        assert (day["place"], [m["id"] for m in day["members"]]) == ("党群服务中心一楼", [community["desk"], community["handler"]])
        shown = member.get("/visits/reception-days")
        assert shown.status_code == 200 and "党群服务中心一楼" in shown.text and 'id="form-schedule"' not in shown.text
        assert member.post("/visits/reception-days", data={"do": "cancel", "day_id": str(day["id"]),
                                                            "reason": "x"}).status_code == 403
        assert desk.post("/visits/reception-days", data={"do": "cancel", "day_id": "nonsense", "reason": "x"}
                         ).status_code == 404
        assert desk.post("/visits/reception-days", data={"do": "cancel", "day_id": str(day["id"]),
                                                          "reason": "台风预警"}).status_code == 302
        from uuid import UUID
        assert services.reception_days.get(UUID(str(day["id"])))["status"] == "cancelled"

    def test_a_reception_day_form_sent_twice_schedules_one_day_and_cancels_once(self, app, services, community):
        from tests.api.test_form_keys import key_in, twice
        from tests.api.test_member_work_pages import page_client

        desk = page_client(app, services, "wangtwice", ["desk_staff"], community["desk"])
        form = {"do": "schedule", "held_on": "2026-09-25", "starts_at": "14:30", "ends_at": "17:00",
                "place": "党群服务中心一楼", "members": [community["desk"]],
                "idempotency_key": key_in(desk.get("/visits/reception-days").text)}
        first, second, written = twice(services, desk, "/visits/reception-days", form)
        assert (first.status_code, second.status_code, written) == (302, 302, 0)
        [day] = services.reception_days.list(community="jinhua")
        page = desk.get("/visits/reception-days").text
        cancel_key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"><input type="hidden" name="do" '
                               r'value="cancel">', page).group(1)
        first, second, written = twice(services, desk, "/visits/reception-days", {
            "do": "cancel", "day_id": str(day["id"]), "reason": "台风预警", "idempotency_key": cancel_key})
        assert (first.status_code, second.status_code, written) == (302, 302, 0)

    def test_a_petition_received_at_todays_reception_day_is_linked_in_the_same_submission_once(
            self, app, services, community, clock):
        from tests.api.test_member_work_pages import page_client

        day = services.reception_days.schedule(
            community="jinhua", held_on=clock.now().date(), starts_at="09:00", ends_at="11:30", place="党群服务中心",
            members=[community["desk"]], actor="chen")
        services.projections.catch_up()
        desk = page_client(app, services, "wangdesk", ["desk_staff"], community["desk"])
        form = desk.get("/desk/new")
        assert 'name="reception_day_id"' in form.text and str(day["id"]) in form.text
        fields = {"contact_point_id": community["contact_point"], "received_by": community["desk"], "channel": "desk",
                  "category": "sanitation", "summary": "楼道卫生无人打扫", "details": "", "anonymous": "on",
                  "idempotency_key": "intake-1", "reception_day_id": str(day["id"])}
        wrong = desk.post("/desk/new", data={**fields, "reception_day_id": "0" * 8 + "-0000-0000-0000-" + "0" * 12})
        assert wrong.status_code == 200 and 'id="reception_day_id-error"' in wrong.text
        first = desk.post("/desk/new", data=fields)
        again = desk.post("/desk/new", data=fields)  # sent twice: one petition, linked once
        assert first.status_code == again.status_code == 302 and first.location == again.location
        reference = first.location.rsplit("/", 1)[-1]
        assert services.reception_days.get(day["id"])["petitions"] == [reference]
        plain = desk.post("/desk/new", data={**fields, "idempotency_key": "intake-2", "reception_day_id": ""})
        assert plain.status_code == 302 and services.reception_days.get(day["id"])["petitions"] == [reference]

    def test_the_wall_board_links_to_the_member_cards_and_reception_days(self, app, services, community):
        services.projections.catch_up()
        wall = app.test_client().get("/board/jinhua").get_data(as_text=True)
        assert 'id="members-link"' in wall and 'href="/board/jinhua/members"' in wall
