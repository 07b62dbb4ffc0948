"""A submission saves once (issue 11, point 2): the visit, household, pairing and supervision forms carry
the key they were rendered with; the same form sent again answers the first result and writes nothing.
Residents' forms are keyed by their one-time code: the same code sent again counts once."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

import pytest

from service.clock import CHINA
from tests.api.test_visits_api import VISIT, users  # noqa: F401  (the fixture)


def page_client(app, services, username, roles, member_id=None):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    services.accounts.register(username=username, display_name=username, password=f"{username}-Tulip-Quartz-7",
                               roles=roles, community_code="jinhua", member_id=member_id, actor="admin")
    assert client.post("/login", data={"username": username, "password": f"{username}-Tulip-Quartz-7"}).status_code == 302
    return client


def key_in(page_text: str) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page_text)
    assert found, "the form carries no key"
    return found.group(1)


def twice(services, client, path, data):
    """Posts the same form twice; answers both responses and how many events the second one wrote."""
    first = client.post(path, data=data)
    services.projections.catch_up()
    before = services.log.last_position()
    second = client.post(path, data=data)
    return first, second, services.log.last_position() - before


@pytest.fixture
def member_page(app, services, community, users):  # noqa: F811
    return page_client(app, services, "lipage", ["handling_member"], community["handler"])


def test_raising_a_petition_from_a_visit_twice_saves_one_petition(services, users, member_page):  # noqa: F811
    visit = users["member"].post("/api/visits", json=VISIT).json
    page = member_page.get(f"/visits/{visit['id']}")
    form = {"category": "infrastructure", "summary": "楼道灯不亮", "details": "5栋楼道灯坏了一周",
            "idempotency_key": key_in(page.text)}
    first, second, written = twice(services, member_page, f"/visits/{visit['id']}", form)
    assert (first.status_code, second.status_code, written) == (302, 302, 0)
    assert len(services.visits.get(UUID(visit["id"]))["petitions"]) == 1
    # the same form edited and sent again with its old key is refused, not saved as another petition
    edited = member_page.post(f"/visits/{visit['id']}", data={**form, "summary": "楼道灯不亮了"})
    assert edited.status_code == 200 and "本表单已用其他内容提交过" in edited.text
    assert len(services.visits.get(UUID(visit["id"]))["petitions"]) == 1


def test_households_pairings_and_help_save_once(services, member_page):
    page = member_page.get("/visits/households")
    first, second, written = twice(services, member_page, "/visits/households", {
        "do": "register", "name": "赵桂兰", "phone": "13912345678", "contact": "on", "idempotency_key": key_in(page.text)})
    assert (first.status_code, second.status_code, written) == (302, 302, 0)
    [household] = services.households.seen_by(_member(services)).list()
    first, second, written = twice(services, member_page, "/visits/households", {
        "do": "pair", "household_id": str(household["id"]), "kind": "illness", "idempotency_key": "pair-key-1"})
    assert (first.status_code, second.status_code, written) == (302, 302, 0)
    [pairing] = services.households.seen_by(_member(services)).pairings()
    first, second, written = twice(services, member_page, "/visits/households", {
        "do": "help", "pairing_id": str(pairing["id"]), "note": "送医", "idempotency_key": "help-key-1"})
    assert (first.status_code, second.status_code, written) == (302, 302, 0)
    assert len(services.households.seen_by(_member(services)).pairing(pairing["id"])["help"]) == 1
    assert 'name="idempotency_key"' in member_page.get("/visits/households").text


def test_excusing_a_supervision_item_twice_answers_the_first(app, services, clock, community, users):  # noqa: F811
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CHINA))
    item = users["secretary"].post("/api/visit-supervision/check").json[0]["id"]
    services.projections.catch_up()
    secretary = page_client(app, services, "chenpage", ["committee_secretary"])
    page = secretary.get("/visits/supervision")
    first, second, written = twice(services, secretary, "/visits/supervision", {
        "do": "excuse", "item_id": item, "reason": "住院", "idempotency_key": key_in(page.text)})
    assert (first.status_code, second.status_code, written) == (302, 302, 0)
    second_page = secretary.get("/visits/supervision")
    assert "不能" not in second_page.text.split("</header>")[-1].split("<h1")[0]  # no refusal was flashed


def _member(services):
    from service.permissions import Principal

    return Principal(username="lipage", display_name="lipage", roles=("handling_member",), community_code="jinhua",
                     member_id="jinhua.m2")


def test_a_residents_questionnaire_page_sent_twice_with_its_code_counts_once(app, services, community, clock):
    from datetime import timedelta

    today = clock.now().date()
    drafted = services.questionnaires.draft(
        community="jinhua", title="楼道照明满意度", anonymous=True, opens_on=today, closes_on=today + timedelta(7),
        actor="chen", questions=[{"kind": "single_choice", "text": "楼道灯好用吗", "options": ["好用", "不好用"]}])
    services.questionnaires.open(drafted["id"], actor="chen")
    [code] = services.questionnaires.issue_answer_codes(drafted["id"], count=1, actor="chen")
    app.config["WTF_CSRF_ENABLED"] = False
    resident = app.test_client()
    first, second, written = twice(services, resident, f"/board/questionnaires/{drafted['id']}",
                                   {"code": code, "q0": "0"})
    assert (first.status_code, second.status_code, written) == (200, 200, 0)
    assert "已收到您的答卷（第 1 份）" in first.text
    assert first.text.split("<main")[-1] == second.text.split("<main")[-1]  # the same sheet, answered again
