"""A resident at phone size answers a questionnaire from its QR code's address, submits twice and
is counted once; the board shows the result once the committee has fed it back."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import screenshot

PHONE = {"width": 390, "height": 844}


def test_a_resident_answers_once_and_sees_the_feedback_on_the_board(browser, server, live_services, clock):
    services = live_services
    services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("jinhua", name="第一网格", area="1-5栋", actor="admin")
    today = clock.now().date()
    drafted = services.questionnaires.draft(
        community="jinhua", contact_point_id=point["id"], title="小区停车意见征集", anonymous=True,
        opens_on=today, closes_on=today + timedelta(days=14), actor="chen",
        questions=[{"kind": "single_choice", "text": "是否支持划线停车？", "options": ["支持", "反对"]},
                   {"kind": "free_text", "text": "其他建议", "options": []}])
    services.questionnaires.open(drafted["id"], actor="chen")
    [code] = services.questionnaires.issue_answer_codes(drafted["id"], count=1, actor="chen")

    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    notice = page.goto(f"{server}/board/questionnaires/{drafted['id']}/notice")
    assert notice.status == 200
    expect(page.locator("#notice svg")).to_be_visible()  # the QR code on the paper notice
    address = page.locator("#notice code").inner_text()
    path = f"/board/questionnaires/{drafted['id']}"
    assert address.endswith(path)  # the configured public base URL, then the page
    page.goto(server + path)
    expect(page.locator("h1")).to_have_text("小区停车意见征集")
    page.get_by_label("支持").check()
    page.fill("textarea[name=q1]", "希望东门多划几个车位")
    page.fill("#code", code.lower())  # typed on a phone keyboard
    screenshot(page, "resident-questionnaire-phone")
    page.click("button[type=submit]")
    expect(page.locator("#thanks")).to_contain_text("第 1 份")
    page.go_back()  # back to the form, and sent again with the same slip
    page.get_by_label("支持").check()
    page.fill("#code", code)
    page.click("button[type=submit]")
    expect(page.locator("#thanks")).to_contain_text("第 1 份")
    screenshot(page, "resident-questionnaire-thanks-phone")
    assert services.questionnaires.get(drafted["id"])["answers"] == 1

    services.questionnaires.close(drafted["id"], actor="chen")
    board = page.goto(f"{server}/board/jinhua")
    assert board.status == 200
    expect(page.locator("#questionnaires")).to_contain_text("暂无反馈的问卷")
    services.questionnaires.publish_feedback(drafted["id"], feedback="东门将新增划线车位12个", actor="chen")
    page.goto(f"{server}/board/jinhua?rotate=120")
    section = page.locator("#questionnaires")
    section.scroll_into_view_if_needed()
    expect(section).to_contain_text("支持 1")
    expect(section).to_contain_text("东门将新增划线车位12个")
    expect(section).to_contain_text("其他建议：1 条意见")
    assert "希望东门多划几个车位" not in page.content()  # free text is for staff, not the wall
    screenshot(page, "board-questionnaire-results-phone")
    context.close()
