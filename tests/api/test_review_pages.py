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


def reported_review(services, community, clock):
    clock.advance(days=60)
    services.projections.catch_up()
    review = services.reviews.gather(member_id=community["handler"], year=2026, actor="chensec")
    services.reviews.report(review["id"], report="全年走访二十四次，帮扶两户", actor="limember")
    return review


def test_a_resident_evaluates_a_members_year_once_from_its_public_page(app, services, community, clock):
    review = reported_review(services, community, clock)
    secretary = page_client(app, services, "chensec", ["committee_secretary"])
    issued = secretary.post(f"/work/reviews/{review['id']}/issue_evaluation_codes", data={"count": "2"})
    assert issued.status_code == 201 and issued.text.count("<code>") == 2
    assert f"/board/reviews/{review['id']}/notice" in issued.text
    code = issued.text.split("<li><code>")[1].split("</code>")[0]
    resident = app.test_client()
    page = resident.get(f"/board/reviews/{review['id']}/evaluation")
    assert page.status_code == 200 and "全年走访二十四次" in page.text and 'name="code"' in page.text
    wrong = resident.post(f"/board/reviews/{review['id']}/evaluation", data={"satisfaction": "satisfied",
                                                                             "code": "NOT-A-CODE"})
    assert wrong.status_code == 422
    for _ in range(2):  # sent twice: counted once
        sent = resident.post(f"/board/reviews/{review['id']}/evaluation",
                             data={"satisfaction": "satisfied", "code": code.lower()})
        assert sent.status_code == 200 and 'id="thanks"' in sent.text
    assert services.reviews.get(review["id"])["evaluation_summary"]["satisfied"] == 1
    notice = resident.get(f"/board/reviews/{review['id']}/notice")
    assert notice.status_code == 200 and "<svg" in notice.text
    assert f"/board/reviews/{review['id']}/evaluation" in notice.text


def test_a_review_not_yet_reported_has_no_public_page(app, services, community, clock):
    clock.advance(days=60)
    services.projections.catch_up()
    review = services.reviews.gather(member_id=community["handler"], year=2026, actor="chensec")
    assert app.test_client().get(f"/board/reviews/{review['id']}/evaluation").status_code == 404
    assert app.test_client().get(f"/board/reviews/{review['id']}/notice").status_code == 404
