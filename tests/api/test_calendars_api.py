"""Next year's calendar over HTTP: the JSON API (exact bodies), the due-date answer, the worklist rows and
the administrator's page (Chinese messages naming the line, what was typed kept, the November warning)."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.clock import CHINA
from tests.conftest import token_for
from tests.helpers import ACTOR, Desk

LINES_2027 = "2027-01-01 holiday 元旦\n2027-01-04 holiday 元旦调休\n2027-01-09 workday\n"


@pytest.fixture(autouse=True)
def late_december(clock):
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=CHINA))


@pytest.fixture
def administrator(app, services):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "root", ["administrator"],
                                                                      display_name="赵管理")
    return client


def admin_page(app, services):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    services.accounts.register(username="zhaoadmin", display_name="赵管理", password="zhaoadmin-Tulip-Quartz-7",
                               roles=["administrator"], actor="test")
    assert client.post("/login", data={"username": "zhaoadmin", "password": "zhaoadmin-Tulip-Quartz-7"}).status_code == 302
    return client


class TestTheJsonApi:
    def test_the_due_date_says_it_is_provisional_until_the_year_is_entered(self, client, administrator):
        before = client.get("/api/working-days/due-date?start=2026-12-30&working_days=3")
        assert before.json == {"start": "2026-12-30", "working_days": 3, "due_date": "2027-01-05", "provisional": True}
        status = administrator.get("/api/calendars").json
        assert status["warn_missing"] == [2027] and status["next_year_missing"] is True
        entered = administrator.put("/api/calendars/2027", json={"lines": LINES_2027})
        assert entered.status_code == 200
        assert {k: entered.json[k] for k in ("year", "holidays", "workdays", "entered_by", "version")} == {
            "year": 2027, "holidays": 2, "workdays": 1, "entered_by": "root", "version": 1}
        assert entered.json["days"][2] == {"day": "2027-01-09", "kind": "workday", "name": ""}
        assert entered.json["days"][0] == {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
        after = client.get("/api/working-days/due-date?start=2026-12-30&working_days=3")
        assert after.json == {"start": "2026-12-30", "working_days": 3, "due_date": "2027-01-06", "provisional": False}
        assert administrator.get("/api/calendars").json["warn_missing"] == []

    def test_a_bad_line_is_refused_with_its_number(self, administrator):
        refused = administrator.put("/api/calendars/2027", json={"lines": "2027-01-01 holiday\n2027-1-32 holiday\n"})
        assert refused.status_code == 422
        assert refused.json == {
            "error": "invalid_input", "message": "lines: line 2: 2027-1-32 is not a date such as 2027-01-01",
            "fields": {"lines": ["line 2: 2027-1-32 is not a date such as 2027-01-01"]}}

    def test_a_year_not_entered_is_not_found_and_only_administrators_enter_one(self, client, app, services, administrator):
        missing = administrator.get("/api/calendars/2028")
        assert missing.status_code == 404 and missing.json == {"error": "not_found", "message": "no calendar was entered for 2028"}
        desk = app.test_client()
        desk.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "deskonly", ["desk_staff"])
        assert desk.put("/api/calendars/2027", json={"lines": LINES_2027}).status_code == 403

    def test_worklist_rows_and_the_deadline_reasoning_say_provisional(self, client, services, community, administrator):
        desk = Desk(client, community)
        received = desk.receive()
        reference = received["reference"]
        desk.step(reference, "deadline", {"working_days": 3, "responsible_member_id": community["handler"], "plan": "清运"})
        assert desk.get(reference)["due_date_provisional"] is True
        services.projections.catch_up()
        row = client.get("/api/desk/worklist", headers=ACTOR).json["items"][0]
        assert (row["due_date"], row["due_date_provisional"]) == ("2027-01-05", True)
        public = client.get("/api/public/communities/jinhua/in-progress").json["items"][0]
        assert (public["due_date"], public["due_date_provisional"]) == ("2027-01-05", True)
        wall = client.get("/board/jinhua")
        assert wall.status_code == 200 and "2027-01-05 <span class=\"provisional\"" in wall.text
        looked_up = client.post("/api/public/lookup", json={"reference": reference, "tracking_code": received["tracking_code"]})
        reasoning = looked_up.json["deadline"]
        assert reasoning["provisional"] is True and reasoning["missing_years"] == [2027]
        administrator.put("/api/calendars/2027", json={"lines": LINES_2027})
        assert client.get("/api/desk/worklist", headers=ACTOR).json["items"][0]["due_date_provisional"] is False
        assert desk.get(reference)["due_date_provisional"] is False
        looked_up = client.post("/api/public/lookup", json={"reference": reference, "tracking_code": received["tracking_code"]})
        assert looked_up.json["deadline"]["official_due_date"] == "2027-01-06"
        assert looked_up.json["due_date"] == "2027-01-05"  # the date set stands


class TestTheAdministratorsPage:
    def test_from_november_the_page_warns_while_next_year_is_missing(self, app, services):
        page = admin_page(app, services).get("/admin/calendar")
        assert page.status_code == 200
        assert 'id="missing-2027"' in page.text and "2027 年的法定节假日安排尚未录入" in page.text

    def test_a_bad_line_is_named_in_chinese_and_what_was_typed_is_kept(self, app, services):
        admin = admin_page(app, services)
        typed = "2027-01-01 holiday 元旦\n2027-01-05 workday"
        refused = admin.post("/admin/calendar", data={"year": "2027", "lines": typed, "idempotency_key": "k1"})
        assert refused.status_code == 422
        assert "第 2 行：2027-01-05 本来就是工作日；调休上班日应在周末。" in refused.text
        assert "2027-01-05 workday</textarea>" in refused.text and "is a weekday" not in refused.text

    def test_entered_it_is_listed_with_who_and_a_repeat_saves_once(self, app, services):
        admin = admin_page(app, services)
        form = {"year": "2027", "lines": LINES_2027, "idempotency_key": "k2"}
        assert admin.post("/admin/calendar", data=form).status_code == 302
        assert admin.post("/admin/calendar", data=form).status_code == 302
        assert services.calendars.get(2027)["version"] == 1
        page = admin.get("/admin/calendar")
        assert 'id="missing-2027"' not in page.text and "由 赵管理 于" in page.text and "元旦调休" in page.text
