"""A community is a trust boundary: a user of 金华社区 (A) against anything of 和平里 (B) gets 404,
as if it did not exist (403 for a list filter naming B), and the event log does not move; only
desk staff and handling members read petitioners' personal data, and only of their community."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from service.clock import CHINA
from service.matrix import MATRIX
from service.permissions import Principal
from tests.committee_helpers import Secretary, escalated_petitions
from tests.conftest import password_of, token_for

PHONES = {"jinhua": "13800001111", "heping": "13900002222"}


def set_up_community(services, code: str, name: str) -> dict[str, Any]:
    services.communities.register(code=code, name=name, kind="community", actor="admin")
    point = services.communities.add_contact_point(code, name="第一网格", area="1-5栋", actor="admin")
    desk = services.communities.add_member(code, name="接待员", role="desk_staff", contact_point_id=point["id"], actor="admin")
    handler = services.communities.add_member(code, name="办理人", role="grid_member", contact_point_id=point["id"],
                                              actor="admin")
    return {"code": code, "contact_point": point["id"], "desk": desk["id"], "handler": handler["id"]}


def receive(services, community: dict[str, Any], summary: str = "路灯不亮") -> str:
    outcome, _ = services.petitions.receive(
        contact_point_id=community["contact_point"], category="infrastructure", channel="desk", summary=summary,
        details="5号楼前路灯坏了一周", received_by=community["desk"], actor="desk",
        petitioner={"name": f"{community['code']}居民", "phone": PHONES[community["code"]], "address": "5号楼"},
    )
    return outcome.petition["reference"]


@pytest.fixture
def world(services, clock):
    a = set_up_community(services, "jinhua", "金华社区")
    b = set_up_community(services, "heping", "和平里")
    b_petition = receive(services, b)
    b_deadlined = receive(services, b, "楼道堆物")
    services.petitions.set_deadline(b_deadlined, working_days=5, responsible_member_id=b["handler"], plan="清理",
                                    steps=None, actor="desk")
    a_petition = receive(services, a)
    [b_escalated] = escalated_petitions(services, b, 1)
    b_matter = Secretary(services, clock, b).open([b_escalated])
    services.projections.catch_up()
    return {"a": a, "b": b, "b_petition": b_petition, "b_deadlined": b_deadlined, "a_petition": a_petition,
            "b_matter": str(b_matter)}


@pytest.fixture
def users(app, services, world):
    """A client of 金华社区 for each role, and the street office's oversight: a bearer token for the
    JSON API and a session for the pages."""
    app.config["WTF_CSRF_ENABLED"] = False
    a = world["a"]
    clients = {}
    for role in ("desk_staff", "handling_member", "committee_secretary", "committee_member", "leadership",
                 "administrator", "oversight"):
        member = {"member_id": a["desk"]} if role == "desk_staff" else {"member_id": a["handler"]} \
            if role == "handling_member" else {}
        if role == "administrator":
            member["community_code"] = "jinhua"  # the community's administrator, not the deployment's
        client = app.test_client()
        username = role.replace("_", "-")
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, username, [role], **member)
        clients[role] = client
    return clients


@pytest.fixture
def page_users(users):
    """The same users signed in on the pages too (a session cookie beside the bearer token)."""
    for role, client in users.items():
        username = role.replace("_", "-")
        signed_in = client.post("/login", data={"username": username, "password": password_of(username)})
        assert signed_in.status_code == 302, username
    return users


def petition_commands(world) -> list[tuple[str, str, dict[str, Any]]]:
    b, deadlined = world["b_petition"], world["b_deadlined"]
    return [
        ("desk_staff", f"/api/petitions/{b}/resolve-on-spot", {"action": "已处理"}),
        ("desk_staff", f"/api/petitions/{b}/deadline",
         {"working_days": 5, "responsible_member_id": world["a"]["handler"], "plan": "维修"}),
        ("handling_member", f"/api/petitions/{b}/escalate", {"reason": "需要集体决策"}),
        ("desk_staff", f"/api/petitions/{b}/explain",
         {"reason_category": "outside_jurisdiction", "explanation": "不属于社区职责", "method": "phone"}),
        ("desk_staff", f"/api/petitions/{deadlined}/progress", {"note": "已联系"}),
        ("handling_member", f"/api/petitions/{deadlined}/extend", {"working_days": 2, "reason": "材料未到"}),
        ("desk_staff", f"/api/petitions/{deadlined}/resolve", {"outcome": "已修好"}),
        ("desk_staff", f"/api/petitions/{b}/follow-up", {"satisfaction": "satisfied"}),
        ("desk_staff", f"/api/petitions/{b}/withdraw", {"reason": "自行解决"}),
        ("desk_staff", f"/api/petitions/{b}/merge", {"into": world["a_petition"]}),
        ("administrator", f"/api/petitions/{b}/erase-personal-data", {"requested_by": "本人", "reason": "申请删除"}),
    ]


def matter_commands(world) -> list[tuple[str, str, dict[str, Any]]]:
    m = f"/api/matters/{world['b_matter']}"
    secretary = "committee_secretary"
    return [
        (secretary, f"{m}/petitions", {"petitions": [world["a_petition"]]}),
        (secretary, f"{m}/solicitation", {"question": "是否同意？", "closes_on": "2026-10-30"}),
        ("committee_member", f"{m}/opinions", {"resident": "居民", "stance": "support", "text": "同意", "channel": "desk"}),
        (secretary, f"{m}/solicitation/close", {}),
        (secretary, f"{m}/proposal", {"text": "方案"}),
        (secretary, f"{m}/consultation", {"attendees": ["李书记"], "minutes": "同意", "outcome": "agreed"}),
        (secretary, f"{m}/vote", {"eligible": 10, "present": 9, "votes_for": 8, "votes_against": 1, "abstentions": 0}),
        (secretary, f"{m}/disclosure", {}),
        ("desk_staff", f"{m}/objections", {"objector": "居民", "text": "反对", "channel": "desk"}),
        (secretary, f"{m}/return-to-consultation", {"reason": "异议成立", "objections": [1]}),
        (secretary, f"{m}/implementation", {"note": "开工", "percent": 10}),
        (secretary, f"{m}/implementation/complete", {"note": "完工"}),
        (secretary, f"{m}/result", {"result": "已完成"}),
        (secretary, f"{m}/end", {"reason": "终止"}),
    ]


B_PHONE = "13700003333"  # a phone of 和平里's household


@pytest.fixture
def b_work(services, clock, world):
    """和平里's member work, made by its own staff: a commitment, an open questionnaire, a visit, a
    household and its pairing, a reception day, an account, a year-end review and a supervision item
    (October's, raised by 和平里's secretary; November is left unchecked)."""
    b = world["b"]
    secretary = services.as_user(Principal("b-secretary", "和平书记", ("committee_secretary",), "heping"))
    member = services.as_user(Principal("b-handler", "和平办理人", ("handling_member",), "heping", b["handler"]))
    secretary.contact_points.assign(b["handler"], contact_point_id=b["contact_point"], compounds=["和平苑"])
    commitment = member.commitments.make(year=2026, text="修好和平苑路灯", visible_result="路灯都亮",
                                         target_date=date(2026, 11, 30))
    today = clock.now().date()
    questionnaire = secretary.questionnaires.draft(
        community="heping", title="和平里停车意见", anonymous=True, opens_on=today, closes_on=date(2026, 12, 31),
        questions=[{"kind": "free_text", "text": "您的建议"}])
    secretary.questionnaires.open(questionnaire["id"])
    visit = member.visits.record(visited_on=today, form="home_visit", people_met=1, learned="路灯不亮")
    household = member.households.register(person={"name": "和平住户", "phone": B_PHONE, "address": "和平苑1栋"})
    pairing = member.households.pair(household["id"], kind="illness")
    day = secretary.reception_days.schedule(community="heping", held_on=date(2026, 9, 25), starts_at="09:00",
                                            ends_at="11:00", place="和平里党群服务中心", members=[b["desk"]])
    services.accounts.register(username="b-desk", display_name="和平接待", password=password_of("b-desk"),
                               roles=["desk_staff"], community_code="heping", member_id=b["desk"], actor="admin")
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CHINA))
    [item] = secretary.visit_supervision.check()
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CHINA))
    review = secretary.reviews.gather(member_id=b["handler"], year=2026)
    services.projections.catch_up()
    return {"commitment": str(commitment["id"]), "questionnaire": str(questionnaire["id"]), "visit": str(visit["id"]),
            "household": str(household["id"]), "pairing": str(pairing["id"]), "reception_day": str(day["id"]),
            "review": str(review["id"]), "item": str(item["id"]), "account": "b-desk"}


@pytest.fixture
def a_work(services, clock, world):
    """金华社区's own member work (asked for before b_work, which moves the clock on)."""
    a = world["a"]
    secretary = services.as_user(Principal("a-secretary", "金华书记", ("committee_secretary",), "jinhua"))
    member = services.as_user(Principal("a-handler", "金华办理人", ("handling_member",), "jinhua", a["handler"]))
    secretary.contact_points.assign(a["handler"], contact_point_id=a["contact_point"], compounds=["金华苑"])
    commitment = member.commitments.make(year=2026, text="金华苑加装路灯", visible_result="路灯都亮",
                                         target_date=date(2026, 11, 30))
    today = clock.now().date()
    questionnaire = secretary.questionnaires.draft(
        community="jinhua", title="金华停车意见", anonymous=True, opens_on=today, closes_on=date(2026, 12, 31),
        questions=[{"kind": "free_text", "text": "您的建议"}])
    visit = member.visits.record(visited_on=today, form="home_visit", people_met=1, learned="路灯不亮")
    household = member.households.register(person={"name": "金华住户", "phone": "13600004444", "address": "金华苑"})
    pairing = member.households.pair(household["id"], kind="illness")
    day = secretary.reception_days.schedule(community="jinhua", held_on=date(2026, 9, 25), starts_at="09:00",
                                            ends_at="11:00", place="金华党群服务中心", members=[a["desk"]])
    services.projections.catch_up()
    return {"commitment": str(commitment["id"]), "questionnaire": str(questionnaire["id"]), "visit": str(visit["id"]),
            "household": str(household["id"]), "pairing": str(pairing["id"]), "reception_day": str(day["id"]),
            "review": "00000000-0000-4000-8000-000000000000", "item": "00000000-0000-4000-8000-000000000001"}


@dataclass(frozen=True)
class Case:
    """One try of a user of 金华社区 (``role``) on something of 和平里, and the answer it must get."""

    role: str
    method: str
    url: str
    body: dict[str, Any] | None = None
    status: int = 404  # named in the address: as if it did not exist


def forbidden(role: str, url: str) -> Case:
    """A list filter naming 和平里: refused (403), not pretended empty."""
    return Case(role, "GET", url, status=403)


def unknown_in_body(role: str, method: str, url: str, body: dict[str, Any]) -> Case:
    """和平里's resource named in the body: a 422 naming the field, as for an unknown one."""
    return Case(role, method, url, body, status=422)


# Actions of the permission matrix with no resource of a community to name: nothing of 和平里 to try.
NO_COMMUNITY_RESOURCE = {
    "community.register",  # registers a new community (the deployment's administrator only)
    "calendar.manage",  # the working-day calendar (holidays, make-up days) is the deployment's, not a community's
}


def api_table(world: dict[str, Any], work: dict[str, Any]) -> dict[str, list[Case]]:
    """Every action of the permission matrix → the tries of it on 和平里's resources over HTTP."""
    a, b = world["a"], world["b"]
    p, deadlined = f"/api/petitions/{world['b_petition']}", f"/api/petitions/{world['b_deadlined']}"
    m = f"/api/matters/{world['b_matter']}"
    c, q, r = f"/api/commitments/{work['commitment']}", f"/api/questionnaires/{work['questionnaire']}", \
        f"/api/reviews/{work['review']}"
    household, pairing = f"/api/households/{work['household']}", f"/api/pairings/{work['pairing']}"
    day = f"/api/reception-days/{work['reception_day']}"
    desk, handler, secretary, admin = "desk_staff", "handling_member", "committee_secretary", "administrator"
    erasure = {"requested_by": "本人", "reason": "依法申请删除"}
    return {
        "petition.read": [Case(desk, "GET", p), Case("committee_member", "GET", p)],
        "petition.receive": [
            Case(desk, "POST", f"{p}/tracking-code", {"reason": "回执丢失"}),
            unknown_in_body(desk, "POST", "/api/petitions", {
                "contact_point_id": b["contact_point"], "category": "sanitation", "channel": "desk", "summary": "垃圾",
                "details": "垃圾没人清运"}),
        ],
        "petition.triage": [
            Case(desk, "POST", f"{p}/resolve-on-spot", {"action": "已处理"}),
            Case(desk, "POST", f"{p}/deadline",
                 {"working_days": 5, "responsible_member_id": a["handler"], "plan": "维修"}),
            Case(handler, "POST", f"{p}/escalate", {"reason": "需要集体决策"}),
            Case(desk, "POST", f"{p}/explain", {"reason_category": "outside_jurisdiction",
                                                "explanation": "不属于社区职责", "method": "phone"}),
        ],
        "petition.handle": [
            Case(desk, "POST", f"{deadlined}/progress", {"note": "已联系"}),
            Case(handler, "POST", f"{deadlined}/extend", {"working_days": 2, "reason": "材料未到"}),
            Case(desk, "POST", f"{deadlined}/resolve", {"outcome": "已修好"}),
        ],
        "petition.follow_up": [Case(desk, "POST", f"{p}/follow-up", {"satisfaction": "satisfied"})],
        "petition.withdraw": [Case(desk, "POST", f"{p}/withdraw", {"reason": "自行解决"})],
        "petition.merge": [
            Case(desk, "POST", f"{p}/merge", {"into": world["a_petition"]}),
            unknown_in_body(desk, "POST", f"/api/petitions/{world['a_petition']}/merge",
                            {"into": world["b_petition"]}),
        ],
        "petition.erase_personal_data": [Case(admin, "POST", f"{p}/erase-personal-data", erasure)],
        # the daily tick marks only the user's community: 和平里's passed deadline stays unmarked
        "supervision.tick": [Case(secretary, "POST", "/api/tick", status=200)],
        "worklist.read": [forbidden(desk, "/api/desk/worklist?community=heping"),
                          forbidden(desk, "/api/desk/workload?by=member&community=heping"),
                          forbidden(desk, "/api/desk/search?q=2026&community=heping")],
        "matter.read": [Case(secretary, "GET", m), Case("committee_member", "GET", f"{m}/opinions/summary"),
                        forbidden(secretary, "/api/matters?community=heping"),
                        forbidden(secretary, "/api/committee/agenda?community=heping")],
        "matter.manage": [
            Case(secretary, "POST", f"{m}/petitions", {"petitions": [world["a_petition"]]}),
            Case(secretary, "POST", f"{m}/solicitation", {"question": "是否同意？", "closes_on": "2026-12-30"}),
            Case(secretary, "POST", f"{m}/solicitation/close", {}),
            Case(secretary, "POST", f"{m}/proposal", {"text": "方案"}),
            Case(secretary, "POST", f"{m}/consultation", {"attendees": ["李书记"], "minutes": "同意", "outcome": "agreed"}),
            Case(secretary, "POST", f"{m}/vote", {"eligible": 10, "present": 9, "votes_for": 8, "votes_against": 1,
                                                  "abstentions": 0}),
            Case(secretary, "POST", f"{m}/disclosure", {}),
            Case(secretary, "POST", f"{m}/return-to-consultation", {"reason": "异议成立", "objections": [1]}),
            Case(secretary, "POST", f"{m}/implementation", {"note": "开工", "percent": 10}),
            Case(secretary, "POST", f"{m}/implementation/complete", {"note": "完工"}),
            Case(secretary, "POST", f"{m}/result", {"result": "已完成"}),
            Case(secretary, "POST", f"{m}/end", {"reason": "终止"}),
            unknown_in_body(secretary, "POST", "/api/matters",
                            {"community": "heping", "title": "加装电梯", "description": "和平里的事"}),
        ],
        "matter.record_opinion": [Case("committee_member", "POST", f"{m}/opinions",
                                       {"resident": "居民", "stance": "support", "text": "同意", "channel": "desk"})],
        "matter.record_objection": [Case(desk, "POST", f"{m}/objections",
                                         {"objector": "居民", "text": "反对", "channel": "desk"})],
        "matter.erase_resident_data": [unknown_in_body(admin, "POST", "/api/matters/erase-resident-data",
                                                       {"community": "heping", "name": "居民", **erasure})],
        "ledger.read": [forbidden("leadership", "/api/ledger?community=heping"),
                        forbidden("leadership", "/api/ledger/export.csv?community=heping"),
                        forbidden(secretary, "/api/ledger/export.xlsx?community=heping")],
        "commitment.read": [Case(desk, "GET", c), forbidden(desk, "/api/commitments?community=heping")],
        "commitment.make": [
            Case(handler, "POST", f"{c}/revision", {"text": "改", "visible_result": "亮", "target_date": "2026-12-30"}),
            Case(handler, "POST", f"{c}/progress", {"note": "进行中", "percent": 50}),
            Case(handler, "POST", f"{c}/report", {"report": "已完成"}),
            unknown_in_body(secretary, "POST", "/api/commitments", {
                "year": 2026, "text": "x", "visible_result": "y", "target_date": "2026-12-30",
                "member_id": b["handler"]}),
        ],
        "commitment.approve": [
            Case(secretary, "POST", f"{c}/approval"),
            Case(secretary, "POST", f"{c}/return", {"reason": "再具体些"}),
            Case(secretary, "POST", f"{c}/evaluation-codes", {"count": 1}),
            Case(secretary, "POST", f"{c}/conclusion", {"outcome": "fulfilled", "reason": "按期"}),
        ],
        "commitment.evaluate": [Case(desk, "POST", f"{c}/evaluations",
                                     {"satisfaction": "satisfied", "source": "meeting"})],
        "questionnaire.read": [Case(desk, "GET", q), forbidden(desk, "/api/questionnaires?community=heping")],
        "questionnaire.manage": [
            Case(secretary, "POST", f"{q}/opening"), Case(secretary, "POST", f"{q}/closing"),
            Case(secretary, "POST", f"{q}/feedback", {"feedback": "已采纳"}),
            Case(secretary, "POST", f"{q}/answer-codes", {"count": 1}),
            unknown_in_body(secretary, "POST", "/api/questionnaires", {
                "community": "heping", "title": "x", "opens_on": "2026-12-02", "closes_on": "2026-12-20",
                "questions": [{"kind": "free_text", "text": "建议"}]}),
        ],
        "questionnaire.answer": [Case(desk, "POST", f"{q}/answers", {"answers": {"0": "建议"}})],
        "questionnaire.erase_respondent_data": [unknown_in_body(
            admin, "POST", "/api/questionnaires/erase-respondent-data", {"community": "heping", "name": "居民", **erasure})],
        "review.read": [Case(desk, "GET", r), forbidden(desk, "/api/reviews?community=heping"),
                        forbidden(secretary, "/api/reviews/weights?community=heping")],
        "review.manage": [
            Case(secretary, "POST", f"{r}/evaluation-codes", {"count": 1}),
            Case(secretary, "POST", f"{r}/rating", {"rating": "competent", "reasons": "基本完成"}),
            unknown_in_body(secretary, "POST", "/api/reviews", {"member_id": b["handler"], "year": 2026}),
        ],
        "review.report": [Case(handler, "POST", f"{r}/report", {"report": "述职"})],
        "review.evaluate": [Case(desk, "POST", f"{r}/evaluations", {"satisfaction": "satisfied", "source": "meeting"})],
        "community.read": [Case(desk, "GET", "/api/communities/heping"),
                           Case(desk, "GET", "/api/communities/heping/contact-points"),
                           Case(desk, "GET", "/api/communities/heping/members"),
                           Case(desk, "GET", "/api/communities/heping/visit-rule"),
                           Case(desk, "GET", f"/api/members/{b['handler']}/post"),
                           Case(desk, "GET", day)],
        "community.manage": [
            Case(admin, "POST", "/api/communities/heping/contact-points", {"name": "新网格", "area": "10栋"}),
            Case(admin, "POST", "/api/communities/heping/members", {"name": "新成员", "role": "grid_member"}),
            Case(admin, "PUT", "/api/communities/heping/committee-rules", {"quorum": "1/2", "majority": "1/2"}),
        ],
        # accounts are managed on the pages only (see PAGES_TABLE); over the API it is the community register
        # accounts are managed on the administrator's page: an account in 和平里 is refused like an unknown community
        "account.manage": [unknown_in_body(admin, "POST", "/admin/accounts", {
            "username": "b-spy", "display_name": "和平", "password": password_of("b-spy"), "roles": "desk_staff",
            "community_code": "heping"})],
        "contact_point.assign": [Case(secretary, "PUT", f"/api/members/{b['handler']}/post",
                                      {"contact_point_id": b["contact_point"], "compounds": ["和平苑"]})],
        "member_card.manage": [Case(desk, "PUT", f"/api/members/{b['handler']}/card",
                                    {"post": "网格员", "duties": "联系和平苑", "work_phone": "", "phone_shown": False})],
        "visit.record": [
            Case(handler, "POST", f"/api/visits/{work['visit']}/petitions",
                 {"category": "infrastructure", "summary": "路灯", "details": "路灯不亮"}),
            unknown_in_body(handler, "POST", "/api/visits", {
                "visited_on": "2026-12-01", "form": "home_visit", "learned": "x", "households": [work["household"]]}),
        ],
        "visit.read": [Case(handler, "GET", f"/api/visits/{work['visit']}"), forbidden(desk, "/api/visits?community=heping"),
                       Case(desk, "GET", f"/api/diary?member_id={b['handler']}")],
        "household.read": [Case(desk, "GET", household), Case(desk, "GET", pairing),
                           forbidden(desk, "/api/households?community=heping")],
        "household.manage": [unknown_in_body(desk, "POST", "/api/households",
                                             {"person": {"name": "某户"}, "member_id": b["handler"]})],
        "household.erase_personal_data": [Case(admin, "POST", f"{household}/erase-personal-data", erasure)],
        "pairing.manage": [
            Case(desk, "POST", f"{household}/pairings", {"kind": "illness"}),
            Case(desk, "POST", f"{pairing}/plan",
                 {"targets": ["康复"], "actions": [{"due_date": "2026-12-20", "description": "联系家庭医生"}]}),
            Case(desk, "POST", f"{pairing}/help", {"note": "已联系"}),
            Case(desk, "POST", f"{pairing}/end", {"outcome": "improved"}),
        ],
        "visit_rule.set": [Case(secretary, "PUT", "/api/communities/heping/visit-rule",
                                {"per_month": 2, "phone_counts": True})],
        "visit_rule.read": [forbidden("leadership", "/api/visit-supervision/items?community=heping"),
                            forbidden("leadership", "/api/visit-supervision/heat-map?community=heping")],
        "visit_rule.supervise": [
            Case(secretary, "POST", f"/api/visit-supervision/items/{work['item']}/excuse", {"reason": "住院"}),
            # the check raises items of the user's community only: 和平里's unchecked November stays so
            Case(secretary, "POST", "/api/visit-supervision/check", status=200),
        ],
        "reception_day.manage": [
            Case(desk, "POST", f"{day}/cancel", {"reason": "改期"}),
            Case(desk, "POST", f"{day}/petitions", {"reference": world["b_petition"]}),
            unknown_in_body(secretary, "POST", "/api/reception-days", {
                "community": "heping", "held_on": "2026-12-10", "starts_at": "09:00", "ends_at": "11:00",
                "place": "和平里", "members": [b["desk"]]}),
        ],
    }


class TestAnotherCommunityDoesNotExist:
    def test_the_table_tries_every_action_of_the_permission_matrix(self, world):
        table = api_table(world, {k: "x" for k in ("commitment", "questionnaire", "visit", "household", "pairing",
                                                  "reception_day", "review", "item")})
        assert set(table) | NO_COMMUNITY_RESOURCE == set(MATRIX)
        assert not set(table) & NO_COMMUNITY_RESOURCE
        assert all(table.values())
        for action, cases in table.items():
            for case in cases:
                assert case.role in MATRIX[action], (action, case)  # a role that may: the answer is not a mere 403

    def test_every_action_on_another_communitys_resource_is_refused_and_writes_nothing(
            self, page_users, services, world, b_work):
        users = page_users
        for action, cases in api_table(world, b_work).items():
            for case in cases:
                before = services.log.last_position()
                if case.url.startswith("/api/"):
                    response = users[case.role].open(case.url, method=case.method, json=case.body)
                else:
                    response = users[case.role].open(case.url, method=case.method, data=case.body)
                assert response.status_code == case.status, (action, case, response.get_data(as_text=True)[:300])
                if case.status == 404 and response.is_json:
                    assert response.json["error"] == "not_found" and "not found" in response.json["message"], case
                assert services.log.last_position() == before, (action, case)
        assert services.petitions.get(world["b_deadlined"])["overdue"] is False  # the tick passed it by

    def test_an_unknown_petition_and_another_communitys_answer_alike(self, users, world):
        mine = users["desk_staff"].get(f"/api/petitions/{world['b_petition']}").json
        unknown = users["desk_staff"].get("/api/petitions/2026-999999").json
        assert mine["message"].replace(world["b_petition"], "X") == unknown["message"].replace("2026-999999", "X")

    def test_lists_without_a_filter_show_only_the_users_community(self, users, world):
        desk = users["desk_staff"]
        worklist = desk.get("/api/desk/worklist").json["items"]
        assert [item["reference"] for item in worklist] == [world["a_petition"]]
        found = desk.get(f"/api/desk/search?q={PHONES['heping']}").json["items"]
        assert found == []
        assert desk.get(f"/api/desk/search?q={world['b_petition']}").json["items"] == []
        assert [c["code"] for c in desk.get("/api/communities").json] == ["jinhua"]
        assert users["committee_secretary"].get("/api/matters").json == []
        assert users["committee_secretary"].get("/api/committee/agenda").json["stages"] == []

    def test_receiving_into_another_community_or_crediting_its_member_is_refused(self, users, services, world):
        desk, a, b = users["desk_staff"], world["a"], world["b"]
        base = {"category": "sanitation", "channel": "desk", "summary": "垃圾", "details": "垃圾没人清运"}
        before = services.log.last_position()
        into_b = desk.post("/api/petitions", json={**base, "contact_point_id": b["contact_point"]})
        assert into_b.status_code == 422
        assert into_b.json["fields"] == {"contact_point_id": ["no such contact point"]}
        crediting_b = desk.post("/api/petitions", json={**base, "contact_point_id": a["contact_point"],
                                                         "received_by": b["desk"]})
        assert crediting_b.status_code == 422
        assert crediting_b.json["fields"] == {"received_by": ["is not a member of this community"]}
        deadline = desk.post(f"/api/petitions/{world['a_petition']}/deadline", json={
            "working_days": 5, "responsible_member_id": b["handler"], "plan": "维修"})
        assert deadline.status_code == 422
        assert services.log.last_position() == before

    def test_receiving_credits_the_signed_in_member_by_default(self, users, world):
        desk, a = users["desk_staff"], world["a"]
        receipt = desk.post("/api/petitions", json={"contact_point_id": a["contact_point"], "category": "sanitation",
                                                    "channel": "desk", "summary": "垃圾", "details": "垃圾没人清运"})
        assert receipt.status_code == 201
        assert receipt.json["received_by"] == a["desk"]

    def test_opening_a_matter_in_another_community_is_refused(self, users, services, world):
        before = services.log.last_position()
        response = users["committee_secretary"].post("/api/matters", json={
            "community": "heping", "title": "加装电梯", "description": "和平里的事"})
        assert response.status_code == 422
        assert response.json["fields"] == {"community": ["no such community"]}
        linking = users["committee_secretary"].post("/api/matters", json={
            "community": "jinhua", "title": "加装电梯", "description": "金华的事", "petitions": [world["b_petition"]]})
        assert linking.status_code == 422
        assert services.log.last_position() == before

    def test_a_community_administrator_manages_only_their_community(self, services, world):
        from service.permissions import Principal

        admin = services.as_user(Principal("a-admin", "金华管理员", ("administrator",), "jinhua"))
        services.accounts.register(username="b-desk", display_name="和平接待", password="b-desk-password-1",
                                   roles=["desk_staff"], community_code="heping", actor="admin")
        services.accounts.register(username="a-desk", display_name="金华接待", password="a-desk-password-1",
                                   roles=["desk_staff"], community_code="jinhua", actor="admin")
        assert [a["username"] for a in admin.accounts.list()] == ["a-desk"]
        from service import errors

        with pytest.raises(errors.NotFoundError):
            admin.accounts.disable("b-desk")
        with pytest.raises(errors.NotFoundError):
            admin.accounts.issue_token("b-desk", label="x")
        with pytest.raises(errors.InvalidInputError):
            admin.accounts.register(username="b-desk2", display_name="x", password="b-desk2-password-1",
                                    roles=["desk_staff"], community_code="heping")
        with pytest.raises(errors.InvalidInputError):  # oversight is above the communities
            admin.accounts.register(username="spy", display_name="x", password="spy-password-12",
                                    roles=["oversight"])
        from service.permissions import PermissionDeniedError

        with pytest.raises(PermissionDeniedError):
            admin.communities.register(code="newtown", name="新村", kind="village")

    def test_supervision_marks_only_the_users_community(self, users, services, clock, world):
        clock.advance(days=30)
        before = services.log.last_position()
        assert users["committee_secretary"].post("/api/tick").json == {"marked_overdue": []}
        assert services.petitions.get(world["b_deadlined"])["overdue"] is False
        assert services.log.last_position() == before  # nothing of 和平里 was marked


class TestNeedToKnow:
    def test_a_handling_member_changes_only_the_petitions_they_are_responsible_for(self, users, services, world):
        a = world["a"]
        desk, handler = users["desk_staff"], users["handling_member"]
        other = desk.post("/api/petitions", json={"contact_point_id": a["contact_point"], "category": "sanitation",
                                                  "channel": "desk", "summary": "垃圾", "details": "垃圾没人清运"}).json
        desk.post(f"/api/petitions/{other['reference']}/deadline", json={
            "working_days": 5, "responsible_member_id": a["desk"], "plan": "清运"})
        before = services.log.last_position()
        for path, body in [("progress", {"note": "已联系"}), ("extend", {"working_days": 2, "reason": "材料未到"}),
                           ("resolve", {"outcome": "已清运"})]:
            response = handler.post(f"/api/petitions/{other['reference']}/{path}", json=body)
            assert response.status_code == 403, path
            assert response.json == {"error": "forbidden", "message":
                                     f"handling-member is not the member responsible for petition {other['reference']}"}
        assert services.log.last_position() == before
        assert desk.post(f"/api/petitions/{other['reference']}/resolve", json={"outcome": "已清运"}).status_code == 200
        before = services.log.last_position()
        follow_up = handler.post(f"/api/petitions/{other['reference']}/follow-up", json={"satisfaction": "satisfied"})
        assert follow_up.status_code == 403
        assert follow_up.json == {"error": "forbidden", "message":
                                  f"handling-member is not the member responsible for petition {other['reference']}"}
        assert services.log.last_position() == before
        desk.post(f"/api/petitions/{world['a_petition']}/deadline", json={
            "working_days": 5, "responsible_member_id": a["handler"], "plan": "维修"})
        assert handler.post(f"/api/petitions/{world['a_petition']}/progress", json={"note": "已联系"}).status_code == 200
        assert handler.post(f"/api/petitions/{world['a_petition']}/resolve", json={"outcome": "已修好"}).status_code == 200
        assert handler.post(f"/api/petitions/{world['a_petition']}/follow-up",
                            json={"satisfaction": "satisfied"}).status_code == 200

    def test_only_desk_staff_and_handling_members_of_the_community_read_the_petitioner(self, users, world):
        reference = world["a_petition"]
        for role in ("desk_staff", "handling_member"):
            body = users[role].get(f"/api/petitions/{reference}").json
            assert body["petitioner"]["phone"] == PHONES["jinhua"], role
        for role in ("committee_secretary", "committee_member", "leadership", "administrator", "oversight"):
            body = users[role].get(f"/api/petitions/{reference}").json
            assert body["petitioner"] is None, role
            assert all("petitioner" not in entry["details"] for entry in body["history"]), role

    @pytest.mark.parametrize("role", ["committee_member", "oversight", "committee_secretary", "leadership"])
    def test_no_staff_answer_shows_a_petitioners_phone(self, role, app, page_users, world, a_work, b_work):
        """Every GET address of the app (JSON API and pages), with its parameters filled with ids of
        金华社区 and of 和平里: no petitioner's phone or name, and no 5xx."""
        client = page_users[role]
        ids = {
            "reference": [world["a_petition"], world["b_petition"]], "matter_id": [world["b_matter"]],
            "code": ["jinhua", "heping"], "member_id": [world["a"]["handler"], world["b"]["handler"]],
            "username": ["desk-staff", b_work["account"]], "index": [1], "tree_size": [1], "year": [2026, 2027],
            **{f"{name}_id": [a_work[name], b_work[name]]
               for name in ("commitment", "questionnaire", "review", "visit", "household", "pairing", "item")},
            "day_id": [a_work["reception_day"], b_work["reception_day"]],
        }
        skipped = {"/static/<path:filename>", "/api/docs/static/<path:filename>"}  # files, no data: nothing to fill
        adapter = app.url_map.bind("localhost")
        urls = [f"/api/desk/search?q={phone}" for phone in PHONES.values()] + \
               [f"/desk/find?q={phone}" for phone in PHONES.values()] + \
               [f"/desk/worklist?q={phone}" for phone in PHONES.values()] + \
               ["/api/desk/worklist?community=heping", "/api/committee/agenda?community=heping",
                "/api/ledger?community=heping", "/api/desk/workload?by=member&community=heping"]
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.rule in skipped:
                continue
            unfilled = set(rule.arguments) - set(ids)
            assert not unfilled, (rule.rule, unfilled)  # a new parameter: give it ids above, or skip it explicitly
            names = sorted(rule.arguments)
            for values in itertools.product(*(ids[name] for name in names)):
                urls.append(adapter.build(rule.endpoint, dict(zip(names, values))))
        personal = list(PHONES.values()) + [f"{code}居民" for code in PHONES]
        read = 0
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            text = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) \
                else response.get_data().decode("latin-1")
            for phone in PHONES.values():  # what the user typed, shown back in the search box, is theirs
                text = text.replace(f'value="{phone}"', "")
            assert not [p for p in personal if p in text], url
            read += response.status_code == 200
        assert len(urls) > 150 and read >= 30, (len(urls), read)

class TestOversight:
    def test_the_street_office_reads_every_community_and_changes_nothing(self, users, services, world):
        street = users["oversight"]
        assert {c["code"] for c in street.get("/api/communities").json} == {"jinhua", "heping"}
        worklist = street.get("/api/desk/worklist").json["items"]
        assert {world["a_petition"], world["b_petition"]} <= {item["reference"] for item in worklist}
        assert street.get("/api/desk/worklist?community=heping").status_code == 200
        assert street.get("/api/ledger?community=heping").status_code == 200
        assert street.get(f"/api/matters/{world['b_matter']}").status_code == 200
        before = services.log.last_position()
        for _, url, body in petition_commands(world) + matter_commands(world):
            assert street.post(url, json=body).status_code == 403, url
        assert services.log.last_position() == before


class TestPages:
    @pytest.fixture
    def page_client(self, app, services, world):
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        services.accounts.register(username="pagedesk", display_name="金华接待", password="pagedesk-password-1",
                                   roles=["desk_staff", "committee_secretary", "leadership"], community_code="jinhua",
                                   member_id=world["a"]["desk"], actor="admin")
        response = client.post("/login", data={"username": "pagedesk", "password": "pagedesk-password-1"})
        assert response.status_code == 302
        return client

    def test_every_page_and_step_form_of_another_communitys_resource_is_a_404_page_and_writes_nothing(
            self, page_users, services, world, b_work):
        desk, handler, secretary = "desk_staff", "handling_member", "committee_secretary"
        b, deadlined, a_handler = world["b_petition"], world["b_deadlined"], world["a"]["handler"]
        petition, matter = f"/desk/petitions/{b}", f"/committee/matters/{world['b_matter']}"
        commitment, questionnaire = f"/work/commitments/{b_work['commitment']}", \
            f"/work/questionnaires/{b_work['questionnaire']}"
        review, visit = f"/work/reviews/{b_work['review']}", f"/visits/{b_work['visit']}"
        desk_steps = {  # every step form of the desk (api/pages/desk.py STEP_FORMS)
            "resolve_on_spot": (b, {"action": "已处理"}),
            "set_deadline": (b, {"working_days": "5", "responsible_member_id": a_handler, "plan": "维修"}),
            "record_progress": (deadlined, {"note": "已联系"}),
            "extend_deadline": (deadlined, {"working_days": "2", "reason": "材料未到"}),
            "resolve": (deadlined, {"outcome": "已修好"}),
            "escalate": (b, {"reason": "需要集体决策"}),
            "explain": (b, {"reason_category": "outside_jurisdiction", "explanation": "不属于社区职责",
                            "method": "phone"}),
            "follow_up": (b, {"satisfaction": "satisfied"}),
            "withdraw": (b, {"reason": "自行解决"}),
            "merge": (b, {"into": world["a_petition"]}),
        }
        committee_steps = {  # every step form of the committee (api/pages/committee.py STEP_FORMS)
            "open_solicitation": {"question": "是否同意？", "closes_on": "2026-12-30"},
            "record_opinion": {"resident": "居民", "stance": "support", "text": "同意", "channel": "desk"},
            "close_solicitation": {},
            "draft_proposal": {"text": "方案"},
            "record_consultation": {"attendees": "李书记", "minutes": "同意", "outcome": "agreed"},
            "record_vote": {"eligible": "10", "present": "9", "votes_for": "8", "votes_against": "1",
                            "abstentions": "0"},
            "disclose_resolution": {},
            "record_objection": {"objector": "居民", "text": "反对", "channel": "desk"},
            "return_to_consultation": {"reason": "异议成立", "objections": "1"},
            "record_implementation_progress": {"note": "开工", "percent": "10"},
            "complete_implementation": {"note": "完工"},
            "disclose_result": {"result": "已完成"},
            "end": {"reason": "终止"},
            "link_petitions": {"petitions": world["a_petition"]},
        }
        pages = [
            Case(desk, "GET", petition), Case(desk, "GET", f"{petition}/receipt"),
            Case(desk, "POST", f"{petition}/reissue", {"reason": "回执丢失"}),
            *[Case(desk, "POST", f"/desk/petitions/{ref}/{step}", form) for step, (ref, form) in desk_steps.items()],
            Case(secretary, "GET", matter),
            *[Case(secretary, "POST", f"{matter}/{step}", form) for step, form in committee_steps.items()],
            Case(secretary, "GET", questionnaire),
            Case(secretary, "POST", f"{questionnaire}/open"), Case(secretary, "POST", f"{questionnaire}/close"),
            Case(secretary, "POST", f"{questionnaire}/issue_answer_codes", {"count": "1"}),
            Case(secretary, "POST", f"{questionnaire}/publish_feedback", {"feedback": "已采纳"}),
            Case(handler, "POST", f"{commitment}/revise",
                 {"text": "改", "visible_result": "亮", "target_date": "2026-12-30"}),
            Case(handler, "POST", f"{commitment}/record_progress", {"note": "进行中", "percent": "50"}),
            Case(handler, "POST", f"{commitment}/report", {"report": "已完成"}),
            Case(secretary, "POST", f"{commitment}/approve"),
            Case(secretary, "POST", f"{commitment}/return_for_revision", {"reason": "再具体些"}),
            Case(secretary, "POST", f"{commitment}/conclude", {"outcome": "fulfilled", "reason": "按期"}),
            Case(secretary, "POST", f"{commitment}/issue_evaluation_codes", {"count": "1"}),
            Case(handler, "POST", f"{review}/report", {"report": "述职"}),
            Case(desk, "POST", f"{review}/record_evaluation", {"satisfaction": "satisfied", "source": "meeting"}),
            Case(secretary, "POST", f"{review}/rate", {"rating": "competent", "reasons": "基本完成"}),
            Case(handler, "GET", visit),
            Case(handler, "POST", visit, {"category": "infrastructure", "summary": "路灯", "details": "路灯不亮"}),
        ]
        if "admin.account" in page_users["administrator"].application.view_functions:  # one account's page
            pages += [Case("administrator", "GET", f"/admin/accounts/{b_work['account']}"),
                      Case("administrator", "POST", f"/admin/accounts/{b_work['account']}", {"what": "disable"})]
        for case in pages:
            before = services.log.last_position()
            response = page_users[case.role].open(case.url, method=case.method, data=case.body)
            assert response.status_code == 404, (case, response.get_data(as_text=True)[:300])
            assert response.mimetype == "text/html", case  # the 404 page, not a JSON answer
            assert services.log.last_position() == before, case
        accounts = page_users["administrator"].get("/admin/accounts")
        assert accounts.status_code == 200 and b_work["account"] not in accounts.get_data(as_text=True)

    def test_list_pages_naming_another_community_are_refused(self, page_client, world):
        for url in ("/desk/worklist?community=heping", "/committee?community=heping", "/ledger?community=heping"):
            assert page_client.get(url).status_code == 403, url
        text = page_client.get("/desk/worklist").get_data(as_text=True)
        assert world["a_petition"] in text and world["b_petition"] not in text


def test_the_api_error_body_is_one_shape(users, world):
    body = users["desk_staff"].get(f"/api/petitions/{world['b_petition']}").json
    assert body == {"error": "not_found", "message": f"petition {world['b_petition']} not found"}
    # nothing of 和平里 beyond the reference the caller typed
    assert json.dumps(body, ensure_ascii=False).count("heping") == world["b_petition"].count("heping")
