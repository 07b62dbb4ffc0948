"""The secretary's questionnaire pages: draft with questions (what was typed kept on an error), open,
codes, results per contact point with free-text answers, close, feedback."""

from __future__ import annotations

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
