"""Commitments and questionnaires over HTTP: status codes and exact error bodies."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import token_for


def signed_in(app, services, username, roles, **account):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, username, roles, **account)
    return client


class TestCommitmentsOverHttp:
    def test_made_approved_shown_reported_evaluated_and_concluded(self, app, services, community, clock,
                                                                  anonymous_client):
        member = signed_in(app, services, "li", ["handling_member"], member_id=community["handler"])
        secretary = signed_in(app, services, "chen", ["committee_secretary"])
        made = member.post("/api/commitments", json={"year": 2026, "text": "为3号楼加装声控灯",
                                                      "visible_result": "每层楼道有灯", "target_date": "2026-11-30"})
        assert made.status_code == 201 and made.json["stage"] == "proposed"
        commitment = made.json["id"]
        assert anonymous_client.get("/api/public/communities/jinhua/commitments?year=2026").json == []
        approved = secretary.post(f"/api/commitments/{commitment}/approval")
        assert approved.status_code == 200 and approved.json["stage"] == "approved"
        [shown] = anonymous_client.get("/api/public/communities/jinhua/commitments?year=2026").json
        assert shown["text"] == "为3号楼加装声控灯"
        early = member.post(f"/api/commitments/{commitment}/report", json={"report": "已完成"})
        assert early.status_code == 422
        assert early.json == {"error": "invalid_input",
                              "message": "report: the report (述诺) is made at the year's end, from 2026-11-01",
                              "fields": {"report": ["the report (述诺) is made at the year's end, from 2026-11-01"]}}
        clock.advance(days=45)
        assert member.post(f"/api/commitments/{commitment}/report", json={"report": "已完成"}).status_code == 200
        codes = secretary.post(f"/api/commitments/{commitment}/evaluation-codes", json={"count": 2})
        assert codes.status_code == 201 and len(codes.json["codes"]) == 2
        for _ in range(2):
            given = anonymous_client.post(f"/api/public/commitments/{commitment}/evaluations",
                                          json={"code": codes.json["codes"][0], "satisfaction": "satisfied"})
            assert given.status_code == 201
        assert given.json["evaluation_summary"]["total"] == 1
        wrong = anonymous_client.post(f"/api/public/commitments/{commitment}/evaluations",
                                      json={"code": "ZZZZZZZZ", "satisfaction": "satisfied"})
        assert wrong.status_code == 422
        assert wrong.json["fields"] == {"code": ["is not a valid code for this"]}
        concluded = secretary.post(f"/api/commitments/{commitment}/conclusion",
                                   json={"outcome": "fulfilled", "reason": "按期装好"})
        assert concluded.json["stage"] == "concluded"
        again = secretary.post(f"/api/commitments/{commitment}/approval")
        assert again.status_code == 409
        assert again.json == {"error": "illegal_step", "message": "cannot approve a commitment that is concluded",
                              "state": "concluded", "allowed_steps": [], "version": 6}

    def test_roles_and_communities(self, app, services, community):
        leader = signed_in(app, services, "zhao", ["leadership"])
        made = leader.post("/api/commitments", json={"year": 2026, "text": "x", "visible_result": "y",
                                                      "target_date": "2026-11-30"})
        assert made.status_code == 403
        assert leader.get("/api/commitments?community=heping").status_code == 403
        unknown = leader.get("/api/commitments/00000000-0000-0000-0000-000000000000")
        assert unknown.status_code == 404


class TestQuestionnairesOverHttp:
    def test_drafted_opened_answered_by_residents_once_and_fed_back(self, app, services, community, clock,
                                                                     anonymous_client):
        secretary = signed_in(app, services, "chen", ["committee_secretary"])
        desk = signed_in(app, services, "wang", ["desk_staff"], member_id=community["desk"])
        today = clock.now().date()
        drafted = secretary.post("/api/questionnaires", json={
            "community": "jinhua", "title": "小区停车意见", "anonymous": True,
            "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=10)).isoformat(),
            "questions": [{"kind": "single_choice", "text": "是否支持划线停车？", "options": ["支持", "反对"]},
                          {"kind": "rating", "text": "对现状打分"}]})
        assert drafted.status_code == 201, drafted.json
        questionnaire = drafted.json["id"]
        assert anonymous_client.get(f"/api/public/questionnaires/{questionnaire}").status_code == 404
        secretary.post(f"/api/questionnaires/{questionnaire}/opening")
        form = anonymous_client.get(f"/api/public/questionnaires/{questionnaire}").json
        assert [q["text"] for q in form["questions"]] == ["是否支持划线停车？", "对现状打分"]
        [code] = secretary.post(f"/api/questionnaires/{questionnaire}/answer-codes", json={"count": 1}).json["codes"]
        for _ in range(2):
            sent = anonymous_client.post(f"/api/public/questionnaires/{questionnaire}/answers",
                                         json={"code": code, "answers": {"0": 0, "1": 4}})
            assert sent.status_code == 201 and sent.json["number"] == 1
        recorded = desk.post(f"/api/questionnaires/{questionnaire}/answers",
                             json={"answers": {"0": 1}, "contact_point_id": community["contact_point"]})
        assert recorded.status_code == 201 and recorded.json["number"] == 2
        bad = desk.post(f"/api/questionnaires/{questionnaire}/answers", json={"answers": {"1": 9}})
        assert bad.status_code == 422 and bad.json["fields"] == {"answers.1": ["rate from 1 to 5"]}
        secretary.post(f"/api/questionnaires/{questionnaire}/closing")
        secretary.post(f"/api/questionnaires/{questionnaire}/feedback", json={"feedback": "将在东侧划线停车位"})
        [published] = anonymous_client.get("/api/public/communities/jinhua/questionnaires").json
        assert [o["count"] for o in published["results"][0]["options"]] == [1, 1]
        assert published["feedback"] == "将在东侧划线停车位"

    def test_the_openapi_document_describes_them(self, client):
        paths = client.get("/api/openapi.json").json["paths"]
        for path in ("/api/commitments", "/api/questionnaires/{questionnaire_id}/answers",
                     "/api/public/questionnaires/{questionnaire_id}/answers",
                     "/api/public/commitments/{commitment_id}/evaluations"):
            assert path in paths, path


def test_a_client_guessing_codes_is_slowed_down(app, services, community, clock, anonymous_client):
    secretary = signed_in(app, services, "chen", ["committee_secretary"])
    today = clock.now().date()
    drafted = secretary.post("/api/questionnaires", json={
        "community": "jinhua", "title": "意见征集", "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=3)).isoformat(),
        "questions": [{"kind": "free_text", "text": "您的建议"}]}).json
    secretary.post(f"/api/questionnaires/{drafted['id']}/opening")
    secretary.post(f"/api/questionnaires/{drafted['id']}/answer-codes", json={"count": 1})
    statuses = [anonymous_client.post(f"/api/public/questionnaires/{drafted['id']}/answers",
                                      json={"code": f"GUESS{n:03d}", "answers": {"0": "x"}}).status_code
                for n in range(7)]
    assert statuses[:5] == [422] * 5 and statuses[-1] == 429


def test_a_year_end_review_over_http(app, services, community, clock, anonymous_client):
    secretary = signed_in(app, services, "chen", ["committee_secretary"])
    member = signed_in(app, services, "li", ["handling_member"], member_id=community["handler"])
    early = secretary.post("/api/reviews", json={"member_id": community["handler"], "year": 2026})
    assert early.status_code == 422
    assert early.json["fields"] == {"year": ["the review of 2026 is gathered from 2026-11-01"]}
    clock.advance(days=60)
    gathered = secretary.post("/api/reviews", json={"member_id": community["handler"], "year": 2026})
    assert gathered.status_code == 201 and gathered.json["stage"] == "gathered"
    review = gathered.json["id"]
    assert gathered.json["score"]["total"] == 100.0  # nothing to measure yet: every part counts in full
    assert member.post(f"/api/reviews/{review}/report", json={"report": "述职报告"}).status_code == 200
    [code] = secretary.post(f"/api/reviews/{review}/evaluation-codes", json={"count": 1}).json["codes"]
    for _ in range(2):
        given = anonymous_client.post(f"/api/public/reviews/{review}/evaluations",
                                      json={"code": code, "satisfaction": "basically_satisfied"})
        assert given.status_code == 201 and given.json["total"] == 1
    rated = secretary.post(f"/api/reviews/{review}/rating", json={"rating": "competent", "reasons": "基本完成"})
    assert rated.json["rating"] == "competent"
    [shown] = anonymous_client.get("/api/public/communities/jinhua/reviews?year=2026").json
    assert shown["rating"] == "competent" and set(shown) == {"member", "year", "rating", "evaluation_summary"}
    assert anonymous_client.get("/api/public/communities/nowhere/reviews").status_code == 404
    assert anonymous_client.get("/api/public/communities/nowhere/commitments").status_code == 404
    assert anonymous_client.get("/api/public/communities/nowhere/questionnaires").status_code == 404


def test_a_repeated_request_saves_once(app, services, community, clock):
    member = signed_in(app, services, "li", ["handling_member"], member_id=community["handler"])
    body = {"year": 2026, "text": "声控灯", "visible_result": "每层有灯", "target_date": "2026-11-30"}
    first = member.post("/api/commitments", json=body, headers={"Idempotency-Key": "make-1"})
    again = member.post("/api/commitments", json=body, headers={"Idempotency-Key": "make-1"})
    assert first.status_code == again.status_code == 201 and first.json["id"] == again.json["id"]
    assert len(member.get("/api/commitments").json) == 1
    other = member.post("/api/commitments", json={**body, "text": "别的"}, headers={"Idempotency-Key": "make-1"})
    assert other.status_code == 422 and other.json["fields"] == {"Idempotency-Key": ["was already used for a different request"]}
