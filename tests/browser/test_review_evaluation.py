"""A resident at phone size opens a member's year-end review from its notice's QR address, evaluates it
with the slip's one-time code, sends it twice and is counted once; the page reads as Chinese."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.daily import SIZES, assert_reads_as_chinese, screenshots, set_up


def test_a_resident_evaluates_a_members_year_on_a_phone(browser, server, live_services, clock):
    services = live_services
    people = set_up(services)
    clock.set(clock.now() + timedelta(days=60))  # November: the year's reviews are gathered
    services.projections.catch_up()
    review = services.reviews.gather(member_id=people["handler"], year=clock.now().year, actor="chen")
    services.reviews.report(review["id"], report="全年走访联系点二十四次，结对帮扶两户，办理群众诉求十二件。",
                            actor="chen")
    [code] = services.reviews.issue_evaluation_codes(review["id"], count=1, actor="chen")

    width, height = SIZES["phone"]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, is_mobile=True)
    page = context.new_page()
    assert page.goto(f"{server}/board/reviews/{review['id']}/notice").status == 200
    expect(page.locator("#notice svg")).to_be_visible()  # the QR code on the paper notice
    address = page.locator("#notice code").inner_text()
    path = f"/board/reviews/{review['id']}/evaluation"
    assert address.endswith(path)  # the configured public base URL, then the page
    page.goto(server + path)
    expect(page.locator("h1")).to_have_text("评议党员年度述职")
    expect(page.locator("body")).to_contain_text("李强")
    expect(page.locator("body")).to_contain_text("全年走访联系点二十四次")
    assert_reads_as_chinese(page)
    page.get_by_label("满意", exact=True).check()
    page.fill("#code", "WRONG-CODE")
    page.click("button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("此评议码不适用于本次述职评议")
    assert_reads_as_chinese(page)
    page.get_by_label("满意", exact=True).check()
    page.fill("#code", code.lower())  # typed on a phone keyboard
    screenshots(page, "resident-review-evaluation")
    page.click("button[type=submit]")
    expect(page.locator("#thanks")).to_be_visible()
    page.goto(server + path)  # the form again, sent again with the same slip
    page.get_by_label("满意", exact=True).check()
    page.fill("#code", code)
    page.click("button[type=submit]")
    expect(page.locator("#thanks")).to_be_visible()
    screenshots(page, "resident-review-evaluation-thanks")
    assert services.reviews.get(review["id"])["evaluation_summary"]["satisfied"] == 1
    context.close()
