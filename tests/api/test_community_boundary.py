"""A community is a trust boundary: a user of 金华社区 (A) against anything of 和平里 (B) gets 404,
as if it did not exist (403 for a list filter naming B), and the event log does not move; only
desk staff and handling members read petitioners' personal data, and only of their community."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.committee_helpers import Secretary, escalated_petitions
from tests.conftest import token_for

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
    """A client of 金华社区 for each role, and the street office's oversight."""
    a = world["a"]
    clients = {}
    for role in ("desk_staff", "handling_member", "committee_secretary", "committee_member", "leadership",
                 "administrator", "oversight"):
        member = {"member_id": a["desk"]} if role == "desk_staff" else {"member_id": a["handler"]} \
            if role == "handling_member" else {}
        if role == "administrator":
            member["community_code"] = "jinhua"  # the community's administrator, not the deployment's
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, role.replace("_", "-"), [role],
                                                                          **member)
        clients[role] = client
    return clients


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


def community_commands(world) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        ("POST", "/api/communities/heping/contact-points", {"name": "新网格", "area": "10栋"}),
        ("POST", "/api/communities/heping/members", {"name": "新成员", "role": "grid_member"}),
        ("PUT", "/api/communities/heping/committee-rules", {"quorum": "1/2", "majority": "1/2"}),
    ]


class TestAnotherCommunityDoesNotExist:
    def test_every_petition_command_on_another_communitys_petition_is_404_and_writes_nothing(self, users, services, world):
        for role, url, body in petition_commands(world):
            before = services.log.last_position()
            response = users[role].post(url, json=body)
            assert response.status_code == 404, (role, url, response.json)
            assert response.json["error"] == "not_found" and "not found" in response.json["message"], url
            assert services.log.last_position() == before, url

    def test_every_matter_step_on_another_communitys_matter_is_404_and_writes_nothing(self, users, services, world):
        for role, url, body in matter_commands(world):
            before = services.log.last_position()
            response = users[role].post(url, json=body)
            assert response.status_code == 404, (role, url, response.json)
            assert services.log.last_position() == before, url

    def test_every_community_command_on_another_community_is_404(self, users, services, world):
        for method, url, body in community_commands(world):
            before = services.log.last_position()
            response = users["administrator"].open(url, method=method, json=body)
            assert response.status_code == 404, (url, response.json)
            assert response.json == {"error": "not_found", "message": "community heping not found"}
            assert services.log.last_position() == before

    def test_reads_of_another_communitys_resources_are_404(self, users, world):
        matter = world["b_matter"]
        for role, url in [
            ("desk_staff", f"/api/petitions/{world['b_petition']}"),
            ("committee_member", f"/api/petitions/{world['b_petition']}"),
            ("committee_secretary", f"/api/matters/{matter}"),
            ("committee_member", f"/api/matters/{matter}/opinions/summary"),
            ("desk_staff", "/api/communities/heping"),
            ("desk_staff", "/api/communities/heping/contact-points"),
            ("desk_staff", "/api/communities/heping/members"),
        ]:
            response = users[role].get(url)
            assert response.status_code == 404, (role, url)

    def test_an_unknown_petition_and_another_communitys_answer_alike(self, users, world):
        mine = users["desk_staff"].get(f"/api/petitions/{world['b_petition']}").json
        unknown = users["desk_staff"].get("/api/petitions/2026-999999").json
        assert mine["message"].replace(world["b_petition"], "X") == unknown["message"].replace("2026-999999", "X")

    def test_list_filters_naming_another_community_are_403(self, users, world):
        for role, url in [
            ("desk_staff", "/api/desk/worklist?community=heping"),
            ("desk_staff", "/api/desk/workload?by=member&community=heping"),
            ("desk_staff", "/api/desk/search?q=2026&community=heping"),
            ("committee_secretary", "/api/committee/agenda?community=heping"),
            ("committee_secretary", "/api/matters?community=heping"),
            ("leadership", "/api/ledger?community=heping"),
            ("leadership", "/api/ledger/export.csv?community=heping"),
            ("committee_secretary", "/api/ledger/export.xlsx?community=heping"),
        ]:
            response = users[role].get(url)
            assert response.status_code == 403, (role, url)
            assert response.json["error"] == "forbidden"

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
        assert users["committee_secretary"].post("/api/tick").json == {"marked_overdue": []}
        assert services.petitions.get(world["b_deadlined"])["overdue"] is False


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
        desk.post(f"/api/petitions/{world['a_petition']}/deadline", json={
            "working_days": 5, "responsible_member_id": a["handler"], "plan": "维修"})
        assert handler.post(f"/api/petitions/{world['a_petition']}/progress", json={"note": "已联系"}).status_code == 200

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
    def test_no_staff_answer_shows_a_petitioners_phone(self, role, users, world):
        client = users[role]
        urls = ["/api/petitions/" + world["a_petition"], "/api/desk/worklist", "/api/desk/workload?by=member",
                f"/api/desk/search?q={PHONES['jinhua']}", "/api/desk/search?q=2026", "/api/matters",
                "/api/committee/agenda", "/api/ledger", "/api/ledger/export.csv", "/api/communities",
                "/api/communities/jinhua"]
        if role == "oversight":
            urls += ["/api/petitions/" + world["b_petition"], "/api/desk/worklist?community=heping",
                     f"/api/matters/{world['b_matter']}", "/api/committee/agenda?community=heping",
                     "/api/ledger?community=heping", f"/api/desk/search?q={PHONES['heping']}"]
        read = 0
        for url in urls:
            response = client.get(url)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (url, response.status_code)
            text = response.get_data(as_text=True)
            assert not any(phone in text for phone in PHONES.values()), url
            read += 1
        assert read >= 5


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

    def test_another_communitys_pages_are_404_and_their_forms_write_nothing(self, page_client, services, world):
        b, matter = world["b_petition"], world["b_matter"]
        for url in (f"/desk/petitions/{b}", f"/desk/petitions/{b}/receipt", f"/committee/matters/{matter}"):
            assert page_client.get(url).status_code == 404, url
        before = services.log.last_position()
        for url, form in ((f"/desk/petitions/{b}/resolve-on-spot", {"action": "已处理"}),
                          (f"/desk/petitions/{b}/withdraw", {"reason": "自行解决"}),
                          (f"/committee/matters/{matter}/open_solicitation",
                           {"question": "是否同意？", "closes_on": "2026-10-30"})):
            assert page_client.post(url, data=form).status_code == 404, url
        assert services.log.last_position() == before

    def test_list_pages_naming_another_community_are_refused(self, page_client, world):
        for url in ("/desk/worklist?community=heping", "/committee?community=heping", "/ledger?community=heping"):
            assert page_client.get(url).status_code == 403, url
        text = page_client.get("/desk/worklist").get_data(as_text=True)
        assert world["a_petition"] in text and world["b_petition"] not in text


def test_the_api_error_body_is_one_shape(users, world):
    body = users["desk_staff"].get(f"/api/petitions/{world['b_petition']}").json
    assert body == {"error": "not_found", "message": f"petition {world['b_petition']} not found"}
    assert json.dumps(body, ensure_ascii=False).count("heping") == 0
