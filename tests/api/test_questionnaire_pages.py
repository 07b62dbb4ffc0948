"""The secretary's questionnaire pages: draft with questions (what was typed kept on an error), open,
codes, results per contact point with free-text answers, close, feedback."""

from __future__ import annotations

from service.permissions import Principal
from tests.api.test_member_work_pages import page_client


def test_the_secretary_drafts_opens_counts_and_feeds_back(app, services, community):
    secretary = page_client(app, services, "chensec", ["committee_secretary"])
    assert "问卷" in secretary.get("/work/questionnaires").text
    form = {"title": "楼道照明满意度", "opens_on": "2026-09-21", "closes_on": "2026-10-20", "anonymous": "1",
            "q0_kind": "single_choice", "q0_text": "楼道灯好用吗", "q0_options": "好用；不好用",
            "q1_kind": "free_text", "q1_text": "还有什么建议", "q1_options": ""}
    refused = secretary.post("/work/questionnaires", data={**form, "closes_on": ""})
    assert refused.status_code == 422 and "楼道灯好用吗" in refused.text and "好用；不好用" in refused.text
    drafted = secretary.post("/work/questionnaires", data=form)
    assert drafted.status_code == 302
    [listed] = services.questionnaires.list(community="jinhua")
    qid = listed["id"]
    page = secretary.get(f"/work/questionnaires/{qid}")
    assert "楼道照明满意度" in page.text and "/notice" not in page.text
    assert secretary.post(f"/work/questionnaires/{qid}/open", data={"version": listed["version"]}).status_code == 302
    codes = secretary.post(f"/work/questionnaires/{qid}/issue_answer_codes", data={"count": "2"})
    assert codes.status_code == 201 and codes.text.count("<code>") == 2
    assert f"/board/questionnaires/{qid}/notice" in codes.text
    services.questionnaires.answer(qid, answers={"0": 0, "1": "希望装感应灯"}, contact_point_id=community["contact_point"],
                                   actor="chen")
    results = secretary.get(f"/work/questionnaires/{qid}?contact_point_id={community['contact_point']}")
    assert "希望装感应灯" in results.text
    current = services.questionnaires.get(qid)
    assert secretary.post(f"/work/questionnaires/{qid}/close", data={"version": current["version"]}).status_code == 302
    empty = secretary.post(f"/work/questionnaires/{qid}/publish_feedback", data={"feedback": ""})
    assert empty.status_code == 422
    current = services.questionnaires.get(qid)
    assert secretary.post(f"/work/questionnaires/{qid}/publish_feedback",
                          data={"feedback": "已安排更换感应灯", "version": current["version"]}).status_code == 302
    assert services.questionnaires.get(qid)["stage"] == "fed_back"


def test_a_member_records_an_answer_sheet_during_a_visit_once_even_sent_twice(app, services, community, clock):
    services.contact_points.assign(community["handler"], contact_point_id=community["other_contact_point"],
                                   compounds=["和风小区"], actor="chensec")
    today = clock.now().date()
    drafted = services.questionnaires.draft(
        community="jinhua", title="小区停车意见征集", anonymous=True, opens_on=today, closes_on=today, actor="chensec",
        questions=[{"kind": "single_choice", "text": "是否支持划线停车？", "options": ["支持", "反对"]},
                   {"kind": "multiple_choice", "text": "希望改善哪些方面", "options": ["停车", "绿化", "照明"]},
                   {"kind": "free_text", "text": "其他建议", "options": []}])
    qid = drafted["id"]
    member = page_client(app, services, "limember", ["handling_member"], community["handler"])
    draft_page = member.get(f"/work/questionnaires/{qid}")
    assert draft_page.status_code == 200 and 'id="answer-form"' not in draft_page.text  # not open yet
    services.questionnaires.open(qid, actor="chensec")
    page = member.get(f"/work/questionnaires/{qid}")
    assert 'id="answer-form"' in page.text and 'name="q1" value="2"' in page.text
    visit = services.visits.seen_by(Principal("limember", "李强", ("handling_member",), "jinhua", community["handler"])
                                    ).record(visited_on=today, form="home_visit", people_met=3, learned="停车难",
                                             actor="limember")
    services.projections.catch_up()
    at_the_door = member.get(f"/visits/{visit['id']}")  # from the visit to the answer sheet
    assert f"/work/questionnaires/{qid}#answer" in at_the_door.text
    empty = member.post(f"/work/questionnaires/{qid}/answer", data={"idempotency_key": "sheet-1"})
    assert empty.status_code == 422 and 'id="answer-form"' in empty.text
    sheet = {"idempotency_key": "sheet-1", "contact_point_id": community["other_contact_point"], "q0": "0",
             "q1": ["0", "2"], "q2": "东门多划几个车位"}
    first = member.post(f"/work/questionnaires/{qid}/answer", data=sheet)
    again = member.post(f"/work/questionnaires/{qid}/answer", data=sheet)  # the phone sent it twice
    assert first.status_code == again.status_code == 302
    found = services.questionnaires.get(qid)
    assert found["answers"] == 1
    assert [(s["source"], s["contact_point_id"]) for s in found["sheets"]] == [
        ("member_visit", community["other_contact_point"])]
    assert found["results"][1]["options"] == [{"option": "停车", "count": 1}, {"option": "绿化", "count": 0},
                                               {"option": "照明", "count": 1}]
    committee = page_client(app, services, "liucom", ["committee_member"])
    assert member.post(f"/work/questionnaires/{qid}/answer", data={**sheet, "idempotency_key": "sheet-2"}
                       ).status_code == 302
    assert services.questionnaires.get(qid)["answers"] == 2
    assert committee.get(f"/work/questionnaires/{qid}").status_code == 200
