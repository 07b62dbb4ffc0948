"""Year-end reviews on the staff pages: gathered, the member's report, an evaluation recorded, rated;
the score stands in the table of the facts it is computed from."""

from __future__ import annotations

from tests.api.test_member_work_pages import page_client


def test_gather_report_evaluate_and_rate_on_the_page(app, services, community, clock):
    secretary = page_client(app, services, "chensec", ["committee_secretary"])
    member = page_client(app, services, "limember", ["handling_member"], community["handler"])
    clock.advance(days=60)
    services.projections.catch_up()
    assert secretary.post("/work/reviews/gather", data={"member_id": community["handler"], "year": "2026"}
                          ).status_code == 302
    [review] = services.reviews.list(year=2026)
    page = secretary.get("/work/reviews?year=2026")
    assert page.status_code == 200 and "汇总述职事实" in page.text
    assert '<table class="facts">' in page.text and f'class="score">{review["score"]["total"]}' in page.text
    empty = member.post(f"/work/reviews/{review['id']}/report", data={"report": "", "version": review["version"]})
    assert empty.status_code == 422
    assert member.post(f"/work/reviews/{review['id']}/report",
                       data={"report": "全年联系群众", "version": review["version"]}).status_code == 302
    assert secretary.post(f"/work/reviews/{review['id']}/record_evaluation",
                          data={"satisfaction": "satisfied", "source": "meeting"}).status_code == 302
    current = services.reviews.get(review["id"])
    bad = secretary.post(f"/work/reviews/{review['id']}/rate", data={"rating": "excellent", "reasons": "",
                                                                       "version": current["version"]})
    assert bad.status_code == 422 and "理由" in bad.text
    assert secretary.post(f"/work/reviews/{review['id']}/rate", data={
        "rating": "excellent", "reasons": "群众满意", "version": current["version"]}).status_code == 302
    assert services.reviews.get(review["id"])["rating"] == "excellent"
    assert "群众满意" in secretary.get("/work/reviews?year=2026").text
