"""Members' commitments, questionnaire results and year-end ratings are disclosed in the public record
like resolutions: one entry each, in log order, and the verifier accepts the log with them."""

from __future__ import annotations

import json
from datetime import date, timedelta


def test_commitments_questionnaire_results_and_ratings_are_entries(services, clock, community, verifier):
    member = community["handler"]
    made = services.commitments.make(year=2026, text="为3号楼加装声控灯", visible_result="每层楼道有灯",
                                     target_date=date(2026, 11, 30), member_id=member, actor="li")
    services.commitments.approve(made["id"], actor="chen")
    today = clock.now().date()
    drafted = services.questionnaires.draft(
        community="jinhua", title="停车意见", anonymous=True, opens_on=today, closes_on=today + timedelta(days=5),
        questions=[{"kind": "single_choice", "text": "支持划线停车吗？", "options": ["支持", "反对"]},
                   {"kind": "free_text", "text": "建议", "options": []}], actor="chen")
    services.questionnaires.open(drafted["id"], actor="chen")
    services.questionnaires.answer(drafted["id"], answers={"0": 0, "1": "东门太挤"}, actor="wang")
    services.questionnaires.close(drafted["id"], actor="chen")
    services.questionnaires.publish_feedback(drafted["id"], feedback="东门新增车位", actor="chen")
    clock.advance(days=60)
    services.commitments.report(made["id"], report="装好了", actor="li")
    services.commitments.record_evaluation(made["id"], satisfaction="satisfied", comment="", source="meeting",
                                           actor="wang")
    services.commitments.conclude(made["id"], outcome="fulfilled", reason="现场核实", actor="chen")
    services.projections.catch_up()
    review = services.reviews.gather(member_id=member, year=2026, actor="chen")
    services.reviews.report(review["id"], report="述职", actor="li")
    services.reviews.record_evaluation(review["id"], satisfaction="basically_satisfied", source="meeting", actor="w")
    services.reviews.rate(review["id"], rating="competent", reasons="完成任务", actor="chen")
    services.projections.catch_up()

    listed = services.transparency.entries(start=1, limit=1000)["entries"]
    bodies = [e["content"] for e in listed]
    kinds = [b["kind"] for b in bodies]
    assert kinds.count("commitment_shown") == 1 and kinds.count("commitment_concluded") == 1
    assert kinds.count("questionnaire_results") == 1 and kinds.count("review_rated") == 1
    assert kinds.index("commitment_shown") < kinds.index("commitment_concluded") < kinds.index("review_rated")
    [shown] = [b for b in bodies if b["kind"] == "commitment_shown"]
    assert (shown["text"], shown["member"], shown["community"]) == ("为3号楼加装声控灯", member, "jinhua")
    [results] = [b for b in bodies if b["kind"] == "questionnaire_results"]
    assert results["results"][0]["options"] == [{"option": "支持", "count": 1}, {"option": "反对", "count": 0}]
    assert "东门太挤" not in json.dumps(results, ensure_ascii=False)  # free text stays with the staff
    [rated] = [b for b in bodies if b["kind"] == "review_rated"]
    assert rated["rating"] == "competent" and rated["evaluation"]["basically_satisfied"] == 1
    run = verifier()
    assert run.run(), run.problems
