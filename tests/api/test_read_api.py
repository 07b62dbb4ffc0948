"""The read models over HTTP: the public board and lookup (no sign-in, no personal data),
the staff worklist, agenda and ledgers (signed in, read-your-writes), the board pages."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

import openpyxl
import pytest

from api import create_app
from domain.questionnaires import Questionnaire
from service.bootstrap import bootstrap
from service.clock import ManualClock
from service.demo import load_demo
from domain.petition import Petition
from tests.conftest import START, fresh_settings, token_for
from tests.helpers import petition_fields
from tests.read_helpers import personal_data, personal_data_of_households

PUBLIC_PREFIXES = ("/api/public", "/board", "/api/transparency")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo data, a committee matter with named residents' opinions and objections, and a
    petition whose tracking code is known."""
    with fresh_settings(tmp_path_factory.mktemp("demo")) as settings:
        clock = ManualClock(START)
        services = bootstrap(settings, clock)
        load_demo(services, visit_months=3)  # every household is registered at the start; three months of visits
        committee, today = services.committee, clock.now().date()
        matter = committee.open(community="jinhua", title="小广场增设健身器材", description="居民希望增设健身器材",
                                petitions=[], actor="secretary").matter["id"]
        committee.open_solicitation(matter, question="是否同意？", opens_on=today, closes_on=today + timedelta(days=3),
                                    actor="secretary")
        committee.record_opinion(matter, resident="欧阳娜娜", stance="support", text="同意", channel="desk",
                                 actor="secretary")
        clock.advance(days=4)
        committee.close_solicitation(matter, actor="secretary")
        committee.draft_proposal(matter, text="增设健身器材六件", cited_opinions=[1], actor="secretary")
        committee.record_consultation(matter, held_on=None, attendees=["李书记"], minutes="同意", outcome="agreed",
                                      actor="secretary")
        committee.record_vote(matter, held_on=None, eligible=9, present=9, votes_for=9, votes_against=0,
                              abstentions=0, actor="secretary")
        committee.disclose_resolution(matter, actor="secretary")
        committee.record_objection(matter, objector="司马相如", text="位置离住宅太近", channel="desk", actor="secretary")
        community = {"contact_point": "jinhua.cp1", "desk": "jinhua.m1"}
        outcome, code = services.petitions.receive(
            actor="jinhua.m1", **petition_fields(community, petitioner={
                "name": "诸葛孔明", "phone": "13912345678", "address": "金华社区卧龙岗8号"}))
        services.projections.catch_up()
        app = create_app({"TESTING": True}, services=services)
        yield {"services": services, "app": app, "reference": outcome.petition["reference"], "code": code}
        services.close()


def public_rules(app) -> list[str]:
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PUBLIC_PREFIXES) and "GET" in rule.methods
    )


def crawl(app, client, codes: list[str]) -> tuple[dict[str, str], set[str]]:
    """Every public GET route for every community, every page of every list, every entry of the
    transparency log, the board as of past days; answers the bodies."""
    bodies: dict[str, str] = {}
    crawled: set[str] = set()
    services = app.extensions["petitions.services"]
    size = services.transparency.size()
    today = services.clock.now().date()
    months = sorted({f"{d.year:04d}-{d.month:02d}" for d in (today - timedelta(days=n) for n in range(0, 160, 20))})
    questionnaires = services.log.aggregate_ids_created_by(Questionnaire.Drafted)
    commitments = [c["id"] for c in services.commitments.list() if c["approved_at"]]
    reviews = [r["id"] for r in services.reviews.list() if r["stage"] != "gathered"]  # reported: public pages
    for rule in public_rules(app):
        crawled.add(rule)
        urls = [rule.replace("<code>", code) for code in codes] if "<code>" in rule else [rule]
        indices = [1, size // 2, size] if ":index>" in rule else [0]
        urls = [re.sub(r"<int[^:]*:index>", str(i), u) for u in urls for i in indices]
        urls = [re.sub(r"<int[^:]*:tree_size>", str(size), u) for u in urls]
        if rule.endswith("/figures"):
            urls = [f"{u}?month={m}&figure={f}" for u in urls for m in months for f in ("received", "followed_up")]
        if rule.endswith("/consistency"):
            urls = [f"{rule}?first=1&second={size}", f"{rule}?first={size // 3}&second={size}"]
        if rule == "/api/transparency/entries":
            urls = [f"{rule}?start={start}&limit=1000" for start in range(1, size + 1, 1000)]
        if rule == "/board/<code>":
            urls += [f"{u}?as_of={(today - timedelta(days=days)).isoformat()}" for u in urls for days in (3, 40)]
        if "<uuid:questionnaire_id>" in rule:
            urls = [rule.replace("<uuid:questionnaire_id>", str(i)) for i in questionnaires
                    if services.questionnaires.get(i)["stage"] != "draft"]
            assert urls
        if "<uuid:commitment_id>" in rule:
            urls = [rule.replace("<uuid:commitment_id>", str(i)) for i in commitments]
            assert urls
        if "<uuid:review_id>" in rule:
            urls = [rule.replace("<uuid:review_id>", str(i)) for i in reviews]
            assert urls
        for url in urls:
            page = 1
            while True:
                separator = "&" if "?" in url else "?"
                full = f"{url}{separator}page={page}&per_page=100" if rule.endswith(
                    ("in-progress", "resolutions", "implementation")) else url
                response = client.get(full)
                assert response.status_code == 200, (full, response.data[:200])
                bodies[full] = response.get_data(as_text=True)
                if not full.endswith(f"page={page}&per_page=100") or page * 100 >= response.json["total"]:
                    break
                page += 1
    return bodies, crawled


class TestNoPersonalDataInPublic:
    def test_no_public_endpoint_page_or_log_line_shows_a_petitioners_name_phone_or_address(self, demo, caplog):
        services, app = demo["services"], demo["app"]
        secrets = personal_data(services) | {"欧阳娜娜", "司马相如"}
        # members' names are public by design (their cards); a resident who happens to share one is not a leak
        secrets -= {m["name"] for c in services.communities.list() for m in c["members"]}
        assert len(secrets) > 500 and "诸葛孔明" in secrets
        client = app.test_client()
        codes = [c["code"] for c in services.communities.list()]
        with caplog.at_level(logging.DEBUG):
            bodies, crawled = crawl(app, client, codes)
            for body in ({"reference": demo["reference"], "tracking_code": demo["code"]},
                         {"reference": demo["reference"], "tracking_code": "AAAA-BBBB-CCCC"}):
                response = client.post("/api/public/lookup", json=body, environ_base={"REMOTE_ADDR": "9.9.9.9"})
                bodies[f"lookup {body['tracking_code']}"] = response.get_data(as_text=True)
        assert crawled == set(public_rules(app)) and len(crawled) >= 17
        assert "/board/<code>/members" in crawled and "/api/public/communities/<code>/members" in crawled
        households = personal_data_of_households(services)
        assert len(households) > 150 and len(households - secrets) < 5  # the demo's households are looked for too
        assert sum(1 for where in bodies if where.startswith("/api/transparency/entries?")) >= 1
        assert "/board/<code>" in crawled and "/api/public/communities/<code>/in-progress" in crawled
        assert sum(body.count("2026-0") for body in bodies.values()) > 300  # the petitions in progress are there
        assert "诸*" in bodies["lookup " + demo["code"]] or "诸葛孔明" not in bodies["lookup " + demo["code"]]
        leaks = {(where, secret) for where, body in bodies.items() for secret in secrets if secret in body}
        assert leaks == set()
        assert {secret for secret in secrets if secret in caplog.text} == set()


class TestThePublicBoard:
    def test_the_summary_and_a_communitys_board(self, demo):
        client = demo["app"].test_client()
        summary = client.get("/api/public/board").json
        services = demo["services"]
        received = [services.log.repository.get(i) for i in services.log.aggregate_ids_created_by(Petition.Received)]
        assert summary["totals"]["this_year"]["received"] == sum(p.received_at.year == START.year for p in received)
        board = client.get("/api/public/communities/jinhua/board?months=6&per_page=3").json
        assert len(board["statistics"]["months"]) == 6 and len(board["in_progress"]["items"]) == 3
        resolutions = client.get("/api/public/communities/jinhua/resolutions?per_page=100").json["items"]
        [resolution] = [r for r in resolutions if r["title"] == "小广场增设健身器材"]
        assert resolution["objections"] == 1 and resolution["days_left"] == 7
        assert resolution["tally"]["votes_for"] == 9

    def test_lists_are_paginated_and_filtered(self, demo):
        client = demo["app"].test_client()
        page = client.get("/api/public/communities/taoyuan/in-progress?per_page=2&page=2").json
        assert (page["page"], page["per_page"], len(page["items"])) == (2, 2, 2)
        escalated = client.get("/api/public/communities/taoyuan/in-progress?status=escalated&per_page=100").json
        assert escalated["total"] and {i["status"] for i in escalated["items"]} == {"escalated"}
        too_many = client.get("/api/public/communities/taoyuan/in-progress?per_page=101")
        assert too_many.status_code == 422 and "per_page" in too_many.json["fields"]
        assert client.get("/api/public/communities/atlantis/board").status_code == 404

    def test_the_board_pages(self, demo):
        client = demo["app"].test_client()
        wall = client.get("/board/jinhua").get_data(as_text=True)
        assert "金华社区 公开栏" in wall and "Public notice board" in wall
        assert wall.index("月度统计") < wall.index("Monthly statistics")
        assert "<svg" in wall and "data-rotate" in wall and '<script src="/static/pages.js">' in wall
        assert "location.reload" in client.get("/static/pages.js").get_data(as_text=True)
        assert "增设健身器材六件" in wall and 'name="viewport"' in wall
        own = demo["app"].config["PUBLIC_BASE_URL"]  # the verify hint names this site's own address
        assert own in wall
        assert "http://" not in wall.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(own, "")  # nothing from elsewhere
        index = client.get("/board").get_data(as_text=True)
        assert all(f"/board/{code}" in index for code in ("jinhua", "hepingli", "taoyuan", "xinglong"))
        assert client.get("/board/atlantis").status_code == 404


class TestTheLookup:
    def test_right_and_wrong_codes(self, demo):
        client = demo["app"].test_client()
        found = client.post("/api/public/lookup", json={"reference": demo["reference"], "tracking_code": demo["code"]},
                            environ_base={"REMOTE_ADDR": "7.7.7.7"})
        assert found.status_code == 200 and found.json["status"] == "received"
        assert [s["event"] for s in found.json["steps"]] == ["Received"]
        wrong = client.post("/api/public/lookup", json={"reference": demo["reference"], "tracking_code": "X"},
                            environ_base={"REMOTE_ADDR": "7.7.7.8"})
        unknown = client.post("/api/public/lookup", json={"reference": "2026-999999", "tracking_code": "X"},
                              environ_base={"REMOTE_ADDR": "7.7.7.9"})
        assert wrong.status_code == unknown.status_code == 404 and wrong.json == unknown.json

    def test_repeated_wrong_guesses_get_429_with_retry_after(self, demo):
        client = demo["app"].test_client()
        statuses = [
            client.post("/api/public/lookup", json={"reference": f"2026-00{n:04d}", "tracking_code": "X"},
                        environ_base={"REMOTE_ADDR": "8.8.8.8"}).status_code
            for n in range(6)
        ]
        assert statuses == [404] * 5 + [429]
        slowed = client.post("/api/public/lookup", json={"reference": "2026-000001", "tracking_code": "X"},
                             environ_base={"REMOTE_ADDR": "8.8.8.8"})
        assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
        assert slowed.json["error"] == "too_many_requests"


class TestStaffReads:
    def test_staff_reads_need_sign_in_and_the_right_role(self, services, app, community):
        client = app.test_client()
        for url in ("/api/desk/worklist", "/api/desk/workload", "/api/desk/search?q=2026", "/api/committee/agenda",
                    "/api/ledger", "/api/ledger/export.csv", "/api/ledger/export.xlsx"):
            assert client.get(url).status_code == 401, url
        desk = {"Authorization": f"Bearer {token_for(services, 'desk1', ['desk_staff'])}"}
        leader = {"Authorization": f"Bearer {token_for(services, 'leader1', ['leadership'])}"}
        assert client.get("/api/desk/worklist", headers=desk).status_code == 200
        assert client.get("/api/ledger", headers=desk).status_code == 403
        assert client.get("/api/ledger", headers=leader).status_code == 200
        assert client.get("/api/desk/worklist", headers=leader).status_code == 403

    def test_a_change_shows_on_the_next_read_with_after(self, client, community):
        receipt = client.post("/api/petitions", json=petition_fields(community)).json
        page = client.get(f"/api/desk/worklist?after={receipt['position']}").json
        assert page["position"] >= receipt["position"]
        [item] = page["items"]
        assert (item["reference"], item["petitioner_name"], item["status"]) == (receipt["reference"], "张三丰", "received")
        changed = client.post(f"/api/petitions/{receipt['reference']}/deadline", json={
            "working_days": 5, "responsible_member_id": community["handler"], "plan": "联系物业"}).json
        [item] = client.get(f"/api/desk/worklist?after={changed['position']}").json["items"]
        assert (item["status"], item["due_in_working_days"], item["member"]) == ("deadlined", 5, "李强")
        found = client.get(f"/api/desk/search?q=13800001234&after={changed['position']}").json
        assert [i["reference"] for i in found["items"]] == [receipt["reference"]]
        workload = client.get("/api/desk/workload?by=member").json["items"]
        assert [(w["id"], w["open"]) for w in workload] == [(community["handler"], 1)]

    def test_the_ledger_as_json_csv_and_excel(self, client, services, community):
        receipt = client.post("/api/petitions", json=petition_fields(community)).json
        client.post(f"/api/petitions/{receipt['reference']}/resolve-on-spot", json={"action": "当场联系保洁"})
        outcome = client.post(f"/api/petitions/{receipt['reference']}/follow-up", json={"satisfaction": "satisfied"}).json
        ledger = client.get(f"/api/ledger?by=member&period=year&after={outcome['position']}").json
        [row] = ledger["items"]
        assert (row["id"], row["received"], row["resolved_on_spot"], row["satisfaction_rate"]) == (
            community["desk"], 1, 1, 1.0)
        response = client.get("/api/ledger/export.csv?by=member&period=year")
        assert response.mimetype == "text/csv"
        assert re.search(r'filename="ledger-member-year\.csv"', response.headers["Content-Disposition"])
        assert "王芳" in response.get_data(as_text=True)
        book = openpyxl.load_workbook(io.BytesIO(client.get("/api/ledger/export.xlsx?by=member&period=year").data))
        assert book.active.title == "民情台帐 Ledger" and book.active["C2"].value == "王芳"

    def test_the_agenda_lists_matters_by_stage(self, client, services, community):
        opened = client.post("/api/matters", json={
            "community": "jinhua", "title": "小区停车规划", "description": "车位不足", "petitions": []})
        assert opened.status_code == 201, opened.json
        agenda = client.get(f"/api/committee/agenda?after={opened.json['position']}").json
        [stage] = agenda["stages"]
        assert stage["stage"] == "opened" and stage["matters"][0]["next_steps"] == ["open_solicitation"]
        assert client.get("/api/committee/agenda?stage=nonsense").status_code == 422

    def test_every_read_endpoint_is_in_the_openapi_document(self, client):
        paths = client.get("/api/openapi.json").json["paths"]
        for path in ("/api/public/board", "/api/public/statistics", "/api/public/communities/{code}/board",
                     "/api/public/communities/{code}/statistics", "/api/public/communities/{code}/in-progress",
                     "/api/public/communities/{code}/resolutions", "/api/public/communities/{code}/implementation",
                     "/api/public/lookup", "/api/desk/worklist", "/api/desk/workload", "/api/desk/search",
                     "/api/committee/agenda", "/api/ledger", "/api/ledger/export.csv", "/api/ledger/export.xlsx"):
            assert path in paths, path
        parameters = {p["name"] for p in paths["/api/desk/worklist"]["get"]["parameters"]}
        assert {"page", "per_page", "after", "member_id", "overdue"} <= parameters
